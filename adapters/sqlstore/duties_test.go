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
			e, c, ids := portfolioOn(t, s, 40, 5)
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

// TestFillDutiesOfOlderProjections: projections that keep no duties (as
// written before the store kept them) get, from Engine.FillDuties, the
// duties their appends would have written; a projection that moved on
// since it was listed is left to what its append wrote; a second run
// finds nothing to fill.
func TestFillDutiesOfOlderProjections(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			s := open(t, d.dsn(t))
			e, c, ids := portfolioOn(t, s, 40, 9)
			want, err := s.KeptDuties(t.Context(), ids)
			require.NoError(t, err)
			require.Len(t, want, len(ids))

			old := ids[:12]
			for _, id := range old {
				_, err := s.DB().ExecContext(t.Context(), `UPDATE projections SET duties = NULL WHERE project_id = $1`, id)
				require.NoError(t, err)
			}
			listed, err := s.WithoutDuties(t.Context(), "", 5)
			require.NoError(t, err)
			require.Len(t, listed, 5)
			rest, err := s.WithoutDuties(t.Context(), listed[4], 100)
			require.NoError(t, err)
			assert.ElementsMatch(t, old, append(listed, rest...))

			// A stale version is not kept over.
			sum, err := s.Summary(t.Context(), old[0])
			require.NoError(t, err)
			n, err := s.KeepDuties(t.Context(), []lifecycle.ProjectDuties{{ProjectID: old[0], Version: sum.Version - 1, Duties: []lifecycle.Obligation{}}})
			require.NoError(t, err)
			assert.Zero(t, n, "a version the projection has left")

			n, err = e.FillDuties(t.Context())
			require.NoError(t, err)
			assert.Equal(t, len(old), n)
			got, err := s.KeptDuties(t.Context(), ids)
			require.NoError(t, err)
			require.Len(t, got, len(ids))
			for _, id := range old {
				assert.Equal(t, want[id], got[id], "%s: the duties its appends wrote", id)
			}
			storetest.CheckListedDuties(t, e, calendar.China(), c, ids)

			n, err = e.FillDuties(t.Context())
			require.NoError(t, err)
			assert.Zero(t, n)
		})
	}
}
