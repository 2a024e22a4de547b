package httpapi

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

// driveConstruction takes a 建设类 project from its declaration to its
// evaluation over HTTP, each step by the role the measure names, and
// checks the state, the ETag and the actions permitted along the way.
func driveConstruction(t *testing.T, h *harness) {
	id, tag := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))
	assert.Equal(t, `"v1"`, tag)

	// The unit sees what it may do now; the bureau sees its review.
	r := h.get("/v1/projects/"+id, asUnitA)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, []lifecycle.Action{lifecycle.ActWithdraw}, r.project().Permitted)
	r = h.get("/v1/projects/"+id, asBDB)
	assert.Contains(t, r.project().Permitted, lifecycle.ActPreliminaryReview)

	tag = h.step(id, "preliminary_review", asBDB, tag, preliminaryPassed(), lifecycle.StatePreliminaryPassed)
	tag = h.step(id, "expert_review", asBDB, tag, expertPassed("100", "20"), lifecycle.StateExpertPassed)
	tag = h.step(id, "deliberate", asGovernment, tag, obj{"approved": true, "meeting": "区政府第12次常务会议"}, lifecycle.StateApproved)
	tag = h.step(id, "budget", asFinance, tag, obj{"year": 2026, "type": "annual"}, lifecycle.StateBudgeted)
	tag = h.step(id, "start_procurement", asUnitA, tag, obj{"method": "公开招标"}, lifecycle.StateProcuring)
	tag = h.step(id, "sign_contract", asUnitA, tag, contract("HT-2026-001", "110", "2026-03-02"), lifecycle.StateImplementing)

	// 第十二条: the copy is due within 7 working days of signing.
	r = h.get("/v1/projects/"+id+"/obligations", asUnitA)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var obs struct {
		AsOf  string                 `json:"as_of"`
		Items []lifecycle.Obligation `json:"items"`
	}
	r.decode(&obs)
	assert.Equal(t, "2026-03-02", obs.AsOf)
	require.Len(t, obs.Items, 1)
	assert.Equal(t, lifecycle.DutyContractFiling, obs.Items[0].Duty)
	assert.Equal(t, lifecycle.ObligationPending, obs.Items[0].Status)
	assert.Equal(t, "2026-03-11", obs.Items[0].Due.Format("2006-01-02"), "7 working days after Monday 2026-03-02")

	tag = h.step(id, "file_contract", asUnitA, tag, obj{"contract_id": "HT-2026-001"}, lifecycle.StateImplementing)
	tag = h.step(id, "audit", asAudit, tag, obj{"summary": "资金使用合规"}, lifecycle.StateImplementing)
	tag = h.step(id, "apply_acceptance", asUnitA, tag, acceptanceFacts(), lifecycle.StateAcceptanceApplied)
	tag = h.step(id, "accept", asBDB, tag, obj{"passed": true, "opinion": "验收通过"}, lifecycle.StateAccepted)
	tag = h.step(id, "deliver", asUnitA, tag, nil, lifecycle.StateDelivered)
	tag = h.step(id, "archive", asUnitA, tag, archiveDocuments(), lifecycle.StateArchived)
	tag = h.step(id, "evaluate", asBDB, tag, obj{"grade": "good", "opinion": "达到预期目标"}, lifecycle.StateEvaluated)
	assert.Equal(t, `"v14"`, tag)

	r = h.get("/v1/projects/"+id+"/events", asBDB)
	require.Equal(t, http.StatusOK, r.status)
	var evs struct {
		Items []lifecycle.Event `json:"items"`
	}
	r.decode(&evs)
	require.Equal(t, 14, len(evs.Items))
	want := []lifecycle.Action{"declare", "preliminary_review", "expert_review", "deliberate", "budget",
		"start_procurement", "sign_contract", "file_contract", "audit", "apply_acceptance", "accept",
		"deliver", "archive", "evaluate"}
	for i, a := range want {
		assert.Equal(t, a, evs.Items[i].Action, "event %d", i+1)
		assert.EqualValues(t, i+1, evs.Items[i].Version)
	}

	r = h.get("/v1/projects?state=evaluated", asBDB)
	require.Equal(t, http.StatusOK, r.status)
	var list listView
	r.decode(&list)
	require.Len(t, list.Items, 1)
	assert.Equal(t, id, list.Items[0].ProjectID)
	assert.EqualValues(t, 14, list.Items[0].Version)
}

type listView struct {
	Items      []lifecycle.Summary `json:"items"`
	NextCursor string              `json:"next_cursor"`
}

func TestConstructionEndToEnd(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		driveConstruction(t, newHarness(t, nil))
	})
	t.Run("sqlite", func(t *testing.T) {
		store := openStore(t, filepath.Join(t.TempDir(), "govit.db"))
		driveConstruction(t, newHarness(t, store))
	})
	t.Run("postgres", func(t *testing.T) {
		store := openStore(t, sqltest.PostgresDSN(t))
		driveConstruction(t, newHarness(t, store))
	})
}

// openStore opens a SQL store and closes it when the test ends.
func openStore(t testing.TB, dsn string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestConcurrentActionsOneWins races clients holding the same ETag: exactly
// one action is recorded; the others learn that the project moved on (412
// when they read it after the winner, 409 when they raced it to the
// store).
func TestConcurrentActionsOneWins(t *testing.T) {
	for name, store := range map[string]func(t *testing.T) lifecycle.Store{
		"memory": func(*testing.T) lifecycle.Store { return lifecycle.NewMemoryStore() },
		"sqlite": func(t *testing.T) lifecycle.Store { return openStore(t, filepath.Join(t.TempDir(), "govit.db")) },
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, store(t))
			id, tag := h.declare(asUnitA, declaration(unitA, "学籍平台"))
			const n = 8
			statuses := make(chan int, n)
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() {
					statuses <- h.act(id, "withdraw", asUnitA, tag, obj{"reason": "重复申报"}).status
				})
			}
			wg.Wait()
			close(statuses)
			count := map[int]int{}
			for s := range statuses {
				count[s]++
			}
			assert.Equal(t, 1, count[http.StatusOK], "%v", count)
			assert.Equal(t, n-1, count[http.StatusPreconditionFailed]+count[http.StatusConflict], "%v", count)
			var evs struct{ Items []lifecycle.Event }
			h.get("/v1/projects/"+id+"/events", asUnitA).decode(&evs)
			assert.Len(t, evs.Items, 2)
		})
	}
}
