package lifecycle_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// TestListDueConfinesUnitsAndAgreesWithTheFallback: a unit sees its own
// duties only, whatever unit it asks for; a bureau sees every unit's,
// soonest first; an actor with no role nothing; and an engine over a store
// without DueLister gives the same pages.
func TestListDueConfinesUnitsAndAgreesWithTheFallback(t *testing.T) {
	ctx := context.Background()
	ms := lifecycle.NewMemoryStore()
	units := []string{unitA.Unit, unitB.Unit, "区民政局"}
	for i := range 30 {
		id := fmt.Sprintf("D%02d", i)
		sum := lifecycle.Summary{ProjectID: id, Name: id, Unit: units[i%3], Kind: "construction", State: "contracted", Version: 1,
			UpdatedAt: at(2025, time.September, 1)}
		if i%5 != 0 {
			sum.NextDue, sum.NextDuty = day(2025, time.October, 1+(i*7)%13), lifecycle.DutyContractFiling
		}
		ev := lifecycle.Event{ProjectID: id, Version: 1, Action: lifecycle.ActDeclare, Actor: unitA, Role: lifecycle.RoleUnit,
			At: sum.UpdatedAt, Payload: []byte(`{}`)}
		_, err := ms.Append(ctx, 0, []lifecycle.Event{ev}, sum)
		require.NoError(t, err)
	}
	c := newClock(at(2025, time.October, 10))
	kept := newEngine(t, c, func(cfg *lifecycle.Config) { cfg.Store = ms })
	plain := newEngine(t, c, func(cfg *lifecycle.Config) { cfg.Store = plainStore{ms} })

	walk := func(e *lifecycle.Engine, actor lifecycle.Actor, q lifecycle.DueQuery) []lifecycle.Summary {
		var out []lifecycle.Summary
		for range 100 {
			page, next, err := e.ListDue(ctx, actor, q)
			require.NoError(t, err)
			out = append(out, page...)
			if next.Due.IsZero() {
				return out
			}
			q.After = next
		}
		t.Fatal("ListDue did not end")
		return nil
	}
	for _, e := range []*lifecycle.Engine{kept, plain} {
		all := walk(e, bdb, lifecycle.DueQuery{Limit: 4})
		require.Len(t, all, 24, "every project with a duty")
		for i := 1; i < len(all); i++ {
			a, b := all[i-1], all[i]
			assert.True(t, a.NextDue.Before(b.NextDue) || (a.NextDue.Equal(b.NextDue) && a.ProjectID < b.ProjectID),
				"%s (%s) before %s (%s)", a.ProjectID, a.NextDue, b.ProjectID, b.NextDue)
		}
		for _, q := range []lifecycle.DueQuery{{Limit: 3}, {Unit: unitA.Unit}} {
			own := walk(e, unitA, q)
			require.Len(t, own, 8, "unit A asking for %q", q.Unit)
			for _, s := range own {
				assert.Equal(t, unitA.Unit, s.Unit)
			}
		}
		for _, q := range []lifecycle.DueQuery{{Limit: 3, Unit: unitB.Unit}, {Unit: "区民政局"}} {
			assert.Empty(t, walk(e, unitA, q), "unit A asking for %q finds nothing", q.Unit)
		}
		overdue := walk(e, finance, lifecycle.DueQuery{DueBefore: day(2025, time.October, 5), Limit: 2})
		for _, s := range overdue {
			assert.True(t, s.NextDue.Before(day(2025, time.October, 5)))
		}
		assert.NotEmpty(t, overdue)
		none, _, err := e.ListDue(ctx, lifecycle.Actor{ID: "nobody", Unit: unitA.Unit}, lifecycle.DueQuery{})
		require.NoError(t, err)
		assert.Empty(t, none, "an actor with no role")
	}
	a, _, err := kept.ListDue(ctx, bdb, lifecycle.DueQuery{Limit: 7})
	require.NoError(t, err)
	b, _, err := plain.ListDue(ctx, bdb, lifecycle.DueQuery{Limit: 7})
	require.NoError(t, err)
	assert.Equal(t, a, b, "the fallback pages as the store does")
}
