package lifecycle_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// fieldsOf lists the fields of an error's findings.
func fieldsOf(e *lifecycle.Error) []string {
	var out []string
	for _, f := range e.Findings {
		out = append(out, f.Field)
	}
	return out
}

func declareErr(t *testing.T, e *lifecycle.Engine, actor lifecycle.Actor, d review.Declaration) *lifecycle.Error {
	t.Helper()
	_, _, err := e.Declare(context.Background(), actor, d)
	require.Error(t, err)
	var le *lifecycle.Error
	require.ErrorAs(t, err, &le)
	return le
}

// TestDeclarationRules covers what a declaration must be to enter the
// process.
func TestDeclarationRules(t *testing.T) {
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)

	t.Run("第十九条/classified project refused", func(t *testing.T) {
		d := declaration(review.Construction, false, district("100"))
		d.Classified = true
		le := declareErr(t, e, unitA, d)
		assert.Equal(t, lifecycle.KindRefused, le.Kind)
		assert.Equal(t, "classified_project", le.Code)
		assert.Equal(t, "第十九条", le.Article)
		assert.Equal(t, lifecycle.GuardNotClassified, le.Guard)
	})
	t.Run("第二条/office purchases only are out of scope", func(t *testing.T) {
		d := declaration(review.Construction, false, district("100"))
		d.Items = []review.Item{{Category: review.ItemCategories()[len(review.ItemCategories())-1], Name: "办公电脑"}}
		for _, cat := range review.ItemCategories() {
			if cat.Excluded() {
				d.Items = []review.Item{{Category: cat}}
				break
			}
		}
		le := declareErr(t, e, unitA, d)
		assert.Equal(t, lifecycle.KindRefused, le.Kind)
		assert.Equal(t, "out_of_scope", le.Code)
		assert.Equal(t, "第二条", le.Article)
	})
	t.Run("附件1/incomplete form names its fields", func(t *testing.T) {
		d := declaration(review.Construction, false, district("100"))
		d.Name = ""
		d.Contact.Phone = "12345"
		le := declareErr(t, e, unitA, d)
		assert.Equal(t, lifecycle.KindInvalid, le.Kind)
		assert.Subset(t, fieldsOf(le), []string{"name", "contact.phone"})
	})
	t.Run("第六条/a unit declares only in its own name", func(t *testing.T) {
		le := declareErr(t, e, unitB, declaration(review.Construction, false, district("100")))
		assert.Equal(t, lifecycle.KindForbidden, le.Kind)
		le = declareErr(t, e, bdb, declaration(review.Construction, false, district("100")))
		assert.Equal(t, lifecycle.KindForbidden, le.Kind)
		assert.Contains(t, le.Article, "第三条")
	})
	t.Run("第八条/a later phase names a known earlier phase", func(t *testing.T) {
		d := declaration(review.Construction, false, district("100"))
		d.ParentID, d.Phase = "P999", 2
		le := declareErr(t, e, unitA, d)
		assert.Equal(t, lifecycle.KindInvalid, le.Kind)
		assert.Equal(t, "第八条", le.Article)
		assert.Equal(t, []string{"parent_id"}, fieldsOf(le))

		parent := declare(t, e, declaration(review.Construction, false, district("100")))
		d.ParentID = parent
		d.Phase = 1
		le = declareErr(t, e, unitA, d)
		assert.Equal(t, lifecycle.KindInvalid, le.Kind)
		d.Phase = 2
		p, _, err := e.Declare(context.Background(), unitA, d)
		require.NoError(t, err)
		assert.Equal(t, parent, p.ParentID)
		assert.Equal(t, 2, p.Phase)

		// Another unit cannot hang its phase on this unit's project.
		other := declaration(review.Construction, false, district("100"))
		other.Unit, other.ParentID, other.Phase = unitB.Unit, parent, 2
		le = declareErr(t, e, unitB, other)
		assert.Equal(t, []string{"parent_id"}, fieldsOf(le))
	})
	t.Run("第五条/late O&M declaration accepted by default, refused when the rulebook says so", func(t *testing.T) {
		c := newClock(at(2026, time.January, 10))
		late := declaration(review.Operation, false, district("50")) // budget year 2026, due 2025-12-31
		_, _, err := newEngine(t, c).Declare(context.Background(), unitA, late)
		require.NoError(t, err)
		strict := lifecycle.Yubei2019()
		strict.RefuseLateOMDeclaration = true
		books, err := lifecycle.NewRulebooks(strict)
		require.NoError(t, err)
		le := declareErr(t, newEngine(t, c, func(cfg *lifecycle.Config) { cfg.Rulebooks = books }), unitA, late)
		assert.Equal(t, lifecycle.KindRefused, le.Kind)
		assert.Equal(t, "第五条", le.Article)
		assert.Equal(t, "om_declaration_late", le.Findings[0].Code)
	})
	t.Run("第二十条/not before the measure is in force", func(t *testing.T) {
		c := newClock(at(2019, time.December, 11))
		le := declareErr(t, newEngine(t, c), unitA, declaration(review.Construction, false, district("100")))
		assert.Equal(t, "measure_not_in_force", le.Code)
		assert.Equal(t, "第二十条", le.Article)
	})
}

// TestVisibilityAndRoles: a unit sees only its own projects, as if others
// did not exist; a bureau sees every project and may take only its
// role's actions (第三条).
func TestVisibilityAndRoles(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)
	id := declare(t, e, declaration(review.Construction, false, district("100")))
	bd := declaration(review.Construction, false, district("100"))
	bd.Unit = unitB.Unit
	pb, _, err := e.Declare(ctx, unitB, bd)
	require.NoError(t, err)

	t.Run("第三条/another unit gets not found everywhere", func(t *testing.T) {
		_, err := e.Get(ctx, unitB, id)
		assert.True(t, errors.Is(err, lifecycle.ErrNotFound))
		_, err = e.Events(ctx, unitB, id)
		assert.True(t, errors.Is(err, lifecycle.ErrNotFound))
		_, err = e.Permitted(ctx, unitB, id)
		assert.True(t, errors.Is(err, lifecycle.ErrNotFound))
		_, err = e.Obligations(ctx, unitB, id, c.Now())
		assert.True(t, errors.Is(err, lifecycle.ErrNotFound))
		le := refused(t, e, id, unitB, lifecycle.ActWithdraw, nil, lifecycle.KindNotFound)
		_, err = e.Get(ctx, unitB, "P404")
		var missing *lifecycle.Error
		require.ErrorAs(t, err, &missing)
		assert.Equal(t, missing.Code, le.Code, "a hidden project and a missing one read the same")
		_, err = e.Get(ctx, lifecycle.Actor{ID: "anon"}, id)
		assert.True(t, errors.Is(err, lifecycle.ErrNotFound))
	})
	t.Run("第三条/a bureau without the role is forbidden, citing the article", func(t *testing.T) {
		le := refused(t, e, id, finance, lifecycle.ActPreliminaryReview, preliminary(true), lifecycle.KindForbidden)
		assert.Equal(t, "第三条、第六条", le.Article)
		assert.Equal(t, "role_not_permitted", le.Code)
		le = refused(t, e, id, cac, lifecycle.ActWithdraw, nil, lifecycle.KindForbidden)
		assert.Contains(t, le.Article, "第三条")
		p, err := e.Get(ctx, cac, id)
		require.NoError(t, err)
		assert.Equal(t, id, p.ID)
	})
	t.Run("第三条/a unit's list is its own", func(t *testing.T) {
		page, _, err := e.List(ctx, unitA, lifecycle.Query{Unit: unitB.Unit})
		require.NoError(t, err)
		assert.Empty(t, page, "asking for another unit's projects finds none")
		page, _, err = e.List(ctx, unitA, lifecycle.Query{})
		require.NoError(t, err)
		require.Len(t, page, 1)
		assert.Equal(t, id, page[0].ProjectID)
		page, _, err = e.List(ctx, unitA, lifecycle.Query{Unit: unitA.Unit})
		require.NoError(t, err)
		require.Len(t, page, 1)
		page, _, err = e.List(ctx, bdb, lifecycle.Query{})
		require.NoError(t, err)
		assert.Len(t, page, 2)
		page, _, err = e.List(ctx, lifecycle.Actor{ID: "anon"}, lifecycle.Query{})
		require.NoError(t, err)
		assert.Empty(t, page)
		assert.Equal(t, pb.ID, page2ID(t, e, unitB))
	})
	t.Run("第三条/permitted lists what the party may do now", func(t *testing.T) {
		acts, err := e.Permitted(ctx, unitA, id)
		require.NoError(t, err)
		assert.Equal(t, []lifecycle.Action{lifecycle.ActWithdraw}, acts)
		acts, err = e.Permitted(ctx, bdb, id)
		require.NoError(t, err)
		assert.Equal(t, []lifecycle.Action{lifecycle.ActPreliminaryReview}, acts)
		acts, err = e.Permitted(ctx, finance, id)
		require.NoError(t, err)
		assert.Empty(t, acts)
	})
	t.Run("第二条/an O&M action on a construction project", func(t *testing.T) {
		le := refused(t, e, id, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMGood, district("1")), lifecycle.KindRefused)
		assert.Equal(t, "action_not_for_kind", le.Code)
		assert.Equal(t, "第二条", le.Article)
	})
}

func page2ID(t *testing.T, e *lifecycle.Engine, a lifecycle.Actor) string {
	page, _, err := e.List(context.Background(), a, lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, 1)
	return page[0].ProjectID
}

// TestPayloads: payloads are read strictly and a bad one names its field.
func TestPayloads(t *testing.T) {
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)
	id := approvedProject(t, e)
	cases := []struct {
		name    string
		action  lifecycle.Action
		payload string
		field   string
	}{
		{"unknown field", lifecycle.ActSignContract, `{"contract":{"id":"A"},"extra":1}`, "extra"},
		{"unknown nested field", lifecycle.ActSignContract, `{"contract":{"id":"A","price":"1"}}`, "contract.price"},
		{"wrong type", lifecycle.ActSignContract, `{"contract":{"id":7}}`, "contract.id"},
		{"not an object", lifecycle.ActSignContract, `[1]`, "payload"},
		{"malformed", lifecycle.ActSignContract, `{"contract":`, "payload"},
		{"trailing data", lifecycle.ActSignContract, `{"contract":{}} {}`, "payload"},
		{"bad amount", lifecycle.ActSignContract, `{"contract":{"id":"A","amount":"1.2.3"}}`, "contract.amount"},
		{"第十二条/required contract_id", lifecycle.ActFileContract, `{}`, "contract_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, tc.action, json.RawMessage(tc.payload))
			var le *lifecycle.Error
			require.ErrorAs(t, err, &le)
			if tc.action == lifecycle.ActFileContract {
				// Refused before the payload is read: nothing to file.
				assert.Equal(t, lifecycle.KindRefused, le.Kind)
				return
			}
			assert.Equal(t, lifecycle.KindInvalid, le.Kind, "%v", err)
			require.NotEmpty(t, le.Findings, "%v", err)
			assert.Equal(t, tc.field, le.Findings[0].Field, "%v", err)
		})
	}
	t.Run("unknown action", func(t *testing.T) {
		le := refused(t, e, id, unitA, "launch", nil, lifecycle.KindInvalid)
		assert.Equal(t, "unknown_action", le.Code)
	})
	t.Run("declaration keys are checked at every level", func(t *testing.T) {
		d := js(t, declaration(review.Construction, false, district("1")))
		var m map[string]any
		require.NoError(t, json.Unmarshal(d, &m))
		m["contact"].(map[string]any)["fax"] = "1"
		_, err := lifecycle.DecideJSON(lifecycle.Yubei2019(), &lifecycle.Project{ID: "X"}, unitA, lifecycle.ActDeclare, js(t, m), c.Now())
		var le *lifecycle.Error
		require.ErrorAs(t, err, &le)
		assert.Equal(t, []string{"contact.fax"}, fieldsOf(le))
	})
}

// TestGateRules covers the guards between declaration and acceptance.
func TestGateRules(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)

	t.Run("第七条/the panel is organised by bdb with finance and drc", func(t *testing.T) {
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
		panel := expert(true, district("100"))
		panel["organisers"] = []string{"bdb", "finance"}
		le := refused(t, e, id, bdb, lifecycle.ActExpertReview, panel, lifecycle.KindRefused)
		assert.Equal(t, lifecycle.GuardExpertPanel, le.Guard)
		assert.Equal(t, "expert_organiser_missing", le.Findings[0].Code)
		over := expert(true, district("100.01"))
		le = refused(t, e, id, bdb, lifecycle.ActExpertReview, over, lifecycle.KindRefused)
		assert.Equal(t, "第七条", le.Article)
		refused(t, e, id, bdb, lifecycle.ActDeliberate, map[string]any{"approved": true}, lifecycle.KindForbidden)
		p := do(t, e, id, bdb, lifecycle.ActExpertReview, expert(false, district("0")))
		assert.Equal(t, lifecycle.StateReturned, p.State)
		assert.NotEmpty(t, p.Findings)
	})
	t.Run("第十条/only a fixed-asset project applies for 立项", func(t *testing.T) {
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		toBudget(t, e, id, district("100"))
		le := refused(t, e, id, unitA, lifecycle.ActApplyInitiation, nil, lifecycle.KindRefused)
		assert.Equal(t, lifecycle.GuardFixedAsset, le.Guard)
		assert.Equal(t, "第十条", le.Article)
	})
	t.Run("第十八条/no contract before approval", func(t *testing.T) {
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		le := refused(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-03", false), lifecycle.KindRefused)
		assert.Equal(t, "第十八条", le.Article)
		c.Set(2025, time.March, 5)
		toBudget(t, e, id, district("100"))
		do(t, e, id, unitA, lifecycle.ActStartProcurement, nil)
		le = refused(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-04", false), lifecycle.KindRefused)
		assert.Equal(t, "signed_before_approval", le.Findings[0].Code)
		assert.Equal(t, "第十八条", le.Findings[0].Article)
		le = refused(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-06", false), lifecycle.KindRefused)
		assert.Equal(t, "signed_in_future", le.Findings[0].Code)
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-05", false))
		le = refused(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-05", false), lifecycle.KindRefused)
		assert.Equal(t, "contract_duplicate", le.Findings[0].Code)
	})
	t.Run("第十二条/only a signed, unfiled contract is filed", func(t *testing.T) {
		id := approvedProject(t, e)
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", string(lifecycle.DateOf(c.Now())), false))
		le := refused(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "B"}, lifecycle.KindRefused)
		assert.Equal(t, "contract_unknown", le.Findings[0].Code)
		do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "A"})
		le = refused(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "A"}, lifecycle.KindRefused)
		assert.Equal(t, lifecycle.GuardContractUnfiled, le.Guard)
	})
	t.Run("第十三条/only the bureau orders rectification", func(t *testing.T) {
		id := approvedProject(t, e)
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", string(lifecycle.DateOf(c.Now())), false))
		refused(t, e, id, unitA, lifecycle.ActOrderRectification, map[string]any{"reason": "x"}, lifecycle.KindForbidden)
		refused(t, e, id, finance, lifecycle.ActSuspend, map[string]any{"reason": "x"}, lifecycle.KindForbidden)
		le := refused(t, e, id, bdb, lifecycle.ActSuspend, map[string]any{}, lifecycle.KindInvalid)
		assert.Equal(t, []string{"reason"}, fieldsOf(le))
		p := do(t, e, id, bdb, lifecycle.ActSuspend, map[string]any{"reason": "暂停建设"})
		assert.Equal(t, lifecycle.StateSuspended, p.State)
	})
	t.Run("第十四条/acceptance needs its prerequisites", func(t *testing.T) {
		id := approvedProject(t, e)
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", string(lifecycle.DateOf(c.Now())), false))
		facts := acceptanceFacts(false)
		facts["facts"].(map[string]any)["data_catalog_compiled"] = false
		le := refused(t, e, id, unitA, lifecycle.ActApplyAcceptance, facts, lifecycle.KindRefused)
		assert.Equal(t, "第十四条", le.Article)
		assert.Equal(t, []string{"facts.data_catalog_compiled"}, fieldsOf(le))
		le = refused(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false, "Z"), lifecycle.KindRefused)
		assert.Equal(t, "contract_unknown", le.Findings[0].Code)
		le = refused(t, e, id, unitA, lifecycle.ActDeliver, nil, lifecycle.KindRefused)
		assert.Equal(t, "第十四条", le.Article)
	})
	t.Run("第十四条/a phase is accepted per contract", func(t *testing.T) {
		parent := approvedProject(t, e)
		d := declaration(review.Construction, false, district("100"))
		d.ParentID, d.Phase = parent, 2
		p, _, err := e.Declare(ctx, unitA, d)
		require.NoError(t, err)
		toBudget(t, e, p.ID, district("100"))
		do(t, e, p.ID, unitA, lifecycle.ActStartProcurement, nil)
		do(t, e, p.ID, unitA, lifecycle.ActSignContract, contract("Q-1", "60", string(lifecycle.DateOf(c.Now())), false))
		do(t, e, p.ID, unitA, lifecycle.ActSignContract, contract("Q-2", "40", string(lifecycle.DateOf(c.Now())), false))
		le := refused(t, e, p.ID, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false), lifecycle.KindRefused)
		assert.Equal(t, "phased_acceptance_contracts_missing", le.Findings[0].Code)
		p = do(t, e, p.ID, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false, "Q-1"))
		assert.Equal(t, []string{"Q-1"}, p.Acceptances[0].Facts.Contracts)
		assert.True(t, p.Acceptances[0].Facts.Phased)
	})
	t.Run("第十五条/archive documents must be those of the article", func(t *testing.T) {
		docs := allDocuments()
		docs["documents"] = append(docs["documents"].([]string), "meeting_minutes")
		id := approvedProject(t, e)
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", string(lifecycle.DateOf(c.Now())), false))
		do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false))
		do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "通过"})
		do(t, e, id, unitA, lifecycle.ActDeliver, nil)
		le := refused(t, e, id, unitA, lifecycle.ActArchive, docs, lifecycle.KindRefused)
		assert.Equal(t, []string{"documents.meeting_minutes"}, fieldsOf(le))
		// A project never changed, without supervision or 立项, files eight.
		var eight []string
		for _, d := range review.Documents() {
			if !slices.Contains([]string{review.DocChangeExplanation, review.DocSupervisionReport, review.DocInitiationApproval}, d.Key) {
				eight = append(eight, d.Key)
			}
		}
		require.Len(t, eight, 8)
		p := do(t, e, id, unitA, lifecycle.ActArchive, map[string]any{"documents": eight})
		assert.Equal(t, lifecycle.StateArchived, p.State)
	})
	t.Run("第十六条/audit on any project at any time, by the audit bureau only", func(t *testing.T) {
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		p := do(t, e, id, auditor, lifecycle.ActAudit, map[string]any{"summary": "申报资金来源核查"})
		assert.Equal(t, lifecycle.StateDeclared, p.State)
		toBudget(t, e, id, district("100"))
		refused(t, e, id, bdb, lifecycle.ActAudit, map[string]any{"summary": "审计"}, lifecycle.KindForbidden)
		p = do(t, e, id, auditor, lifecycle.ActAudit, map[string]any{"summary": "审计", "findings": []string{"资金到位"}})
		assert.Equal(t, lifecycle.StateBudgeted, p.State)
		assert.Equal(t, []string{"资金到位"}, p.Audits[1].Findings)
	})
}

// TestChangeRules checks the 10% rule as the engine applies it, at, just
// under and just over the line, and the approvals of 第十一条.
func TestChangeRules(t *testing.T) {
	c := newClock(at(2025, time.March, 3))
	start := func(t *testing.T, fixed bool) (*lifecycle.Engine, string) {
		e := newEngine(t, c)
		id := declare(t, e, declaration(review.Construction, fixed, district("1000")))
		toBudget(t, e, id, district("1000"))
		return e, id
	}
	for _, tc := range []struct {
		name   string
		amount string
		state  lifecycle.State
	}{
		{"第十一条第（一）项/exactly 10% is minor", "100", lifecycle.StateBudgeted},
		{"第十一条第（一）项/just under 10% is minor", "99.999999", lifecycle.StateBudgeted},
		{"第十一条第（二）项/just over 10% is major", "100.000001", lifecycle.StateRedeclarationRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, id := start(t, false)
			p := do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf(tc.amount))
			assert.Equal(t, tc.state, p.State)
			d, err := p.Changes[0].Assessment()
			require.NoError(t, err)
			assert.True(t, d.Involved.Equal(decimal.RequireFromString(tc.amount)))
		})
	}
	t.Run("第十一条第（二）项/changes accumulate", func(t *testing.T) {
		e, id := start(t, false)
		do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("60"))
		p := do(t, e, id, bdb, lifecycle.ActApproveChange, nil)
		assert.Equal(t, lifecycle.ChangeApproved, p.Changes[0].Status)
		p = do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("50"))
		assert.Equal(t, lifecycle.StateRedeclarationRequired, p.State)
		d, err := p.Changes[1].Assessment()
		require.NoError(t, err)
		assert.True(t, d.Cumulative.Equal(decimal.NewFromInt(110)))
	})
	t.Run("第十一条/a rejected change moves nothing", func(t *testing.T) {
		e, id := start(t, true)
		do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("50"))
		refused(t, e, id, drc, lifecycle.ActRejectChange, map[string]any{}, lifecycle.KindInvalid)
		p := do(t, e, id, drc, lifecycle.ActRejectChange, map[string]any{"opinion": "不同意"})
		assert.Equal(t, lifecycle.ChangeRejected, p.Changes[0].Status)
		assert.True(t, p.Approved.Equal(district("1000")))
		basis, err := p.ChangeBasis()
		require.NoError(t, err)
		assert.Empty(t, basis.Prior)
		le := refused(t, e, id, bdb, lifecycle.ActApproveChange, nil, lifecycle.KindRefused)
		assert.Equal(t, lifecycle.GuardChangePending, le.Guard)
	})
	t.Run("第十一条/drc approves only a fixed-asset project's change", func(t *testing.T) {
		e, id := start(t, false)
		do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("50"))
		le := refused(t, e, id, drc, lifecycle.ActApproveChange, nil, lifecycle.KindForbidden)
		assert.Equal(t, lifecycle.GuardChangeApprover, le.Guard)
		le = refused(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("1"), lifecycle.KindRefused)
		assert.Equal(t, lifecycle.GuardNoChangePending, le.Guard)
	})
	t.Run("第十一条/one actor holding both approving roles approves as each in turn", func(t *testing.T) {
		e, id := start(t, true)
		both := lifecycle.Actor{ID: "both", Unit: "联审", Roles: []lifecycle.Role{lifecycle.RoleBDB, lifecycle.RoleDRC}}
		do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("50"))
		_, ev, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, both, lifecycle.ActApproveChange, nil)
		require.NoError(t, err)
		assert.Equal(t, lifecycle.RoleBDB, ev.Role)
		p, ev, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, both, lifecycle.ActApproveChange, nil)
		require.NoError(t, err)
		assert.Equal(t, lifecycle.RoleDRC, ev.Role)
		assert.Equal(t, lifecycle.ChangeApproved, p.Changes[0].Status)
	})
	t.Run("第十一条/a malformed change names its field", func(t *testing.T) {
		e, id := start(t, false)
		le := refused(t, e, id, unitA, lifecycle.ActRequestChange, map[string]any{"reason": "", "items": []any{}}, lifecycle.KindRefused)
		assert.Equal(t, lifecycle.GuardChangeAssessed, le.Guard)
		assert.Subset(t, fieldsOf(le), []string{"reason", "items"})
	})
}

// TestRulebooks: the rulebook in force on the day a project was first
// declared governs it, so a revision leaves earlier projects as they were
// (第二十条).
func TestRulebooks(t *testing.T) {
	revised := lifecycle.Yubei2019()
	revised.ID = "yubei-2027-revision"
	revised.Effective = day(2027, time.January, 1)
	revised.Change.ThresholdPercent = decimal.NewFromInt(15)
	books, err := lifecycle.NewRulebooks(revised, lifecycle.Yubei2019())
	require.NoError(t, err)
	c := newClock(at(2026, time.June, 1))
	e := newEngine(t, c, func(cfg *lifecycle.Config) { cfg.Rulebooks = books })

	old := declare(t, e, declaration(review.Construction, false, district("1000")))
	toBudget(t, e, old, district("1000"))
	c.Set(2027, time.January, 11)
	recent := declare(t, e, declaration(review.Construction, false, district("1000")))
	toBudget(t, e, recent, district("1000"))
	c.Set(2027, time.February, 1)

	t.Run("第二十条/a project declared in 2026 keeps 10%", func(t *testing.T) {
		p := do(t, e, old, unitA, lifecycle.ActRequestChange, changeOf("120"))
		assert.Equal(t, lifecycle.StateRedeclarationRequired, p.State)
		d, err := p.Changes[0].Assessment()
		require.NoError(t, err)
		assert.True(t, d.ThresholdPercent.Equal(decimal.NewFromInt(10)))
	})
	t.Run("第二十条/a project declared in 2027 gets 15%", func(t *testing.T) {
		p := do(t, e, recent, unitA, lifecycle.ActRequestChange, changeOf("120"))
		assert.Equal(t, lifecycle.StateBudgeted, p.State)
		d, err := p.Changes[0].Assessment()
		require.NoError(t, err)
		assert.True(t, d.ThresholdPercent.Equal(decimal.NewFromInt(15)))
	})
	t.Run("第二十条/rulebook by date", func(t *testing.T) {
		assert.Equal(t, "yubei-2019-26", e.Rulebook(day(2026, 12, 31)).ID)
		assert.Equal(t, "yubei-2027-revision", e.Rulebook(day(2027, 1, 1)).ID)
		assert.Equal(t, "yubei-2019-26", e.Rulebook(day(2018, 1, 1)).ID, "before every rulebook, the earliest")
		assert.Nil(t, books.InForce(day(2019, 12, 11)))
		assert.Equal(t, "yubei-2019-26", books.InForce(day(2019, 12, 12)).ID)
		all := books.All()
		require.Len(t, all, 2)
		assert.Equal(t, "yubei-2019-26", all[0].ID)
	})
	t.Run("第二十条/invalid sets refused", func(t *testing.T) {
		_, err := lifecycle.NewRulebooks()
		assert.True(t, errors.Is(err, lifecycle.ErrInvalid))
		_, err = lifecycle.NewRulebooks(lifecycle.Yubei2019(), lifecycle.Yubei2019())
		assert.True(t, errors.Is(err, lifecycle.ErrInvalid))
		bad := lifecycle.Yubei2019()
		bad.FilingDays = 0
		bad.Change.ThresholdPercent = decimal.Zero
		delete(bad.Roles, lifecycle.ActAudit)
		bad.ArchiveDocuments = append(bad.ArchiveDocuments, "x")
		err = bad.Validate()
		var le *lifecycle.Error
		require.ErrorAs(t, err, &le)
		assert.Subset(t, fieldsOf(le), []string{"filing_days", "policy.threshold_percent", "roles.audit", "archive_documents"})
	})
}

// TestYubei2019 pins the parameters of the measure.
func TestYubei2019(t *testing.T) {
	rb := lifecycle.Yubei2019()
	require.NoError(t, rb.Validate())
	assert.Equal(t, "渝北府办发〔2019〕26号", rb.Document)
	assert.Len(t, rb.Basis, 2, "第一条 names two basis documents")
	assert.True(t, rb.Effective.Equal(day(2019, time.December, 12)))
	t.Run("第十二条/seven working days", func(t *testing.T) { assert.Equal(t, 7, rb.FilingDays) })
	t.Run("第十五条/ten working days, eleven documents", func(t *testing.T) {
		assert.Equal(t, 10, rb.ArchiveDays)
		assert.Len(t, rb.ArchiveDocuments, 11)
	})
	t.Run("第十一条/10%, inclusive", func(t *testing.T) {
		assert.True(t, rb.Change.ThresholdPercent.Equal(decimal.NewFromInt(10)))
		assert.True(t, rb.Change.Inclusive)
	})
	t.Run("第五条/year-end", func(t *testing.T) {
		assert.Equal(t, time.December, rb.OMDeclaration.DueMonth)
		assert.Equal(t, 31, rb.OMDeclaration.DueDay)
	})
	t.Run("第三条/roles", func(t *testing.T) {
		assert.Equal(t, []lifecycle.Role{lifecycle.RoleGovernment}, rb.Roles[lifecycle.ActDeliberate])
		assert.Equal(t, []lifecycle.Role{lifecycle.RoleFinance}, rb.Roles[lifecycle.ActBudget])
		assert.Equal(t, []lifecycle.Role{lifecycle.RoleDRC}, rb.Roles[lifecycle.ActApproveInitiation])
		assert.Equal(t, []lifecycle.Role{lifecycle.RoleAudit}, rb.Roles[lifecycle.ActAudit])
		assert.Equal(t, []lifecycle.Role{lifecycle.RoleBDB, lifecycle.RoleDRC}, rb.Roles[lifecycle.ActApproveChange])
	})
	rb.Roles[lifecycle.ActAudit] = nil
	assert.NotEmpty(t, lifecycle.Yubei2019().Roles[lifecycle.ActAudit], "each call returns its own value")
}
