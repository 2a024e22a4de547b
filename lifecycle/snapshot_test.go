package lifecycle_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// TestProjectsFromTheEngineAreIndependent: the projects the engine returns
// share nothing with its snapshot or with each other. Folding
// more events into returned projects, every kind of change to a listed
// element included (a contract filed, a change approved), changes neither
// the snapshot nor another project returned from it.
func TestProjectsFromTheEngineAreIndependent(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)
	id := approvedProject(t, e)
	do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-1", "1", "2025-03-03", false))
	do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-2", "1", "2025-03-03", false))
	for _, d := range []string{"一", "二", "三"} {
		do(t, e, id, unitA, lifecycle.ActReportIssue, map[string]any{"kind": "other", "description": d})
	}
	do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("1"))
	do(t, e, id, auditor, lifecycle.ActAudit, map[string]any{"summary": "检查"})
	do(t, e, id, auditor, lifecycle.ActAudit, map[string]any{"summary": "检查"})
	last := do(t, e, id, auditor, lifecycle.ActAudit, map[string]any{"summary": "检查"})
	want := replayed(t, e, id)
	require.Equal(t, want, last)

	rb := lifecycle.Yubei2019()
	now := at(2025, time.March, 4)
	steps := []struct {
		actor   lifecycle.Actor
		action  lifecycle.Action
		payload any
	}{
		{unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-1"}},
		{bdb, lifecycle.ActApproveChange, map[string]any{"opinion": "同意"}},
		{unitA, lifecycle.ActReportIssue, map[string]any{"kind": "other", "description": "四"}},
		{auditor, lifecycle.ActAudit, map[string]any{"summary": "再查"}},
		{unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-2"}},
	}
	// Each project records its own texts.
	fold := func(p *lifecycle.Project, tag string) {
		for _, s := range steps {
			payload := s.payload.(map[string]any)
			for _, k := range []string{"description", "summary"} {
				if v, ok := payload[k]; ok {
					payload = map[string]any{k: v.(string) + tag}
					if k == "description" {
						payload["kind"] = "other"
					}
				}
			}
			ev, err := lifecycle.DecideJSON(rb, p, s.actor, s.action, js(t, payload), now)
			require.NoError(t, err, "%s", s.action)
			require.NoError(t, p.Apply(ev), "%s", s.action)
		}
	}
	// The project Do returned, and two read from the snapshot, folded at
	// the same time.
	a, err := e.Get(ctx, bdb, id)
	require.NoError(t, err)
	b, err := e.Get(ctx, bdb, id)
	require.NoError(t, err)
	var wg sync.WaitGroup
	tags := []string{"a", "b", "c"}
	for i, p := range []*lifecycle.Project{last, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fold(p, tags[i])
		}()
	}
	wg.Wait()
	for i, p := range []*lifecycle.Project{last, a, b} {
		assert.True(t, p.Contracts[0].Filed() && p.Contracts[1].Filed())
		assert.Equal(t, lifecycle.ChangeApproved, p.Changes[0].Status)
		require.Len(t, p.Supervision, 4)
		assert.Equal(t, "四"+tags[i], p.Supervision[3].Text)
		require.Len(t, p.Audits, 4)
		assert.Equal(t, "再查"+tags[i], p.Audits[3].Summary)
	}

	got, err := e.Get(ctx, bdb, id)
	require.NoError(t, err)
	assert.Equal(t, want, got, "the snapshot is as the store's history")
	assert.False(t, got.Contracts[0].Filed())
	assert.Equal(t, lifecycle.ChangePending, got.Changes[0].Status)
	assert.Empty(t, got.Changes[0].Approvals)
	assert.Len(t, got.Supervision, 3)
	assert.Len(t, got.Audits, 3)

	// The engine goes on from its snapshot as from the history.
	for _, s := range steps {
		do(t, e, id, s.actor, s.action, s.payload)
	}
	got, err = e.Get(ctx, bdb, id)
	require.NoError(t, err)
	assert.Equal(t, replayed(t, e, id), got)
}

// TestChangingAReturnedProjectLeavesTheEngineAlone: an embedder that
// writes into a project it was given (a contract, a change, a record, the
// declaration) changes neither the engine's next answer nor its decisions.
func TestChangingAReturnedProjectLeavesTheEngineAlone(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)
	id := approvedProject(t, e)
	do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-1", "1", "2025-03-03", false))
	last := do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("1"))
	want := replayed(t, e, id)

	got, err := e.Get(ctx, bdb, id)
	require.NoError(t, err)
	for _, p := range []*lifecycle.Project{last, got} {
		p.Contracts[0].FiledAt = at(2025, time.March, 3)
		p.Contracts[0].ID = "篡改"
		p.Changes[0].Status = lifecycle.ChangeApproved
		p.Changes[0].Approvers[0] = lifecycle.RoleAudit
		p.Changes[0].Decision[0] = 'x'
		p.Declaration.Name = "篡改"
		p.Preliminary.Result.Passed = false
		p.Approved = p.Approved.With("district", p.Approved.District.Add(p.Approved.District))
		p.State = lifecycle.StateArchived
	}
	again, err := e.Get(ctx, bdb, id)
	require.NoError(t, err)
	assert.Equal(t, want, again)
	// The engine still decides on the true state: the contract is unfiled
	// and the change awaits bdb.
	do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-1"})
	do(t, e, id, bdb, lifecycle.ActApproveChange, map[string]any{"opinion": "同意"})
	final, err := e.Get(ctx, bdb, id)
	require.NoError(t, err)
	assert.Equal(t, replayed(t, e, id), final)
}
