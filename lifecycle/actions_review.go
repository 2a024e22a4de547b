package lifecycle

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/govit-cn/govit/review"
)

// The actions of declaration and review: declare, withdraw,
// preliminary_review, expert_review, deliberate, om_evaluation and budget.

// DeclarePayload is the payload of declare (第五条, 第六条, 第八条): the
// declaration form of 附件1. Its JSON is the declaration's own. A first
// declaration goes through Engine.Declare; Do takes a DeclarePayload to
// declare a returned project, or one that must be declared again, anew.
type DeclarePayload struct {
	review.Declaration
}

// Action returns ActDeclare.
func (DeclarePayload) Action() Action { return ActDeclare }

var specDeclare = &actionSpec[DeclarePayload, review.Declaration]{
	specMeta: specMeta{action: ActDeclare, zh: "申报", roles: []Role{RoleUnit}},
	decode: func(raw []byte) (*DeclarePayload, *Error) {
		d, err := readDeclarationJSON(raw)
		if err != nil {
			return nil, err
		}
		return &DeclarePayload{Declaration: *d}, nil
	},
	derive: deriveDeclaration,
	apply:  foldDeclaration,
}

// foldDeclaration records a declaration: the first one makes the project,
// a later one replaces the declaration in force and opens every gate again
// (第十一条第（二）项, 第五条).
func foldDeclaration(p *Project, e Event, r *review.Declaration, _ bool) {
	if p.State == StateNone {
		p.ID = e.ProjectID
		p.Kind = r.Kind
		p.Unit = r.Unit
		p.DeclaredAt = e.At
		p.FilledOn, _ = r.FilledDay()
	}
	p.Declaration = *r
	p.Declarations++
	p.Name = r.Name
	p.Requested = r.Budget
	p.FixedAsset = r.FixedAsset
	p.BudgetYear = r.BudgetYear
	p.ParentID = r.ParentID
	p.Phase = r.Phase
	p.Findings = nil
	p.Preliminary, p.Expert, p.Deliberation, p.OMEvaluation, p.Budgeting, p.Initiation = nil, nil, nil, nil, nil, nil
	p.Completion = nil
}

// WithdrawPayload is the payload of withdraw: the unit withdraws its
// project before approval.
type WithdrawPayload struct {
	Reason string `json:"reason,omitempty"`
	// BudgetYear names, for 运维类, the budget year whose declaration is
	// withdrawn; by default the latest.
	BudgetYear int `json:"budget_year,omitempty"`
}

// Action returns ActWithdraw.
func (WithdrawPayload) Action() Action { return ActWithdraw }

var specWithdraw = &actionSpec[WithdrawPayload, WithdrawPayload]{
	specMeta: specMeta{action: ActWithdraw, zh: "撤回", roles: []Role{RoleUnit}},
	derive:   keep[WithdrawPayload],
}

// PreliminarySubmission is the unit's submission to the preliminary review
// (第六条): review.PreliminarySubmission, whose Declaration is left empty —
// the declaration on record is the one reviewed.
type PreliminarySubmission = review.PreliminarySubmission

// PreliminaryReviewPayload is the payload of preliminary_review (第六条):
// the unit's submission (its declaration left empty) and the reviewer's
// judgment, from which review.Preliminary decides.
type PreliminaryReviewPayload struct {
	Submission PreliminarySubmission   `json:"submission"`
	Judgment   review.ReviewerJudgment `json:"judgment"`
	// raw is the submission as read from JSON, recorded as given.
	raw json.RawMessage
}

// Action returns ActPreliminaryReview.
func (PreliminaryReviewPayload) Action() Action { return ActPreliminaryReview }

// PreliminaryInput is the former name of PreliminaryReviewPayload.
//
// Deprecated: use PreliminaryReviewPayload.
type PreliminaryInput = PreliminaryReviewPayload

var specPreliminaryReview = &actionSpec[PreliminaryReviewPayload, PreliminaryRecord]{
	specMeta: specMeta{action: ActPreliminaryReview, zh: "初步审核", roles: []Role{RoleBDB}},
	decode:   readPreliminary,
	derive:   derivePreliminary,
	choose: func(_ *Project, r *PreliminaryRecord) Outcome {
		return pass(r.Result.Passed, OutcomePassed, OutcomeFailed)
	},
	apply: func(p *Project, _ Event, r *PreliminaryRecord, _ bool) {
		p.Preliminary = r
		p.Findings = nil
		if !r.Result.Passed {
			p.Findings = r.Result.AllFindings()
		}
	},
}

// readPreliminary reads the payload of preliminary_review, keeping the
// submission as given for the record.
func readPreliminary(raw []byte) (*PreliminaryReviewPayload, *Error) {
	var in struct {
		Submission json.RawMessage         `json:"submission"`
		Judgment   review.ReviewerJudgment `json:"judgment"`
	}
	if err := readPayload(raw, &in); err != nil {
		return nil, err
	}
	out := &PreliminaryReviewPayload{Judgment: in.Judgment, raw: compactJSON(in.Submission)}
	if err := readPayload(in.Submission, &out.Submission); err != nil {
		return nil, err.within("submission")
	}
	return out, nil
}

// emptyDeclaration reports whether a submission carries no declaration:
// one that writes as the zero declaration does (as a zero declaration
// marshalled by encoding/json reads back).
func emptyDeclaration(d review.Declaration) bool {
	got, err := json.Marshal(d)
	if err != nil {
		return false
	}
	zero, _ := json.Marshal(review.Declaration{})
	return bytes.Equal(got, zero)
}

func derivePreliminary(c *call, in *PreliminaryReviewPayload) (*PreliminaryRecord, *Error) {
	sub := in.Submission
	if !emptyDeclaration(sub.Declaration) {
		return nil, invalid("submission.declaration", "declaration_not_expected",
			"初步审核针对已登记的申报表，提交材料中不应再附申报表", "the declaration on record is reviewed; the submission must not carry one")
	}
	raw, err := submissionJSON(sub, in.raw)
	if err != nil {
		return nil, &Error{Kind: KindInvalid, Code: "payload_unencodable", ZH: "载荷无法编码：" + err.Error(), EN: "the payload cannot be encoded: " + err.Error(), Err: err}
	}
	sub.Declaration = c.p.Declaration
	return &PreliminaryRecord{Submission: raw, Judgment: in.Judgment, Result: review.Preliminary(sub, in.Judgment)}, nil
}

// ExpertReviewPayload is the payload of expert_review (第七条): the panel's
// record, which review.Expert checks (see review.ExpertPanel).
type ExpertReviewPayload struct {
	// Organisers are the bureaus that organised the review: bdb, finance
	// and drc.
	Organisers []Role `json:"organisers"`
	// Experts sat on the panel; at least one.
	Experts []review.Panelist `json:"experts"`
	// Opinions covers each of the five aspects once.
	Opinions []review.AspectOpinion `json:"opinions"`
	// Opinion is the written 评审意见.
	Opinion string `json:"opinion"`
	// Passed is the panel's conclusion.
	Passed bool `json:"passed"`
	// Requested may be left out: the engine records the budget of the
	// declaration in force. When given it must equal that budget.
	Requested review.Budget `json:"requested,omitzero"`
	// Approved is the budget the panel approves: per source and in total
	// no more than requested.
	Approved review.Budget `json:"approved"`
}

// Action returns ActExpertReview.
func (ExpertReviewPayload) Action() Action { return ActExpertReview }

var specExpertReview = &actionSpec[ExpertReviewPayload, ExpertRecord]{
	specMeta: specMeta{action: ActExpertReview, zh: "专家评审", roles: []Role{RoleBDB},
		order: ruleText{"第六条", "未通过初步审核的项目，不得参加专家评审", "a project that has not passed the preliminary review may not go to expert review"}},
	derive: func(c *call, in *ExpertReviewPayload) (*ExpertRecord, *Error) {
		if !in.Requested.IsZero() && !in.Requested.Equal(c.p.Requested) {
			return nil, invalid("requested", "requested_mismatch", "申请金额须与申报表一致", "requested must equal the declaration's budget")
		}
		panel := review.ExpertPanel{Experts: in.Experts, Opinions: in.Opinions, Opinion: in.Opinion,
			Passed: in.Passed, Requested: c.p.Requested, Approved: in.Approved}
		for _, r := range in.Organisers {
			panel.Organisers = append(panel.Organisers, string(r))
		}
		return &ExpertRecord{Panel: panel, Result: review.Expert(panel)}, nil
	},
	choose: func(_ *Project, r *ExpertRecord) Outcome {
		return pass(r.Panel.Passed && r.Result.Passed, OutcomePassed, OutcomeFailed)
	},
	apply: func(p *Project, _ Event, r *ExpertRecord, _ bool) {
		p.Expert = r
		p.Findings = nil
		if !r.Result.Passed {
			p.Findings = r.Result.Findings
		}
	},
}

// DeliberatePayload is the payload of deliberate (第七条): the district
// government's decision.
type DeliberatePayload struct {
	// Approved is required: true approves, false rejects.
	Approved *bool `json:"approved" jsonschema:"required"`
	// Meeting names the meeting that deliberated (optional).
	Meeting string `json:"meeting,omitempty"`
	Opinion string `json:"opinion,omitempty"`
}

// Action returns ActDeliberate.
func (DeliberatePayload) Action() Action { return ActDeliberate }

var specDeliberate = &actionSpec[DeliberatePayload, DeliberatePayload]{
	specMeta: specMeta{action: ActDeliberate, zh: "审议", roles: []Role{RoleGovernment},
		order: ruleText{"第七条", "专家评审通过后方可提请区政府审议", "only a project that passed the expert review is deliberated"}},
	derive: func(_ *call, in *DeliberatePayload) (*DeliberatePayload, *Error) {
		if in.Approved == nil {
			return nil, required("approved", "第七条")
		}
		return in, nil
	},
	choose: func(_ *Project, r *DeliberatePayload) Outcome {
		return pass(isTrue(r.Approved), OutcomeApproved, OutcomeRejected)
	},
	refers: func(p *Project, r *DeliberatePayload) string {
		if isTrue(r.Approved) && p.Expert == nil {
			return "no expert review to approve"
		}
		return ""
	},
	apply: func(p *Project, e Event, r *DeliberatePayload, _ bool) {
		p.Deliberation = r
		if isTrue(r.Approved) {
			p.approve(e, p.Expert.Result.Approved)
		}
	},
}

// OMEvaluationPayload is the payload of om_evaluation (第五条): the
// evaluation's record, which review.OMEvaluate checks. BudgetYear and
// Requested may be left out; the engine takes them from the declaration in
// force, and refuses them when given otherwise.
type OMEvaluationPayload review.OMEvaluation

// Action returns ActOMEvaluation.
func (OMEvaluationPayload) Action() Action { return ActOMEvaluation }

// OMEvaluationRecord is an O&M evaluation (第五条) as recorded: the record
// that went in and review.OMEvaluate's result.
type OMEvaluationRecord struct {
	Evaluation review.OMEvaluation `json:"evaluation"`
	Result     review.OMResult     `json:"result"`
}

var specOMEvaluation = &actionSpec[OMEvaluationPayload, OMEvaluationRecord]{
	specMeta: specMeta{action: ActOMEvaluation, zh: "运维评价", roles: []Role{RoleBDB}},
	derive:   deriveOMEvaluation,
	choose: func(_ *Project, r *OMEvaluationRecord) Outcome {
		return pass(r.Result.Complete && r.Result.Funded, OutcomePassed, OutcomeFailed)
	},
	apply: func(p *Project, e Event, r *OMEvaluationRecord, _ bool) {
		p.OMEvaluation = r
		p.Findings = nil
		if r.Result.Funded {
			p.approve(e, r.Result.Recommended)
		} else {
			p.Findings = r.Result.Findings
		}
	},
}

func deriveOMEvaluation(c *call, in *OMEvaluationPayload) (*OMEvaluationRecord, *Error) {
	ev := review.OMEvaluation(*in)
	p := c.p
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
	return &OMEvaluationRecord{Evaluation: ev, Result: review.OMEvaluate(ev)}, nil
}

// BudgetType says whether a project enters the annual budget or an
// additional one (第七条: 纳入财政预算或新增预算).
type BudgetType string

// The budget types.
const (
	BudgetAnnual     BudgetType = "annual"     // 纳入年度财政预算
	BudgetAdditional BudgetType = "additional" // 新增预算
)

// BudgetPayload is the payload of budget (第七条, 第五条).
type BudgetPayload struct {
	// Year is the budget year; for 运维类 it is the declared budget year.
	Year int        `json:"year" jsonschema:"required"`
	Type BudgetType `json:"type" jsonschema:"required"`
	// Document is the budget document's number (optional).
	Document string `json:"document,omitempty"`
}

// Action returns ActBudget.
func (BudgetPayload) Action() Action { return ActBudget }

var specBudget = &actionSpec[BudgetPayload, BudgetPayload]{
	specMeta: specMeta{action: ActBudget, zh: "纳入预算", roles: []Role{RoleFinance},
		order:   ruleText{"第七条", "审议通过后方可纳入财政预算", "a project enters the budget after the deliberation approves it"},
		orderOM: ruleText{"第五条", "运维需求经综合评价后方可纳入年度预算", "O&M needs enter the budget after their evaluation"}},
	derive: deriveBudget,
	apply:  func(p *Project, _ Event, r *BudgetPayload, _ bool) { p.Budgeting = r },
}

func deriveBudget(c *call, in *BudgetPayload) (*BudgetPayload, *Error) {
	if fs := review.CheckBudgetYear(in.Year, "year", "第七条"); len(fs) > 0 {
		return nil, &Error{Kind: KindInvalid, Code: fs[0].Code, Article: fs[0].Article, ZH: fs[0].ZH, EN: fs[0].EN, Findings: fs}
	}
	if err := checkBudgetYearAhead(in.Year, "year", "第七条", c.now); err != nil {
		return nil, err
	}
	if in.Type != BudgetAnnual && in.Type != BudgetAdditional {
		return nil, invalid("type", "budget_type_invalid", "type 须为 annual（纳入年度预算）或 additional（新增预算）", "type must be annual or additional")
	}
	if c.p.Kind == review.Operation && in.Year != c.p.BudgetYear {
		return nil, invalid("year", "budget_year_mismatch", fmt.Sprintf("运维预算年度须为申报的 %d 年度", c.p.BudgetYear),
			fmt.Sprintf("the O&M budget is for the declared budget year %d", c.p.BudgetYear))
	}
	return in, nil
}

// pass is yes when b holds, else no.
func pass(b bool, yes, no Outcome) Outcome {
	if b {
		return yes
	}
	return no
}
