package lifecycle_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// TestConstructionPath walks a fixed-asset 建设类 project through the whole
// measure: a failed and a passed preliminary review, expert review,
// deliberation, budget, 立项, two contracts filed, a minor change approved
// by bdb and drc, a rectification, a major change and the re-declaration
// it requires, acceptance, delivery, archive and evaluation.
func TestConstructionPath(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)
	check := func(p *lifecycle.Project, want lifecycle.State) {
		t.Helper()
		require.Equal(t, want, p.State)
		assert.Equal(t, p, replayed(t, e, p.ID), "replay rebuilds the live project")
	}

	// 第六条: declaration, a failed preliminary review, an amended
	// re-declaration.
	p, _, err := e.Declare(ctx, unitA, declaration(review.Construction, true, district("1000")))
	require.NoError(t, err)
	id := p.ID
	check(p, lifecycle.StateDeclared)
	refused(t, e, id, unitA, lifecycle.ActExpertReview, expert(true, district("900")), lifecycle.KindForbidden)
	le := refused(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, district("900")), lifecycle.KindRefused)
	assert.Equal(t, "第六条", le.Article, "未通过初步审核的项目，不得参加专家评审")
	// 第十六条: the audit bureau records findings on any project.
	p = do(t, e, id, auditor, lifecycle.ActAudit, map[string]any{"summary": "申报资金来源抽查"})
	check(p, lifecycle.StateDeclared)

	c.Set(2025, time.March, 10)
	p = do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(false))
	check(p, lifecycle.StateReturned)
	require.NotEmpty(t, p.Findings)
	assert.Equal(t, "not_economically_rational", p.Findings[0].Code)

	c.Set(2025, time.March, 12)
	amended := declaration(review.Construction, true, district("1000"))
	amended.FundComposition = "区财政资金，投资估算已按评审意见核减"
	p = do(t, e, id, unitA, lifecycle.ActDeclare, amended)
	check(p, lifecycle.StateDeclared)
	assert.Equal(t, 2, p.Declarations)
	assert.Empty(t, p.Findings)
	p = do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
	check(p, lifecycle.StatePreliminaryPassed)

	// 第七条: expert review approving less than requested, deliberation,
	// budget.
	c.Set(2025, time.March, 20)
	p = do(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, district("900")))
	check(p, lifecycle.StateExpertPassed)
	assert.True(t, p.Approved.IsZero(), "nothing is approved before the deliberation")
	c.Set(2025, time.April, 1)
	p = do(t, e, id, gov, lifecycle.ActDeliberate, map[string]any{"approved": true, "meeting": "区政府第12次常务会议"})
	check(p, lifecycle.StateApproved)
	assert.True(t, p.Approved.Equal(district("900")), "approved %s", p.Approved.Total())
	p = do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2025, "type": "additional"})
	check(p, lifecycle.StateBudgeted)

	// 第十条: a fixed-asset project procures only after the DRC's 立项.
	le = refused(t, e, id, unitA, lifecycle.ActStartProcurement, nil, lifecycle.KindRefused)
	assert.Equal(t, lifecycle.GuardInitiatedIfFixedAsset, le.Guard)
	assert.Equal(t, "第十条", le.Article)
	p = do(t, e, id, unitA, lifecycle.ActApplyInitiation, map[string]any{"note": "申请立项"})
	check(p, lifecycle.StateInitiationApplied)
	refused(t, e, id, bdb, lifecycle.ActApproveInitiation, map[string]any{"approved": true, "number": "渝北发改投〔2025〕1号"}, lifecycle.KindForbidden)
	c.Set(2025, time.April, 8)
	p = do(t, e, id, drc, lifecycle.ActApproveInitiation, map[string]any{"approved": true, "number": "渝北发改投〔2025〕1号"})
	check(p, lifecycle.StateInitiated)
	p = do(t, e, id, unitA, lifecycle.ActStartProcurement, map[string]any{"method": "公开招标"})
	check(p, lifecycle.StateProcuring)

	// Two contracts, filed (第十二条); an audit (第十六条).
	c.Set(2025, time.May, 6)
	p = do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-1", "600", "2025-05-06", false))
	check(p, lifecycle.StateImplementing)
	p = do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-2", "50", "2025-05-06", true))
	check(p, lifecycle.StateImplementing)
	require.Len(t, p.Contracts, 2)
	c.Set(2025, time.May, 9)
	do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-1"})
	p = do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-2"})
	check(p, lifecycle.StateImplementing)
	p = do(t, e, id, auditor, lifecycle.ActAudit, map[string]any{"summary": "资金使用抽查", "findings": []string{"未发现问题"}})
	check(p, lifecycle.StateImplementing)
	require.Len(t, p.Audits, 2)

	// 第十一条第（一）项: a minor change, approved by bdb and then drc.
	c.Set(2025, time.June, 3)
	p = do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("50"))
	check(p, lifecycle.StateImplementing)
	require.Len(t, p.Changes, 1)
	assert.Equal(t, lifecycle.ChangePending, p.Changes[0].Status)
	assert.Equal(t, []lifecycle.Role{lifecycle.RoleBDB, lifecycle.RoleDRC}, p.Changes[0].Pending())
	le = refused(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(true), lifecycle.KindRefused)
	assert.Equal(t, lifecycle.GuardNoChangePending, le.Guard)
	p = do(t, e, id, bdb, lifecycle.ActApproveChange, map[string]any{"opinion": "同意"})
	assert.Equal(t, lifecycle.ChangePending, p.Changes[0].Status, "drc has not approved yet")
	le = refused(t, e, id, bdb, lifecycle.ActApproveChange, nil, lifecycle.KindForbidden)
	assert.Equal(t, lifecycle.GuardChangeApprover, le.Guard)
	p = do(t, e, id, drc, lifecycle.ActApproveChange, map[string]any{"opinion": "同意"})
	check(p, lifecycle.StateImplementing)
	assert.Equal(t, lifecycle.ChangeApproved, p.Changes[0].Status)
	assert.True(t, p.Approved.Equal(district("950")), "approved %s", p.Approved.Total())

	// 第十三条: an issue reported, rectification ordered and lifted.
	p = do(t, e, id, unitA, lifecycle.ActReportIssue, map[string]any{"kind": "serious_delay", "description": "工期滞后两个月"})
	check(p, lifecycle.StateImplementing)
	p = do(t, e, id, bdb, lifecycle.ActOrderRectification, map[string]any{"reason": "工期严重滞后"})
	check(p, lifecycle.StateRectifying)
	refused(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(true), lifecycle.KindRefused)
	p = do(t, e, id, bdb, lifecycle.ActResume, map[string]any{"reason": "整改完成"})
	check(p, lifecycle.StateImplementing)
	require.Len(t, p.Supervision, 3)

	// 第十一条第（二）项: a major change sends the project back through
	// declaration and review; its contracts stay on record.
	c.Set(2025, time.July, 1)
	p = do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("200"))
	check(p, lifecycle.StateRedeclarationRequired)
	assert.Equal(t, lifecycle.ChangeRedeclare, p.Changes[1].Status)
	assert.Len(t, p.Contracts, 2)
	refused(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-3", "100", "2025-07-01", false), lifecycle.KindRefused)
	redeclared := declaration(review.Construction, true, district("1150"))
	redeclared.Content += "，增加移动端"
	p = do(t, e, id, unitA, lifecycle.ActDeclare, redeclared)
	check(p, lifecycle.StateDeclared)
	do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
	do(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, district("1100")))
	c.Set(2025, time.July, 15)
	p = do(t, e, id, gov, lifecycle.ActDeliberate, map[string]any{"approved": true})
	basis, err := p.ChangeBasis()
	require.NoError(t, err)
	assert.True(t, basis.Base.Equal(district("1100")), "the re-approval resets the base of 第十一条")
	assert.Empty(t, basis.Prior, "changes before the re-approval no longer count")
	do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2025, "type": "additional"})
	do(t, e, id, unitA, lifecycle.ActApplyInitiation, nil)
	do(t, e, id, drc, lifecycle.ActApproveInitiation, map[string]any{"approved": true, "number": "渝北发改投〔2025〕9号"})
	do(t, e, id, unitA, lifecycle.ActStartProcurement, nil)
	c.Set(2025, time.July, 21)
	do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-3", "300", "2025-07-21", false))
	p = do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-3"})
	check(p, lifecycle.StateImplementing)
	assert.Len(t, p.Contracts, 3)

	// 第十四条: acceptance, delivery.
	c.Set(2025, time.November, 3)
	p = do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(true))
	check(p, lifecycle.StateAcceptanceApplied)
	assert.Equal(t, []string{"HT-1", "HT-2", "HT-3"}, p.Acceptances[0].Facts.Contracts)
	refused(t, e, id, unitA, lifecycle.ActDeliver, nil, lifecycle.KindRefused)
	p = do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "同意通过验收"})
	check(p, lifecycle.StateAccepted)
	p = do(t, e, id, unitA, lifecycle.ActDeliver, nil)
	check(p, lifecycle.StateDelivered)

	// 第十五条: the archive needs the 变更说明 (a change was approved), the
	// 监理报告 (HT-2 is supervision) and the 立项批复 (fixed asset).
	var partial []string
	for _, d := range review.Documents() {
		switch d.Key {
		case review.DocChangeExplanation, review.DocSupervisionReport, review.DocInitiationApproval:
		default:
			partial = append(partial, d.Key)
		}
	}
	le = refused(t, e, id, unitA, lifecycle.ActArchive, map[string]any{"documents": partial}, lifecycle.KindRefused)
	assert.Equal(t, "第十五条", le.Article)
	var missing []string
	for _, f := range le.Findings {
		missing = append(missing, f.Field)
	}
	assert.ElementsMatch(t, []string{"documents.initiation_approval", "documents.supervision_report", "documents.change_explanation"}, missing)
	c.Set(2025, time.November, 10)
	p = do(t, e, id, unitA, lifecycle.ActArchive, allDocuments())
	check(p, lifecycle.StateArchived)

	// 第十七条: evaluation.
	p = do(t, e, id, bdb, lifecycle.ActEvaluate, map[string]any{"grade": "good", "opinion": "达到建设目标"})
	check(p, lifecycle.StateEvaluated)
	assert.Empty(t, lifecycle.Permitted(e.Rulebook(p.DeclaredAt), p, unitA), "nothing is left for the unit")

	obs, err := e.Obligations(ctx, bdb, id, c.Now())
	require.NoError(t, err)
	for _, o := range obs {
		assert.Equal(t, lifecycle.ObligationMetOnTime, o.Status, "%s %s", o.Duty, o.Ref)
	}
	assert.Len(t, obs, 4, "three contracts filed and one archive")

	// The project serialises for the HTTP API.
	data, err := json.Marshal(p)
	require.NoError(t, err)
	var back map[string]any
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, "evaluated", back["state"])
	assert.Len(t, back["changes"], 2)
}

// TestOperationPath walks a 运维类 project: declaration for a budget year,
// evaluation, budget, procurement, contracts, a termination with its
// written notice, completion and the next year's declaration (第五条,
// 第九条, 第十二条, 第十三条).
func TestOperationPath(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.December, 1))
	var notices []lifecycle.Summary
	e := newEngine(t, c, func(cfg *lifecycle.Config) {
		cfg.OnEvent = func(_ context.Context, ev lifecycle.Event, s lifecycle.Summary) {
			if ev.Action == lifecycle.ActTerminateContract {
				notices = append(notices, s)
			}
		}
	})
	check := func(p *lifecycle.Project, want lifecycle.State) {
		t.Helper()
		require.Equal(t, want, p.State)
		assert.Equal(t, p, replayed(t, e, p.ID))
	}
	p, _, err := e.Declare(ctx, unitA, declaration(review.Operation, false, district("80")))
	require.NoError(t, err)
	id := p.ID
	check(p, lifecycle.StateDeclared)
	refused(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true), lifecycle.KindRefused)

	p = do(t, e, id, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMGood, district("60")))
	check(p, lifecycle.StateOMEvaluated)
	assert.True(t, p.Approved.Equal(district("60")))
	le := refused(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2027, "type": "annual"}, lifecycle.KindInvalid)
	assert.Equal(t, "year", le.Findings[0].Field)
	c.Set(2026, time.January, 5)
	p = do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2026, "type": "annual"})
	check(p, lifecycle.StateBudgeted)
	p = do(t, e, id, unitA, lifecycle.ActStartProcurement, map[string]any{"method": "竞争性磋商"})
	check(p, lifecycle.StateProcuring)
	c.Set(2026, time.January, 20)
	p = do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-1", "40", "2026-01-20", false))
	check(p, lifecycle.StateOperating)
	p = do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-2", "20", "2026-01-20", false))
	assert.Len(t, p.Contracts, 2)
	le = refused(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-3", "1", "2026-01-20", false), lifecycle.KindRefused)
	assert.Equal(t, lifecycle.GuardWithinInvestment, le.Guard)
	do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "YW-1"})
	p = do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "YW-2"})
	check(p, lifecycle.StateOperating)

	// 第十三条: a termination needs its written reason.
	le = refused(t, e, id, unitA, lifecycle.ActTerminateContract, map[string]any{"contract_id": "YW-2", "reason": " "}, lifecycle.KindRefused)
	assert.Equal(t, lifecycle.GuardWrittenReason, le.Guard)
	assert.Equal(t, "第十三条", le.Article)
	c.Set(2026, time.June, 1)
	p = do(t, e, id, unitA, lifecycle.ActTerminateContract, map[string]any{"contract_id": "YW-2", "reason": "服务商无法履约"})
	check(p, lifecycle.StateOperating)
	require.NotNil(t, p.Contracts[1].Termination)
	assert.Equal(t, []lifecycle.Role{lifecycle.RoleBDB, lifecycle.RoleFinance}, p.Contracts[1].Termination.Notified)
	require.Len(t, notices, 1, "the hook sees the notice")

	c.Set(2026, time.December, 10)
	p = do(t, e, id, unitA, lifecycle.ActComplete, map[string]any{"note": "年度运维完成"})
	check(p, lifecycle.StateCompleted)
	obs, err := e.Obligations(ctx, unitA, id, c.Now())
	require.NoError(t, err)
	next, ok := lifecycle.NextDue(obs)
	require.True(t, ok)
	assert.Equal(t, lifecycle.DutyOMDeclaration, next.Duty)
	assert.Equal(t, "2027", next.Ref)
	assert.True(t, next.Due.Equal(day(2026, time.December, 31)), "due %s", next.Due)
	assert.Equal(t, lifecycle.ObligationPending, next.Status)

	// 第五条: the next year's declaration.
	le = refused(t, e, id, unitA, lifecycle.ActDeclare, declaration(review.Operation, false, district("70")), lifecycle.KindRefused)
	assert.Equal(t, lifecycle.GuardBudgetYear, le.Guard)
	nextYear := declaration(review.Operation, false, district("70"))
	nextYear.BudgetYear = 2027
	p = do(t, e, id, unitA, lifecycle.ActDeclare, nextYear)
	check(p, lifecycle.StateDeclared)
	assert.Equal(t, 2027, p.BudgetYear)
	obs, err = e.Obligations(ctx, unitA, id, c.Now())
	require.NoError(t, err)
	for _, o := range obs {
		assert.Equal(t, lifecycle.ObligationMetOnTime, o.Status, "%s %s", o.Duty, o.Ref)
	}
}
