package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// The parties of a portfolio: three declaring units and the bureaus.
var (
	PortfolioUnits = []lifecycle.Actor{
		{ID: "u-edu", Unit: "区教委", Roles: []lifecycle.Role{lifecycle.RoleUnit}},
		{ID: "u-health", Unit: "区卫健委", Roles: []lifecycle.Role{lifecycle.RoleUnit}},
		{ID: "u-police", Unit: "区公安分局", Roles: []lifecycle.Role{lifecycle.RoleUnit}},
	}
	BDB        = lifecycle.Actor{ID: "bdb", Unit: "区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}}
	Finance    = lifecycle.Actor{ID: "finance", Unit: "区财政局", Roles: []lifecycle.Role{lifecycle.RoleFinance}}
	Government = lifecycle.Actor{ID: "gov", Unit: "区政府", Roles: []lifecycle.Role{lifecycle.RoleGovernment}}
)

// Clock is a settable clock for an engine, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// PortfolioStart is 10:00 Beijing time on 2025-12-01, when the portfolio's
// first project is declared.
func PortfolioStart() time.Time { return calendar.Date(2025, time.December, 1).Add(10 * time.Hour) }

// Portfolio declares n projects through eng, whose clock must be c, and
// takes each a random distance along its path (seeded, so runs repeat):
// 建设类 projects returned, withdrawn, approved, budgeted or with a
// contract signed and not yet filed; 运维类 projects for budget years 2026
// and 2027, evaluated, budgeted or operating. The clock moves on a few days
// between steps, so that approval times differ and some filings fall
// overdue. It returns the project IDs.
func Portfolio(t testing.TB, eng *lifecycle.Engine, c *Clock, n int, seed uint64) []string {
	t.Helper()
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	day := func() { c.Advance(time.Duration(1+rnd.IntN(4)) * 24 * time.Hour) }
	do := func(id string, actor lifecycle.Actor, action lifecycle.Action, payload any) {
		t.Helper()
		var raw json.RawMessage
		if payload != nil {
			b, err := json.Marshal(payload)
			require.NoError(t, err)
			raw = b
		}
		_, _, err := eng.DoJSON(ctx, id, lifecycle.AnyVersion, actor, action, raw)
		require.NoError(t, err, "%s %s by %s", id, action, actor.ID)
		day()
	}
	today := func() string { return calendar.DateOf(c.Now()).Format(time.DateOnly) }
	ids := make([]string, 0, n)
	for i := range n {
		unit := PortfolioUnits[rnd.IntN(len(PortfolioUnits))]
		amount := func() review.Budget {
			return review.MustBudget(
				fmt.Sprintf("%d.%02d", rnd.IntN(50), rnd.IntN(100)),
				fmt.Sprintf("%d", rnd.IntN(80)),
				fmt.Sprintf("%d.%06d", 10+rnd.IntN(500), rnd.IntN(1_000_000)),
				fmt.Sprintf("%d.5", rnd.IntN(20)))
		}
		requested := amount()
		if i%2 == 0 {
			p, _, err := eng.Declare(ctx, unit, portfolioDeclaration(unit.Unit, i, review.Construction, requested))
			require.NoError(t, err)
			ids = append(ids, p.ID)
			day()
			construction(rnd, do, today, p.ID, unit, requested)
			continue
		}
		d := portfolioDeclaration(unit.Unit, i, review.Operation, requested)
		d.BudgetYear = 2026 + rnd.IntN(2)
		p, _, err := eng.Declare(ctx, unit, d)
		require.NoError(t, err)
		ids = append(ids, p.ID)
		day()
		operation(rnd, do, today, p.ID, unit, requested, d.BudgetYear)
	}
	return ids
}

type doFunc func(id string, actor lifecycle.Actor, action lifecycle.Action, payload any)

// today is the Beijing date of the clock, YYYY-MM-DD.
type todayFunc func() string

func construction(rnd *rand.Rand, do doFunc, today todayFunc, id string, unit lifecycle.Actor, requested review.Budget) {
	switch rnd.IntN(6) {
	case 0:
		return // declared
	case 1:
		do(id, unit, lifecycle.ActWithdraw, map[string]any{"reason": "需求取消"})
		return
	case 2:
		do(id, BDB, lifecycle.ActPreliminaryReview, preliminaryPayload(false))
		return
	}
	do(id, BDB, lifecycle.ActPreliminaryReview, preliminaryPayload(true))
	approved := requested
	approved.District = approved.District.Sub(approved.District.Mul(decimalTenth)).Truncate(6)
	do(id, BDB, lifecycle.ActExpertReview, expertPayload(approved))
	do(id, Government, lifecycle.ActDeliberate, map[string]any{"approved": true, "meeting": "区政府常务会议"})
	if rnd.IntN(3) == 0 {
		return // approved
	}
	do(id, Finance, lifecycle.ActBudget, map[string]any{"year": 2026, "type": "annual"})
	if rnd.IntN(2) == 0 {
		return // budgeted
	}
	do(id, unit, lifecycle.ActStartProcurement, map[string]any{"method": "公开招标"})
	do(id, unit, lifecycle.ActSignContract, contractPayload(id, approved.District.StringFixed(2), today()))
}

func operation(rnd *rand.Rand, do doFunc, today todayFunc, id string, unit lifecycle.Actor, requested review.Budget, year int) {
	if rnd.IntN(4) == 0 {
		return // declared
	}
	do(id, BDB, lifecycle.ActOMEvaluation, map[string]any{
		"organisers": []string{"bdb", "finance"}, "experts": []map[string]any{{"name": "陈工"}},
		"grade": review.OMGood, "opinion": "运维需求合理", "recommended": requested,
	})
	if year != 2026 || rnd.IntN(3) == 0 {
		return // evaluated
	}
	do(id, Finance, lifecycle.ActBudget, map[string]any{"year": year, "type": "annual"})
	if rnd.IntN(2) == 0 {
		return
	}
	do(id, unit, lifecycle.ActStartProcurement, map[string]any{"method": "竞争性磋商"})
	do(id, unit, lifecycle.ActSignContract, contractPayload(id, requested.District.StringFixed(2), today()))
}

var decimalTenth = review.MustBudget("", "", "0.1", "").District

func portfolioDeclaration(unit string, i int, kind review.Kind, budget review.Budget) review.Declaration {
	d := review.Declaration{
		Unit:                unit,
		Name:                fmt.Sprintf("政务信息化项目%04d", i),
		Contact:             review.Contact{Name: "联系人", Phone: "023-67800000"},
		Period:              review.Period{Start: "2026-01", End: "2026-12"},
		Kind:                kind,
		ProcurementCategory: review.Service,
		Budget:              budget,
		FundComposition:     "财政资金",
		Content:             fmt.Sprintf("第%d号业务系统的建设与数据共享", i),
		Cloud:               "部署于区政务云",
		Sharing:             "接入区政务数据共享交换平台",
		Integration:         "整合现有业务系统",
	}
	if kind == review.Construction {
		d.ConstructionType = review.NewBuild
	} else {
		d.Content = fmt.Sprintf("第%d号业务系统的年度运行维护", i)
	}
	return d
}

func preliminaryPayload(pass bool) map[string]any {
	var toc []string
	for _, c := range review.Outline() {
		toc = append(toc, fmt.Sprintf("第%d章 %s", c.Number, c.Title))
		for _, s := range c.Sections {
			toc = append(toc, fmt.Sprintf("%d. %s", s.Number, s.Title))
		}
	}
	return map[string]any{
		"submission": map[string]any{
			"table_of_contents": toc, "uses_gov_cloud": true, "connects_sharing_platform": true,
			"open_data_statement": "目录向社会开放", "cryptography_plan": "采用国密算法", "security_plan": "按等保三级设计",
		},
		"judgment": map[string]any{
			"materials_clear":       map[string]any{"passed": true},
			"technically_feasible":  map[string]any{"passed": true},
			"economically_rational": map[string]any{"passed": pass, "reason": "投资估算偏高"},
		},
	}
}

func expertPayload(approved review.Budget) map[string]any {
	var opinions []map[string]any
	for _, a := range review.Aspects() {
		opinions = append(opinions, map[string]any{"aspect": a, "passed": true, "opinion": "同意"})
	}
	return map[string]any{
		"organisers": []string{"bdb", "finance", "drc"}, "experts": []map[string]any{{"name": "专家"}},
		"opinions": opinions, "opinion": "项目必要、可行", "passed": true, "approved": approved,
	}
}

func contractPayload(id, amount, signedOn string) map[string]any {
	return map[string]any{"contract": map[string]any{
		"id": "HT-" + id, "title": "合同", "amount": amount, "signed_on": signedOn,
		"supplier": "重庆某信息技术有限公司", "supervision": false,
	}}
}

// FoldStats computes, as an oracle for lifecycle.Engine.Stats, the figures
// of the projects ids from their events alone: each history replayed, the
// money summed from the folded projects, the approval time counted on cal
// from the first declaration event to the latest approval event, and the
// earliest unmet duty taken from the obligations as of asOf. keep filters
// the projects.
func FoldStats(t testing.TB, eng *lifecycle.Engine, cal *calendar.Calendar, ids []string, asOf time.Time, keep func(*lifecycle.Project) bool) lifecycle.Stats {
	t.Helper()
	ctx := context.Background()
	out := lifecycle.Stats{ByState: map[lifecycle.State]int{}}
	byDuty := map[string]*lifecycle.DutyFigures{}
	var days []int
	for _, id := range ids {
		events, err := eng.Events(ctx, BDB, id)
		require.NoError(t, err)
		p, err := lifecycle.Replay(events)
		require.NoError(t, err)
		if !keep(p) {
			continue
		}
		out.Projects++
		out.ByState[p.State]++
		out.Requested = out.Requested.Add(p.Requested)
		out.Approved = out.Approved.Add(p.Approved)
		var approvedAt time.Time
		for _, e := range events {
			switch e.Action {
			case lifecycle.ActDeliberate, lifecycle.ActOMEvaluation:
				approvedAt = e.At
			}
		}
		if !approvedAt.IsZero() {
			n, err := cal.WorkdaysBetween(events[0].At, approvedAt)
			require.NoError(t, err)
			days = append(days, n)
		}
		obs, err := eng.Obligations(ctx, BDB, id, asOf)
		require.NoError(t, err)
		if o, ok := lifecycle.NextDue(obs); ok {
			d := byDuty[o.Duty]
			if d == nil {
				d = &lifecycle.DutyFigures{Duty: o.Duty}
				byDuty[o.Duty] = d
			}
			d.Due++
			if o.Due.Before(calendar.DateOf(asOf)) {
				d.Overdue++
			}
		}
	}
	out.Duties.ByDuty = []lifecycle.DutyFigures{}
	for _, d := range byDuty {
		out.Duties.ByDuty = append(out.Duties.ByDuty, *d)
	}
	slices.SortFunc(out.Duties.ByDuty, func(a, b lifecycle.DutyFigures) int {
		if a.Duty < b.Duty {
			return -1
		}
		if a.Duty > b.Duty {
			return 1
		}
		return 0
	})
	slices.Sort(days)
	out.ApprovalWorkdays.Projects = len(days)
	if len(days) > 0 {
		// Nearest rank: the ⌈p·n⌉-th smallest.
		out.ApprovalWorkdays.Median = days[(len(days)*50+99)/100-1]
		out.ApprovalWorkdays.P90 = days[(len(days)*90+99)/100-1]
	}
	return out
}

// CheckStats compares Engine.Stats, unfiltered and under each filter,
// with FoldStats over ids.
func CheckStats(t testing.TB, eng *lifecycle.Engine, cal *calendar.Calendar, c *Clock, ids []string) {
	t.Helper()
	asOf := c.Now()
	// Summaries carry the figures, as the events give them.
	n := 0
	for sum, err := range eng.Summaries(context.Background(), BDB, lifecycle.Query{Limit: 7}) {
		require.NoError(t, err)
		n++
		events, err := eng.Events(context.Background(), BDB, sum.ProjectID)
		require.NoError(t, err)
		p, err := lifecycle.Replay(events)
		require.NoError(t, err)
		require.True(t, p.Requested.Equal(sum.Requested), "%s requested %v, want %v", p.ID, sum.Requested, p.Requested)
		require.True(t, p.Approved.Equal(sum.Approved), "%s approved", p.ID)
		require.Equal(t, p.BudgetYear, sum.BudgetYear, p.ID)
		require.True(t, lifecycle.StoreTime(p.DeclaredAt).Equal(sum.DeclaredAt), "%s declared at", p.ID)
		require.True(t, lifecycle.StoreTime(p.ApprovedAt).Equal(sum.ApprovedAt), "%s approved at", p.ID)
	}
	require.Equal(t, len(ids), n, "Summaries walks every project")
	cases := []struct {
		name string
		q    lifecycle.StatsQuery
		keep func(*lifecycle.Project) bool
	}{
		{"all", lifecycle.StatsQuery{}, func(*lifecycle.Project) bool { return true }},
		{"unit", lifecycle.StatsQuery{Unit: PortfolioUnits[1].Unit}, func(p *lifecycle.Project) bool { return p.Unit == PortfolioUnits[1].Unit }},
		{"kind", lifecycle.StatsQuery{Kind: string(review.Operation)}, func(p *lifecycle.Project) bool { return p.Kind == review.Operation }},
		{"budget year", lifecycle.StatsQuery{BudgetYear: 2027}, func(p *lifecycle.Project) bool { return p.BudgetYear == 2027 }},
		{"all three", lifecycle.StatsQuery{BudgetYear: 2026, Unit: PortfolioUnits[0].Unit, Kind: string(review.Operation)}, func(p *lifecycle.Project) bool {
			return p.BudgetYear == 2026 && p.Unit == PortfolioUnits[0].Unit && p.Kind == review.Operation
		}},
	}
	for _, tc := range cases {
		got, err := eng.Stats(context.Background(), BDB, tc.q)
		require.NoError(t, err, tc.name)
		want := FoldStats(t, eng, cal, ids, asOf, tc.keep)
		require.Equal(t, want.Projects, got.Projects, tc.name)
		require.Equal(t, want.ByState, got.ByState, tc.name)
		require.True(t, want.Requested.Equal(got.Requested), "%s: requested %v, want %v", tc.name, got.Requested, want.Requested)
		require.True(t, want.Approved.Equal(got.Approved), "%s: approved %v, want %v", tc.name, got.Approved, want.Approved)
		require.Equal(t, want.Duties.ByDuty, got.Duties.ByDuty, tc.name)
		require.Equal(t, want.ApprovalWorkdays, got.ApprovalWorkdays, tc.name)
		if tc.name == "all" {
			require.NotZero(t, got.Requested.Total().Sign(), "the portfolio asks for money")
			require.NotZero(t, got.Approved.Total().Sign(), "the portfolio has approvals")
			require.NotEmpty(t, got.Duties.ByDuty, "the portfolio has duties")
			overdue := 0
			for _, d := range got.Duties.ByDuty {
				overdue += d.Overdue
			}
			require.NotZero(t, overdue, "the portfolio has overdue duties")
			require.Greater(t, len(got.ByState), 4, "the portfolio spans states")
		}
	}
}

// Declaration is a complete 建设类 declaration of unit.
func Declaration(unit string) review.Declaration {
	return portfolioDeclaration(unit, 9999, review.Construction, review.MustBudget("", "", "100", "20"))
}
