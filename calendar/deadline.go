package calendar

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Deadline is a date counted in working days, with what the count passed
// over, so that a notice to a user can say why the date falls where it
// does. It serves the deadlines of 第十二条 (file a contract within 7 working
// days of signing), 第十五条 (archive within 10 working days of acceptance)
// and any other period the rulebook counts in working days.
type Deadline struct {
	// From is day 0 (the day of the event) at midnight, Beijing time.
	From time.Time
	// Workdays is the number of working days counted (negative counts
	// back).
	Workdays int
	// Due is the working day reached, at midnight, Beijing time.
	Due time.Time
	// Holidays are the runs of days off arranged by the notices that the
	// count passed over (between From and Due, From excluded), in date
	// order.
	Holidays []HolidaySpan
	// MakeupDays are the weekend days made working days (调休上班) that
	// the count included.
	MakeupDays []DayInfo
	// WeekendDays is the number of other Saturdays and Sundays passed
	// over.
	WeekendDays int
	// Notices are the notices (or projections) governing the days
	// counted, ascending by year.
	Notices []Notice
	// Provisional is true when any day counted rests on the projection of
	// a year with no published notice.
	Provisional bool
}

// HolidaySpan is a run of consecutive days off a notice arranges for one
// holiday.
type HolidaySpan struct {
	// Name and NameEn name the holiday.
	Name, NameEn string
	// First and Last are the run's first and last days.
	First, Last time.Time
	// Days is the number of days in the run.
	Days int
	// NoticeYear is the year of the notice arranging it.
	NoticeYear int
	// Provisional is true for a projected run.
	Provisional bool
}

// Deadline counts n working days from the Beijing date of from as
// AddWorkdays does and reports the due date with the holidays, makeup
// working days and weekends the count passed over. Errors are those of
// AddWorkdays.
func (c *Calendar) Deadline(from time.Time, n int) (Deadline, error) {
	due, err := c.AddWorkdays(from, n)
	if err != nil {
		return Deadline{}, err
	}
	d0, d1 := dayOf(from), dayOf(due)
	dl := Deadline{From: dayTime(d0), Workdays: n, Due: due}
	lo, hi := d0+1, d1 // days passed: (from, due] forward, [due, from) back
	if n < 0 {
		lo, hi = d1, d0-1
	}
	noticeYears := map[int]bool{}
	for y := yearOf(min(d0, d1)); y <= yearOf(max(d0, d1)); y++ {
		noticeYears[y] = true
	}
	listedOff := 0
	if lo <= hi {
		dl.Provisional = c.provisionalRange(lo-c.base, hi-c.base)
		k, _ := slices.BinarySearchFunc(c.entries, lo, func(e entry, d int) int { return e.day - d })
		for ; k < len(c.entries) && c.entries[k].day <= hi; k++ {
			e := c.entries[k]
			noticeYears[e.notice] = true
			if !e.off {
				dl.MakeupDays = append(dl.MakeupDays, c.explainIndex(e.day-c.base))
				continue
			}
			listedOff++
			if m := len(dl.Holidays); m > 0 {
				last := &dl.Holidays[m-1]
				if last.Name == e.name && last.NoticeYear == e.notice && dayOf(last.Last) == e.day-1 {
					last.Last = dayTime(e.day)
					last.Days++
					continue
				}
			}
			dl.Holidays = append(dl.Holidays, HolidaySpan{
				Name: e.name, NameEn: e.nameEn,
				First: dayTime(e.day), Last: dayTime(e.day), Days: 1,
				NoticeYear: e.notice, Provisional: e.provisional,
			})
		}
		dl.WeekendDays = hi - lo + 1 - abs(n) - listedOff
	}
	years := make([]int, 0, len(noticeYears))
	for y := range noticeYears {
		years = append(years, y)
	}
	slices.Sort(years)
	for _, y := range years {
		if nt, ok := c.Notice(y); ok {
			dl.Notices = append(dl.Notices, nt)
		}
	}
	return dl, nil
}

// abs is |n|.
func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Zh renders the deadline in Chinese, e.g.
// "自2026-09-30（星期三）起算7个工作日，截止日为2026-10-15（星期四）；跳过国庆节2026-10-01至2026-10-07（7天）、其他周末1天；计入调休上班日2026-10-10（星期六，国庆节）。"
func (d Deadline) Zh() string {
	var b strings.Builder
	from := d.From.Format(time.DateOnly) + "（" + WeekdayZh(d.From.Weekday()) + "）"
	due := d.Due.Format(time.DateOnly) + "（" + WeekdayZh(d.Due.Weekday()) + "）"
	switch {
	case d.Workdays > 0:
		b.WriteString("自" + from + "起算" + strconv.Itoa(d.Workdays) + "个工作日，截止日为" + due)
	case d.Workdays < 0:
		b.WriteString("自" + from + "向前倒数" + strconv.Itoa(-d.Workdays) + "个工作日为" + due)
	default:
		b.WriteString("截止日即起算日" + from)
	}
	var skipped []string
	for _, h := range d.Holidays {
		s := h.Name + h.First.Format(time.DateOnly)
		if h.Days > 1 {
			s += "至" + h.Last.Format(time.DateOnly)
		}
		skipped = append(skipped, s+"（"+strconv.Itoa(h.Days)+"天）")
	}
	if d.WeekendDays > 0 {
		w := "周末"
		if len(d.Holidays) > 0 {
			w = "其他周末"
		}
		skipped = append(skipped, w+strconv.Itoa(d.WeekendDays)+"天")
	}
	if len(skipped) > 0 {
		b.WriteString("；跳过" + strings.Join(skipped, "、"))
	}
	if len(d.MakeupDays) > 0 {
		var ms []string
		for _, m := range d.MakeupDays {
			ms = append(ms, m.Date.Format(time.DateOnly)+"（"+WeekdayZh(m.Weekday)+"，"+m.Holiday+"）")
		}
		b.WriteString("；计入调休上班日" + strings.Join(ms, "、"))
	}
	b.WriteString("。")
	if d.Provisional {
		b.WriteString("〔暂定：所涉年份尚无国务院节假日安排通知，按规则推算，通知发布后以通知为准。〕")
	}
	return b.String()
}

// En renders the deadline in English, e.g.
// "7 working days after Wednesday 2026-09-30: due Thursday 2026-10-15; skipped National Day 2026-10-01 to 2026-10-07 (7 days) and 1 other weekend day; counted makeup working day Saturday 2026-10-10 (National Day)."
func (d Deadline) En() string {
	var b strings.Builder
	from := d.From.Weekday().String() + " " + d.From.Format(time.DateOnly)
	due := d.Due.Weekday().String() + " " + d.Due.Format(time.DateOnly)
	switch {
	case d.Workdays > 0:
		b.WriteString(plural(d.Workdays, "working day") + " after " + from + ": due " + due)
	case d.Workdays < 0:
		b.WriteString(plural(-d.Workdays, "working day") + " before " + from + ": " + due)
	default:
		b.WriteString("0 working days: due on the day itself, " + from)
	}
	var skipped []string
	for _, h := range d.Holidays {
		s := h.NameEn + " " + h.First.Format(time.DateOnly)
		if h.Days > 1 {
			s += " to " + h.Last.Format(time.DateOnly)
		}
		skipped = append(skipped, s+" ("+plural(h.Days, "day")+")")
	}
	if d.WeekendDays > 0 {
		w := " weekend day"
		if len(d.Holidays) > 0 {
			w = " other weekend day"
		}
		skipped = append(skipped, plural(d.WeekendDays, w[1:]))
	}
	if len(skipped) > 0 {
		b.WriteString("; skipped " + joinAnd(skipped))
	}
	if len(d.MakeupDays) > 0 {
		var ms []string
		for _, m := range d.MakeupDays {
			ms = append(ms, m.Weekday.String()+" "+m.Date.Format(time.DateOnly)+" ("+m.HolidayEn+")")
		}
		label := "; counted makeup working day "
		if len(ms) > 1 {
			label = "; counted makeup working days "
		}
		b.WriteString(label + joinAnd(ms))
	}
	b.WriteString(".")
	if d.Provisional {
		b.WriteString(" [Provisional: a year counted has no published State Council notice; its days are projected and the notice, once published, prevails.]")
	}
	return b.String()
}

// String renders the deadline in Chinese, then English on a second line.
func (d Deadline) String() string {
	return d.Zh() + "\n" + d.En()
}

// plural writes n and noun, adding s when n is not 1.
func plural(n int, noun string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// joinAnd joins items as "a, b and c".
func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
