package sqlstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/lifecycle/storetest"
)

// listEvery reads every summary of the store, by project ID.
func listEvery(t *testing.T, s *Store, q lifecycle.Query) map[string]lifecycle.Summary {
	t.Helper()
	out := map[string]lifecycle.Summary{}
	for {
		page, next, err := s.List(t.Context(), q)
		require.NoError(t, err)
		for _, sum := range page {
			out[sum.ProjectID] = sum
		}
		if next == "" {
			return out
		}
		q.After = next
	}
}

// TestBudgetYearsFilledForExistingProjects: a store whose projections
// predate their budget years (migrated down past 00018, some without the
// statistics' row of figures either) gets them from the migration, so
// that the filter by budget year finds every project it would have found
// had the years been written with each append.
func TestBudgetYearsFilledForExistingProjects(t *testing.T) {
	ctx := context.Background()
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			dsn := d.dsn(t)
			s, err := Open(ctx, dsn)
			require.NoError(t, err)
			c := storetest.NewClock(storetest.PortfolioStart())
			e, err := lifecycle.New(lifecycle.Config{Store: s, Clock: c.Now})
			require.NoError(t, err)
			ids := storetest.Portfolio(t, e, c, 60, 11)
			want := listEvery(t, s, lifecycle.Query{})
			require.Len(t, want, len(ids))
			entered := 0
			for _, sum := range want {
				if sum.BudgetEntryYear != 0 {
					entered++
				}
			}
			require.NotZero(t, entered, "the portfolio has budget entries")

			// Back before the budget years; a third of the projects
			// without their figures, as before the statistics were kept.
			s.stopBackground() // no background run meets the migrations
			p, err := migrations(ctx, d.name, s.db)
			require.NoError(t, err)
			_, err = p.DownTo(ctx, 17)
			require.NoError(t, err)
			for i, id := range ids {
				if i%3 == 0 {
					_, err := s.db.ExecContext(ctx, `DELETE FROM project_figures WHERE project_id = $1`, id)
					require.NoError(t, err)
				}
			}
			require.NoError(t, s.Close())

			s2 := open(t, dsn)
			got := listEvery(t, s2, lifecycle.Query{})
			require.Len(t, got, len(want))
			for id, w := range want {
				g := got[id]
				assert.Equal(t, w.BudgetYear, g.BudgetYear, "%s budget year", id)
				if w.Kind == "construction" {
					assert.Equal(t, w.BudgetEntryYear, g.BudgetEntryYear, "%s budget entry year", id)
				}
				for y := 2019; y <= 2030; y++ {
					assert.Equal(t, w.InBudgetYear(y), g.InBudgetYear(y), "%s in %d", id, y)
				}
			}
			for y := 2025; y <= 2028; y++ {
				var wantIDs []string
				for id, w := range want {
					if w.InBudgetYear(y) {
						wantIDs = append(wantIDs, id)
					}
				}
				var gotIDs []string
				for id := range listEvery(t, s2, lifecycle.Query{BudgetYear: y, Limit: 7}) {
					gotIDs = append(gotIDs, id)
				}
				if y == 2026 {
					require.NotEmpty(t, wantIDs)
				}
				assert.ElementsMatch(t, wantIDs, gotIDs, "budget year %d", y)
			}
		})
	}
}
