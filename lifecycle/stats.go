package lifecycle

import (
	"context"
	"iter"
	"slices"
	"time"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/review"
)

// StatsQuery filters Stats. Zero fields do not filter.
type StatsQuery struct {
	// BudgetYear keeps projects whose declaration in force names this
	// budget year (运维类 always, 第五条; 建设类 when given).
	BudgetYear int
	// Unit keeps one unit's projects. For an actor who is only a unit it
	// is always the actor's own unit.
	Unit string
	// Kind keeps construction or operation projects.
	Kind string
	// OverdueBefore divides a pending duty from an overdue one: a duty
	// due strictly before it is overdue. Engine.Stats sets it to the
	// start of the Beijing date of its clock.
	OverdueBefore time.Time
}

// StateFigures are the counts and sums of the projects in one state.
type StateFigures struct {
	State     State
	Projects  int
	Requested review.Budget
	Approved  review.Budget
}

// DutyFigures count the projects of one unit whose earliest unmet duty
// is Duty: all of them (Due) and those past the due date (Overdue).
type DutyFigures struct {
	Duty    string `json:"duty"`
	Unit    string `json:"unit,omitempty"`
	Due     int    `json:"due"`
	Overdue int    `json:"overdue"`
}

// StatsAggregate is what a store aggregates for Stats: figures by state,
// duties by duty and unit, and the approval times as a histogram (working
// days → projects).
type StatsAggregate struct {
	States           []StateFigures
	Duties           []DutyFigures
	ApprovalWorkdays map[int]int
}

// StatsStore is a Store that aggregates its projections itself (the SQL
// stores do, with indexed SQL aggregates). Engine.Stats uses it when the
// store has it and folds List pages otherwise.
type StatsStore interface {
	Stats(ctx context.Context, q StatsQuery) (StatsAggregate, error)
}

// Stats are the portfolio figures of 第三条's bureaus: projects by state,
// money by funding source (第七条 纳入财政预算), duties due and overdue, and
// the time from declaration to approval.
type Stats struct {
	// Projects counts the projects matched.
	Projects int `json:"projects"`
	// ByState counts them by state; states with none are left out.
	ByState map[State]int `json:"by_state"`
	// Requested sums the investment the declarations in force ask for,
	// and Approved the investment approved, by funding source with the
	// total, in 万元, exactly.
	Requested review.Budget `json:"requested"`
	Approved  review.Budget `json:"approved"`
	// Duties count each project once, by its earliest unmet duty (as the
	// overdue list does): by duty, by unit, and by both.
	Duties DutyStats `json:"duties"`
	// ApprovalWorkdays are the Chinese working days from the first
	// declaration to the latest approval of the approved projects.
	ApprovalWorkdays ApprovalStats `json:"approval_workdays"`
}

// DutyStats are the duty counts three ways.
type DutyStats struct {
	ByDuty     []DutyFigures `json:"by_duty"`
	ByUnit     []DutyFigures `json:"by_unit"`
	ByDutyUnit []DutyFigures `json:"by_duty_and_unit"`
}

// ApprovalStats summarise the approval times. Median and P90 are
// nearest-rank percentiles (the smallest value with at least 50% or 90%
// of the projects at or below it), so they are always a time some project
// actually took; both are 0 when Projects is 0.
type ApprovalStats struct {
	Projects int `json:"projects"`
	Median   int `json:"median"`
	P90      int `json:"p90"`
}

// Stats returns the portfolio figures of the projects the actor may see
// that match q. A unit sees its own projects only: its query is confined
// to its unit, and asking for another unit's finds nothing. The duties are
// divided into due and overdue at the start of today (the engine's clock,
// Beijing time) unless q.OverdueBefore is set.
func (e *Engine) Stats(ctx context.Context, actor Actor, q StatsQuery) (Stats, error) {
	if err := ctxError(ctx); err != nil {
		return Stats{}, err
	}
	unit, ok := actor.seesUnit(q.Unit)
	if !ok {
		return statsOf(StatsAggregate{}), nil
	}
	q.Unit = unit
	if q.OverdueBefore.IsZero() {
		q.OverdueBefore = calendar.DateOf(e.clock())
	}
	var (
		agg StatsAggregate
		err error
	)
	if ss, ok := e.store.(StatsStore); ok {
		agg, err = ss.Stats(ctx, q)
	} else {
		agg, err = FoldStats(ctx, e.store, q)
	}
	if err != nil {
		return Stats{}, storeError(err)
	}
	return statsOf(agg), nil
}

// FoldStats aggregates the summaries of a store's List: the way to Stats
// for a store without its own aggregates, walking every page.
func FoldStats(ctx context.Context, st Store, q StatsQuery) (StatsAggregate, error) {
	f := statsFold{agg: StatsAggregate{ApprovalWorkdays: map[int]int{}},
		states: map[State]*StateFigures{}, duties: map[[2]string]*DutyFigures{}}
	lq := Query{Unit: q.Unit, Kind: q.Kind, Limit: 1000}
	for {
		page, next, err := st.List(ctx, lq)
		if err != nil {
			return StatsAggregate{}, err
		}
		for _, s := range page {
			if q.BudgetYear == 0 || s.BudgetYear == q.BudgetYear {
				f.add(s, q.OverdueBefore)
			}
		}
		if next == "" {
			break
		}
		lq.After = next
	}
	for _, sf := range f.states {
		f.agg.States = append(f.agg.States, *sf)
	}
	for _, d := range f.duties {
		f.agg.Duties = append(f.agg.Duties, *d)
	}
	return f.agg, nil
}

// statsFold is FoldStats under way.
type statsFold struct {
	agg    StatsAggregate
	states map[State]*StateFigures
	duties map[[2]string]*DutyFigures
}

// add counts one summary.
func (f *statsFold) add(s Summary, overdueBefore time.Time) {
	sf := f.states[s.State]
	if sf == nil {
		sf = &StateFigures{State: s.State}
		f.states[s.State] = sf
	}
	sf.Projects++
	sf.Requested = sf.Requested.Add(s.Requested)
	sf.Approved = sf.Approved.Add(s.Approved)
	if s.NextDuty != "" {
		k := [2]string{s.NextDuty, s.Unit}
		d := f.duties[k]
		if d == nil {
			d = &DutyFigures{Duty: s.NextDuty, Unit: s.Unit}
			f.duties[k] = d
		}
		d.Due++
		if !s.NextDue.IsZero() && s.NextDue.Before(overdueBefore) {
			d.Overdue++
		}
	}
	if !s.ApprovedAt.IsZero() && s.ApprovalWorkdays >= 0 {
		f.agg.ApprovalWorkdays[s.ApprovalWorkdays]++
	}
}

// statsOf derives the figures from a store's aggregate.
func statsOf(agg StatsAggregate) Stats {
	s := Stats{ByState: map[State]int{}}
	for _, f := range agg.States {
		// A store may give a state's money in several parts, some with
		// no projects counted.
		if f.Projects > 0 {
			s.Projects += f.Projects
			s.ByState[f.State] += f.Projects
		}
		s.Requested = s.Requested.Add(f.Requested)
		s.Approved = s.Approved.Add(f.Approved)
	}
	byDuty := map[string]*DutyFigures{}
	byUnit := map[string]*DutyFigures{}
	for _, d := range agg.Duties {
		s.Duties.ByDutyUnit = append(s.Duties.ByDutyUnit, d)
		if byDuty[d.Duty] == nil {
			byDuty[d.Duty] = &DutyFigures{Duty: d.Duty}
		}
		byDuty[d.Duty].Due += d.Due
		byDuty[d.Duty].Overdue += d.Overdue
		if byUnit[d.Unit] == nil {
			byUnit[d.Unit] = &DutyFigures{Unit: d.Unit}
		}
		byUnit[d.Unit].Due += d.Due
		byUnit[d.Unit].Overdue += d.Overdue
	}
	for _, d := range byDuty {
		s.Duties.ByDuty = append(s.Duties.ByDuty, *d)
	}
	for _, d := range byUnit {
		s.Duties.ByUnit = append(s.Duties.ByUnit, *d)
	}
	order := func(a, b DutyFigures) int {
		if a.Duty != b.Duty {
			if a.Duty < b.Duty {
				return -1
			}
			return 1
		}
		if a.Unit < b.Unit {
			return -1
		}
		if a.Unit > b.Unit {
			return 1
		}
		return 0
	}
	for _, l := range []*[]DutyFigures{&s.Duties.ByDuty, &s.Duties.ByUnit, &s.Duties.ByDutyUnit} {
		if *l == nil {
			*l = []DutyFigures{}
		}
		slices.SortFunc(*l, order)
	}
	s.ApprovalWorkdays = approvalStats(agg.ApprovalWorkdays)
	return s
}

// approvalStats takes the nearest-rank median and 90th percentile of a
// histogram of working days.
func approvalStats(hist map[int]int) ApprovalStats {
	days := make([]int, 0, len(hist))
	n := 0
	for d, c := range hist {
		if c > 0 {
			days = append(days, d)
			n += c
		}
	}
	slices.Sort(days)
	out := ApprovalStats{Projects: n}
	if n == 0 {
		return out
	}
	rank := func(pct int) int {
		r := (pct*n + 99) / 100 // ⌈pct·n/100⌉, at least 1 since n ≥ 1
		seen := 0
		for _, d := range days {
			seen += hist[d]
			if seen >= r {
				return d
			}
		}
		return days[len(days)-1]
	}
	out.Median, out.P90 = rank(50), rank(90)
	return out
}

// approvalWorkdays counts the working days from the first declaration to
// the latest approval, or -1 when the calendar does not cover them.
func approvalWorkdays(cal *calendar.Calendar, p *Project) int {
	n, err := cal.WorkdaysBetween(p.DeclaredAt, p.ApprovedAt)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// FiguresStore is a Store whose List leaves the figures of Summary out
// but can give them page by page (the SQL stores). Engine.Summaries uses
// it when the store has it; the MemoryStore's List has them anyway.
type FiguresStore interface {
	ListFigures(ctx context.Context, q Query) ([]Summary, string, error)
}

// Summaries walks every summary the actor may see that matches q (Limit
// is the page size read at a time, default 1000), with the figures of
// Stats, for an export: it holds one page at a time. Iteration stops at
// the first error, which it yields.
func (e *Engine) Summaries(ctx context.Context, actor Actor, q Query) iter.Seq2[Summary, error] {
	return func(yield func(Summary, error) bool) {
		if q.Limit <= 0 {
			q.Limit = 1000
		}
		unit, ok := actor.seesUnit(q.Unit)
		if !ok {
			return
		}
		q.Unit = unit
		list := e.store.List
		if fs, ok := e.store.(FiguresStore); ok {
			list = fs.ListFigures
		}
		for {
			if err := ctxError(ctx); err != nil {
				yield(Summary{}, err)
				return
			}
			page, next, err := list(ctx, q)
			if err != nil {
				yield(Summary{}, storeError(err))
				return
			}
			for _, s := range page {
				if !yield(s, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			q.After = next
		}
	}
}
