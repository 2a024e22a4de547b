package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// omYear declares the O&M needs of budget year y for amount 万元 on the
// clock's day, has them evaluated and budgeted in full, and returns the
// project. id is empty for the project's first year.
func omYear(t *testing.T, e *lifecycle.Engine, c *clock, id string, y int, amount string) string {
	t.Helper()
	d := declaration(review.Operation, false, district(amount))
	d.BudgetYear = y
	if id == "" {
		p, _, err := e.Declare(context.Background(), unitA, d)
		require.NoError(t, err)
		id = p.ID
	} else {
		do(t, e, id, unitA, lifecycle.ActDeclare, d)
	}
	do(t, e, id, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMGood, district(amount)))
	do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": y, "type": "annual"})
	return id
}

// year returns the budget year y of an O&M project.
func year(t *testing.T, p *lifecycle.Project, y int) lifecycle.BudgetYear {
	t.Helper()
	for i := len(p.Years) - 1; i >= 0; i-- {
		if p.Years[i].Year == y {
			return p.Years[i]
		}
	}
	t.Fatalf("no budget year %d in %+v", y, p.Years)
	return lifecycle.BudgetYear{}
}

// TestOMYears runs an O&M project (运维类) over several budget years. 第五条
// has the unit declare next year's O&M needs every year-end, evaluated by
// the bureau, the result the basis of that year's budget: each year of
// service is its own cycle of declaration, evaluation, budget, procurement,
// contracts and operation, and the running year goes on while the next is
// declared, evaluated, refused or withdrawn.
func TestOMYears(t *testing.T) {
	ctx := context.Background()

	t.Run("第五条/each year spends its own approved budget", func(t *testing.T) {
		c := newClock(at(2025, time.December, 1))
		e := newEngine(t, c)
		id := omYear(t, e, c, "", 2026, "50")
		c.Set(2026, time.January, 6)
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-2026", "50", "2026-01-06", false))
		do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "YW-2026"})
		c.Set(2026, time.December, 1)
		omYear(t, e, c, id, 2027, "50")
		c.Set(2026, time.December, 28)
		do(t, e, id, unitA, lifecycle.ActComplete, map[string]any{"budget_year": 2026, "note": "2026 年度运维完成"})
		c.Set(2027, time.January, 5)
		p := do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-2027", "50", "2027-01-05", false))
		assert.Equal(t, lifecycle.StateOperating, p.State)
		assert.Equal(t, lifecycle.StateCompleted, year(t, p, 2026).State)
		assert.Equal(t, lifecycle.StateOperating, year(t, p, 2027).State)
		assert.True(t, year(t, p, 2027).Approved.Equal(district("50")))
		// 2027's money is spent: one more contract of that year is over
		// its budget (第十一条), whatever 2026 left unspent.
		le := refused(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-2027-2", "0.01", "2027-01-05", false), lifecycle.KindRefused)
		assert.Equal(t, lifecycle.GuardWithinInvestment, le.Guard)
		assert.Equal(t, p, replayed(t, e, id))
	})

	t.Run("第十三条/the running year's contract is terminated while the next year is declared", func(t *testing.T) {
		c := newClock(at(2025, time.December, 1))
		e := newEngine(t, c)
		id := omYear(t, e, c, "", 2026, "50")
		c.Set(2026, time.January, 6)
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-2026", "50", "2026-01-06", false))
		c.Set(2026, time.December, 1)
		d := declaration(review.Operation, false, district("50"))
		d.BudgetYear = 2027
		p := do(t, e, id, unitA, lifecycle.ActDeclare, d)
		assert.Equal(t, lifecycle.StateOperating, year(t, p, 2026).State, "2026 runs on")
		assert.Equal(t, lifecycle.StateDeclared, year(t, p, 2027).State)
		c.Set(2026, time.December, 3)
		p = do(t, e, id, unitA, lifecycle.ActTerminateContract, map[string]any{"contract_id": "YW-2026", "reason": "系统迁移，提前终止"})
		assert.Equal(t, lifecycle.StateTerminated, year(t, p, 2026).State)
		assert.Equal(t, lifecycle.StateDeclared, year(t, p, 2027).State)
		// The 2027 declaration goes on.
		p = do(t, e, id, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMGood, district("40")))
		assert.Equal(t, lifecycle.StateOMEvaluated, year(t, p, 2027).State)
		assert.Equal(t, p, replayed(t, e, id))
	})

	t.Run("第五条/a withdrawn next year leaves the running year to file and terminate", func(t *testing.T) {
		c := newClock(at(2025, time.December, 1))
		e := newEngine(t, c)
		id := omYear(t, e, c, "", 2026, "50")
		c.Set(2026, time.December, 1)
		d := declaration(review.Operation, false, district("50"))
		d.BudgetYear = 2027
		do(t, e, id, unitA, lifecycle.ActDeclare, d)
		c.Set(2026, time.December, 4)
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-2026", "50", "2026-12-04", false))
		p := do(t, e, id, unitA, lifecycle.ActWithdraw, map[string]any{"reason": "2027 年度需求并入新系统"})
		assert.Equal(t, lifecycle.StateWithdrawn, year(t, p, 2027).State)
		assert.Equal(t, lifecycle.StateOperating, p.State, "the project runs on in 2026")
		// 第十二条: the 2026 contract is filed by 2026-12-15.
		o := obligation(t, e, id, lifecycle.DutyContractFiling, day(2026, time.December, 10))
		assert.True(t, o.Due.Equal(day(2026, time.December, 15)), "due %s", o.Due)
		c.Set(2026, time.December, 10)
		do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "YW-2026"})
		// 第十三条: and may be terminated.
		p = do(t, e, id, unitA, lifecycle.ActTerminateContract, map[string]any{"contract_id": "YW-2026", "reason": "不再运维"})
		assert.Equal(t, lifecycle.StateTerminated, year(t, p, 2026).State)
		assert.Equal(t, p, replayed(t, e, id))
	})

	t.Run("第五条/a refused next year leaves the running year", func(t *testing.T) {
		c := newClock(at(2025, time.December, 1))
		e := newEngine(t, c)
		id := omYear(t, e, c, "", 2026, "50")
		c.Set(2026, time.January, 6)
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-2026", "50", "2026-01-06", false))
		c.Set(2026, time.December, 1)
		d := declaration(review.Operation, false, district("50"))
		d.BudgetYear = 2027
		do(t, e, id, unitA, lifecycle.ActDeclare, d)
		p := do(t, e, id, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMPoor, district("0")))
		assert.Equal(t, lifecycle.StateReturned, year(t, p, 2027).State)
		assert.Equal(t, lifecycle.StateOperating, year(t, p, 2026).State)
		assert.True(t, year(t, p, 2026).Approved.Equal(district("50")), "2026 keeps its money")
		c.Set(2026, time.December, 30)
		p = do(t, e, id, unitA, lifecycle.ActComplete, map[string]any{"budget_year": 2026})
		assert.Equal(t, lifecycle.StateCompleted, year(t, p, 2026).State)
		assert.Equal(t, lifecycle.StateReturned, year(t, p, 2027).State)
		assert.Equal(t, p, replayed(t, e, id))
	})

	t.Run("第五条/the year-end declaration duty belongs to each running year", func(t *testing.T) {
		c := newClock(at(2025, time.December, 1))
		e := newEngine(t, c)
		id := omYear(t, e, c, "", 2026, "50")
		c.Set(2026, time.December, 1)
		omYear(t, e, c, id, 2027, "50")
		obs, err := e.Obligations(ctx, unitA, id, day(2027, time.March, 1))
		require.NoError(t, err)
		var refs []string
		for _, o := range obs {
			if o.Duty == lifecycle.DutyOMDeclaration {
				refs = append(refs, o.Ref)
			}
		}
		assert.Equal(t, []string{"2027", "2028"}, refs)
		o := obligation(t, e, id, lifecycle.DutyOMDeclaration, day(2027, time.March, 1))
		assert.Equal(t, lifecycle.ObligationMetOnTime, o.Status)
	})

	t.Run("第五条/a year is declared once; years follow each other", func(t *testing.T) {
		c := newClock(at(2025, time.December, 1))
		e := newEngine(t, c)
		id := omYear(t, e, c, "", 2026, "50")
		d := declaration(review.Operation, false, district("50"))
		d.BudgetYear = 2026
		le := refused(t, e, id, unitA, lifecycle.ActDeclare, d, lifecycle.KindRefused)
		assert.Equal(t, "第五条", le.Article)
		d.BudgetYear = 2025
		le = refused(t, e, id, unitA, lifecycle.ActDeclare, d, lifecycle.KindRefused)
		assert.Equal(t, "第五条", le.Article)
		c.Set(2026, time.December, 1)
		d.BudgetYear = 2027
		do(t, e, id, unitA, lifecycle.ActDeclare, d)
		// One declaration awaits its evaluation at a time.
		d.BudgetYear = 2028
		le = refused(t, e, id, unitA, lifecycle.ActDeclare, d, lifecycle.KindRefused)
		assert.Equal(t, "第五条", le.Article)
	})
}
