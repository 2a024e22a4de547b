package sqlstore

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

// TestPostgresGroupCommit: concurrent appends to PostgreSQL share
// transactions, each still checked against its own expected version.
// Racers on one project (from two instances, so that batches of both
// fail on each other's versions and their appends run again alone) win
// exactly one append per version; the others are conflicts. Totals
// rebuilt from the figures while the appends run end as the running
// totals kept through them.
func TestPostgresGroupCommit(t *testing.T) {
	dsn := sqltest.PostgresDSN(t)
	a, b := open(t, dsn), open(t, dsn)
	const writers, each, racers, raced = 16, 25, 8, 30
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		won       = map[int64]int{}
		conflicts int
	)
	for w := range writers {
		wg.Go(func() {
			p := fmt.Sprintf("w%d", w)
			for v := int64(1); v <= each; v++ {
				_, err := a.Append(t.Context(), v-1, testEvents(p, v, v), pgSummary(p, v))
				assert.NoError(t, err)
			}
		})
	}
	for r := range racers {
		wg.Go(func() {
			s := []*Store{a, b}[r%2]
			for {
				v, err := s.currentVersion(t.Context(), "shared")
				if !assert.NoError(t, err) || v >= raced {
					return
				}
				_, err = s.Append(t.Context(), v, testEvents("shared", v+1, v+1), pgSummary("shared", v+1))
				mu.Lock()
				switch {
				case err == nil:
					won[v+1]++
				case errors.Is(err, lifecycle.ErrConflict):
					conflicts++
				default:
					assert.NoError(t, err)
				}
				mu.Unlock()
			}
		})
	}
	// Meanwhile the totals are rebuilt now and then, and sequenced.
	stop := make(chan struct{})
	var rebuilds sync.WaitGroup
	rebuilds.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			assert.NoError(t, b.RebuildTotals(t.Context()))
			_, err := a.Sequence(t.Context())
			assert.NoError(t, err)
		}
	})
	wg.Wait()
	close(stop)
	rebuilds.Wait()
	_, err := a.Sequence(t.Context())
	require.NoError(t, err)
	folded := totals(t, a)
	require.NoError(t, a.RebuildTotals(t.Context()))
	require.Equal(t, totals(t, a), folded, "the totals kept through concurrent rebuilds are the figures' sums")

	commits, appends := a.WriterStats()
	commitsB, appendsB := b.WriterStats()
	t.Logf("%d+%d appends in %d+%d transactions; %d conflicts", appends, appendsB, commits, commitsB, conflicts)
	require.EqualValues(t, writers*each+raced, appends+appendsB)
	require.Less(t, commits, appends, "no two appends shared a transaction")
	require.Len(t, won, raced)
	for v, n := range won {
		assert.Equal(t, 1, n, "version %d won once", v)
	}
	rep, err := a.Verify(t.Context(), "")
	require.NoError(t, err)
	require.True(t, rep.OK(), "%v", rep.Break)
	require.EqualValues(t, writers*each+raced, rep.Events)
	feed, _ := feedFrom(t, b, "")
	require.Len(t, feed, writers*each+raced)
}
