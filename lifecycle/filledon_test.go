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

// TestFilledOn reads the form's 填报时间 (附件1): the day the unit filled in
// the form is the day the rulebook in force is looked up on (第二十条), not
// the server's clock; it may be neither in the future nor before the
// measure.
func TestFilledOn(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	later := lifecycle.Yubei2019()
	later.ID, later.Effective, later.FilingDays = "revised", day(2025, time.March, 1), 5
	books, err := lifecycle.NewRulebooks(lifecycle.Yubei2019(), later)
	require.NoError(t, err)
	e := newEngine(t, c, func(cfg *lifecycle.Config) { cfg.Rulebooks = books })

	t.Run("附件1/填报时间 decides the rulebook, not the server clock", func(t *testing.T) {
		d := declaration(review.Construction, false, district("100"))
		d.FilledOn = "2025-02-27"
		p, _, err := e.Declare(ctx, unitA, d)
		require.NoError(t, err)
		assert.Equal(t, "yubei-2019-26", e.RulebookOf(p).ID)
		assert.True(t, p.FilledOn.Equal(day(2025, time.February, 27)))
		assert.Equal(t, p, replayed(t, e, p.ID))
		d.FilledOn = ""
		p, _, err = e.Declare(ctx, unitA, d)
		require.NoError(t, err)
		assert.Equal(t, "revised", e.RulebookOf(p).ID)
	})
	t.Run("附件1/填报时间 not after the day of declaration", func(t *testing.T) {
		d := declaration(review.Construction, false, district("100"))
		d.FilledOn = "2025-03-04"
		le := declareErr(t, e, unitA, d)
		assert.Equal(t, lifecycle.KindInvalid, le.Kind)
		assert.Equal(t, "附件1", le.Article)
		assert.Equal(t, []string{"filled_on"}, fieldsOf(le))
		d.FilledOn = "2025-03-03"
		_, _, err := e.Declare(ctx, unitA, d)
		require.NoError(t, err)
	})
	t.Run("第二十条/填报时间 not before the measure took effect", func(t *testing.T) {
		d := declaration(review.Construction, false, district("100"))
		d.FilledOn = "2019-12-11"
		le := declareErr(t, e, unitA, d)
		assert.Equal(t, "第二十条", le.Article)
		assert.Equal(t, []string{"filled_on"}, fieldsOf(le))
		d.FilledOn = "2019-12-12"
		_, _, err := e.Declare(ctx, unitA, d)
		require.NoError(t, err)
	})
	t.Run("第五条/an O&M form filled in by year-end is on time", func(t *testing.T) {
		c := newClock(at(2026, time.January, 4))
		e := newEngine(t, c)
		d := declaration(review.Operation, false, district("50"))
		d.FilledOn = "2025-12-30"
		p, _, err := e.Declare(ctx, unitA, d)
		require.NoError(t, err)
		assert.Empty(t, p.Years[0].Findings, "filled in on 2025-12-30 for 2026")
		d.FilledOn = ""
		p, _, err = e.Declare(ctx, unitA, d)
		require.NoError(t, err)
		require.Len(t, p.Years[0].Findings, 1)
		assert.Equal(t, "om_declaration_late", p.Years[0].Findings[0].Code)
		assert.Equal(t, "第五条", p.Years[0].Findings[0].Article)
		assert.Equal(t, p, replayed(t, e, p.ID))
	})
	t.Run("第五条/a declaration for a year after the next is recorded", func(t *testing.T) {
		c := newClock(at(2025, time.December, 1))
		e := newEngine(t, c)
		d := declaration(review.Operation, false, district("50"))
		d.BudgetYear = 2027
		p, _, err := e.Declare(ctx, unitA, d)
		require.NoError(t, err)
		require.Len(t, p.Years[0].Findings, 1)
		assert.Equal(t, "om_budget_year_not_next", p.Years[0].Findings[0].Code)
	})
	t.Run("第五条/a declaration for a year after the next is refused by parameter", func(t *testing.T) {
		c := newClock(at(2025, time.December, 1))
		rb := lifecycle.Yubei2019()
		rb.RefuseOtherBudgetYear = true
		books, err := lifecycle.NewRulebooks(rb)
		require.NoError(t, err)
		e := newEngine(t, c, func(cfg *lifecycle.Config) { cfg.Rulebooks = books })
		d := declaration(review.Operation, false, district("50"))
		d.BudgetYear = 2027
		le := declareErr(t, e, unitA, d)
		assert.Equal(t, lifecycle.KindRefused, le.Kind)
		assert.Equal(t, "第五条", le.Article)
		assert.Equal(t, []string{"budget_year"}, fieldsOf(le))
		d.BudgetYear = 2026
		_, _, err = e.Declare(ctx, unitA, d)
		require.NoError(t, err)
	})
}
