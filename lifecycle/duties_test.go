package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/lifecycle/storetest"
)

// plainStore is a store that keeps no duties with its projections.
type plainStore struct{ lifecycle.Store }

// TestListedDutiesAreTheReplays checks the obligation list across
// projects against the replay of each project's events: from the duties
// the memory store keeps with each projection, and, for a store that
// keeps none, from each project loaded.
func TestListedDutiesAreTheReplays(t *testing.T) {
	cal := calendar.China()
	for _, c := range []struct {
		name string
		wrap func(*lifecycle.MemoryStore) lifecycle.Store
	}{
		{"kept", func(m *lifecycle.MemoryStore) lifecycle.Store { return m }},
		{"loaded", func(m *lifecycle.MemoryStore) lifecycle.Store { return plainStore{m} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := lifecycle.NewMemoryStore()
			clock := storetest.NewClock(storetest.PortfolioStart())
			e, err := lifecycle.New(lifecycle.Config{Store: c.wrap(m), Clock: clock.Now})
			require.NoError(t, err)
			ids := storetest.Portfolio(t, e, clock, 40, 11)
			if c.name == "kept" {
				kept, err := m.KeptDuties(t.Context(), append(ids, "unknown"))
				require.NoError(t, err)
				assert.Len(t, kept, len(ids), "every project's duties are kept")
				filings := 0
				for _, obs := range kept {
					for _, o := range obs {
						assert.Empty(t, o.Status, "kept without a status")
						if o.Duty == lifecycle.DutyContractFiling {
							filings++
						}
					}
				}
				assert.Positive(t, filings, "the portfolio has contracts to file")
			}
			storetest.CheckListedDuties(t, e, cal, clock, ids)
		})
	}
}
