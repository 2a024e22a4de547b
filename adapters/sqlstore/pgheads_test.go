package sqlstore

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/integrity"
	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

// TestKeptHeadsFollowTheDatabase: a PostgreSQL store seals an append on
// the head its own last append left, without reading it; when the
// database's head has moved on meanwhile, the append is still decided and
// chained by the database's head.
func TestKeptHeadsFollowTheDatabase(t *testing.T) {
	dsn := sqltest.PostgresDSN(t)
	ctx := t.Context()
	plain := open(t, dsn)
	sealer := open(t, dsn, WithKeyring(keyring(t, integrity.SM3SM2)))
	const n = 8
	id := func(i int) string { return fmt.Sprintf("h%d", i) }
	for i := range n {
		_, err := plain.Append(ctx, 0, testEvents(id(i), 1, 2), lifecycle.Summary{})
		require.NoError(t, err)
		h, ok := plain.heads.Peek(id(i))
		require.True(t, ok, "the store keeps the head its append left")
		assert.Equal(t, int64(2), h.version)
	}

	// Another instance re-seals every chain: each kept chain value is stale.
	sealed, err := sealer.SealUnkeyed(ctx)
	require.NoError(t, err)
	require.Equal(t, n, sealed)
	// And appends version 3 of h0: its kept head is of an older version.
	_, err = sealer.Append(ctx, 2, testEvents(id(0), 3, 3), lifecycle.Summary{})
	require.NoError(t, err)

	_, err = plain.Append(ctx, 2, testEvents(id(0), 3, 3), lifecycle.Summary{})
	require.ErrorIs(t, err, lifecycle.ErrConflict, "version 3 was won by the other instance")
	_, kept := plain.heads.Peek(id(0))
	assert.False(t, kept, "a failed append forgets the head")

	// Concurrent appends, so that the batch writers take several at once.
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 1; i < n; i++ {
		wg.Go(func() {
			_, errs[i] = plain.Append(ctx, 2, testEvents(id(i), 3, 4), lifecycle.Summary{})
		})
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		require.NoError(t, errs[i], "%s: a stale chain value is read again, not refused", id(i))
	}
	_, err = plain.Append(ctx, 3, testEvents(id(0), 4, 4), lifecycle.Summary{})
	require.NoError(t, err)

	// Sealing again checks every chain, the plain rows after the sealed
	// ones included, and refuses a chain that does not verify.
	sealed, err = sealer.SealUnkeyed(ctx)
	require.NoError(t, err, "every chain continues from the database's head")
	require.Equal(t, n, sealed)
	rep, err := sealer.Verify(ctx, "")
	require.NoError(t, err)
	assert.True(t, rep.OK(), "%v", rep.Breaks)
	for i := range n {
		h, ok := plain.heads.Peek(id(i))
		require.True(t, ok)
		assert.Equal(t, int64(4), h.version)
	}
}

// TestKeptHeadsForgottenMeanwhile: appends in order to their own projects
// never conflict while the kept heads are forgotten under them (as
// SealUnkeyed's purge, another append's failure or the LRU's eviction do),
// whatever moment between a batch's look at its heads and its sealing the
// forgetting falls on.
func TestKeptHeadsForgottenMeanwhile(t *testing.T) {
	s := open(t, sqltest.PostgresDSN(t))
	ctx := t.Context()
	stop := make(chan struct{})
	var purger sync.WaitGroup
	purger.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				s.heads.Purge()
			}
		}
	})
	const projects, versions = 32, 30
	var wg sync.WaitGroup
	errs := make([]error, projects)
	for p := range projects {
		wg.Go(func() {
			id := fmt.Sprintf("f%d", p)
			for v := range int64(versions) {
				if _, err := s.Append(ctx, v, testEvents(id, v+1, v+1), lifecycle.Summary{}); err != nil {
					errs[p] = fmt.Errorf("%s version %d: %w", id, v+1, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	purger.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
}
