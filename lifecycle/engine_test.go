package lifecycle_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// TestEngineConcurrency: of two actions taken on the same version, one
// wins and the other gets the store's conflict; the history stays a valid
// fold.
func TestEngineConcurrency(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)
	id := approvedProject(t, e)
	p, err := e.Get(ctx, bdb, id)
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, _, errs[i] = e.DoJSON(ctx, id, p.Version, auditor, lifecycle.ActAudit, js(t, map[string]any{"summary": "并发审计"}))
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		assert.True(t, errors.Is(err, lifecycle.ErrConflict), "%v", err)
	}
	assert.Equal(t, 1, won)
	events, err := e.Events(ctx, bdb, id)
	require.NoError(t, err)
	assert.Len(t, events, int(p.Version)+1)

	// With AnyVersion every action is decided on the version it loaded;
	// the losers of a race get a conflict, never a corrupt history.
	for range 8 {
		wg.Go(func() {
			_, _, err := e.DoJSON(ctx, id, lifecycle.AnyVersion, auditor, lifecycle.ActAudit, js(t, map[string]any{"summary": "并发审计"}))
			if err != nil {
				assert.True(t, errors.Is(err, lifecycle.ErrConflict), "%v", err)
			}
		})
	}
	wg.Wait()
	final := replayed(t, e, id)
	live, err := e.Get(ctx, bdb, id)
	require.NoError(t, err)
	assert.Equal(t, live, final)
}

// TestEngineRefusalsChangeNothing: a refused action appends no event and
// calls no hook; a stale expected version is a conflict.
func TestEngineRefusalsChangeNothing(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	hooks := 0
	e := newEngine(t, c, func(cfg *lifecycle.Config) {
		cfg.OnEvent = func(context.Context, lifecycle.Event, lifecycle.Summary) { hooks++ }
	})
	id := declare(t, e, declaration(review.Construction, false, district("100")))
	assert.Equal(t, 1, hooks)
	before, err := e.Events(ctx, bdb, id)
	require.NoError(t, err)
	refused(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-03", false), lifecycle.KindRefused)
	refused(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2025, "type": "annual"}, lifecycle.KindRefused)
	refused(t, e, id, bdb, lifecycle.ActPreliminaryReview, map[string]any{"bogus": true}, lifecycle.KindInvalid)
	after, err := e.Events(ctx, bdb, id)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Equal(t, 1, hooks)

	_, _, err = e.DoJSON(ctx, id, 7, bdb, lifecycle.ActPreliminaryReview, js(t, preliminary(true)))
	assert.True(t, errors.Is(err, lifecycle.ErrConflict))
	p, ev, err := e.DoJSON(ctx, id, 1, bdb, lifecycle.ActPreliminaryReview, js(t, preliminary(true)))
	require.NoError(t, err)
	assert.Equal(t, int64(2), ev.Version)
	assert.Positive(t, ev.Seq, "the event as stored")
	assert.Equal(t, lifecycle.RoleBDB, ev.Role)
	assert.Equal(t, "第六条", ev.Article)
	assert.Equal(t, int64(2), p.Version)
	assert.Equal(t, 2, hooks)
}

// failingStore fails every call.
type failingStore struct{ err error }

func (f failingStore) Load(context.Context, string) ([]lifecycle.Event, error) { return nil, f.err }
func (f failingStore) Append(context.Context, int64, []lifecycle.Event, lifecycle.Summary) ([]lifecycle.Event, error) {
	return nil, f.err
}
func (f failingStore) List(context.Context, lifecycle.Query) ([]lifecycle.Summary, string, error) {
	return nil, "", f.err
}

// TestEngineErrors: every error is a *lifecycle.Error; a failing store
// or an ended context is KindUnavailable with its cause.
func TestEngineErrors(t *testing.T) {
	_, err := lifecycle.New(lifecycle.Config{})
	assert.True(t, errors.Is(err, lifecycle.ErrInvalid))

	boom := errors.New("disk full")
	e, err := lifecycle.New(lifecycle.Config{Store: failingStore{boom}})
	require.NoError(t, err)
	ctx := context.Background()
	_, _, err = e.Declare(ctx, unitA, declaration(review.Construction, false, district("1")))
	assert.True(t, errors.Is(err, lifecycle.ErrUnavailable), "%v", err)
	assert.ErrorIs(t, err, boom)
	_, err = e.Get(ctx, bdb, "P1")
	assert.ErrorIs(t, err, boom)
	_, _, err = e.List(ctx, bdb, lifecycle.Query{})
	assert.ErrorIs(t, err, boom)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = e.Get(cancelled, bdb, "P1")
	assert.True(t, errors.Is(err, lifecycle.ErrUnavailable))
	assert.ErrorIs(t, err, context.Canceled)
	_, _, err = e.DoJSON(cancelled, "P1", lifecycle.AnyVersion, bdb, lifecycle.ActAudit, nil)
	assert.ErrorIs(t, err, context.Canceled)

	_, err = lifecycle.Replay(nil)
	assert.True(t, errors.Is(err, lifecycle.ErrInvalid))
	_, err = lifecycle.DecideJSON(nil, nil, unitA, lifecycle.ActDeclare, nil, at(2025, time.March, 3))
	assert.True(t, errors.Is(err, lifecycle.ErrInvalid))
}

// TestApplyRefusesHistoriesOutsideTheTable: the fold checks each event
// against the table and leaves the project as it was when one does not
// fit.
func TestApplyRefusesHistoriesOutsideTheTable(t *testing.T) {
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)
	id := approvedProject(t, e)
	events, err := e.Events(context.Background(), bdb, id)
	require.NoError(t, err)
	p, err := lifecycle.Replay(events)
	require.NoError(t, err)
	snapshot, err := lifecycle.Replay(events)
	require.NoError(t, err)

	bad := []lifecycle.Event{
		{ProjectID: id, Version: p.Version + 2, Action: lifecycle.ActAudit, Payload: js(t, map[string]any{"summary": "x"})},
		{ProjectID: "other", Version: p.Version + 1, Action: lifecycle.ActAudit, Payload: js(t, map[string]any{"summary": "x"})},
		{ProjectID: id, Version: p.Version + 1, Action: lifecycle.ActAccept, Payload: js(t, map[string]any{"passed": true, "opinion": "x"})},
		{ProjectID: id, Version: p.Version + 1, Action: lifecycle.ActFileContract, Payload: js(t, map[string]any{"contract_id": "none"})},
		{ProjectID: id, Version: p.Version + 1, Action: "launch"},
		{ProjectID: id, Version: p.Version + 1, Action: lifecycle.ActAudit, Payload: []byte(`{"summary":`)},
	}
	for _, ev := range bad {
		err := p.Apply(ev)
		var le *lifecycle.Error
		require.ErrorAs(t, err, &le, "%s v%d", ev.Action, ev.Version)
		assert.Equal(t, "history_invalid", le.Code)
		assert.Equal(t, snapshot, p)
	}
	_, err = lifecycle.Replay(events[1:])
	assert.True(t, errors.Is(err, lifecycle.ErrInvalid), "a history starts with its declaration")
}

// countingStore counts the loads of the store it wraps.
type countingStore struct {
	lifecycle.Store
	mu    sync.Mutex
	loads int
}

func (s *countingStore) Load(ctx context.Context, projectID string) ([]lifecycle.Event, error) {
	s.mu.Lock()
	s.loads++
	s.mu.Unlock()
	return s.Store.Load(ctx, projectID)
}

// Loads is the number of loads so far.
func (s *countingStore) Loads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loads
}

// TestSnapshotsFollowTheStore: engines sharing a store decide on the
// store's history even when their snapshots lag behind it (a refusal or a
// conflict on a snapshot sends the engine to the store, and a read finds
// the store's latest version), an engine decides on its current snapshot
// without loading, and an engine with few or no snapshots answers the
// same.
func TestSnapshotsFollowTheStore(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	store := &countingStore{Store: lifecycle.NewMemoryStore()}
	onStore := func(snapshots int) func(*lifecycle.Config) {
		return func(cfg *lifecycle.Config) { cfg.Store, cfg.Snapshots = store, snapshots }
	}
	a := newEngine(t, c, onStore(0))
	b := newEngine(t, c, onStore(-1))
	small := newEngine(t, c, onStore(1), func(cfg *lifecycle.Config) { cfg.NewID = nil })

	id := declare(t, a, declaration(review.Construction, false, district("100")))
	loads := store.Loads()
	do(t, a, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true)) // a's snapshot: preliminary_passed
	assert.Equal(t, loads, store.Loads(), "a decides on its up-to-date snapshot without loading")
	do(t, b, id, bdb, lifecycle.ActExpertReview, expert(true, district("100")))
	// a's snapshot lags: deliberation is refused there, allowed on the store.
	loads = store.Loads()
	p := do(t, a, id, gov, lifecycle.ActDeliberate, map[string]any{"approved": true})
	assert.Equal(t, lifecycle.StateApproved, p.State)
	assert.Greater(t, store.Loads(), loads, "a refusal on a snapshot is decided again on the store's history")
	do(t, b, id, finance, lifecycle.ActBudget, map[string]any{"year": 2025, "type": "annual"})
	// An action allowed in both states is decided again after the conflict.
	loads = store.Loads()
	_, ev, err := a.DoJSON(ctx, id, lifecycle.AnyVersion, auditor, lifecycle.ActAudit, js(t, map[string]any{"summary": "审计"}))
	require.NoError(t, err)
	assert.Equal(t, int64(6), ev.Version)
	assert.Greater(t, store.Loads(), loads, "the conflict sends a to the store")
	got, err := a.Get(ctx, bdb, id)
	require.NoError(t, err)
	assert.Equal(t, lifecycle.StateBudgeted, got.State)
	assert.Equal(t, replayed(t, b, id), got)
	// A read from a snapshot the store has moved past is the store's.
	do(t, b, id, auditor, lifecycle.ActAudit, map[string]any{"summary": "复查"})
	got, err = a.Get(ctx, bdb, id)
	require.NoError(t, err)
	assert.Equal(t, int64(7), got.Version)
	require.Len(t, got.Audits, 2)
	assert.Equal(t, "复查", got.Audits[1].Summary)
	assert.Equal(t, replayed(t, b, id), got)

	other := declare(t, small, declaration(review.Construction, false, district("100")))
	for _, pid := range []string{id, other, id, other} {
		q, err := small.Get(ctx, bdb, pid)
		require.NoError(t, err)
		assert.Equal(t, replayed(t, b, pid), q)
	}
}
