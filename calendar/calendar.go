package calendar

import (
	"math/bits"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Calendar answers questions about mainland China's working days from the
// State Council's yearly holiday notices it holds. A Calendar is immutable
// and safe for concurrent use; WithSchedule returns a new one.
//
// Its answers come from per-day bitsets with cumulative counts, built once:
// IsWorkday is O(1), AddWorkdays and WorkdaysBetween are O(log days), and
// none of the three allocates on success.
type Calendar struct {
	schedules  []Schedule // published, ascending by year
	projecting bool
	projected  []Schedule // by year − projectionFirstYear; shared, never modified

	first, last int        // years spanned by the tables
	years       []yearMeta // by year − first
	base, nd    int        // day number of 1 January of first; days spanned

	work, covered, provisional          []uint64 // one bit per day from base
	cumWork, cumCovered, cumProvisional []int32  // set bits before each word
	entries                             []entry  // arranged days, ascending
}

// yearStatus says where a year's days come from.
type yearStatus uint8

const (
	yearUnknown yearStatus = iota
	yearPublished
	yearProjected
)

// yearMeta is what a Calendar knows about one year.
type yearMeta struct {
	status yearStatus
	sched  int // index in schedules (published) or projected (projected)
}

// entry is one day arranged by a notice or by the projection.
type entry struct {
	day         int
	off         bool
	provisional bool
	notice      int // year of the notice (or projection) arranging it
	name        string
	nameEn      string
}

// Option configures China and New.
type Option func(*options)

// options are the settings Option changes.
type options struct {
	projecting bool
}

// WithProjection makes a calendar answer for years with no published
// schedule from 2025 (the first year under the national holiday regulation
// as revised in 2024) to 2100, by projecting each such year's schedule
// (see ProjectedSchedule). Every answer that rests on a projected day is
// marked provisional: DayInfo.Provisional, Deadline.Provisional. Without
// this option such years are errors (ErrYearNotPublished). Years before
// 2025 are never projected.
func WithProjection() Option {
	return func(o *options) { o.projecting = true }
}

// Two immutable calendars built from the embedded notices on first use and
// shared after: one plain, one projecting.
var (
	chinaPlain      = sync.OnceValue(func() *Calendar { return mustEmbedded(false) })
	chinaProjecting = sync.OnceValue(func() *Calendar { return mustEmbedded(true) })
)

// China returns the calendar of the State Council notices for 2007–2027
// embedded in the package (2027 transcribed from a secondary source; see
// Notice(2027).Note). The value is built once per set of options and
// shared: it is immutable, so sharing is safe and calling China is cheap.
func China(opts ...Option) *Calendar {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.projecting {
		return chinaProjecting()
	}
	return chinaPlain()
}

// mustEmbedded builds the calendar of the embedded notices. The embedded
// data is part of the program and checked by the package's tests, so a
// failure is a build defect, not an input error.
func mustEmbedded(projecting bool) *Calendar {
	s, err := officialSchedules()
	if err != nil {
		panic("calendar: embedded schedules: " + err.Error())
	}
	for i := range s {
		s[i] = s[i].clone()
	}
	c, err := build(s, projecting, nil)
	if err != nil {
		panic("calendar: embedded schedules: " + err.Error())
	}
	return c
}

// New builds a calendar from the given schedules only (none of the
// embedded ones), e.g. for an embedder keeping its own copy of the notices.
// Each schedule is validated as by WithSchedule; two schedules for the same
// year are an error.
func New(schedules []Schedule, opts ...Option) (*Calendar, error) {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	own := make([]Schedule, 0, len(schedules))
	seen := make(map[int]bool, len(schedules))
	for i, s := range schedules {
		if err := s.validate(); err != nil {
			err.Field = "schedules[" + strconv.Itoa(i) + "]." + err.Field
			return nil, err
		}
		if seen[s.Year] {
			ys := strconv.Itoa(s.Year)
			return nil, withYear(invalid(0, "schedules["+strconv.Itoa(i)+"].Year", ys+"年的安排出现了两次", "two schedules for "+ys), s.Year)
		}
		seen[s.Year] = true
		own = append(own, s.clone())
	}
	slices.SortFunc(own, func(a, b Schedule) int { return a.Year - b.Year })
	return build(own, o.projecting, nil)
}

// WithSchedule returns a new calendar holding s in addition to c's
// schedules; a schedule c already holds for s.Year is replaced (e.g. by an
// amended notice). c itself is unchanged.
//
// s is validated: its year lies in 1949–9999; it lists at least one day;
// each day has a name, lies between 20 December of the previous year and
// 31 December of s.Year, is listed once, and, if it is a working day (Off
// false), is a Saturday or a Sunday. A day of the previous year must agree
// with that year's schedule if c holds one, and likewise a late-December
// day of s.Year listed by the next year's schedule. Errors are *Error with
// code invalid_schedule naming the day (Field "days[i]…", Date).
func (c *Calendar) WithSchedule(s Schedule) (*Calendar, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	own := make([]Schedule, 0, len(c.schedules)+1)
	for _, have := range c.schedules {
		if have.Year != s.Year {
			own = append(own, have)
		}
	}
	own = append(own, s.clone())
	slices.SortFunc(own, func(a, b Schedule) int { return a.Year - b.Year })
	return build(own, c.projecting, c.projected)
}

// build makes the calendar of the published schedules (validated, owned,
// ascending, one a year), projecting the other years of the projection
// range if asked. projected, if not nil, holds schedules already projected.
func build(published []Schedule, projecting bool, projected []Schedule) (*Calendar, error) {
	c := &Calendar{schedules: published, projecting: projecting}
	status := make(map[int]yearMeta, len(published))
	for i, s := range published {
		status[s.Year] = yearMeta{status: yearPublished, sched: i}
	}
	if projecting {
		if projected == nil {
			projected = make([]Schedule, projectionLastYear-projectionFirstYear+1)
		}
		for y := projectionFirstYear; y <= projectionLastYear; y++ {
			if _, ok := status[y]; ok {
				continue
			}
			i := y - projectionFirstYear
			if projected[i].Year == 0 {
				projected[i] = projectYear(y)
			}
			status[y] = yearMeta{status: yearProjected, sched: i}
		}
		c.projected = projected
	}
	if len(status) == 0 {
		return c, nil
	}
	c.first, c.last = maxScheduleYear, minScheduleYear
	for y := range status {
		c.first, c.last = min(c.first, y), max(c.last, y)
	}
	c.years = make([]yearMeta, c.last-c.first+1)
	for y, m := range status {
		c.years[y-c.first] = m
	}

	// Arranged days: published notices first, each date once.
	at := make(map[int]int)
	add := func(d ScheduleDay, notice int, provisional bool) *Error {
		dn := dayOf(d.Date)
		if c.status(yearOf(dn)) == yearUnknown {
			return nil
		}
		if i, ok := at[dn]; ok {
			prev := c.entries[i]
			if prev.off != d.Off && !provisional && !prev.provisional {
				ds := formatDay(dn)
				e := withYear(invalid(0, "days", ds+" 在"+strconv.Itoa(prev.notice)+"年安排中"+offZh(prev.off)+"，在"+strconv.Itoa(notice)+"年安排中"+offZh(d.Off)+"，相互矛盾", ds+" is "+offEn(prev.off)+" in the "+strconv.Itoa(prev.notice)+" schedule but "+offEn(d.Off)+" in the "+strconv.Itoa(notice)+" schedule"), notice)
				e.Date = ds
				return e
			}
			return nil
		}
		at[dn] = len(c.entries)
		c.entries = append(c.entries, entry{day: dn, off: d.Off, provisional: provisional, notice: notice, name: d.Name, nameEn: d.NameEn})
		return nil
	}
	for _, s := range published {
		for _, d := range s.Days {
			if err := add(d, s.Year, false); err != nil {
				return nil, err
			}
		}
	}
	for y := c.first; y <= c.last; y++ {
		if m := c.years[y-c.first]; m.status == yearProjected {
			for _, d := range c.projected[m.sched].Days {
				if c.status(yearOf(dayOf(d.Date))) == yearProjected {
					_ = add(d, y, true)
				}
			}
		}
	}
	slices.SortFunc(c.entries, func(a, b entry) int { return a.day - b.day })

	// Bitsets.
	c.base = dayFromCivil(c.first, time.January, 1)
	c.nd = dayFromCivil(c.last+1, time.January, 1) - c.base
	words := (c.nd + 63) / 64
	c.work = make([]uint64, words)
	c.covered = make([]uint64, words)
	c.provisional = make([]uint64, words)
	for y := c.first; y <= c.last; y++ {
		st := c.years[y-c.first].status
		if st == yearUnknown {
			continue
		}
		from := dayFromCivil(y, time.January, 1)
		to := dayFromCivil(y+1, time.January, 1)
		for d := from; d < to; d++ {
			i := d - c.base
			setBit(c.covered, i, true)
			setBit(c.work, i, !isWeekend(d))
			setBit(c.provisional, i, st == yearProjected)
		}
	}
	for _, e := range c.entries {
		i := e.day - c.base
		setBit(c.work, i, !e.off)
		setBit(c.provisional, i, e.provisional)
	}
	c.cumWork = prefixCounts(c.work)
	c.cumCovered = prefixCounts(c.covered)
	c.cumProvisional = prefixCounts(c.provisional)
	return c, nil
}

// offZh and offEn describe a day's arrangement in error messages.
func offZh(off bool) string {
	if off {
		return "放假"
	}
	return "上班"
}

func offEn(off bool) string {
	if off {
		return "a day off"
	}
	return "a working day"
}

// setBit sets or clears bit i of b.
func setBit(b []uint64, i int, on bool) {
	if on {
		b[i>>6] |= 1 << (uint(i) & 63)
	} else {
		b[i>>6] &^= 1 << (uint(i) & 63)
	}
}

// bit reports bit i of b.
func bit(b []uint64, i int) bool {
	return b[i>>6]&(1<<(uint(i)&63)) != 0
}

// prefixCounts returns p with p[w] the number of set bits in b[:w].
func prefixCounts(b []uint64) []int32 {
	p := make([]int32, len(b)+1)
	for w, x := range b {
		p[w+1] = p[w] + int32(bits.OnesCount64(x))
	}
	return p
}

// rankThrough is the number of set bits of b at positions 0..i; i may be −1.
func rankThrough(b []uint64, cum []int32, i int) int {
	if i < 0 {
		return 0
	}
	w := i >> 6
	mask := uint64(2)<<(uint(i)&63) - 1
	return int(cum[w]) + bits.OnesCount64(b[w]&mask)
}

// status says where the days of year y come from.
func (c *Calendar) status(y int) yearStatus {
	if y < c.first || y > c.last || c.years == nil {
		return yearUnknown
	}
	return c.years[y-c.first].status
}

// Years returns the first and last years the calendar answers for (from a
// published notice or, on a projecting calendar, projected). Years between
// them without a published notice are answered only when projected; use
// Published to tell. ok is false for a calendar that answers for no year.
func (c *Calendar) Years() (first, last int, ok bool) {
	if c.years == nil {
		return 0, 0, false
	}
	return c.first, c.last, true
}

// Published reports whether the calendar holds a published notice for
// year y.
func (c *Calendar) Published(y int) bool {
	return c.status(y) == yearPublished
}

// Projecting reports whether the calendar projects years with no published
// notice (see WithProjection).
func (c *Calendar) Projecting() bool {
	return c.projecting
}

// Notice returns the notice governing year y: the published one, or, for a
// projected year, a Notice with Projected set. ok is false when the
// calendar knows nothing of y.
func (c *Calendar) Notice(y int) (n Notice, ok bool) {
	switch c.status(y) {
	case yearPublished:
		s := c.schedules[c.years[y-c.first].sched]
		return Notice{Year: y, Title: s.Title, Papers: slices.Clone(s.Papers), Note: s.Note}, true
	case yearProjected:
		return Notice{Year: y, Note: projectionNote, Projected: true}, true
	}
	return Notice{}, false
}

// Schedules returns copies of the published schedules the calendar holds,
// ascending by year.
func (c *Calendar) Schedules() []Schedule {
	out := make([]Schedule, len(c.schedules))
	for i, s := range c.schedules {
		out[i] = s.clone()
	}
	return out
}
