package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/lifecycle/storetest"
)

func TestMemoryStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) lifecycle.Store { return lifecycle.NewMemoryStore() })
}

func TestMemoryStoreStoresAreIndependent(t *testing.T) {
	a, b := lifecycle.NewMemoryStore(), lifecycle.NewMemoryStore()
	e := lifecycle.Event{ProjectID: "p", Version: 1, Action: "declare"}
	out, err := a.Append(t.Context(), 0, []lifecycle.Event{e}, lifecycle.Summary{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), out[0].Seq)
	_, err = b.Load(t.Context(), "p")
	require.ErrorIs(t, err, lifecycle.ErrNotFound)
	out, err = b.Append(t.Context(), 0, []lifecycle.Event{e}, lifecycle.Summary{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), out[0].Seq, "each store has its own sequence")
}

func TestCheckAppendCodes(t *testing.T) {
	ev := func(id string, v int64) lifecycle.Event { return lifecycle.Event{ProjectID: id, Version: v} }
	cases := []struct {
		name     string
		expected int64
		events   []lifecycle.Event
		summary  lifecycle.Summary
		code     string
	}{
		{"ok", 2, []lifecycle.Event{ev("p", 3), ev("p", 4)}, lifecycle.Summary{ProjectID: "p", Version: 4}, ""},
		{"ok with empty summary identity", 0, []lifecycle.Event{ev("p", 1)}, lifecycle.Summary{}, ""},
		{"negative", -1, []lifecycle.Event{ev("p", 0)}, lifecycle.Summary{}, "store_expected_negative"},
		{"empty", 0, nil, lifecycle.Summary{}, "store_no_events"},
		{"no project", 0, []lifecycle.Event{ev("", 1)}, lifecycle.Summary{}, "store_project_id_missing"},
		{"mixed", 0, []lifecycle.Event{ev("p", 1), ev("q", 2)}, lifecycle.Summary{}, "store_project_mismatch"},
		{"gap", 0, []lifecycle.Event{ev("p", 1), ev("p", 3)}, lifecycle.Summary{}, "store_version_gap"},
		{"not after expected", 1, []lifecycle.Event{ev("p", 1)}, lifecycle.Summary{}, "store_version_gap"},
		{"summary project", 0, []lifecycle.Event{ev("p", 1)}, lifecycle.Summary{ProjectID: "q"}, "store_summary_mismatch"},
		{"summary version", 0, []lifecycle.Event{ev("p", 1)}, lifecycle.Summary{Version: 2}, "store_summary_mismatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := lifecycle.CheckAppend(c.expected, c.events, c.summary)
			if c.code == "" {
				require.NoError(t, err)
				return
			}
			var le *lifecycle.Error
			require.ErrorAs(t, err, &le)
			assert.Equal(t, lifecycle.KindInvalid, le.Kind)
			assert.Equal(t, c.code, le.Code)
			assert.NotEmpty(t, le.ZH)
			assert.NotEmpty(t, le.EN)
		})
	}
}

func TestMemoryStoreFeed(t *testing.T) {
	storetest.RunFeed(t, func(*testing.T) lifecycle.FeedStore { return lifecycle.NewMemoryStore() })
}
