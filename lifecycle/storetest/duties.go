package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
)

// CheckListedDuties checks the obligation list (Engine.ListObligations)
// against the oracle that replays each project's events
// (lifecycle.Obligations): the same duties, with the same status, for
// every project of ids, as of the clock's today and two months on, paged
// a few projects at a time, as the bureau sees them.
func CheckListedDuties(t testing.TB, eng *lifecycle.Engine, cal *calendar.Calendar, c *Clock, ids []string) {
	t.Helper()
	ctx := context.Background()
	for _, asOf := range []time.Time{c.Now(), c.Now().AddDate(0, 2, 0)} {
		listed := map[string][]lifecycle.Obligation{}
		q := lifecycle.Query{Limit: 7}
		for {
			page, next, err := eng.ListObligations(ctx, BDB, q, asOf)
			require.NoError(t, err)
			for _, po := range page {
				_, dup := listed[po.Summary.ProjectID]
				require.False(t, dup, "%s listed twice", po.Summary.ProjectID)
				listed[po.Summary.ProjectID] = po.Obligations
			}
			if next == "" {
				break
			}
			q.After = next
		}
		require.Len(t, listed, len(ids))
		for _, id := range ids {
			events, err := eng.Events(ctx, BDB, id)
			require.NoError(t, err)
			p, err := lifecycle.Replay(events)
			require.NoError(t, err)
			want, err := lifecycle.Obligations(eng.RulebookOf(p), cal, events, asOf)
			require.NoError(t, err)
			require.Equal(t, nilIfEmpty(want), nilIfEmpty(listed[id]), "project %s as of %s", id, asOf.Format(time.DateOnly))
		}
	}
}
