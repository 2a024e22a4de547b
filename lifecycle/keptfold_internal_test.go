package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKeptFoldKeepsUnexportedState checks that the fold's unexported
// state — where the changes since the latest approval begin (第十一条) —
// survives EncodeSnapshot and DecodeSnapshot.
func TestKeptFoldKeepsUnexportedState(t *testing.T) {
	p := &Project{ID: "P1", Version: 9, Changes: make([]Change, 4), priorFrom: 3}
	data, err := EncodeSnapshot(p)
	require.NoError(t, err)
	q, ok, err := DecodeSnapshot(data)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, 3, q.priorFrom)
	require.Equal(t, int64(9), q.Version)
}
