package lifecycle_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// TestKeptFoldDecidesAsTheReplay checks that a fold kept by a store
// (EncodeSnapshot, DecodeSnapshot) is the replay: along a 1,000-event
// history with contracts, reports, audits and minor changes (whose 10%
// rule of 第十一条 depends on the changes since the latest approval), the
// decoded fold encodes to the same JSON as the replayed project, permits
// the same actions to every party, and decides the next actions — a
// change request included — with the same outcome.
func TestKeptFoldDecidesAsTheReplay(t *testing.T) {
	rb := lifecycle.Yubei2019()
	events := history1000(t)
	now := at(2025, time.March, 3)
	candidates := []struct {
		actor   lifecycle.Actor
		action  lifecycle.Action
		payload any
	}{
		{unitA, lifecycle.ActRequestChange, changeOf("5")},
		{unitA, lifecycle.ActRequestChange, changeOf("20")},
		{bdb, lifecycle.ActApproveChange, map[string]any{"opinion": "同意"}},
		{unitA, lifecycle.ActReportIssue, map[string]any{"kind": "other", "description": "进度"}},
		{unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false, "HT-0")},
	}
	p := &lifecycle.Project{}
	for i, ev := range events {
		require.NoError(t, p.Apply(ev))
		if i%37 != 0 && i != len(events)-1 {
			continue
		}
		data, err := lifecycle.EncodeSnapshot(p)
		require.NoError(t, err)
		q, ok, err := lifecycle.DecodeSnapshot(data)
		require.NoError(t, err)
		require.True(t, ok)
		pj, err := json.Marshal(p)
		require.NoError(t, err)
		qj, err := json.Marshal(q)
		require.NoError(t, err)
		require.JSONEq(t, string(pj), string(qj), "version %d", p.Version)
		for _, a := range []lifecycle.Actor{unitA, unitB, bdb, drc, finance, gov, auditor, cac} {
			require.Equal(t, lifecycle.Permitted(rb, p, a), lifecycle.Permitted(rb, q, a), "version %d, %s", p.Version, a.ID)
		}
		for _, c := range candidates {
			want, werr := lifecycle.DecideJSON(rb, p, c.actor, c.action, js(t, c.payload), now)
			got, gerr := lifecycle.DecideJSON(rb, q, c.actor, c.action, js(t, c.payload), now)
			require.Equal(t, werr == nil, gerr == nil, "version %d %s: %v / %v", p.Version, c.action, werr, gerr)
			if werr != nil {
				require.Equal(t, werr.Error(), gerr.Error(), "version %d %s", p.Version, c.action)
				continue
			}
			require.Equal(t, string(want.Payload), string(got.Payload), "version %d %s", p.Version, c.action)
			require.Equal(t, want.Article, got.Article)
		}
	}
}

// TestKeptFoldOfAnotherFormatIsReplayed checks that a fold written by
// another format is not used.
func TestKeptFoldOfAnotherFormatIsReplayed(t *testing.T) {
	_, ok, err := lifecycle.DecodeSnapshot([]byte(`{"format":0,"project":{"id":"P1"}}`))
	require.NoError(t, err)
	require.False(t, ok)
	_, _, err = lifecycle.DecodeSnapshot([]byte(`{`))
	require.Error(t, err)
}
