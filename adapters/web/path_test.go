package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// step is one action of the 建设类 path as a clerk fills its form: who,
// what, and the inputs by name (several values for a set of boxes).
type step struct {
	Token  string
	Action lifecycle.Action
	Values url.Values
	// State is the state the project is in afterwards.
	State lifecycle.State
}

// constructionPath is the whole 建设类 path of the walkthrough, from the
// preliminary review (第六条) to the comprehensive evaluation (第十七条),
// as form inputs. The contract is signed on the fixture's first day.
func constructionPath() []step {
	docs := func(keys ...string) []string { return keys }
	return []step{
		{"tok-bdb", lifecycle.ActPreliminaryReview, url.Values{
			"submission.table_of_contents":          {tableOfContents()},
			"submission.uses_gov_cloud":             {"true"},
			"submission.connects_sharing_platform":  {"true"},
			"submission.open_datasets":              {"中小学校名录"},
			"submission.cryptography_plan":          {"身份认证和敏感数据采用商用密码"},
			"submission.security_plan":              {"按等保二级设计并测评"},
			"judgment.materials_clear.passed":       {"true"},
			"judgment.technically_feasible.passed":  {"true"},
			"judgment.economically_rational.passed": {"true"},
		}, lifecycle.StatePreliminaryPassed},
		{"tok-bdb", lifecycle.ActExpertReview, url.Values{
			"organisers":     {"bdb", "finance", "drc"},
			"experts.0.name": {"王强"}, "experts.0.specialty": {"软件工程"},
			"experts.1.name": {"赵敏"}, "experts.1.specialty": {"网络安全"},
			"opinions.0.aspect": {string(review.Necessity)}, "opinions.0.passed": {"true"}, "opinions.0.opinion": {"必要"},
			"opinions.1.aspect": {string(review.Feasibility)}, "opinions.1.passed": {"true"}, "opinions.1.opinion": {"可行"},
			"opinions.2.aspect": {string(review.Security)}, "opinions.2.passed": {"true"}, "opinions.2.opinion": {"安全设计完整"},
			"opinions.3.aspect": {string(review.InvestmentRationality)}, "opinions.3.passed": {"true"}, "opinions.3.opinion": {"投资合理"},
			"opinions.4.aspect": {string(review.BudgetDetail)}, "opinions.4.passed": {"true"}, "opinions.4.opinion": {"预算明细清楚"},
			"opinion": {"同意通过"}, "passed": {"true"},
			"approved.central": {"0"}, "approved.municipal": {"0"}, "approved.district": {"100"}, "approved.self_funded": {"10.25"},
		}, lifecycle.StateExpertPassed},
		{"tok-government", lifecycle.ActDeliberate, url.Values{"approved": {"true"}, "meeting": {"区政府常务会议"}}, lifecycle.StateApproved},
		{"tok-finance", lifecycle.ActBudget, url.Values{"year": {"2026"}, "type": {"annual"}}, lifecycle.StateBudgeted},
		{"tok-unit", lifecycle.ActStartProcurement, url.Values{"method": {"公开招标"}}, lifecycle.StateProcuring},
		{"tok-unit", lifecycle.ActSignContract, url.Values{
			"contract.id": {"HT-2026-001"}, "contract.title": {"学籍与资助管理平台开发"}, "contract.amount": {"105.5"},
			"contract.signed_on": {"2026-09-28"}, "contract.supplier": {"重庆某软件有限公司"},
		}, lifecycle.StateImplementing},
		{"tok-unit", lifecycle.ActFileContract, url.Values{"contract_id": {"HT-2026-001"}}, lifecycle.StateImplementing},
		{"tok-unit", lifecycle.ActApplyAcceptance, url.Values{
			"facts.documents":                  docs(review.DocConstructionPlan, review.DocProcurementDocuments, review.DocContracts),
			"facts.data_catalog_compiled":      {"true"},
			"facts.sharing_platform_connected": {"true"},
		}, lifecycle.StateAcceptanceApplied},
		{"tok-bdb", lifecycle.ActAccept, url.Values{"passed": {"true"}, "opinion": {"验收通过"}}, lifecycle.StateAccepted},
		{"tok-unit", lifecycle.ActDeliver, url.Values{}, lifecycle.StateDelivered},
		{"tok-unit", lifecycle.ActArchive, url.Values{"documents": docs(
			review.DocConstructionPlan, review.DocDataStructureDesign, review.DocProcurementDocuments, review.DocContracts,
			review.DocTestReport, review.DocAcceptanceReport, review.DocUserReport, review.DocAcceptanceOpinion)},
			lifecycle.StateArchived},
		{"tok-bdb", lifecycle.ActEvaluate, url.Values{"grade": {"good"}, "opinion": {"达到预期目标"}}, lifecycle.StateEvaluated},
	}
}

// TestConstructionPathThroughForms declares through the declaration form
// (with the 第四条 check first) and takes every action of the 建设类 path
// through its generated form, each actor in its own session.
func TestConstructionPathThroughForms(t *testing.T) {
	f := newFixture(t)
	unit := f.signIn("tok-unit")
	status, body := unit.post("/declare", withIntent(declarationForm("渝北区教育委员会", "中小学学籍与资助管理平台"), "check"))
	require.Equal(t, http.StatusOK, status, visible(body))
	require.Contains(t, body, `id="no-overlaps"`)
	status, body = unit.post("/declare", withIntent(declarationForm("渝北区教育委员会", "中小学学籍与资助管理平台"), "submit"))
	require.Equal(t, http.StatusOK, status, visible(body))
	require.Contains(t, visible(body), "已办理：申报")
	page, _, err := f.engine.List(context.Background(), actorOf(t, "tok-unit"), lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, 1)
	id := page[0].ProjectID

	// The budget is shown as the store keeps it (decimal text, 20.50 kept
	// as 20.5), never rounded to a fixed number of places.
	assert.Contains(t, body, `<th>自有资金</th><td class="num">20.5</td><td class="num">0</td>`)
	assert.Contains(t, body, `<th>合计</th><td class="num">120.5</td>`)

	clients := map[string]*client{"tok-unit": unit}
	for _, s := range constructionPath() {
		c, ok := clients[s.Token]
		if !ok {
			c = f.signIn(s.Token)
			clients[s.Token] = c
		}
		_, page := c.get("/projects/" + id)
		require.Contains(t, page, `id="act-`+string(s.Action)+`"`, "%s offers %s", s.Token, s.Action)
		status, body := c.act(id, s.Action, s.Values)
		require.Equal(t, http.StatusOK, status, "%s: %s", s.Action, visible(body))
		require.Contains(t, body, `id="done"`, "%s", s.Action)
		p, err := f.engine.Get(context.Background(), actorOf(t, "tok-bdb"), id)
		require.NoError(t, err)
		require.Equal(t, s.State, p.State, "after %s", s.Action)
	}
	p, err := f.engine.Get(context.Background(), actorOf(t, "tok-bdb"), id)
	require.NoError(t, err)
	assert.Equal(t, "10.25", p.Approved.SelfFunded.String())
	require.Len(t, p.Contracts, 1)
	assert.Equal(t, "105.5", p.Contracts[0].Amount.String())
}

func withIntent(v url.Values, intent string) url.Values {
	v.Set("intent", intent)
	return v
}

// TestDeclarationDuplicateCheck shows the 第四条 duplicates before a
// declaration is submitted and refuses to submit until they are
// acknowledged.
func TestDeclarationDuplicateCheck(t *testing.T) {
	f := newFixture(t)
	f.declare("tok-unit", "中小学学籍与资助管理平台")
	unit := f.signIn("tok-unit")
	form := declarationForm("渝北区教育委员会", "中小学学籍与资助管理平台")
	status, body := unit.post("/declare", withIntent(form, "check"))
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `id="overlaps"`)
	require.Contains(t, visible(body), "第四条")
	require.Contains(t, body, `name="ack"`)

	status, body = unit.post("/declare", withIntent(form, "submit"))
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, visible(body), "提交前请确认已知悉可能重复的项目")
	page, _, err := f.engine.List(context.Background(), actorOf(t, "tok-unit"), lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, 1, "nothing declared without the acknowledgement")

	form.Set("ack", "true")
	status, _ = unit.post("/declare", withIntent(form, "submit"))
	require.Equal(t, http.StatusOK, status)
	page, _, err = f.engine.List(context.Background(), actorOf(t, "tok-unit"), lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, 2)
}

// TestDeclarationFieldErrors shows the engine's findings in Chinese next
// to the inputs they name, and keeps what was typed.
func TestDeclarationFieldErrors(t *testing.T) {
	f := newFixture(t)
	unit := f.signIn("tok-unit")
	form := declarationForm("渝北区教育委员会", "平台")
	form.Set("budget.total", "999")
	form.Set("contact.phone", "")
	form.Set("ack", "true")
	status, body := unit.post("/declare", withIntent(form, "submit"))
	require.Equal(t, http.StatusUnprocessableEntity, status)
	// The total's error sits in the budget row; the phone's by the phone.
	phone := strings.Index(body, `id="decl-contact-phone"`)
	require.Positive(t, phone)
	after := visible(body[phone:])
	assert.Contains(t, after[:200], "联系电话")
	assert.Contains(t, visible(body), "附件1")
	assert.Contains(t, body, `value="999"`, "what was typed is kept")
	page, _, err := f.engine.List(context.Background(), actorOf(t, "tok-unit"), lifecycle.Query{})
	require.NoError(t, err)
	require.Empty(t, page)
}

// TestRefusalNamesArticle shows a refused action with its article and
// the finding next to its field, the form kept as submitted.
func TestRefusalNamesArticle(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", "学籍平台")
	bdb := f.signIn("tok-bdb")
	vals := constructionPath()[0].Values
	vals.Set("submission.uses_gov_cloud", "")
	vals.Set("submission.security_plan", "自拟安全方案 <b>粗体</b>")
	status, body := bdb.act(p.ID, lifecycle.ActPreliminaryReview, vals)
	require.Equal(t, http.StatusOK, status, "a failed review is an accepted action that returns the project")
	_ = body

	// A refusal: acceptance applied for without its prerequisites
	// (第十四条) on a project that is not being built is refused by state;
	// one that is, by the guard.
	p2 := f.declare("tok-unit", "资助平台")
	f.runPath(p2.ID, 6)
	unit := f.signIn("tok-unit")
	status, body = unit.act(p2.ID, lifecycle.ActApplyAcceptance, url.Values{"facts.documents": {review.DocContracts}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	text := visible(body)
	assert.Contains(t, text, "未能办理")
	assert.Contains(t, text, "第十四条")
	idx := strings.Index(body, `id="apply_acceptance-facts-data_catalog_compiled"`)
	require.Positive(t, idx)
	assert.Contains(t, visible(body[idx:idx+800]), "第十四条", "the finding sits by its field")
	assert.Contains(t, body, `name="facts.documents" value="contracts" checked`, "the boxes ticked stay ticked")
}

// runPath takes the first n steps of the 建设类 path through the engine.
func (f *fixture) runPath(id string, n int) {
	f.t.Helper()
	for _, s := range constructionPath()[:n] {
		t, _ := payloadType(s.Action)
		payload, errs := encode(schemaOf(t), s.Values)
		require.Empty(f.t, errs)
		_, _, err := f.engine.DoJSON(context.Background(), id, lifecycle.AnyVersion, actorOf(f.t, s.Token), s.Action, payload)
		require.NoError(f.t, err, "%s", s.Action)
	}
}

// TestStaleFormKeepsEdit: a form sent at an old version answers
// 项目已被他人更新, offers a reload and keeps every value typed.
func TestStaleFormKeepsEdit(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", "学籍平台")
	f.runPath(p.ID, 5)
	unit := f.signIn("tok-unit")
	_, page := unit.get("/projects/" + p.ID)
	require.Contains(t, page, `id="act-sign_contract"`)
	// Someone else acts meanwhile.
	_, _, err := f.engine.DoJSON(context.Background(), p.ID, lifecycle.AnyVersion, actorOf(t, "tok-bdb"),
		lifecycle.ActAudit, []byte(`{"summary":"检查"}`))
	require.Error(t, err, "audit is not bdb's")
	_, _, err = f.engine.DoJSON(context.Background(), p.ID, lifecycle.AnyVersion, actorOf(t, "tok-audit"),
		lifecycle.ActAudit, []byte(`{"summary":"审计检查"}`))
	require.NoError(t, err)

	vals := constructionPath()[5].Values
	vals.Set("version", "6")
	vals.Set("contract.title", "我的合同名称，不可丢失")
	vals.Set("_csrf", unit.csrf)
	status, body := unit.post("/projects/"+p.ID+"/actions/sign_contract", vals)
	require.Equal(t, http.StatusConflict, status)
	assert.Contains(t, body, "项目已被他人更新")
	assert.Contains(t, body, `id="reload"`)
	assert.Contains(t, body, "我的合同名称，不可丢失")
	assert.Contains(t, body, `name="version" value="7"`, "the kept form is at the version now shown")
	got, err := f.engine.Get(context.Background(), actorOf(t, "tok-unit"), p.ID)
	require.NoError(t, err)
	assert.Equal(t, lifecycle.StateProcuring, got.State)
}

// TestChangePreview previews the 第十一条 decision before sending: within
// 10% a 变更说明, above it a re-declaration; nothing is stored.
func TestChangePreview(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", "学籍平台")
	f.runPath(p.ID, 6)
	unit := f.signIn("tok-unit")
	preview := func(oldAmt, newAmt string) string {
		status, body := unit.act(p.ID, lifecycle.ActRequestChange, url.Values{
			"intent": {"preview"}, "reason": {"增加数据接口"},
			"items.0.item": {"数据接口"}, "items.0.source": {"district"}, "items.0.old": {oldAmt}, "items.0.new": {newAmt},
		})
		require.Equal(t, http.StatusOK, status, visible(body))
		require.Contains(t, body, `id="decision"`)
		return visible(body)
	}
	// Approved 110.25: 10% is 11.025.
	minor := preview("0", "11.025")
	assert.Contains(t, minor, "第十一条第（一）项")
	assert.Contains(t, minor, "11.025")
	major := preview("0", "11.03")
	assert.Contains(t, major, "第十一条第（二）项")
	got, err := f.engine.Get(context.Background(), actorOf(t, "tok-unit"), p.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Changes, "a preview stores nothing")
}

// TestDeadlineCalculator counts working days across the National Day
// holiday and its makeup working day.
func TestDeadlineCalculator(t *testing.T) {
	f := newFixture(t)
	c := f.signIn("tok-unit")
	status, body := c.get("/deadline?from=2026-09-30&days=7")
	require.Equal(t, http.StatusOK, status)
	text := visible(body)
	assert.Contains(t, text, "2026-10-15")
	assert.Contains(t, text, "国庆节")
	status, _ = c.get("/deadline?from=2026-13-01&days=7")
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	status, _ = c.get("/deadline?from=2026-09-30&days=100000")
	assert.Equal(t, http.StatusUnprocessableEntity, status)
}

// TestTodoWorkingDays lists the contract filing of 第十二条 with the
// working days left, then overdue once the clock passes the due day.
func TestTodoWorkingDays(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", "学籍平台")
	f.runPath(p.ID, 6)
	unit := f.signIn("tok-unit")
	_, body := unit.get("/todo")
	text := visible(body)
	// Signed Monday 28 September: due 7 working days later, 13 October
	// (the National Day holiday and the makeup Saturday counted).
	assert.Contains(t, text, "2026-10-13")
	assert.Contains(t, text, "还剩 7 个工作日")
	_, body = unit.get("/projects/" + p.ID)
	assert.Contains(t, visible(body), "国庆节")

	f.clock.advance(20 * 24 * time.Hour) // 18 October: two working days late
	unit = f.signIn("tok-unit")
	_, body = unit.get("/todo")
	assert.Contains(t, visible(body), "已逾期")
	bdb := f.signIn("tok-bdb")
	_, body = bdb.get("/projects?overdue=1")
	assert.Contains(t, visible(body), "学籍平台")
}

// TestTodoPermittedWork lists, for each actor, the projects awaiting them.
func TestTodoPermittedWork(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", "学籍平台")
	_, body := f.signIn("tok-bdb").get("/todo")
	assert.Contains(t, body, "/projects/"+p.ID+"#act-preliminary_review")
	_, body = f.signIn("tok-finance").get("/todo")
	assert.NotContains(t, body, p.ID)
	f.runPath(p.ID, 3)
	_, body = f.signIn("tok-finance").get("/todo")
	assert.Contains(t, body, "/projects/"+p.ID+"#act-budget")
}

// TestEveryActionHasAForm: the engine gives every action a payload type,
// the console a form for it, and a form filled from a payload on record
// gives that payload back.
func TestEveryActionHasAForm(t *testing.T) {
	for _, a := range lifecycle.Actions() {
		typ, ok := payloadType(a)
		require.True(t, ok, "%s", a)
		require.NotNil(t, schemaOf(typ), "%s", a)
		assert.NotEqual(t, string(a), actionName(langZH, a), "%s has a Chinese name", a)
		assert.NotEqual(t, string(a), actionName(langEN, a), "%s has an English name", a)
	}
	_, ok := payloadType("launch_rocket")
	assert.False(t, ok)
	for _, s := range browserPath() {
		typ, _ := payloadType(s.Action)
		schema := schemaOf(typ)
		first, errs := encode(schema, s.Values)
		require.Empty(t, errs, "%s", s.Action)
		again, errs := encode(schema, decode(schema, first))
		require.Empty(t, errs, "%s", s.Action)
		assert.JSONEq(t, string(first), string(again), "%s", s.Action)
		_, err := lifecycle.ReadPayload(s.Action, first)
		require.NoError(t, err, "%s: the engine reads the form's payload", s.Action)
	}
}
