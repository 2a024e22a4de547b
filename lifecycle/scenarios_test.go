package lifecycle_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// scenario builds one or more projects on an engine and returns their IDs.
type scenario struct {
	name string
	run  func(t *testing.T, e *lifecycle.Engine, c *clock) []string
}

func declare(t testing.TB, e *lifecycle.Engine, d review.Declaration) string {
	t.Helper()
	p, _, err := e.Declare(context.Background(), unitA, d)
	require.NoError(t, err)
	return p.ID
}

// toBudget takes a construction project from declaration to the budget.
func toBudget(t testing.TB, e *lifecycle.Engine, id string, approved review.Budget) {
	do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
	do(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, approved))
	do(t, e, id, gov, lifecycle.ActDeliberate, map[string]any{"approved": true})
	do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2025, "type": "annual"})
}

// scenarios reach every state of both tables along the paths of the
// measure, with the side paths: returns, rejection, withdrawal, refused
// 立项, failed acceptance, suspension, rejected and major changes, phases,
// failed O&M evaluation, terminations.
func scenarios() []scenario {
	return []scenario{
		{"建设类/fixed asset, changes, rectification, suspension", func(t *testing.T, e *lifecycle.Engine, c *clock) []string {
			c.Set(2025, time.March, 3)
			id := declare(t, e, declaration(review.Construction, true, district("1000")))
			do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(false))
			do(t, e, id, unitA, lifecycle.ActDeclare, declaration(review.Construction, true, district("1000")))
			toBudget(t, e, id, district("900"))
			do(t, e, id, unitA, lifecycle.ActApplyInitiation, nil)
			do(t, e, id, drc, lifecycle.ActApproveInitiation, map[string]any{"approved": false, "opinion": "材料不全"})
			do(t, e, id, unitA, lifecycle.ActApplyInitiation, nil)
			do(t, e, id, drc, lifecycle.ActApproveInitiation, map[string]any{"approved": true, "number": "渝北发改投〔2025〕1号"})
			do(t, e, id, unitA, lifecycle.ActStartProcurement, nil)
			c.Set(2025, time.May, 6)
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-1", "600", "2025-05-06", false))
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-2", "50", "2025-05-06", true))
			do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-1"})
			do(t, e, id, auditor, lifecycle.ActAudit, map[string]any{"summary": "抽查"})
			do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("50"))
			do(t, e, id, bdb, lifecycle.ActApproveChange, nil)
			do(t, e, id, drc, lifecycle.ActApproveChange, nil)
			do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("10"))
			do(t, e, id, drc, lifecycle.ActRejectChange, map[string]any{"opinion": "理由不充分"})
			do(t, e, id, unitA, lifecycle.ActReportIssue, map[string]any{"kind": "major_loss", "description": "设备损毁"})
			do(t, e, id, bdb, lifecycle.ActOrderRectification, map[string]any{"reason": "整改"})
			do(t, e, id, bdb, lifecycle.ActSuspend, map[string]any{"reason": "暂停"})
			do(t, e, id, bdb, lifecycle.ActResume, map[string]any{"reason": "恢复"})
			do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("200"))
			do(t, e, id, unitA, lifecycle.ActDeclare, declaration(review.Construction, true, district("1150")))
			toBudget(t, e, id, district("1100"))
			do(t, e, id, unitA, lifecycle.ActApplyInitiation, nil)
			do(t, e, id, drc, lifecycle.ActApproveInitiation, map[string]any{"approved": true, "number": "渝北发改投〔2025〕9号"})
			do(t, e, id, unitA, lifecycle.ActStartProcurement, nil)
			c.Set(2025, time.July, 21)
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-3", "300", "2025-07-21", false))
			do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(true))
			do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": false, "opinion": "数据目录未编制"})
			do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(true))
			do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "通过"})
			do(t, e, id, unitA, lifecycle.ActDeliver, nil)
			do(t, e, id, unitA, lifecycle.ActArchive, allDocuments())
			do(t, e, id, bdb, lifecycle.ActEvaluate, map[string]any{"opinion": "良好"})
			return []string{id}
		}},
		{"建设类/side paths and phases", func(t *testing.T, e *lifecycle.Engine, c *clock) []string {
			c.Set(2025, time.March, 3)
			rejected := declare(t, e, declaration(review.Construction, false, district("500")))
			do(t, e, rejected, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
			do(t, e, rejected, bdb, lifecycle.ActExpertReview, expert(true, district("500")))
			do(t, e, rejected, gov, lifecycle.ActDeliberate, map[string]any{"approved": false})

			withdrawn := declare(t, e, declaration(review.Construction, false, district("300")))
			do(t, e, withdrawn, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
			do(t, e, withdrawn, bdb, lifecycle.ActExpertReview, expert(false, district("0")))
			do(t, e, withdrawn, unitA, lifecycle.ActWithdraw, map[string]any{"reason": "需求取消"})

			phase1 := declare(t, e, declaration(review.Construction, false, district("400")))
			toBudget(t, e, phase1, district("400"))
			do(t, e, phase1, unitA, lifecycle.ActStartProcurement, nil)
			c.Set(2025, time.April, 1)
			do(t, e, phase1, unitA, lifecycle.ActSignContract, contract("P1-1", "400", "2025-04-01", false))
			d := declaration(review.Construction, false, district("200"))
			d.ParentID, d.Phase, d.Name = phase1, 2, "智慧教育云平台（二期）"
			phase2 := declare(t, e, d)
			toBudget(t, e, phase2, district("200"))
			do(t, e, phase2, unitA, lifecycle.ActStartProcurement, nil)
			do(t, e, phase2, unitA, lifecycle.ActSignContract, contract("P2-1", "120", "2025-04-01", false))
			do(t, e, phase2, unitA, lifecycle.ActSignContract, contract("P2-2", "80", "2025-04-01", false))
			do(t, e, phase2, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false, "P2-1"))
			return []string{rejected, withdrawn, phase1, phase2}
		}},
		{"运维类/termination, completion, next year", func(t *testing.T, e *lifecycle.Engine, c *clock) []string {
			c.Set(2025, time.December, 1)
			id := declare(t, e, declaration(review.Operation, false, district("80")))
			do(t, e, id, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMGood, district("60")))
			c.Set(2026, time.January, 5)
			do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2026, "type": "annual"})
			do(t, e, id, unitA, lifecycle.ActStartProcurement, nil)
			c.Set(2026, time.January, 20)
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-1", "40", "2026-01-20", false))
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-2", "20", "2026-01-20", false))
			do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "YW-1"})
			do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("3"))
			do(t, e, id, bdb, lifecycle.ActApproveChange, nil)
			do(t, e, id, unitA, lifecycle.ActTerminateContract, map[string]any{"contract_id": "YW-2", "reason": "服务商无法履约"})
			c.Set(2026, time.December, 10)
			do(t, e, id, unitA, lifecycle.ActComplete, nil)
			next := declaration(review.Operation, false, district("70"))
			next.BudgetYear = 2027
			do(t, e, id, unitA, lifecycle.ActDeclare, next)
			return []string{id}
		}},
		{"运维类/failed evaluation, major change, last termination", func(t *testing.T, e *lifecycle.Engine, c *clock) []string {
			c.Set(2025, time.November, 20)
			failed := declare(t, e, declaration(review.Operation, false, district("50")))
			do(t, e, failed, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMPoor, district("0")))
			do(t, e, failed, unitA, lifecycle.ActWithdraw, nil)

			major := declare(t, e, declaration(review.Operation, false, district("50")))
			do(t, e, major, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMFair, district("50")))
			do(t, e, major, finance, lifecycle.ActBudget, map[string]any{"year": 2026, "type": "annual"})
			do(t, e, major, unitA, lifecycle.ActRequestChange, changeOf("20"))

			ended := declare(t, e, declaration(review.Operation, false, district("50")))
			do(t, e, ended, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMExcellent, district("50")))
			do(t, e, ended, finance, lifecycle.ActBudget, map[string]any{"year": 2026, "type": "annual"})
			do(t, e, ended, unitA, lifecycle.ActSignContract, contract("YW-9", "30", "2025-11-20", false))
			do(t, e, ended, unitA, lifecycle.ActTerminateContract, map[string]any{"contract_id": "YW-9", "reason": "系统下线"})
			return []string{failed, major, ended}
		}},
	}
}

// validPayload is a payload for action that satisfies every guard reading
// the payload, for a project whose state-decided guards hold: what
// "succeeds" means for Permitted.
func validPayload(p *lifecycle.Project, action lifecycle.Action, now time.Time) any {
	derived := map[lifecycle.Action]func() any{
		lifecycle.ActDeclare:         func() any { return nextDeclaration(p) },
		lifecycle.ActExpertReview:    func() any { return expert(true, p.Requested) },
		lifecycle.ActBudget:          func() any { return budgetOf(p) },
		lifecycle.ActSignContract:    func() any { return contractWithin(p, now) },
		lifecycle.ActApplyAcceptance: func() any { return acceptanceFacts(p.FixedAsset, contractIDs(p, nil)...) },
		lifecycle.ActOMEvaluation:    func() any { return omEvaluation(review.OMGood, p.Requested) },
		lifecycle.ActFileContract:    func() any { return map[string]any{"contract_id": firstContract(p, unfiled)} },
		lifecycle.ActTerminateContract: func() any {
			return map[string]any{"contract_id": firstContract(p, lifecycle.Contract.Active), "reason": "终止"}
		},
	}
	if f, ok := derived[action]; ok {
		return f()
	}
	fixed := map[lifecycle.Action]any{
		lifecycle.ActPreliminaryReview:  preliminary(true),
		lifecycle.ActDeliberate:         map[string]any{"approved": true},
		lifecycle.ActApproveInitiation:  map[string]any{"approved": true, "number": "渝北发改投〔2025〕2号"},
		lifecycle.ActReportIssue:        map[string]any{"kind": "other", "description": "进度说明"},
		lifecycle.ActOrderRectification: map[string]any{"reason": "督办"},
		lifecycle.ActSuspend:            map[string]any{"reason": "督办"},
		lifecycle.ActResume:             map[string]any{"reason": "督办"},
		lifecycle.ActRequestChange:      changeOf("1"),
		lifecycle.ActRejectChange:       map[string]any{"opinion": "不同意"},
		lifecycle.ActAccept:             map[string]any{"passed": true, "opinion": "通过"},
		lifecycle.ActArchive:            allDocuments(),
		lifecycle.ActEvaluate:           map[string]any{"opinion": "良好"},
		lifecycle.ActAudit:              map[string]any{"summary": "审计"},
		lifecycle.ActSecurityOpinion:    map[string]any{"kind": "guidance", "opinion": "按网络安全等级保护要求同步建设"},
	}
	if v, ok := fixed[action]; ok {
		return v
	}
	return map[string]any{}
}

// nextDeclaration is a declaration of p again: the same budget year while
// it is returned or to be declared again, else the next (第五条: each year
// is declared once).
func nextDeclaration(p *lifecycle.Project) review.Declaration {
	d := declaration(p.Kind, p.FixedAsset, district("1000"))
	d.BudgetYear = p.BudgetYear
	if p.Kind == review.Operation && p.State != lifecycle.StateReturned && p.State != lifecycle.StateRedeclarationRequired {
		d.BudgetYear = p.BudgetYear + 1
	}
	d.ParentID, d.Phase = p.ParentID, p.Phase
	return d
}

// budgetOf is a budget entry for p's budget year (2025 when it has none).
func budgetOf(p *lifecycle.Project) map[string]any {
	year := p.BudgetYear
	if year == 0 {
		year = 2025
	}
	return map[string]any{"year": year, "type": "annual"}
}

// contractWithin is a contract of at most 1 万元 within what p's approved
// investment leaves.
func contractWithin(p *lifecycle.Project, now time.Time) map[string]any {
	left := p.Approved.Total()
	for _, k := range p.Contracts {
		if k.Active() {
			left = left.Sub(k.Amount)
		}
	}
	amount := decimal.Min(left, decimal.NewFromInt(1))
	return contract(fmt.Sprintf("X-%d", len(p.Contracts)+1), amount.String(), string(lifecycle.DateOf(now)), false)
}

func unfiled(k lifecycle.Contract) bool { return !k.Filed() }

// contractIDs lists the IDs of p's contracts that ok accepts (all when ok
// is nil).
func contractIDs(p *lifecycle.Project, ok func(lifecycle.Contract) bool) []string {
	var ids []string
	for _, k := range p.Contracts {
		if ok == nil || ok(k) {
			ids = append(ids, k.ID)
		}
	}
	return ids
}

// firstContract is the ID of p's first contract that ok accepts, or
// "none".
func firstContract(p *lifecycle.Project, ok func(lifecycle.Contract) bool) string {
	if ids := contractIDs(p, ok); len(ids) > 0 {
		return ids[0]
	}
	return "none"
}

// history runs the scenarios on one engine and returns each project's
// events.
func histories(t *testing.T) [][]lifecycle.Event {
	var out [][]lifecycle.Event
	for _, s := range scenarios() {
		c := newClock(at(2025, time.January, 6))
		e := newEngine(t, c)
		for _, id := range s.run(t, e, c) {
			events, err := e.Events(context.Background(), bdb, id)
			require.NoError(t, err)
			out = append(out, events)
		}
	}
	return out
}
