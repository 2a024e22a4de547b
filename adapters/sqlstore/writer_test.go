package sqlstore

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

func opOf(t *testing.T, ctx context.Context, expected int64, events []lifecycle.Event, extra ...Write) *appendOp {
	t.Helper()
	req := &lifecycle.AppendRequest{Expected: expected, Events: events,
		Summary: lifecycle.Summary{ProjectID: events[0].ProjectID, Name: "n", Unit: "u", Kind: "k", State: "s", Version: events[len(events)-1].Version}}
	op := &appendOp{ctx: ctx, req: req, extra: extra, done: make(chan error, 1)}
	for _, e := range events {
		r, err := rowOf(e)
		require.NoError(t, err)
		op.rows = append(op.rows, r)
	}
	return op
}

// TestBatchChecksEachAppend commits one batch of the SQLite writer by
// hand: each append is checked against its expected version as the batch
// stands when it runs, a failing joined write or a cancelled caller undoes
// its own append alone, and the batch is one transaction.
func TestBatchChecksEachAppend(t *testing.T) {
	s := open(t, sqltest.SQLitePath(t))
	ctx := t.Context()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	boom := errors.New("joined write failed")
	var joined []int64
	batch := []*appendOp{
		opOf(t, ctx, 0, testEvents("A", 1, 1)),
		opOf(t, ctx, 0, testEvents("A", 1, 1)), // stale: A is at 1 now
		opOf(t, ctx, 0, testEvents("B", 1, 2), func(ctx context.Context, tx Tx, _ Dialect, _ *lifecycle.AppendRequest, _ []lifecycle.Event) error {
			return boom
		}),
		opOf(t, ctx, 1, testEvents("A", 2, 2), func(ctx context.Context, tx Tx, _ Dialect, _ *lifecycle.AppendRequest, stored []lifecycle.Event) error {
			joined = append(joined, stored[0].Seq)
			_, err := tx.ExecContext(ctx, `INSERT INTO snapshots (project_id, version, data) VALUES ($1, $2, $3)`, "joined", 1, []byte("x"))
			return err
		}),
		opOf(t, cancelled, 0, testEvents("C", 1, 1)),
	}
	c0, a0 := s.WriterStats()
	s.commitBatch(batch)
	errs := make([]error, len(batch))
	for i, op := range batch {
		errs[i] = <-op.done
	}
	require.NoError(t, errs[0])
	require.ErrorIs(t, errs[1], lifecycle.ErrConflict)
	require.ErrorIs(t, errs[2], boom)
	require.NoError(t, errs[3])
	require.ErrorIs(t, errs[4], context.Canceled)
	c1, a1 := s.WriterStats()
	assert.Equal(t, int64(1), c1-c0, "one transaction")
	assert.Equal(t, int64(2), a1-a0, "two appends in it")

	evs, err := s.Load(ctx, "A")
	require.NoError(t, err)
	require.Len(t, evs, 2)
	require.Equal(t, []int64{evs[1].Seq}, joined)
	for _, id := range []string{"B", "C"} {
		_, err = s.Load(ctx, id)
		require.ErrorIs(t, err, lifecycle.ErrNotFound, id)
	}
	var n int
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM snapshots WHERE project_id = 'joined'`).Scan(&n))
	require.Equal(t, 1, n, "the joined write committed with its append")
	rep, err := s.Verify(ctx, "")
	require.NoError(t, err)
	require.True(t, rep.OK(), "%v", rep.Break)
}

// TestGroupCommitBatchesConcurrentAppends checks that appends made at the
// same time share transactions on SQLite, each acknowledged once
// committed and each in its project's order.
func TestGroupCommitBatchesConcurrentAppends(t *testing.T) {
	s := open(t, sqltest.SQLitePath(t))
	const writers, each = 16, 40
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			p := string(rune('a'+w)) + "-project"
			for v := int64(1); v <= each; v++ {
				_, err := s.Append(t.Context(), v-1, testEvents(p, v, v), lifecycle.Summary{Name: "n", Unit: "u", Kind: "k", State: "s"})
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	commits, appends := s.WriterStats()
	require.Equal(t, int64(writers*each), appends)
	require.Less(t, commits, appends, "no two appends shared a transaction")
	t.Logf("%d appends in %d transactions", appends, commits)
	rep, err := s.Verify(t.Context(), "")
	require.NoError(t, err)
	require.True(t, rep.OK())
	require.EqualValues(t, writers*each, rep.Events)
}
