package httpapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
)

// dayJSON is a day of the working-day calendar as the API shows it.
type dayJSON struct {
	Date        string `json:"date"`
	Weekday     string `json:"weekday"`
	WeekdayZH   string `json:"weekday_zh"`
	Workday     bool   `json:"workday"`
	Kind        string `json:"kind"`
	Holiday     string `json:"holiday,omitempty"`
	HolidayEN   string `json:"holiday_en,omitempty"`
	NoticeYear  int    `json:"notice_year,omitempty"`
	NoticeTitle string `json:"notice_title,omitempty"`
	NoticeURL   string `json:"notice_url,omitempty"`
	Provisional bool   `json:"provisional"`
	ZH          string `json:"zh"`
	EN          string `json:"en"`
}

func dayOf(d calendar.DayInfo) dayJSON {
	return dayJSON{
		Date:        d.Date.Format(time.DateOnly),
		Weekday:     d.Weekday.String(),
		WeekdayZH:   calendar.WeekdayZh(d.Weekday),
		Workday:     d.Workday,
		Kind:        d.Kind.String(),
		Holiday:     d.Holiday,
		HolidayEN:   d.HolidayEn,
		NoticeYear:  d.NoticeYear,
		NoticeTitle: d.NoticeTitle,
		NoticeURL:   d.NoticeURL,
		Provisional: d.Provisional,
		ZH:          d.Zh(),
		EN:          d.En(),
	}
}

// getDay explains one civil date: GET /v1/calendar/days/{date}.
func (s *Server) getDay(w http.ResponseWriter, r *http.Request, _ lifecycle.Actor) error {
	if p := checkQuery(r); p != nil {
		return p
	}
	v := r.PathValue("date")
	t, err := calendar.ParseDate(v)
	if err != nil {
		return badParam("date", fmt.Sprintf("%q 不是有效的 YYYY-MM-DD 日期", v),
			fmt.Sprintf("%q is not a valid YYYY-MM-DD date", v))
	}
	info, err := s.cal.Explain(t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dayOf(info))
	return nil
}

// maxDeadlineWorkdays bounds the workdays of a deadline query: no
// deadline of the measure is longer than a few weeks, and a year of
// working days is already far beyond any.
const maxDeadlineWorkdays = 366

// getDeadline computes a deadline in working days:
// GET /v1/calendar/deadline?from=YYYY-MM-DD&workdays=N.
func (s *Server) getDeadline(w http.ResponseWriter, r *http.Request, _ lifecycle.Actor) error {
	if p := checkQuery(r, "from", "workdays"); p != nil {
		return p
	}
	from, ok, p := queryDate(r, "from")
	if p != nil {
		return p
	}
	if !ok {
		return badParam("from", "缺少起算日期（YYYY-MM-DD）", "the start date (YYYY-MM-DD) is required")
	}
	n, ok, p := queryInt(r, "workdays", 0, maxDeadlineWorkdays)
	if p != nil {
		return p
	}
	if !ok {
		return badParam("workdays", "缺少工作日数", "the number of working days is required")
	}
	d, err := s.cal.Deadline(from, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, deadlineOf(d))
	return nil
}

// deadlineJSON is a deadline in working days as the API shows it.
type deadlineJSON struct {
	From        string        `json:"from"`
	Workdays    int           `json:"workdays"`
	Due         string        `json:"due"`
	DueWeekday  string        `json:"due_weekday"`
	Holidays    []holidayJSON `json:"holidays"`
	MakeupDays  []dayJSON     `json:"makeup_days"`
	WeekendDays int           `json:"weekend_days"`
	Notices     []noticeJSON  `json:"notices"`
	Provisional bool          `json:"provisional"`
	ZH          string        `json:"zh"`
	EN          string        `json:"en"`
}

type holidayJSON struct {
	Name        string `json:"name"`
	NameEN      string `json:"name_en,omitempty"`
	First       string `json:"first"`
	Last        string `json:"last"`
	Days        int    `json:"days"`
	NoticeYear  int    `json:"notice_year"`
	Provisional bool   `json:"provisional"`
}

type noticeJSON struct {
	Year      int      `json:"year"`
	Title     string   `json:"title,omitempty"`
	Papers    []string `json:"papers,omitempty"`
	Projected bool     `json:"projected"`
}

func deadlineOf(d calendar.Deadline) deadlineJSON {
	out := deadlineJSON{
		From:        d.From.Format(time.DateOnly),
		Workdays:    d.Workdays,
		Due:         d.Due.Format(time.DateOnly),
		DueWeekday:  d.Due.Weekday().String(),
		Holidays:    []holidayJSON{},
		MakeupDays:  []dayJSON{},
		WeekendDays: d.WeekendDays,
		Notices:     []noticeJSON{},
		Provisional: d.Provisional,
		ZH:          d.Zh(),
		EN:          d.En(),
	}
	for _, h := range d.Holidays {
		out.Holidays = append(out.Holidays, holidayJSON{
			Name: h.Name, NameEN: h.NameEn,
			First: h.First.Format(time.DateOnly), Last: h.Last.Format(time.DateOnly),
			Days: h.Days, NoticeYear: h.NoticeYear, Provisional: h.Provisional,
		})
	}
	for _, m := range d.MakeupDays {
		out.MakeupDays = append(out.MakeupDays, dayOf(m))
	}
	for _, n := range d.Notices {
		out.Notices = append(out.Notices, noticeJSON{Year: n.Year, Title: n.Title, Papers: n.Papers, Projected: n.Projected})
	}
	return out
}
