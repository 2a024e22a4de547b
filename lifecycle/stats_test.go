package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/lifecycle/storetest"
	"github.com/govit-cn/govit/review"
)

// TestStatsEqualFoldOfEvents checks the figures of Engine.Stats on the
// memory store (folded from List) against the oracle that replays every
// project's events.
func TestStatsEqualFoldOfEvents(t *testing.T) {
	c := storetest.NewClock(storetest.PortfolioStart())
	e, err := lifecycle.New(lifecycle.Config{Store: lifecycle.NewMemoryStore(), Clock: c.Now})
	require.NoError(t, err)
	ids := storetest.Portfolio(t, e, c, 60, 1)
	storetest.CheckStats(t, e, calendar.China(), c, ids)
}

func TestStatsUnitSeesItsOwn(t *testing.T) {
	c := storetest.NewClock(storetest.PortfolioStart())
	e, err := lifecycle.New(lifecycle.Config{Store: lifecycle.NewMemoryStore(), Clock: c.Now})
	require.NoError(t, err)
	storetest.Portfolio(t, e, c, 12, 2)
	edu := storetest.PortfolioUnits[0]
	own, err := e.Stats(t.Context(), edu, lifecycle.StatsQuery{})
	require.NoError(t, err)
	asked, err := e.Stats(t.Context(), edu, lifecycle.StatsQuery{Unit: edu.Unit})
	require.NoError(t, err)
	assert.Equal(t, own, asked)
	bureau, err := e.Stats(t.Context(), storetest.BDB, lifecycle.StatsQuery{Unit: edu.Unit})
	require.NoError(t, err)
	assert.Equal(t, bureau.Projects, own.Projects)
	assert.True(t, bureau.Requested.Equal(own.Requested))
	other, err := e.Stats(t.Context(), edu, lifecycle.StatsQuery{Unit: storetest.PortfolioUnits[1].Unit})
	require.NoError(t, err)
	assert.Zero(t, other.Projects, "another unit's figures are not shown to a unit")
	assert.True(t, other.Requested.Equal(review.Budget{}))
	nobody, err := e.Stats(t.Context(), lifecycle.Actor{ID: "x"}, lifecycle.StatsQuery{})
	require.NoError(t, err)
	assert.Zero(t, nobody.Projects)
}
