package calendar

import (
	"math/bits"
	"sort"
	"strconv"
	"time"
)

// IsWorkday reports whether the Beijing date of t is a working day: a
// Monday to Friday the notices do not give off, or a weekend day they make
// a working day (调休上班). The instant t may be in any location; only its
// Beijing date counts. A year the calendar does not cover is an *Error
// with code year_not_published naming the year.
func (c *Calendar) IsWorkday(t time.Time) (bool, error) {
	i := dayOf(t) - c.base
	if !c.coveredAt(i) {
		return false, c.uncovered(dayOf(t))
	}
	return bit(c.work, i), nil
}

// AddWorkdays counts n working days from the Beijing date of t, which is
// day 0 (the day of the event, whatever it is), and returns the date
// reached at midnight, Beijing time: for n > 0 the nth working day after
// t's date, for n < 0 the |n|th working day before it, for n = 0 t's date
// itself. Every year from t's date to the result must be covered, or the
// error is an *Error with code year_not_published naming the first year
// missing in the direction of counting.
func (c *Calendar) AddWorkdays(t time.Time, n int) (time.Time, error) {
	d := dayOf(t)
	i := d - c.base
	if !c.coveredAt(i) {
		return time.Time{}, c.uncovered(d)
	}
	if n == 0 {
		return dayTime(d), nil
	}
	total := int(c.cumWork[len(c.cumWork)-1])
	var j int
	if n > 0 {
		r := rankThrough(c.work, c.cumWork, i)
		if n > total-r {
			return time.Time{}, c.uncoveredFrom(i, 1)
		}
		j = c.selectWork(r + n)
		if !c.coveredRange(i, j) {
			return time.Time{}, c.uncoveredFrom(i, 1)
		}
	} else {
		before := rankThrough(c.work, c.cumWork, i-1)
		if n < -before {
			return time.Time{}, c.uncoveredFrom(i, -1)
		}
		j = c.selectWork(before + n + 1)
		if !c.coveredRange(j, i) {
			return time.Time{}, c.uncoveredFrom(i, -1)
		}
	}
	return dayTime(c.base + j), nil
}

// WorkdaysBetween counts the working days met stepping from the Beijing
// date of from to that of to, the day of from excluded and the day of to
// included:
//
//   - to after from: the working days in (from, to];
//   - to before from: minus the working days in [to, from);
//   - the same date: 0.
//
// So WorkdaysBetween(t, AddWorkdays(t, n)) == n for every n, and for a due
// date and a later completion, WorkdaysBetween(due, done) is how many
// working days late it came. Every year from from to to must be covered.
func (c *Calendar) WorkdaysBetween(from, to time.Time) (int, error) {
	a, b := dayOf(from)-c.base, dayOf(to)-c.base
	lo, hi := min(a, b), max(a, b)
	if !c.coveredAt(lo) {
		return 0, c.uncovered(lo + c.base)
	}
	if !c.coveredRange(lo, hi) {
		return 0, c.uncoveredFrom(lo, 1)
	}
	if b >= a {
		return rankThrough(c.work, c.cumWork, b) - rankThrough(c.work, c.cumWork, a), nil
	}
	return rankThrough(c.work, c.cumWork, b-1) - rankThrough(c.work, c.cumWork, a-1), nil
}

// coveredAt reports whether table index i is a day of a covered year.
func (c *Calendar) coveredAt(i int) bool {
	return uint(i) < uint(c.nd) && bit(c.covered, i)
}

// coveredRange reports whether every day from index lo to hi (inclusive,
// both within the table) is covered.
func (c *Calendar) coveredRange(lo, hi int) bool {
	if lo < 0 || hi >= c.nd {
		return false
	}
	n := rankThrough(c.covered, c.cumCovered, hi) - rankThrough(c.covered, c.cumCovered, lo-1)
	return n == hi-lo+1
}

// provisionalRange reports whether any day from index lo to hi (inclusive,
// both within the table) rests on the projection.
func (c *Calendar) provisionalRange(lo, hi int) bool {
	return rankThrough(c.provisional, c.cumProvisional, hi) > rankThrough(c.provisional, c.cumProvisional, lo-1)
}

// selectWork is the table index of the working day of rank k (the kth
// working day from the start of the table), 1 ≤ k ≤ total.
func (c *Calendar) selectWork(k int) int {
	// Last word w with cumWork[w] < k.
	lo, hi := 0, len(c.work)-1
	for lo < hi {
		mid := int(uint(lo+hi+1) >> 1)
		if int(c.cumWork[mid]) < k {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo<<6 + selectBit(c.work[lo], k-int(c.cumWork[lo]))
}

// selectBit is the position of the rth set bit (r ≥ 1) of x, which has at
// least r set bits: halve the word until a byte is left, then step.
func selectBit(x uint64, r int) int {
	pos := 0
	for _, width := range [...]uint{32, 16, 8} {
		low := x & (1<<width - 1)
		if n := bits.OnesCount64(low); r > n {
			r -= n
			x >>= width
			pos += int(width)
		} else {
			x = low
		}
	}
	for ; r > 1; r-- {
		x &= x - 1
	}
	return pos + bits.TrailingZeros64(x)
}

// uncovered is the error for day number d, which the calendar cannot
// answer for.
func (c *Calendar) uncovered(d int) *Error {
	return notPublished(yearOf(d), c.projecting)
}

// uncoveredFrom is the error for a count starting at table index i that
// runs, in direction dir (+1 or −1), into a year the calendar cannot answer
// for: it names the first such year.
func (c *Calendar) uncoveredFrom(i, dir int) *Error {
	for ; c.coveredAt(i); i += dir {
	}
	return c.uncovered(i + c.base)
}

// DayKind classifies a day.
type DayKind uint8

// The kinds of day.
const (
	// KindWorkday is a Monday to Friday no notice gives off.
	KindWorkday DayKind = iota + 1
	// KindWeekend is a Saturday or Sunday no notice makes a working day.
	KindWeekend
	// KindHoliday is a day a notice gives off (放假), whatever its
	// weekday.
	KindHoliday
	// KindMakeup is a Saturday or Sunday a notice makes a working day
	// (调休上班).
	KindMakeup
)

// String is the kind's stable code: workday, weekend, holiday or makeup.
func (k DayKind) String() string {
	switch k {
	case KindWorkday:
		return "workday"
	case KindWeekend:
		return "weekend"
	case KindHoliday:
		return "holiday"
	case KindMakeup:
		return "makeup"
	}
	return "unknown"
}

// Zh names the kind in Chinese.
func (k DayKind) Zh() string {
	switch k {
	case KindWorkday:
		return "工作日"
	case KindWeekend:
		return "休息日"
	case KindHoliday:
		return "节假日"
	case KindMakeup:
		return "调休上班日"
	}
	return "未知"
}

// En names the kind in English.
func (k DayKind) En() string {
	switch k {
	case KindWorkday:
		return "working day"
	case KindWeekend:
		return "weekend day"
	case KindHoliday:
		return "holiday"
	case KindMakeup:
		return "makeup working day"
	}
	return "unknown"
}

// DayInfo explains one day.
type DayInfo struct {
	// Date is the day at midnight, Beijing time.
	Date time.Time
	// Weekday is the day of the week.
	Weekday time.Weekday
	// Workday reports whether it is a working day.
	Workday bool
	// Kind classifies it.
	Kind DayKind
	// Holiday and HolidayEn name the holiday a notice arranges the day
	// for (a day off, or a makeup working day); empty for other days.
	Holiday, HolidayEn string
	// NoticeYear is the year of the notice governing the day: the notice
	// that lists it, else the notice of its own year.
	NoticeYear int
	// NoticeTitle is that notice's title; empty for a projected year.
	NoticeTitle string
	// NoticeURL is the address of that notice, when known.
	NoticeURL string
	// Provisional is true when the day's status rests on the projection
	// of a year with no published notice.
	Provisional bool
}

// Zh describes the day in Chinese, e.g.
// "2025-10-11 星期六 调休上班日（国庆节、中秋节）".
func (d DayInfo) Zh() string {
	s := d.Date.Format(time.DateOnly) + " " + WeekdayZh(d.Weekday) + " " + d.Kind.Zh()
	if d.Holiday != "" {
		s += "（" + d.Holiday + "）"
	}
	if d.Provisional {
		s += "〔暂定：按规则推算〕"
	}
	return s
}

// En describes the day in English, e.g.
// "Saturday 2025-10-11: makeup working day (National Day and Mid-Autumn Festival)".
func (d DayInfo) En() string {
	s := d.Weekday.String() + " " + d.Date.Format(time.DateOnly) + ": " + d.Kind.En()
	if d.HolidayEn != "" {
		s += " (" + d.HolidayEn + ")"
	}
	if d.Provisional {
		s += " [provisional: projected]"
	}
	return s
}

// Explain says what the Beijing date of t is: its weekday, whether it is a
// working day and why, the holiday a notice arranges it for, the notice
// governing it, and whether that rests on the projection.
func (c *Calendar) Explain(t time.Time) (DayInfo, error) {
	d := dayOf(t)
	i := d - c.base
	if !c.coveredAt(i) {
		return DayInfo{}, c.uncovered(d)
	}
	return c.explainIndex(i), nil
}

// explainIndex explains covered table index i.
func (c *Calendar) explainIndex(i int) DayInfo {
	d := c.base + i
	info := DayInfo{
		Date:        dayTime(d),
		Weekday:     weekdayOf(d),
		Workday:     bit(c.work, i),
		Provisional: bit(c.provisional, i),
		NoticeYear:  yearOf(d),
	}
	if info.Workday {
		info.Kind = KindWorkday
	} else {
		info.Kind = KindWeekend
	}
	if e, ok := c.entryAt(d); ok {
		info.Holiday, info.HolidayEn = e.name, e.nameEn
		info.NoticeYear = e.notice
		if e.off {
			info.Kind = KindHoliday
		} else {
			info.Kind = KindMakeup
		}
	}
	if c.status(info.NoticeYear) == yearPublished {
		s := &c.schedules[c.years[info.NoticeYear-c.first].sched]
		info.NoticeTitle = s.Title
		if len(s.Papers) > 0 {
			info.NoticeURL = s.Papers[0]
		}
	}
	return info
}

// entryAt finds the arranged day d.
func (c *Calendar) entryAt(d int) (entry, bool) {
	k := sort.Search(len(c.entries), func(k int) bool { return c.entries[k].day >= d })
	if k < len(c.entries) && c.entries[k].day == d {
		return c.entries[k], true
	}
	return entry{}, false
}

// LastWorkdayOfYear returns the last working day of year y at midnight,
// Beijing time: the latest date a rulebook may set when it reads 第五条's
// 每年底 (each year end) as a working day. Year y must be covered.
func (c *Calendar) LastWorkdayOfYear(y int) (time.Time, error) {
	if c.status(y) == yearUnknown {
		return time.Time{}, notPublished(y, c.projecting)
	}
	first := dayFromCivil(y, time.January, 1) - c.base
	last := dayFromCivil(y, time.December, 31) - c.base
	r := rankThrough(c.work, c.cumWork, last)
	if r == rankThrough(c.work, c.cumWork, first-1) {
		ys := strconv.Itoa(y)
		return time.Time{}, &Error{Code: CodeInvalidSchedule, Year: y,
			MessageZh: ys + "年的安排没有任何工作日", MessageEn: "the schedule of " + ys + " leaves no working day"}
	}
	return dayTime(c.base + c.selectWork(r)), nil
}
