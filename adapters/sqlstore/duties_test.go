package sqlstore

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/lifecycle/storetest"
)

// TestListedDutiesFromProjectionRows checks the obligation list read from
// the duties kept in the projection rows against the replay of each
// project's events, then with some rows holding none (appended before
// duties were kept), which the list reads by loading the project.
func TestListedDutiesFromProjectionRows(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			s := open(t, d.dsn(t))
			c := storetest.NewClock(storetest.PortfolioStart())
			e, err := lifecycle.New(lifecycle.Config{Store: s, Clock: c.Now, Snapshots: -1})
			require.NoError(t, err)
			ids := storetest.Portfolio(t, e, c, 40, 5)
			kept, err := s.KeptDuties(t.Context(), append(ids, "unknown", "bad\x00id"))
			require.NoError(t, err)
			assert.Len(t, kept, len(ids), "every project's duties are kept")
			storetest.CheckListedDuties(t, e, calendar.China(), c, ids)

			for _, id := range ids[:5] {
				_, err := s.DB().ExecContext(t.Context(), `UPDATE projections SET duties = NULL WHERE project_id = $1`, id)
				require.NoError(t, err)
			}
			kept, err = s.KeptDuties(t.Context(), ids)
			require.NoError(t, err)
			assert.Len(t, kept, len(ids)-5)
			storetest.CheckListedDuties(t, e, calendar.China(), c, ids)
		})
	}
}
