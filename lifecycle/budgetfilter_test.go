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

// yearBlindStore is a store that predates Query.BudgetYear: its List
// ignores the field.
type yearBlindStore struct{ lifecycle.Store }

func (s yearBlindStore) List(ctx context.Context, q lifecycle.Query) ([]lifecycle.Summary, string, error) {
	q.BudgetYear = 0
	return s.Store.List(ctx, q)
}

// TestListByBudgetYear: the engine's list of a budget year holds the
// projects declared for it or entered in its budget, from a store that
// filters and from one that does not (the engine drops the rest of its
// page), and the budget years of a project come from its declaration
// and its budget entry (第七条).
func TestListByBudgetYear(t *testing.T) {
	ctx := context.Background()
	ms := lifecycle.NewMemoryStore()
	for i := range 12 {
		id := fmt.Sprintf("Y%02d", i)
		sum := lifecycle.Summary{ProjectID: id, Name: id, Unit: unitA.Unit, Kind: "construction", State: "declared", Version: 1,
			UpdatedAt: at(2025, time.September, 1), BudgetYear: []int{0, 2025, 2026}[i%3], BudgetEntryYear: []int{0, 2026}[i%2]}
		ev := lifecycle.Event{ProjectID: id, Version: 1, Action: lifecycle.ActDeclare, Actor: unitA, Role: lifecycle.RoleUnit,
			At: sum.UpdatedAt, Payload: []byte(`{}`)}
		_, err := ms.Append(ctx, 0, []lifecycle.Event{ev}, sum)
		require.NoError(t, err)
	}
	// Declared for 2026 (i%3 == 2) or entered in 2026's budget (odd i).
	want := []string{"Y01", "Y02", "Y03", "Y05", "Y07", "Y08", "Y09", "Y11"}
	c := newClock(at(2025, time.October, 10))
	for _, st := range []lifecycle.Store{ms, yearBlindStore{ms}} {
		e := newEngine(t, c, func(cfg *lifecycle.Config) { cfg.Store = st })
		page, _, err := e.List(ctx, bdb, lifecycle.Query{BudgetYear: 2026})
		require.NoError(t, err)
		var got []string
		for _, s := range page {
			got = append(got, s.ProjectID)
		}
		assert.Equal(t, want, got, "%T", st)
	}

	// From the engine: a 建设类 project declared without a year takes
	// the year of its budget entry.
	e := newEngine(t, c)
	id := declare(t, e, declaration(reviewKind("construction"), false, district("1000")))
	toBudget(t, e, id, district("1000"))
	page, _, err := e.List(ctx, bdb, lifecycle.Query{BudgetYear: 2025})
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, 0, page[0].BudgetYear)
	assert.Equal(t, 2025, page[0].BudgetEntryYear)
	none, _, err := e.List(ctx, bdb, lifecycle.Query{BudgetYear: 2026})
	require.NoError(t, err)
	assert.Empty(t, none)
}
