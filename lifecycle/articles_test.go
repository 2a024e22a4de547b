package lifecycle_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// signedConstruction declares a construction project on the clock's day,
// takes it to procurement and signs contract id for amount.
func signedConstruction(t *testing.T, e *lifecycle.Engine, c *clock, id, amount string) string {
	t.Helper()
	pid := declare(t, e, declaration(review.Construction, false, district("100")))
	toBudget(t, e, pid, district("100"))
	do(t, e, pid, unitA, lifecycle.ActStartProcurement, nil)
	do(t, e, pid, unitA, lifecycle.ActSignContract, contract(id, amount, string(lifecycle.DateOf(c.Now())), false))
	return pid
}

// TestContractFilingAfterSigning holds 第十二条 (项目建设和运维单位签订项目合同后，
// 应于7个工作日内将合同复印件报区大数据发展局备案) as the text has it: without
// condition. A signed contract is filed whatever became of the project
// after its signing, and every duty listed can be met by some action.
func TestContractFilingAfterSigning(t *testing.T) {
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)

	t.Run("第十二条/filed after the project is withdrawn", func(t *testing.T) {
		id := signedConstruction(t, e, c, "HT-W", "10")
		do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("50"))
		p := do(t, e, id, unitA, lifecycle.ActWithdraw, map[string]any{"reason": "不再建设"})
		require.Equal(t, lifecycle.StateWithdrawn, p.State)
		p = do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-W"})
		assert.True(t, p.Contracts[0].Filed())
	})
	t.Run("第十二条/filed after the re-declaration is rejected", func(t *testing.T) {
		id := signedConstruction(t, e, c, "HT-R", "10")
		do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("50"))
		do(t, e, id, unitA, lifecycle.ActDeclare, declaration(review.Construction, false, district("150")))
		do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
		do(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, district("150")))
		p := do(t, e, id, gov, lifecycle.ActDeliberate, map[string]any{"approved": false})
		require.Equal(t, lifecycle.StateRejected, p.State)
		p = do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-R"})
		assert.True(t, p.Contracts[0].Filed())
	})
	t.Run("第十二条/filed after the evaluation", func(t *testing.T) {
		id := signedConstruction(t, e, c, "HT-E", "10")
		do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false))
		do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "通过"})
		do(t, e, id, unitA, lifecycle.ActDeliver, nil)
		do(t, e, id, unitA, lifecycle.ActArchive, allDocuments())
		p := do(t, e, id, bdb, lifecycle.ActEvaluate, map[string]any{"opinion": "良好"})
		require.Equal(t, lifecycle.StateEvaluated, p.State)
		p = do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-E"})
		assert.True(t, p.Contracts[0].Filed())
	})
	t.Run("第十二条/every duty listed can be met", func(t *testing.T) {
		for _, events := range histories(t) {
			p, err := lifecycle.Replay(events)
			require.NoError(t, err)
			rb := lifecycle.Yubei2019()
			obs, err := lifecycle.Obligations(rb, calendarChina(), events, day(2027, time.June, 1))
			require.NoError(t, err)
			permitted := lifecycle.Permitted(rb, p, unitA)
			for _, o := range obs {
				if o.Status != lifecycle.ObligationPending && o.Status != lifecycle.ObligationOverdue {
					continue
				}
				meets := map[string]lifecycle.Action{
					lifecycle.DutyContractFiling: lifecycle.ActFileContract,
					lifecycle.DutyArchive:        lifecycle.ActArchive,
					lifecycle.DutyOMDeclaration:  lifecycle.ActDeclare,
				}[o.Duty]
				assert.Contains(t, permitted, meets, "project %s in %s: %s %s is listed but cannot be met", p.ID, p.State, o.Duty, o.Ref)
			}
		}
	})
}

// TestReadings settles readings of the text where the code had gone beyond
// it or stopped short of it.
func TestReadings(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)

	accepted := func(t *testing.T) string {
		id := signedConstruction(t, e, c, "HT-1", "10")
		do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false))
		do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "通过"})
		return id
	}
	t.Run("第十五条/the archive is filed from acceptance, before delivery", func(t *testing.T) {
		id := accepted(t)
		p := do(t, e, id, unitA, lifecycle.ActArchive, allDocuments())
		assert.False(t, p.ArchivedAt.IsZero())
		p = do(t, e, id, unitA, lifecycle.ActDeliver, nil)
		assert.NotEqual(t, lifecycle.StateAccepted, p.State)
		assert.False(t, p.ArchivedAt.IsZero())
	})
	t.Run("第十七条/a completed project is evaluated once accepted", func(t *testing.T) {
		id := accepted(t)
		p := do(t, e, id, bdb, lifecycle.ActEvaluate, map[string]any{"opinion": "效益良好"})
		require.NotNil(t, p.Evaluation)
		// The unit's duties go on: delivery and the archive.
		do(t, e, id, unitA, lifecycle.ActDeliver, nil)
		p = do(t, e, id, unitA, lifecycle.ActArchive, allDocuments())
		assert.False(t, p.ArchivedAt.IsZero())
	})
	t.Run("第十条/立项 is applied for once the deliberation approves", func(t *testing.T) {
		id := declare(t, e, declaration(review.Construction, true, district("100")))
		do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
		do(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, district("100")))
		do(t, e, id, gov, lifecycle.ActDeliberate, map[string]any{"approved": true})
		do(t, e, id, unitA, lifecycle.ActApplyInitiation, nil)
		do(t, e, id, drc, lifecycle.ActApproveInitiation, map[string]any{"approved": true, "number": "渝北发改投〔2025〕9号"})
		// Procurement still waits for the budget (第七条).
		le := refused(t, e, id, unitA, lifecycle.ActStartProcurement, nil, lifecycle.KindRefused)
		assert.Equal(t, "第七条", le.Article)
		do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2025, "type": "annual"})
		p := do(t, e, id, unitA, lifecycle.ActStartProcurement, nil)
		assert.Equal(t, lifecycle.StateProcuring, p.State)
	})
	t.Run("第十六条/the audit bureau may record findings on any project", func(t *testing.T) {
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		p := do(t, e, id, auditor, lifecycle.ActAudit, map[string]any{"summary": "申报资金来源核查"})
		assert.Len(t, p.Audits, 1)
		do(t, e, id, unitA, lifecycle.ActWithdraw, nil)
		p = do(t, e, id, auditor, lifecycle.ActAudit, map[string]any{"summary": "撤回项目资金核查"})
		assert.Len(t, p.Audits, 2)
	})
	t.Run("第十一条/an O&M change is requested once evaluated, like a construction change once approved", func(t *testing.T) {
		c := newClock(at(2025, time.December, 1))
		e := newEngine(t, c)
		p, _, err := e.Declare(ctx, unitA, declaration(review.Operation, false, district("50")))
		require.NoError(t, err)
		do(t, e, p.ID, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMGood, district("50")))
		p = do(t, e, p.ID, unitA, lifecycle.ActRequestChange, changeOf("2"))
		assert.Len(t, p.Changes, 1)
	})

}

// TestParties records the parties the text names in the steps they take.
func TestParties(t *testing.T) {
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)

	t.Run("第十三条/rectification and suspension record the finance bureau's part", func(t *testing.T) {
		id := signedConstruction(t, e, c, "HT-S", "10")
		part := map[string]any{"officer": "钱科长", "opinion": "同意暂停拨付"}
		p := do(t, e, id, bdb, lifecycle.ActSuspend, map[string]any{"reason": "投资重大损失", "finance": part})
		last := p.Supervision[len(p.Supervision)-1]
		require.NotNil(t, last.Finance)
		assert.Equal(t, "钱科长", last.Finance.Officer)
		assert.Equal(t, p, replayed(t, e, id))
	})
	t.Run("第十三条/the rulebook may require the finance bureau's part", func(t *testing.T) {
		rb := lifecycle.Yubei2019()
		rb.RequireFinanceInMeasures = true
		books, err := lifecycle.NewRulebooks(rb)
		require.NoError(t, err)
		e := newEngine(t, c, func(cfg *lifecycle.Config) { cfg.Rulebooks = books })
		id := signedConstruction(t, e, c, "HT-F", "10")
		le := refused(t, e, id, bdb, lifecycle.ActOrderRectification, map[string]any{"reason": "严重逾期"}, lifecycle.KindInvalid)
		assert.Equal(t, "第十三条", le.Article)
		assert.Equal(t, []string{"finance"}, fieldsOf(le))
	})
	t.Run("第三条/the cyberspace office records guidance and supervision on any project", func(t *testing.T) {
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		p := do(t, e, id, cac, lifecycle.ActSecurityOpinion, map[string]any{"kind": "guidance", "opinion": "按等保三级同步规划"})
		require.Len(t, p.SecurityOpinions, 1)
		assert.Equal(t, "cac", string(p.SecurityOpinions[0].Role))
		refused(t, e, id, bdb, lifecycle.ActSecurityOpinion, map[string]any{"kind": "guidance", "opinion": "x"}, lifecycle.KindForbidden)
		le := refused(t, e, id, cac, lifecycle.ActSecurityOpinion, map[string]any{"kind": "guidance"}, lifecycle.KindInvalid)
		assert.Equal(t, "第三条", le.Article)
		do(t, e, id, unitA, lifecycle.ActWithdraw, nil)
		p = do(t, e, id, cac, lifecycle.ActSecurityOpinion, map[string]any{"kind": "supervision", "opinion": "撤回项目的数据已清除"})
		assert.Len(t, p.SecurityOpinions, 2)
		assert.Equal(t, p, replayed(t, e, id))
	})
	t.Run("第十四条/acceptance records the units and experts", func(t *testing.T) {
		id := signedConstruction(t, e, c, "HT-A", "10")
		do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false))
		p := do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "通过",
			"units":   []string{"区大数据发展局", "区教委"},
			"experts": []map[string]any{{"name": "李教授", "employer": "重庆大学", "specialty": "软件工程"}}})
		res := p.Acceptances[0].Result
		require.NotNil(t, res)
		assert.Equal(t, []string{"区大数据发展局", "区教委"}, res.Units)
		assert.Equal(t, "重庆大学", res.Experts[0].Employer)
	})
	t.Run("第十七条/the evaluation records its experts or agency", func(t *testing.T) {
		id := signedConstruction(t, e, c, "HT-V", "10")
		do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false))
		do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "通过"})
		p := do(t, e, id, bdb, lifecycle.ActEvaluate, map[string]any{"opinion": "良好", "agency": "重庆某评估咨询有限公司",
			"experts": []map[string]any{{"name": "周工", "employer": "市信息中心", "specialty": "绩效评价"}}})
		assert.Equal(t, "重庆某评估咨询有限公司", p.Evaluation.Agency)
		assert.Equal(t, "市信息中心", p.Evaluation.Experts[0].Employer)
	})
	t.Run("第七条/the panel records each expert's employer", func(t *testing.T) {
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
		panel := expert(true, district("100"))
		panel["experts"] = []map[string]any{{"name": "李教授", "employer": "重庆大学", "specialty": "教育信息化"}}
		p := do(t, e, id, bdb, lifecycle.ActExpertReview, panel)
		assert.Equal(t, "重庆大学", p.Expert.Panel.Experts[0].Employer)
	})
}

// TestRefusalsCiteTheArticleThatBlocks holds every "not yet" refusal to
// the article that orders the step missing, and every explanation to the
// words of the text.
func TestRefusalsCiteTheArticleThatBlocks(t *testing.T) {
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)

	t.Run("第七条/procurement before the budget", func(t *testing.T) {
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
		do(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, district("100")))
		do(t, e, id, gov, lifecycle.ActDeliberate, map[string]any{"approved": true})
		le := refused(t, e, id, unitA, lifecycle.ActStartProcurement, nil, lifecycle.KindRefused)
		assert.Equal(t, "第七条", le.Article)
		le = refused(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-03", false), lifecycle.KindRefused)
		assert.Equal(t, "第七条", le.Article)
	})
	t.Run("第五条/O&M procurement before the budget", func(t *testing.T) {
		c := newClock(at(2025, time.December, 1))
		e := newEngine(t, c)
		p, _, err := e.Declare(context.Background(), unitA, declaration(review.Operation, false, district("50")))
		require.NoError(t, err)
		do(t, e, p.ID, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMGood, district("50")))
		le := refused(t, e, p.ID, unitA, lifecycle.ActStartProcurement, nil, lifecycle.KindRefused)
		assert.Equal(t, "第五条", le.Article)
	})
	t.Run("第十条/procurement while the 立项 is pending", func(t *testing.T) {
		id := declare(t, e, declaration(review.Construction, true, district("100")))
		toBudget(t, e, id, district("100"))
		do(t, e, id, unitA, lifecycle.ActApplyInitiation, nil)
		le := refused(t, e, id, unitA, lifecycle.ActStartProcurement, nil, lifecycle.KindRefused)
		assert.Equal(t, "第十条", le.Article)
		le = refused(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-03", false), lifecycle.KindRefused)
		assert.Equal(t, "第十条", le.Article)
	})
	t.Run("第十三条/signing while suspended", func(t *testing.T) {
		id := signedConstruction(t, e, c, "HT-1", "10")
		do(t, e, id, bdb, lifecycle.ActSuspend, map[string]any{"reason": "暂停"})
		le := refused(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-2", "1", "2025-03-03", false), lifecycle.KindRefused)
		assert.Equal(t, "第十三条", le.Article)
	})
	t.Run("第十一条/signing while the re-declaration is required", func(t *testing.T) {
		id := signedConstruction(t, e, c, "HT-1", "10")
		do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("50"))
		le := refused(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-2", "1", "2025-03-03", false), lifecycle.KindRefused)
		assert.Equal(t, "第十一条第（二）项", le.Article)
	})
	t.Run("第十一条/the explanations add no condition the text lacks", func(t *testing.T) {
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		le := refused(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("5"), lifecycle.KindRefused)
		assert.NotContains(t, le.ZH, "验收前")
		le = refused(t, e, id, bdb, lifecycle.ActEvaluate, map[string]any{"opinion": "x"}, lifecycle.KindRefused)
		assert.Equal(t, "第十七条", le.Article)
		assert.NotContains(t, le.ZH, "存档")
		le = refused(t, e, id, unitA, lifecycle.ActArchive, allDocuments(), lifecycle.KindRefused)
		assert.Equal(t, "第十五条", le.Article)
		assert.False(t, strings.Contains(le.ZH, "验收并交付后"), le.ZH)
	})
}
