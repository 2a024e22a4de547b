package lifecycle

import (
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRandomIDOrderedByTime: the default project ID is 32 hex digits
// (16 bytes), distinct on every call, leads with the millisecond it was
// made in, and an ID made in a later millisecond sorts after one made
// earlier (new rows go to the end of every index on project_id).
func TestRandomIDOrderedByTime(t *testing.T) {
	before := time.Now().UnixMilli()
	first := randomID()
	after := time.Now().UnixMilli()

	b, err := hex.DecodeString(first)
	require.NoError(t, err)
	require.Len(t, b, 16)
	var ms int64
	for _, c := range b[:6] {
		ms = ms<<8 | int64(c)
	}
	assert.GreaterOrEqual(t, ms, before)
	assert.LessOrEqual(t, ms, after)

	seen := map[string]bool{first: true}
	for range 1000 {
		id := randomID()
		require.False(t, seen[id], "repeated ID %s", id)
		seen[id] = true
	}
	time.Sleep(2 * time.Millisecond)
	later := randomID()
	assert.Greater(t, later, first)
	assert.Len(t, later, 32)
}
