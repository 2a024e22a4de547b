package sqlstore

import (
	"fmt"
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
			c := storetest.NewClock(storetest.PortfolioStart())
			e, err := lifecycle.New(lifecycle.Config{Store: s, Clock: c.Now, Snapshots: -1})
			require.NoError(t, err)
			ids := storetest.Portfolio(t, e, c, 60, 7)
			storetest.CheckStats(t, e, calendar.China(), c, ids)
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
