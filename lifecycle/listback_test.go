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

// TestListBeforeConfinesUnitsAndAgreesWithTheFallback: paging back, a unit
// sees its own projects only and asking for another unit's finds nothing;
// an engine over a store without BackLister gives the same pages.
func TestListBeforeConfinesUnitsAndAgreesWithTheFallback(t *testing.T) {
	ctx := context.Background()
	ms := lifecycle.NewMemoryStore()
	units := []string{unitA.Unit, unitB.Unit}
	for i := range 25 {
		id := fmt.Sprintf("B%02d", i)
		sum := lifecycle.Summary{ProjectID: id, Name: id, Unit: units[i%2], Kind: "construction", State: "declared", Version: 1,
			UpdatedAt: at(2025, time.September, 1), BudgetYear: 2025 + i%3}
		ev := lifecycle.Event{ProjectID: id, Version: 1, Action: lifecycle.ActDeclare, Actor: unitA, Role: lifecycle.RoleUnit,
			At: sum.UpdatedAt, Payload: []byte(`{}`)}
		_, err := ms.Append(ctx, 0, []lifecycle.Event{ev}, sum)
		require.NoError(t, err)
	}
	c := newClock(at(2025, time.October, 10))
	kept := newEngine(t, c, func(cfg *lifecycle.Config) { cfg.Store = ms })
	plain := newEngine(t, c, func(cfg *lifecycle.Config) { cfg.Store = plainStore{ms} })
	ids := func(page []lifecycle.Summary) []string {
		var out []string
		for _, s := range page {
			out = append(out, s.ProjectID)
		}
		return out
	}
	for _, q := range []lifecycle.Query{{Limit: 4}, {Limit: 3, BudgetYear: 2026}, {Limit: 100}} {
		for _, actor := range []lifecycle.Actor{bdb, unitA} {
			a, aPrev, err := kept.ListBefore(ctx, actor, q, "B20")
			require.NoError(t, err)
			b, bPrev, err := plain.ListBefore(ctx, actor, q, "B20")
			require.NoError(t, err)
			assert.Equal(t, ids(a), ids(b), "%s %+v", actor.ID, q)
			assert.Equal(t, aPrev, bPrev, "%s %+v", actor.ID, q)
			require.NotEmpty(t, a)
			for _, s := range a {
				assert.Less(t, s.ProjectID, "B20")
				if actor.ID == unitA.ID {
					assert.Equal(t, unitA.Unit, s.Unit)
				}
				if q.BudgetYear != 0 {
					assert.Equal(t, q.BudgetYear, s.BudgetYear)
				}
			}
		}
		for _, e := range []*lifecycle.Engine{kept, plain} {
			other := q
			other.Unit = unitB.Unit
			none, prev, err := e.ListBefore(ctx, unitA, other, "B20")
			require.NoError(t, err)
			assert.Empty(t, none, "unit A asking for unit B's projects")
			assert.Empty(t, prev)
		}
	}
}
