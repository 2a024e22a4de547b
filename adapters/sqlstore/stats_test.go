package sqlstore

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/lifecycle/storetest"
	"github.com/govit-cn/govit/review"
)

// TestStatsEqualFoldOfEvents checks the SQL aggregates of Stats against
// the oracle that replays every project's events.
func TestStatsEqualFoldOfEvents(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			s := open(t, d.dsn(t))
			e, c, ids := portfolioOn(t, s, 60, 7)
			storetest.CheckStats(t, e, calendar.China(), c, ids)

			// The running totals, kept event by event, are what a
			// recomputation from the figures gives.
			kept := totals(t, s)
			require.NotEmpty(t, kept)
			require.NoError(t, s.RebuildTotals(t.Context()))
			assert.Equal(t, totals(t, s), kept)
		})
	}
}

func TestFeed(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			d.dsn(t)
			storetest.RunFeed(t, func(t *testing.T) lifecycle.FeedStore { return open(t, d.dsn(t)) })
		})
	}
}

// TestStatsAddsAmountsFinerThanAFen: a store keeps any decimal exactly,
// and the statistics add such amounts exactly too.
func TestStatsAddsAmountsFinerThanAFen(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			s := open(t, d.dsn(t))
			fine := review.MustBudget("0.0000001", "", "1.5", "")
			whole := review.MustBudget("2", "", "0.25", "")
			for i, b := range []review.Budget{fine, whole} {
				ev := testEvents(fmt.Sprintf("p%d", i), 1, 1)
				_, err := s.Append(t.Context(), 0, ev, lifecycle.Summary{Name: "n", Unit: "u", Kind: "construction", State: "declared", Requested: b, Approved: b})
				require.NoError(t, err)
			}
			agg, err := s.Stats(t.Context(), lifecycle.StatsQuery{OverdueBefore: time.Now()})
			require.NoError(t, err)
			c, err := lifecycle.New(lifecycle.Config{Store: s})
			require.NoError(t, err)
			st, err := c.Stats(t.Context(), storetest.BDB, lifecycle.StatsQuery{})
			require.NoError(t, err)
			assert.Equal(t, 2, st.Projects)
			assert.Equal(t, map[lifecycle.State]int{"declared": 2}, st.ByState)
			assert.True(t, st.Requested.Equal(fine.Add(whole)), "requested %v", st.Requested)
			assert.True(t, st.Approved.Equal(fine.Add(whole)), "approved %v", st.Approved)
			assert.NotEmpty(t, agg.States)
		})
	}
}

// totals reads the running totals, rows with projects left out, as text.
func totals(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT unit, kind, budget_year, state, projects, requested_central_fen, requested_municipal_fen,
		   requested_district_fen, requested_self_funded_fen, approved_central_fen, approved_municipal_fen,
		   approved_district_fen, approved_self_funded_fen FROM figure_totals WHERE projects <> 0
		 ORDER BY unit, kind, budget_year, state`,
		`SELECT unit, kind, budget_year, duty, next_due, projects FROM duty_totals WHERE projects <> 0
		 ORDER BY unit, kind, budget_year, duty, next_due`,
		`SELECT unit, kind, budget_year, workdays, projects FROM approval_totals WHERE projects <> 0
		 ORDER BY unit, kind, budget_year, workdays`,
	} {
		out = append(out, rowsText(t, s, q)...)
	}
	return out
}

// rowsText reads the rows of q as text, one string a row.
func rowsText(t *testing.T, s *Store, q string) []string {
	t.Helper()
	rows, err := s.DB().QueryContext(t.Context(), q)
	require.NoError(t, err)
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		text := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			text[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(text, "|"))
	}
	require.NoError(t, closeRows(rows))
	return out
}
