package lifecycle_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// typedStep is one step of the construction path as a typed payload.
type typedStep struct {
	actor lifecycle.Actor
	on    time.Time
	in    lifecycle.Payload
}

func yes() *bool { v := true; return &v }

// typedPath takes a 建设类 project from its declaration to its evaluation
// with the typed payloads of the package, each built from Go values only.
func typedPath() []typedStep {
	var opinions []review.AspectOpinion
	for _, a := range review.Aspects() {
		opinions = append(opinions, review.AspectOpinion{Aspect: a, Passed: true, Opinion: "同意"})
	}
	var docs []string
	for _, d := range review.Documents() {
		docs = append(docs, d.Key)
	}
	ok := review.Verdict{Passed: true}
	return []typedStep{
		{bdb, at(2025, time.March, 10), lifecycle.PreliminaryReviewPayload{
			Submission: lifecycle.PreliminarySubmission{TableOfContents: toc(), UsesGovCloud: true, ConnectsSharingPlatform: true,
				OpenDataStatement: "教育资源目录向社会开放", CryptographyPlan: "采用国密算法", SecurityPlan: "按等保三级设计"},
			Judgment: review.ReviewerJudgment{MaterialsClear: ok, TechnicallyFeasible: ok, EconomicallyRational: ok}}},
		{bdb, at(2025, time.March, 20), lifecycle.ExpertReviewPayload{
			Organisers: []lifecycle.Role{lifecycle.RoleBDB, lifecycle.RoleFinance, lifecycle.RoleDRC},
			Experts:    []review.Panelist{{Name: "李教授", Specialty: "教育信息化"}},
			Opinions:   opinions, Opinion: "项目必要、可行", Passed: true, Approved: district("900")}},
		{gov, at(2025, time.April, 1), lifecycle.DeliberatePayload{Approved: yes(), Meeting: "区政府第12次常务会议"}},
		{finance, at(2025, time.April, 2), lifecycle.BudgetPayload{Year: 2025, Type: lifecycle.BudgetAdditional}},
		{unitA, at(2025, time.April, 9), lifecycle.StartProcurementPayload{Method: "公开招标"}},
		{unitA, at(2025, time.May, 6), lifecycle.SignContractPayload{Contract: lifecycle.ContractInput{
			ID: "HT-1", Title: "平台建设合同", Amount: decimal.RequireFromString("800"), SignedOn: "2025-05-06", Supplier: "重庆某信息技术有限公司"}}},
		{unitA, at(2025, time.May, 8), lifecycle.FileContractPayload{ContractID: "HT-1"}},
		{unitA, at(2025, time.June, 2), lifecycle.RequestChangePayload{Request: change.Request{Reason: "需求调整",
			Items: []change.LineItem{{Item: "新增移动端", Source: review.District, Old: decimal.Zero, New: decimal.RequireFromString("50")}}}}},
		{bdb, at(2025, time.June, 3), lifecycle.ApproveChangePayload{Opinion: "同意"}},
		{unitA, at(2025, time.June, 10), lifecycle.ReportIssuePayload{Kind: lifecycle.IssueSeriousDelay, Description: "进度滞后"}},
		{bdb, at(2025, time.June, 11), lifecycle.OrderRectificationPayload{Reason: "限期整改"}},
		{bdb, at(2025, time.June, 20), lifecycle.ResumePayload{Reason: "整改完成"}},
		{unitA, at(2025, time.December, 1), lifecycle.ApplyAcceptancePayload{Facts: review.AcceptanceFacts{
			Documents:           []string{review.DocConstructionPlan, review.DocProcurementDocuments, review.DocContracts},
			DataCatalogCompiled: true, SharingPlatformConnected: true}}},
		{bdb, at(2025, time.December, 10), lifecycle.AcceptPayload{Passed: yes(), Opinion: "通过验收"}},
		{unitA, at(2025, time.December, 11), lifecycle.DeliverPayload{Note: "交付使用"}},
		{unitA, at(2025, time.December, 12), lifecycle.ArchivePayload{Documents: docs}},
		{auditor, at(2025, time.December, 15), lifecycle.AuditPayload{Summary: "审计", Findings: []string{"无"}}},
		{bdb, at(2026, time.March, 2), lifecycle.EvaluatePayload{Grade: review.OMGood, Opinion: "效益良好"}},
	}
}

// TestTypedDoEqualsDoJSON: the construction path taken with typed payloads
// (Engine.Do) and with the same payloads marshalled by encoding/json
// (Engine.DoJSON) gives the same project and the same events; every
// payload type names its action, and a typed payload as documented is
// accepted once marshalled (the submission's empty declaration included).
func TestTypedDoEqualsDoJSON(t *testing.T) {
	ctx := context.Background()
	ct, cj := newClock(at(2025, time.March, 3)), newClock(at(2025, time.March, 3))
	typed, viaJSON := newEngine(t, ct), newEngine(t, cj)
	d := declaration(review.Construction, false, district("1000"))
	p, ev, err := typed.Declare(ctx, unitA, d)
	require.NoError(t, err)
	assert.Equal(t, lifecycle.ActDeclare, ev.Action)
	assert.Equal(t, int64(1), ev.Version)
	_, _, err = viaJSON.Declare(ctx, unitA, d)
	require.NoError(t, err)
	var pj *lifecycle.Project
	for _, s := range typedPath() {
		ct.now, cj.now = s.on, s.on
		p, _, err = typed.Do(ctx, p.ID, p.Version, s.actor, s.in)
		require.NoError(t, err, "typed %s", s.in.Action())
		raw, jerr := json.Marshal(s.in)
		require.NoError(t, jerr)
		pj, _, err = viaJSON.DoJSON(ctx, p.ID, lifecycle.AnyVersion, s.actor, s.in.Action(), raw)
		require.NoError(t, err, "JSON %s: %s", s.in.Action(), raw)
	}
	require.Equal(t, lifecycle.StateEvaluated, p.State)
	assert.Equal(t, p, pj)
	et, err := typed.Events(ctx, bdb, p.ID)
	require.NoError(t, err)
	ej, err := viaJSON.Events(ctx, bdb, p.ID)
	require.NoError(t, err)
	require.Equal(t, len(et), len(ej))
	for i := range et {
		assert.Equal(t, et[i].Action, ej[i].Action)
		assert.JSONEq(t, string(et[i].Payload), string(ej[i].Payload), "event %d (%s)", i+1, et[i].Action)
	}
	assert.Equal(t, p, replayed(t, typed, p.ID), "replay rebuilds the typed path")
}

// TestEveryPayloadNamesItsAction: each action reads into a payload type
// that names it, and a payload of another action's type is refused.
func TestEveryPayloadNamesItsAction(t *testing.T) {
	for _, a := range lifecycle.Actions() {
		in, err := lifecycle.ReadPayload(a, nil)
		require.NoError(t, err, "%s", a)
		assert.Equal(t, a, in.Action(), "the payload type of %s", a)
		assert.NotEqual(t, string(a), a.ZH(), "%s has a Chinese name", a)
	}
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)
	id := declare(t, e, declaration(review.Construction, false, district("100")))
	_, _, err := e.Do(context.Background(), id, lifecycle.AnyVersion, bdb, nil)
	assert.Equal(t, lifecycle.KindInvalid, lifecycle.KindOf(err))
	_, err = lifecycle.ReadPayload("approve_everything", nil)
	assert.Equal(t, lifecycle.KindInvalid, lifecycle.KindOf(err))
}

// TestChineseMessagesNameActionsInChinese: a refusal's Chinese text names
// the action by its Chinese name, not by its identifier.
func TestChineseMessagesNameActionsInChinese(t *testing.T) {
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)
	id := declare(t, e, declaration(review.Construction, false, district("100")))
	le := refused(t, e, id, unitA, lifecycle.ActBudget, map[string]any{"year": 2025, "type": "annual"}, lifecycle.KindForbidden)
	assert.Contains(t, le.ZH, "纳入预算")
	assert.NotContains(t, le.ZH, "budget")
	le = refused(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2025, "type": "annual"}, lifecycle.KindRefused)
	assert.Contains(t, le.ZH, "纳入预算")
	assert.NotContains(t, le.ZH, "“budget”")
}
