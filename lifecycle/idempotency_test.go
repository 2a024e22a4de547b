package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

func TestMemoryKeys(t *testing.T) {
	ctx := t.Context()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	fp, other := []byte("fp"), []byte("other")
	m := lifecycle.NewMemoryKeys()
	claim := func(key string, fp []byte, token string, now time.Time) (lifecycle.KeyRecord, bool) {
		rec, ok, err := m.ClaimKey(ctx, "a", key, fp, token, now, now.Add(time.Minute), now.Add(-time.Hour))
		require.NoError(t, err)
		return rec, ok
	}
	_, ok := claim("k", fp, "t1", t0)
	require.True(t, ok)
	rec, ok := claim("k", fp, "t2", t0)
	assert.False(t, ok, "held by t1 within its lease")
	assert.Equal(t, "t1", rec.Token)
	_, ok = claim("k", other, "t2", t0.Add(2*time.Minute))
	assert.False(t, ok, "another request may not take a key over")
	_, ok = claim("k", fp, "t2", t0.Add(2*time.Minute))
	assert.True(t, ok, "the same request takes over after the lease")

	// t1's claim is gone: its finish and release do nothing.
	require.NoError(t, m.FinishKey(ctx, lifecycle.KeyClaim{Actor: "a", Key: "k", Token: "t1"}, 201, nil, []byte("x")))
	require.NoError(t, m.ReleaseKey(ctx, lifecycle.KeyClaim{Actor: "a", Key: "k", Token: "t1"}))
	rec, ok = claim("k", fp, "t3", t0.Add(2*time.Minute))
	assert.False(t, ok)
	assert.Zero(t, rec.Status)

	require.NoError(t, m.FinishKey(ctx, lifecycle.KeyClaim{Actor: "a", Key: "k", Token: "t2"}, 201, []byte("{}"), []byte("body")))
	rec, ok = claim("k", fp, "t4", t0.Add(3*time.Minute))
	assert.False(t, ok)
	assert.Equal(t, 201, rec.Status)
	assert.Equal(t, []byte("body"), rec.Body)

	// Per actor.
	_, ok, err := m.ClaimKey(ctx, "b", "k", fp, "t5", t0, t0.Add(time.Minute), t0.Add(-time.Hour))
	require.NoError(t, err)
	assert.True(t, ok)

	// Released keys are free; expired ones too.
	_, ok = claim("r", fp, "t6", t0)
	require.True(t, ok)
	require.NoError(t, m.ReleaseKey(ctx, lifecycle.KeyClaim{Actor: "a", Key: "r", Token: "t6"}))
	_, ok = claim("r", other, "t7", t0)
	assert.True(t, ok)
	_, ok = claim("k", other, "t8", t0.Add(2*time.Hour))
	assert.True(t, ok, "expired by age")

	// Bytes: the oldest bodies go first.
	n, err := m.PruneKeys(ctx, t0.Add(-time.Hour), 0)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, n, 0)
}

func TestAnAppendUnderATakenClaimStoresNothing(t *testing.T) {
	ctx := t.Context()
	s := lifecycle.NewMemoryStore()
	t0 := time.Now()
	_, ok, err := s.ClaimKey(ctx, "a", "k", []byte("fp"), "mine", t0, t0.Add(time.Minute), t0.Add(-time.Hour))
	require.NoError(t, err)
	require.True(t, ok)
	ev := lifecycle.Event{ProjectID: "p", Version: 1, Action: lifecycle.ActDeclare, At: t0}
	_, err = s.Append(lifecycle.WithKeyClaim(ctx, lifecycle.KeyClaim{Actor: "a", Key: "k", Token: "theirs"}), 0, []lifecycle.Event{ev}, lifecycle.Summary{})
	require.Error(t, err)
	assert.Equal(t, lifecycle.KindConflict, lifecycle.KindOf(err))
	_, err = s.Load(ctx, "p")
	assert.ErrorIs(t, err, lifecycle.ErrNotFound, "nothing stored")

	_, err = s.Append(lifecycle.WithKeyClaim(ctx, lifecycle.KeyClaim{Actor: "a", Key: "k", Token: "mine"}), 0, []lifecycle.Event{ev}, lifecycle.Summary{})
	require.NoError(t, err)
	rec, ok, err := s.ClaimKey(ctx, "a", "k", []byte("fp"), "late", t0.Add(time.Hour), t0.Add(2*time.Hour), t0.Add(-time.Hour))
	require.NoError(t, err)
	assert.False(t, ok, "a key whose append is stored is never taken over")
	assert.Equal(t, "p", rec.ProjectID)
	assert.EqualValues(t, 1, rec.Version)
}
