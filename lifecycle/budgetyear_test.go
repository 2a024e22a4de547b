package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// TestBudgetYearOfTheEntry reads the year of a budget entry (第七条: 纳入财政
// 预算或新增预算) from the day the measure took effect, 2019-12-12
// (第二十条): a project approved in its last weeks enters the 2019 新增预算.
func TestBudgetYearOfTheEntry(t *testing.T) {
	c := newClock(at(2019, time.December, 16))
	e := newEngine(t, c)
	d := declaration(review.Construction, false, district("100"))
	d.Period = review.Period{Start: "2020-01", End: "2020-12"}
	id := declare(t, e, d)
	do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
	do(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, district("100")))
	do(t, e, id, gov, lifecycle.ActDeliberate, map[string]any{"approved": true})

	t.Run("第七条/a year is given", func(t *testing.T) {
		le := refused(t, e, id, finance, lifecycle.ActBudget, map[string]any{"type": "additional"}, lifecycle.KindInvalid)
		assert.Equal(t, "field_required", le.Code)
		assert.Equal(t, []string{"year"}, fieldsOf(le))
	})
	t.Run("第二十条/2018 is before the measure", func(t *testing.T) {
		le := refused(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2018, "type": "additional"}, lifecycle.KindInvalid)
		assert.Equal(t, "budget_year_invalid", le.Code)
		assert.Equal(t, []string{"year"}, fieldsOf(le))
	})
	t.Run("第七条/the 2019 新增预算", func(t *testing.T) {
		p := do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2019, "type": "additional"})
		assert.Equal(t, 2019, p.Budgeting.Year)
		assert.Equal(t, lifecycle.StateBudgeted, p.State)
	})
}
