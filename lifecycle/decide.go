package lifecycle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/review"
)

// call is one action being decided: who, on what, under which rulebook.
type call struct {
	rb     *Rulebook
	p      *Project
	actor  Actor
	action Action
	// roles are the actor's roles that may take the action on this
	// project, in the rulebook's order.
	roles []Role
	now   time.Time
}

// Decide decides whether actor may take action with payload on project p
// now, under rulebook rb, and returns the event to append if so. It is
// pure: it reads its arguments, changes nothing, and answers the same for
// the same arguments. For a first declaration p is a project with its ID
// and no state (&Project{ID: id}); the payload is the review.Declaration.
//
// Checks, in order, each with its own kind of error:
//  1. the action exists (KindInvalid);
//  2. the actor may see the project: a unit only its own (KindNotFound,
//     as if the project did not exist);
//  3. the action belongs to the project's kind (KindRefused, 第二条);
//  4. one of the actor's roles may take it (KindForbidden, 第三条 or the
//     action's article);
//  5. the project's state allows it (KindRefused, the action's article);
//  6. the payload reads strictly into the action's type (KindInvalid,
//     naming the field);
//  7. the guards of the row hold (KindRefused or KindInvalid, the guard's
//     article, with review findings where the review package decided).
//
// The event's Payload is the action's record: the payload as read, with
// what the decision derived from it where the action has an outcome (e.g.
// the change's assessment), so that Apply never decides again.
func Decide(rb *Rulebook, p *Project, actor Actor, action Action, payload json.RawMessage, now time.Time) (Event, error) {
	ev, err := decide(rb, p, actor, action, payload, now)
	if err != nil {
		return Event{}, err
	}
	return ev, nil
}

func decide(rb *Rulebook, p *Project, actor Actor, action Action, payload json.RawMessage, now time.Time) (Event, *Error) {
	if rb != nil && p != nil {
		if err := checkFilledOn(rb, action, payload, now); err != nil {
			return Event{}, err
		}
		if ev, err, ok := decideYear(rb, p, actor, action, payload, now); ok {
			return ev, err
		}
	}
	return decideOne(rb, p, actor, action, payload, now)
}

// decideOne decides an action on one project, or on one budget year of an
// O&M project (see decideYear).
func decideOne(rb *Rulebook, p *Project, actor Actor, action Action, payload json.RawMessage, now time.Time) (Event, *Error) {
	if rb == nil || p == nil {
		return Event{}, &Error{Kind: KindInvalid, Code: "decide_arguments", ZH: "缺少规则或项目", EN: "the rulebook or the project is missing"}
	}
	if !knownAction(action) {
		return Event{}, unknownAction(action)
	}
	c := &call{rb: rb, p: p, actor: actor, action: action, now: now}
	kind, unit := p.Kind, p.Unit
	var decl *review.Declaration
	if p.State == StateNone {
		if action != ActDeclare {
			return Event{}, NotFoundError(p.ID)
		}
		// A first declaration says what it is.
		d, err := decodeDeclaration(payload)
		if err != nil {
			return Event{}, err
		}
		decl, kind, unit = d, d.Kind, d.Unit
		if !kind.Valid() {
			return Event{}, invalid("kind", "kind_invalid", "项目类别须为 construction（建设类）或 operation（运维类）",
				"kind must be construction or operation")
		}
	} else if !actor.CanSee(p) {
		return Event{}, NotFoundError(p.ID)
	}
	m := machineFor(kind)
	if m == nil {
		return Event{}, invalid("kind", "kind_invalid", "项目类别无效："+string(kind), "invalid kind of project: "+string(kind))
	}
	rows := m.byAction[action]
	if len(rows) == 0 {
		return Event{}, &Error{Kind: KindRefused, Code: "action_not_for_kind", Article: "第二条",
			ZH: fmt.Sprintf("%s项目没有“%s”这一步骤", kind.ZH(), action),
			EN: fmt.Sprintf("a %s project has no action %s", kind.EN(), action)}
	}
	article := m.rows[rows[0]].Article
	c.roles = eligibleRoles(rb, actor, action, unit)
	if len(c.roles) == 0 {
		return Event{}, forbidden(rb, actor, action, article)
	}
	first := m.firstFrom(action, p.State)
	if first < 0 {
		return Event{}, notInState(m, action, p.State, article)
	}
	guards := m.rows[first].Guards
	for _, g := range guards {
		if err := c.check(g, nil); err != nil {
			return Event{}, err
		}
	}
	var rec any
	if decl != nil {
		rec = decl
	} else {
		r, err := c.derive(payload)
		if err != nil {
			return Event{}, err
		}
		rec = r
	}
	for _, g := range guards {
		if !guardInfo(g).Payload {
			continue
		}
		if err := c.check(g, rec); err != nil {
			return Event{}, err
		}
	}
	outcome := outcomeOf(p, action, rec)
	i := m.rowIndex(action, outcome, p.State)
	if i < 0 {
		return Event{}, notInState(m, action, p.State, article)
	}
	row := &m.rows[i]
	if to, err := m.run.fire(*row, p.State); err != nil || to != row.Dest(p.State) {
		return Event{}, &Error{Kind: KindRefused, Code: "transition_failed", Article: row.Article,
			ZH: fmt.Sprintf("状态机拒绝了该步骤（%v）", err), EN: fmt.Sprintf("the state machine refused the step (%v)", err), Err: err}
	}
	data, err := encodeRecord(rec)
	if err != nil {
		return Event{}, &Error{Kind: KindInvalid, Code: "payload_unencodable", ZH: "载荷无法编码：" + err.Error(), EN: "the payload cannot be encoded: " + err.Error(), Err: err}
	}
	return Event{
		ProjectID: p.ID,
		Version:   p.Version + 1,
		Action:    action,
		Actor:     Actor{ID: actor.ID, Unit: actor.Unit, Roles: slices.Clone(actor.Roles)},
		Role:      c.role(),
		At:        StoreTime(now),
		Article:   row.Article,
		Payload:   data,
	}, nil
}

// role is the role the actor takes the action under: for a change, the
// first of its roles still awaited; otherwise the first role allowed.
func (c *call) role() Role {
	if c.action == ActApproveChange || c.action == ActRejectChange {
		if i := c.p.pendingChange(); i >= 0 {
			pending := c.p.Changes[i].Pending()
			for _, r := range c.roles {
				if slices.Contains(pending, r) {
					return r
				}
			}
		}
	}
	return c.roles[0]
}

// Permitted lists the actions actor may take on project p now under rb, in
// the table's order: those whose role, state and state-decided guards
// pass. A guard that reads the payload (Guard.Payload) is evaluated only as
// far as the state decides it, so an action listed here succeeds with a
// valid payload and may still be refused for a payload that breaks its
// guard (e.g. archive without every document, a change above what the
// budget holds). An actor who may not see the project is permitted nothing.
func Permitted(rb *Rulebook, p *Project, actor Actor) []Action {
	if rb == nil || p == nil || p.State == StateNone || !actor.CanSee(p) {
		return nil
	}
	if p.Kind == review.Operation && len(p.Years) > 0 {
		return permittedYears(rb, p, actor)
	}
	return permittedOne(rb, p, actor)
}

// permittedOne is Permitted on one project, or one year of an O&M project.
func permittedOne(rb *Rulebook, p *Project, actor Actor) []Action {
	if p.State == StateNone {
		return nil
	}
	m := machineFor(p.Kind)
	if m == nil {
		return nil
	}
	var out []Action
	for _, action := range m.actions() {
		roles := eligibleRoles(rb, actor, action, p.Unit)
		if len(roles) == 0 {
			continue
		}
		candidates := m.fromState(action, p.State)
		if len(candidates) == 0 {
			continue
		}
		c := &call{rb: rb, p: p, actor: actor, action: action, roles: roles}
		ok := true
		for _, g := range candidates[0].Guards {
			if c.check(g, nil) != nil {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, action)
		}
	}
	return out
}

// CanSee reports whether the actor may see project p: a bureau sees every
// project, a unit its own.
func (a Actor) CanSee(p *Project) bool {
	return a.IsBureau() || (a.Has(RoleUnit) && a.Unit != "" && a.Unit == p.Unit)
}

// eligibleRoles are the actor's roles that may take action on a project of
// unit, in the rulebook's order: the unit role only on its own projects.
func eligibleRoles(rb *Rulebook, actor Actor, action Action, unit string) []Role {
	var out []Role
	for _, r := range rb.Roles[action] {
		if !actor.Has(r) {
			continue
		}
		if r == RoleUnit && (actor.Unit == "" || actor.Unit != unit) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func knownAction(a Action) bool {
	_, ok := actionIndex()[a]
	return ok
}

// actionIndex holds the actions, built once and never modified.
var actionIndex = sync.OnceValue(func() map[Action]bool {
	m := map[Action]bool{}
	for _, a := range Actions() {
		m[a] = true
	}
	return m
})

// Actions lists every action, construction path first.
func Actions() []Action {
	return []Action{ActDeclare, ActWithdraw, ActPreliminaryReview, ActExpertReview, ActDeliberate, ActBudget,
		ActApplyInitiation, ActApproveInitiation, ActStartProcurement, ActSignContract, ActFileContract,
		ActReportIssue, ActOrderRectification, ActSuspend, ActResume, ActRequestChange, ActApproveChange,
		ActRejectChange, ActApplyAcceptance, ActAccept, ActDeliver, ActArchive, ActEvaluate, ActAudit,
		ActOMEvaluation, ActTerminateContract, ActComplete}
}

func unknownAction(a Action) *Error {
	return &Error{Kind: KindInvalid, Code: "unknown_action",
		ZH: fmt.Sprintf("未知的操作“%s”", a), EN: fmt.Sprintf("unknown action %q", string(a)),
		Findings: []review.Finding{{Code: "unknown_action", Field: "action", ZH: "未知的操作", EN: "unknown action"}}}
}

func forbidden(rb *Rulebook, actor Actor, action Action, article string) *Error {
	allowed := rb.Roles[action]
	zh := fmt.Sprintf("“%s”只能由%s执行", action, rolesZH(allowed))
	en := fmt.Sprintf("%s may be taken only by %s", action, rolesEN(allowed))
	if slices.Contains(allowed, RoleUnit) && actor.Has(RoleUnit) {
		zh += "（项目单位只能办理本单位的项目）"
		en += " (a unit acts only on its own projects)"
	}
	return &Error{Kind: KindForbidden, Code: "role_not_permitted", Article: joinArticles(ArticleRoles, article), ZH: zh, EN: en}
}

func joinArticles(a, b string) string {
	if a == b || b == "" {
		return a
	}
	return a + "、" + b
}

func notInState(m *machine, action Action, s State, article string) *Error {
	var from []string
	for _, i := range m.byAction[action] {
		for _, f := range m.rows[i].From {
			if l := f.label(); !slices.Contains(from, l) {
				from = append(from, l)
			}
		}
	}
	e := &Error{Kind: KindRefused, Code: "action_not_allowed_in_state", Article: article,
		ZH: fmt.Sprintf("项目处于“%s”状态，不能执行“%s”；该操作只能在以下状态执行：%s", s.ZH(), action, strings.Join(from, "、")),
		EN: fmt.Sprintf("the project is %s; %s may be taken only from: %s", s, action, strings.Join(from, ", "))}
	if art, zh, en := stateRule(m.kind, action); art != "" {
		e.Article = art
		e.ZH = zh + "。" + e.ZH
		e.EN = en + "; " + e.EN
	}
	return e
}

// stateRule is the provision that orders an action after the steps before
// it, for the explanation of an action taken too early or too late.
func stateRule(kind review.Kind, action Action) (article, zh, en string) {
	switch action {
	case ActExpertReview:
		return "第六条", "未通过初步审核的项目，不得参加专家评审", "a project that has not passed the preliminary review may not go to expert review"
	case ActDeliberate:
		return "第七条", "专家评审通过后方可提请区政府审议", "only a project that passed the expert review is deliberated"
	case ActBudget:
		if kind == review.Operation {
			return "第五条", "运维需求经综合评价后方可纳入年度预算", "O&M needs enter the budget after their evaluation"
		}
		return "第七条", "审议通过后方可纳入财政预算", "a project enters the budget after the deliberation approves it"
	case ActApplyInitiation, ActApproveInitiation:
		return "第十条", "固定资产投资项目经审议通过并纳入预算后向区发展改革委申请立项", "a fixed-asset project applies for 立项 after deliberation and budget"
	case ActStartProcurement, ActSignContract:
		return "第十八条", "未审核通过的信息化项目，各单位不得投入资金开展建设或运维", "a project not approved may not spend on construction or operation"
	case ActRequestChange, ActApproveChange, ActRejectChange:
		return "第十一条", "变更程序适用于审核同意后、验收前的项目", "the change procedure applies after approval and before acceptance"
	case ActApplyAcceptance:
		return "第十四条", "项目建设完成后方可申请验收", "acceptance is applied for once construction is complete"
	case ActDeliver:
		return "第十四条", "项目通过验收后，方可正式交付使用", "only an accepted project is delivered for use"
	case ActArchive:
		return "第十五条", "项目资料在完成验收并交付后报送存档", "the documents are filed after acceptance and delivery"
	case ActEvaluate:
		return "第十七条", "综合评价针对已建成并存档的项目", "the comprehensive evaluation is of a completed, archived project"
	}
	return "", "", ""
}

// decodeInto reads a payload strictly into a new T.
func decodeInto[T any](raw json.RawMessage) (*T, *Error) {
	v := new(T)
	if rr, ok := any(v).(recordReader); ok {
		if readStrict(raw, rr) {
			return v, nil
		}
		v = new(T)
	}
	if err := decodeStrict(raw, v); err != nil {
		return nil, err
	}
	return v, nil
}

// decodeDeclaration reads a declaration strictly.
func decodeDeclaration(raw json.RawMessage) (*review.Declaration, *Error) {
	if err := declarationKeys(raw); err != nil {
		return nil, err
	}
	return decodeInto[review.Declaration](raw)
}

// derive reads the payload of c.action, checks its required fields, and
// returns the record to store: the payload, completed from the project
// where the action takes facts from it, with any derived result.
func (c *call) derive(raw json.RawMessage) (any, *Error) {
	p := c.p
	switch c.action {
	case ActDeclare:
		return decodeDeclaration(raw)
	case ActWithdraw:
		return decodeInto[WithdrawPayload](raw)
	case ActPreliminaryReview:
		in, err := decodeInto[PreliminaryInput](raw)
		if err != nil {
			return nil, err
		}
		sub, err := decodeInto[review.PreliminarySubmission](in.Submission)
		if err != nil {
			return nil, err.within("submission")
		}
		if !reflect.ValueOf(sub.Declaration).IsZero() {
			return nil, invalid("submission.declaration", "declaration_not_expected",
				"初步审核针对已登记的申报表，提交材料中不应再附申报表", "the declaration on record is reviewed; the submission must not carry one")
		}
		sub.Declaration = p.Declaration
		var compact bytes.Buffer
		if len(in.Submission) > 0 {
			if err := json.Compact(&compact, in.Submission); err != nil {
				return nil, decodeError(err).within("submission")
			}
		} else {
			compact.WriteString("{}")
		}
		return &PreliminaryRecord{Submission: compact.Bytes(), Judgment: in.Judgment,
			Result: review.Preliminary(*sub, in.Judgment)}, nil
	case ActExpertReview:
		panel, err := decodeInto[review.ExpertPanel](raw)
		if err != nil {
			return nil, err
		}
		if !panel.Requested.IsZero() && !panel.Requested.Equal(p.Requested) {
			return nil, invalid("requested", "requested_mismatch", "申请金额须与申报表一致", "requested must equal the declaration's budget")
		}
		panel.Requested = p.Requested
		return &ExpertRecord{Panel: *panel, Result: review.Expert(*panel)}, nil
	case ActDeliberate:
		in, err := decodeInto[DeliberatePayload](raw)
		if err == nil && in.Approved == nil {
			err = required("approved", "第七条")
		}
		return in, err
	case ActBudget:
		in, err := decodeInto[BudgetPayload](raw)
		if err != nil {
			return nil, err
		}
		if fs := review.CheckBudgetYear(in.Year, "year", "第七条"); len(fs) > 0 {
			return nil, &Error{Kind: KindInvalid, Code: fs[0].Code, Article: fs[0].Article, ZH: fs[0].ZH, EN: fs[0].EN, Findings: fs}
		}
		if in.Type != BudgetAnnual && in.Type != BudgetAdditional {
			return nil, invalid("type", "budget_type_invalid", "type 须为 annual（纳入年度预算）或 additional（新增预算）", "type must be annual or additional")
		}
		if p.Kind == review.Operation && in.Year != p.BudgetYear {
			return nil, invalid("year", "budget_year_mismatch", fmt.Sprintf("运维预算年度须为申报的 %d 年度", p.BudgetYear),
				fmt.Sprintf("the O&M budget is for the declared budget year %d", p.BudgetYear))
		}
		return in, nil
	case ActApplyInitiation:
		return decodeInto[ApplyInitiationPayload](raw)
	case ActApproveInitiation:
		in, err := decodeInto[ApproveInitiationPayload](raw)
		if err != nil {
			return nil, err
		}
		if in.Approved == nil {
			return nil, required("approved", "第十条")
		}
		if *in.Approved && blank(in.Number) {
			return nil, required("number", "第十条")
		}
		return in, nil
	case ActStartProcurement:
		return decodeInto[StartProcurementPayload](raw)
	case ActSignContract:
		return decodeInto[SignContractPayload](raw)
	case ActFileContract:
		in, err := decodeInto[ContractRef](raw)
		if err == nil && blank(in.ContractID) {
			err = required("contract_id", "第十二条")
		}
		return in, err
	case ActReportIssue:
		in, err := decodeInto[ReportIssuePayload](raw)
		if err != nil {
			return nil, err
		}
		switch in.Kind {
		case IssueSeriousDelay, IssueMajorLoss, IssueOther:
		default:
			return nil, invalid("kind", "issue_kind_invalid", "kind 须为 serious_delay、major_loss 或 other", "kind must be serious_delay, major_loss or other")
		}
		if blank(in.Description) {
			return nil, required("description", "第十三条")
		}
		return in, nil
	case ActOrderRectification, ActSuspend, ActResume:
		in, err := decodeInto[ReasonPayload](raw)
		if err == nil && blank(in.Reason) {
			err = required("reason", "第十三条")
		}
		return in, err
	case ActRequestChange:
		req, err := decodeInto[change.Request](raw)
		if err != nil {
			return nil, err
		}
		basis, berr := p.ChangeBasis()
		if berr != nil {
			var le *Error
			if errors.As(berr, &le) {
				return nil, le
			}
			return nil, &Error{Kind: KindInvalid, Code: "history_invalid", ZH: "变更记录无法读取", EN: "a recorded change cannot be read", Err: berr}
		}
		d, aerr := change.Assess(c.rb.Change, basis, *req)
		if aerr != nil {
			return nil, refuseFindings(GuardChangeAssessed, aerr)
		}
		return &ChangeRecord{Kind: d.Kind, Approvers: d.Approvers, NewBudget: d.NewBudget, Decision: d}, nil
	case ActApproveChange:
		return decodeInto[OpinionPayload](raw)
	case ActRejectChange:
		in, err := decodeInto[OpinionPayload](raw)
		if err == nil && blank(in.Opinion) {
			err = required("opinion", "第十一条")
		}
		return in, err
	case ActApplyAcceptance:
		in, err := decodeInto[ApplyAcceptancePayload](raw)
		if err != nil {
			return nil, err
		}
		in.Facts.FixedAsset = p.FixedAsset
		in.Facts.Phased = p.Phase > 0
		if in.Facts.SharingExemption == "" {
			in.Facts.SharingExemption = p.Declaration.SharingExemption
		}
		if !in.Facts.Phased && len(in.Facts.Contracts) == 0 {
			for _, k := range p.Contracts {
				in.Facts.Contracts = append(in.Facts.Contracts, k.ID)
			}
		}
		return in, nil
	case ActAccept:
		in, err := decodeInto[AcceptPayload](raw)
		if err != nil {
			return nil, err
		}
		if in.Passed == nil {
			return nil, required("passed", "第十四条")
		}
		if blank(in.Opinion) {
			return nil, required("opinion", "第十四条")
		}
		return in, nil
	case ActDeliver:
		return decodeInto[DeliverPayload](raw)
	case ActArchive:
		return decodeInto[ArchivePayload](raw)
	case ActEvaluate:
		in, err := decodeInto[EvaluatePayload](raw)
		if err != nil {
			return nil, err
		}
		if blank(in.Opinion) {
			return nil, required("opinion", "第十七条")
		}
		if in.Grade != "" && !in.Grade.Valid() {
			return nil, invalid("grade", "grade_invalid", "grade 须为 excellent、good、fair 或 poor", "grade must be excellent, good, fair or poor")
		}
		return in, nil
	case ActAudit:
		in, err := decodeInto[AuditPayload](raw)
		if err == nil && blank(in.Summary) {
			err = required("summary", "第十六条")
		}
		return in, err
	case ActOMEvaluation:
		ev, err := decodeInto[review.OMEvaluation](raw)
		if err != nil {
			return nil, err
		}
		if ev.BudgetYear == 0 {
			ev.BudgetYear = p.BudgetYear
		}
		if ev.BudgetYear != p.BudgetYear {
			return nil, invalid("budget_year", "budget_year_mismatch", fmt.Sprintf("评价的预算年度须为申报的 %d 年度", p.BudgetYear),
				fmt.Sprintf("the evaluation is for the declared budget year %d", p.BudgetYear))
		}
		if !ev.Requested.IsZero() && !ev.Requested.Equal(p.Requested) {
			return nil, invalid("requested", "requested_mismatch", "申请金额须与申报表一致", "requested must equal the declaration's budget")
		}
		ev.Requested = p.Requested
		return &OMEvaluationRecord{Evaluation: *ev, Result: review.OMEvaluate(*ev)}, nil
	case ActTerminateContract:
		in, err := decodeInto[TerminateContractPayload](raw)
		if err == nil && blank(in.ContractID) {
			err = required("contract_id", "第十三条")
		}
		return in, err
	case ActComplete:
		return decodeInto[CompletePayload](raw)
	}
	return nil, unknownAction(c.action)
}

// ChangeRecord is a change request as recorded (第十一条): change.Assess's
// decision, which holds the request as assessed, after a header of the
// three figures folding the event reads (so a replay need not decode the
// whole decision): the procedure, the approvers and the budget after the
// change, each equal to the decision's own.
type ChangeRecord struct {
	Kind      change.Kind     `json:"kind"`
	Approvers []string        `json:"approvers"`
	NewBudget review.Budget   `json:"new_budget"`
	Decision  change.Decision `json:"decision"`
}

// outcomeOf selects the row of an action with several outcomes from its
// record. Decide and Apply both use it, so a replay takes the row the
// decision took.
func outcomeOf(p *Project, action Action, rec any) Outcome {
	pass := func(b bool, yes, no Outcome) Outcome {
		if b {
			return yes
		}
		return no
	}
	switch r := rec.(type) {
	case *PreliminaryRecord:
		return pass(r.Result.Passed, OutcomePassed, OutcomeFailed)
	case *ExpertRecord:
		return pass(r.Panel.Passed && r.Result.Passed, OutcomePassed, OutcomeFailed)
	case *OMEvaluationRecord:
		return pass(r.Result.Complete && r.Result.Funded, OutcomePassed, OutcomeFailed)
	case *DeliberatePayload:
		return pass(isTrue(r.Approved), OutcomeApproved, OutcomeRejected)
	case *ApproveInitiationPayload:
		return pass(isTrue(r.Approved), OutcomeApproved, OutcomeRejected)
	case *AcceptPayload:
		return pass(isTrue(r.Passed), OutcomePassed, OutcomeFailed)
	case *ChangeRecord:
		return pass(r.Decision.Major(), OutcomeMajor, OutcomeMinor)
	case *changeFold:
		return pass(r.Kind != change.Minor, OutcomeMajor, OutcomeMinor)
	case *TerminateContractPayload:
		active := 0
		for _, k := range p.Contracts {
			if k.Active() && k.ID != r.ContractID && (p.Kind != review.Operation || k.BudgetYear == p.BudgetYear) {
				active++
			}
		}
		return pass(active == 0, OutcomeLast, OutcomeRemaining)
	}
	return OutcomeNone
}
