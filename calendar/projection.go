package calendar

import (
	"slices"
	"time"
)

// The range of years a projecting calendar projects: from the first year
// under the national holiday regulation (《全国年节及纪念日放假办法》) as
// revised by the State Council in 2024, in force from 2025-01-01, to the end
// of the century.
const (
	projectionFirstYear = 2025
	projectionLastYear  = 2100
)

// projectionNote explains a projected year wherever its notice would be
// cited.
const projectionNote = "No State Council notice is known for this year; its days are projected from the statutory holidays of the national holiday regulation as revised in 2024, arranged as the 2025–2027 notices arrange them. Every answer resting on them is provisional. " +
	"该年尚无国务院节假日安排通知，其放假调休按2024年修订的《全国年节及纪念日放假办法》规定的法定假日、参照2025—2027年通知的安排方式推算，结果均为暂定。"

// ProjectedSchedule returns the schedule projected for year y (2025–2100),
// the one a calendar built WithProjection uses for a year with no published
// notice. It holds the statutory days of the regulation as revised in 2024
// — 元旦 (1 January), 春节 (除夕 and 正月初一至初三), 清明节 (the Qingming
// solar term), 劳动节 (1–2 May), 端午节 (五月初五), 中秋节 (八月十五), 国庆节
// (1–3 October) — with lunar dates and Qingming from lunar-go,
// arranged as recent notices arrange them:
//
//   - a one-day holiday on a Monday or Friday joins its weekend; on a
//     Saturday or Sunday the following Monday is given in lieu (补休); on a
//     Tuesday the Monday before is bridged against a working Saturday
//     before it; on a Thursday the Friday after is bridged against a
//     working Sunday after it; on a Wednesday it stands alone;
//   - 春节 runs from 除夕, 劳动节 and 国庆节 from their first statutory
//     day, over the statutory days, the weekend days among them, one
//     weekday in lieu for each statutory day on a weekend, and two (春节,
//     国庆节) or one (劳动节) more weekdays made up on weekend working days;
//     a makeup day is the nearest free weekend day not touching the
//     holiday, one before and one after for two, the nearer side for one;
//   - 中秋节 from 29 September to 8 October merges into 国庆节.
//
// The result has no Title (no notice exists) and carries a Note saying it
// is projected. A year outside 2025–2100 is an *Error with code
// year_not_published.
func ProjectedSchedule(y int) (Schedule, error) {
	if y < projectionFirstYear || y > projectionLastYear {
		return Schedule{}, notPublished(y, true)
	}
	return projectYear(y), nil
}

// planner lays out the days of one projected year.
type planner struct {
	days map[int]ScheduleDay
}

// block is a multi-day holiday laid out by planner.block.
type block struct {
	name       string
	start, end int // first and last day off
	makeups    int // weekdays off that need a weekend working day
}

// projectYear computes the projected schedule of year y.
func projectYear(y int) Schedule {
	p := &planner{days: make(map[int]ScheduleDay, 48)}
	lunar := lunarYear(y)
	chuxi := lunar.newYear - 1
	may1 := dayFromCivil(y, time.May, 1)
	oct1 := dayFromCivil(y, time.October, 1)
	midAutumn := lunar.month8 + 14

	p.single("元旦", dayFromCivil(y, time.January, 1))
	spring := p.block("春节", chuxi, []int{chuxi, chuxi + 1, chuxi + 2, chuxi + 3}, 2, false)
	p.single("清明节", qingming(y))
	labour := p.block("劳动节", may1, []int{may1, may1 + 1}, 1, true)
	p.single("端午节", lunar.month5+4)
	var national block
	if midAutumn >= oct1-2 && midAutumn <= oct1+7 {
		national = p.block("国庆节、中秋节", min(oct1, midAutumn), []int{oct1, oct1 + 1, oct1 + 2, midAutumn}, 2, false)
	} else {
		p.single("中秋节", midAutumn)
		national = p.block("国庆节", oct1, []int{oct1, oct1 + 1, oct1 + 2}, 2, false)
	}
	p.placeMakeups(spring, false)
	p.placeMakeups(labour, true)
	p.placeMakeups(national, false)

	s := Schedule{Year: y, Note: projectionNote, Days: make([]ScheduleDay, 0, len(p.days))}
	for _, d := range p.days {
		s.Days = append(s.Days, d)
	}
	slices.SortFunc(s.Days, func(a, b ScheduleDay) int { return a.Date.Compare(b.Date) })
	return s
}

// free reports whether day d is still unarranged.
func (p *planner) free(d int) bool {
	_, taken := p.days[d]
	return !taken
}

// set arranges day d for holiday name, unless already arranged.
func (p *planner) set(d int, name string, off bool) {
	if p.free(d) {
		p.days[d] = ScheduleDay{Date: dayTime(d), Name: name, NameEn: englishName(name), Off: off}
	}
}

// single lays out a one-day holiday on day d.
func (p *planner) single(name string, d int) {
	switch weekdayOf(d) {
	case time.Monday:
		p.set(d-2, name, true)
		p.set(d-1, name, true)
		p.set(d, name, true)
	case time.Tuesday:
		if p.free(d-3) && p.free(d-2) && p.free(d-1) {
			p.set(d-3, name, false)
			p.set(d-2, name, true)
			p.set(d-1, name, true)
		}
		p.set(d, name, true)
	case time.Thursday:
		p.set(d, name, true)
		if p.free(d+1) && p.free(d+2) && p.free(d+3) {
			p.set(d+1, name, true)
			p.set(d+2, name, true)
			p.set(d+3, name, false)
		}
	case time.Friday, time.Saturday:
		p.set(d, name, true)
		p.set(d+1, name, true)
		p.set(d+2, name, true)
	case time.Sunday:
		p.set(d-1, name, true)
		p.set(d, name, true)
		p.set(d+1, name, true)
	default: // Wednesday
		p.set(d, name, true)
	}
}

// block lays out a multi-day holiday from day start over the statutory
// days stat (see layout), running forward, or, when mayGoBack is set and
// it makes the longer break, reaching back before start instead.
func (p *planner) block(name string, start int, stat []int, swaps int, mayGoBack bool) block {
	days, makeups := layout(start, stat, swaps, true)
	if mayGoBack {
		back, backMakeups := layout(start, stat, swaps, false)
		if p.breakWith(back, -1) > p.breakWith(days, -1) {
			days, makeups = back, backMakeups
		}
	}
	b := block{name: name, start: days[0], end: days[0], makeups: makeups}
	for _, d := range days {
		p.set(d, name, true)
		b.start, b.end = min(b.start, d), max(b.end, d)
	}
	return b
}

// layout lists the days off of a holiday over the statutory days stat,
// from day start: the statutory days, the weekend days among them, a
// weekday in lieu for each statutory day on a weekend or counted twice,
// and swaps more weekdays, which will need makeup working days (their
// number is returned). The extra weekdays follow the statutory days, or,
// when forward is false, precede start.
func layout(start int, stat []int, swaps int, forward bool) (days []int, makeups int) {
	isStat := make(map[int]bool, len(stat))
	last, inLieu := start, 0
	for _, d := range stat {
		if isStat[d] {
			inLieu++ // two statutory holidays on one day
		}
		isStat[d] = true
		last = max(last, d)
	}
	// take lays day d off: a statutory day (owing a weekday in lieu if it
	// falls on a weekend), a weekend day, a weekday in lieu, or a weekday
	// swapped for a makeup working day.
	take := func(d int) {
		switch {
		case isStat[d]:
			if isWeekend(d) {
				inLieu++
			}
		case isWeekend(d):
		case inLieu > 0:
			inLieu--
		default:
			swaps--
			makeups++
		}
		days = append(days, d)
	}
	for d := start; d <= last || (forward && (inLieu > 0 || swaps > 0)); d++ {
		take(d)
	}
	for d := start - 1; !forward && (inLieu > 0 || swaps > 0); d-- {
		take(d)
	}
	return days, makeups
}

// rest reports whether day d is a day off as laid out so far.
func (p *planner) rest(d int) bool {
	if day, ok := p.days[d]; ok {
		return day.Off
	}
	return isWeekend(d)
}

// breakWith is the length of the unbroken rest around days[0] if the days
// listed were also off, and, when work ≥ 0, day work a working day.
func (p *planner) breakWith(days []int, work int) int {
	extra := make(map[int]bool, len(days))
	for _, d := range days {
		extra[d] = true
	}
	rest := func(d int) bool { return d != work && (extra[d] || p.rest(d)) }
	n := 0
	for d := days[0]; rest(d); d-- {
		n++
	}
	for d := days[0] + 1; rest(d); d++ {
		n++
	}
	return n
}

// placeMakeups makes b.makeups weekend days working days, each the nearest
// free weekend day not touching b: alternately before and after b; with
// single set and one day to place, on the side that leaves the longer
// unbroken break, or else the nearer side.
func (p *planner) placeMakeups(b block, single bool) {
	before, after := b.start-2, b.end+2
	for n := 0; n < b.makeups; n++ {
		for !isWeekend(before) || !p.free(before) {
			before--
		}
		for !isWeekend(after) || !p.free(after) {
			after++
		}
		useBefore := n%2 == 0
		if single && b.makeups == 1 {
			span := []int{b.start}
			lb, la := p.breakWith(span, before), p.breakWith(span, after)
			useBefore = lb > la || (lb == la && b.start-before < after-b.end)
		}
		if useBefore {
			p.set(before, b.name, false)
		} else {
			p.set(after, b.name, false)
		}
	}
}
