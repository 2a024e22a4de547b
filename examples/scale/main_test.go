package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSeedMeasureCommit runs the three commands on a small SQLite
// portfolio: what they print is what BENCHMARKS.md quotes.
func TestSeedMeasureCommit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "scale.db")
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"seed", "-db", db, "-projects", "60", "-histories", "20,40"}, &out))
	assert.Contains(t, out.String(), "seeded 60 projects")
	assert.Contains(t, out.String(), "history H40: 40 events")
	// Seeding again adds projects but not the histories.
	require.NoError(t, run(t.Context(), []string{"seed", "-db", db, "-projects", "0", "-histories", "20"}, &out))

	out.Reset()
	require.NoError(t, run(t.Context(), []string{"measure", "-db", db, "-n", "2", "-histories", "20,40", "-baseline"}, &out))
	for _, want := range []string{"store sqlite: 62 projects", "history     40: GET project p50", "overlaps (第四条), bureau", "8 at once", "store alone: p50",
		"overdue, unit with nothing overdue: p50", "(0 items)", "obligations overdue", "as before (replay): GET project", "baseline (walk) overlaps"} {
		assert.Contains(t, out.String(), want)
	}
	assert.NotContains(t, out.String(), " 0 findings", "near-duplicates of seeded projects are found")

	out.Reset()
	require.NoError(t, run(t.Context(), []string{"commit", "-db", db, "-clients", "4", "-duration", "300ms", "-rounds", "1"}, &out))
	assert.Contains(t, out.String(), "round 1, sqlite, 4 clients: raw INSERT")
	assert.Contains(t, out.String(), "ratio")

	for _, bad := range [][]string{{}, {"seed"}, {"bogus", "-db", db}, {"seed", "-db", db, "-histories", "5"}, {"measure", "-db", db, "-n", "0"}} {
		assert.Error(t, run(t.Context(), bad, &out), "%v", bad)
	}
}
