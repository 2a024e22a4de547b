package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/govit-cn/govit/calendar"
)

type deadlineView struct {
	From        string
	Days        string
	Due         string
	Explanation string
	Error       string
	Provisional bool
}

// maxCalcDays bounds the calculator's count.
const maxCalcDays = 366

// deadline is the working-day calculator: a date and a number of working
// days give the due date, with the holidays and makeup days crossed. It
// changes nothing, so it is a GET form.
func (c *Console) deadline(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.newPage(r, s, "deadline")
	q := r.URL.Query()
	v := &deadlineView{From: strings.TrimSpace(q.Get("from")), Days: strings.TrimSpace(q.Get("days"))}
	if v.From == "" {
		v.From = c.today().Format(time.DateOnly)
	}
	if v.Days == "" {
		v.Days = "7"
	}
	status := http.StatusOK
	if q.Has("from") || q.Has("days") {
		from, ferr := calendar.ParseDate(v.From)
		n, nerr := strconv.Atoi(v.Days)
		switch {
		case ferr != nil:
			v.Error = p.Msg("起算日须写作 YYYY-MM-DD", "the start date must be written YYYY-MM-DD")
		case nerr != nil || n < -maxCalcDays || n > maxCalcDays:
			v.Error = p.Msg("工作日数须为 -366 到 366 之间的整数", "the working days must be a whole number from -366 to 366")
		default:
			d, err := c.cal.Deadline(from, n)
			if err != nil {
				v.Error = p.Msg("该年度的节假日安排尚未公布，无法计算。", "The holiday schedule of that year is not published; no date can be given.")
			} else {
				v.Due = d.Due.Format(time.DateOnly) + " " + p.Msg(calendar.WeekdayZh(d.Due.Weekday()), d.Due.Weekday().String())
				v.Explanation = p.Msg(d.Zh(), d.En())
				v.Provisional = d.Provisional
			}
		}
		if v.Error != "" {
			status = http.StatusUnprocessableEntity
		}
	}
	p.Data = v
	c.render(w, status, "deadline", p)
}

func itoa(i int) string { return strconv.Itoa(i) }
