package lifecycle

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/review"
)

// Project is the aggregate: everything the measure knows about one project,
// folded from its events (see Replay and Apply). It is a value computed
// from the history; changing a Project changes nothing stored.
type Project struct {
	ID      string      `json:"id"`
	Kind    review.Kind `json:"kind"`
	State   State       `json:"state"`
	Version int64       `json:"version"`
	Unit    string      `json:"unit"`
	Name    string      `json:"name"`
	// Declaration is the declaration in force: the first, or the latest
	// re-declaration (after a return or a major change).
	Declaration review.Declaration `json:"declaration"`
	// Declarations counts the declarations: 1, then one more for each
	// re-declaration.
	Declarations int `json:"declarations"`
	// Requested is the investment the declaration in force asks for.
	Requested review.Budget `json:"requested"`
	// Approved is the investment approved: zero until the deliberation
	// (建设类, 第七条) or the O&M evaluation (运维类, 第五条) approves it, then
	// moved by each approved minor change (第十一条第（一）项) and reset by
	// the approval of a re-declaration.
	Approved   review.Budget `json:"approved"`
	FixedAsset bool          `json:"fixed_asset"`
	// BudgetYear is the budget year of the declaration in force (运维类,
	// 第五条; optional for 建设类).
	BudgetYear int `json:"budget_year,omitempty"`
	// ParentID and Phase link a later phase of a phased project to its
	// earlier phase (第八条).
	ParentID string `json:"parent_id,omitempty"`
	Phase    int    `json:"phase,omitempty"`

	// Preliminary is the latest preliminary review (第六条).
	Preliminary *PreliminaryRecord `json:"preliminary,omitempty"`
	// Expert is the latest expert review (第七条).
	Expert *ExpertRecord `json:"expert,omitempty"`
	// Deliberation is the latest deliberation (第七条).
	Deliberation *DeliberatePayload `json:"deliberation,omitempty"`
	// OMEvaluation is the latest O&M evaluation (第五条).
	OMEvaluation *OMEvaluationRecord `json:"om_evaluation,omitempty"`
	// Budgeting is the latest budget entry (第七条, 第五条).
	Budgeting *BudgetPayload `json:"budgeting,omitempty"`
	// Years are, for 运维类, the budget years declared, in order, with when
	// each was declared and entered in the budget (第五条).
	Years []BudgetYear `json:"years,omitempty"`
	// Completion records the completion of a budget year's O&M.
	Completion *CompletePayload `json:"completion,omitempty"`
	// Initiation is the latest 立项 of a fixed-asset project (第十条).
	Initiation *Initiation `json:"initiation,omitempty"`
	// Contracts are every contract signed, in order, with their filing
	// (第十二条) and, for O&M, their termination (第十三条). They stay on
	// record through a re-declaration.
	Contracts []Contract `json:"contracts,omitempty"`
	// Changes are every change requested (第十一条), in order.
	Changes []Change `json:"changes,omitempty"`
	// ChangeBase is the investment the next change is measured against
	// (第十一条): the investment approved at the latest approval. See
	// ChangeBasis.
	ChangeBase review.Budget `json:"change_base"`
	// priorFrom is the index in Changes of the first change requested
	// since the latest approval.
	priorFrom int
	// Supervision holds the latest ListWindow (20) of the issues reported
	// and the bureau's rectification orders, suspensions and resumptions
	// (第十三条), oldest first. The earlier ones are in the events
	// (report_issue, order_rectification, suspend, resume).
	Supervision []SupervisionRecord `json:"supervision,omitempty"`
	// SupervisionTotal counts every issue reported and measure taken
	// (第十三条): more than Supervision holds once the earlier ones are
	// read from the events.
	SupervisionTotal int `json:"supervision_total,omitempty"`
	// Acceptances holds the latest ListWindow (20) of the applications for
	// acceptance and their results (第十四条), oldest first. The earlier
	// ones are in the events (apply_acceptance, accept).
	Acceptances []Acceptance `json:"acceptances,omitempty"`
	// AcceptancesTotal counts every application for acceptance (第十四条).
	AcceptancesTotal int `json:"acceptances_total,omitempty"`
	// AcceptedAt is when the first passed acceptance was decided
	// (第十四条), from which the archive of 第十五条 is due; zero before.
	AcceptedAt time.Time `json:"accepted_at,omitzero"`
	// Archive is the filing of the documents of 第十五条, and ArchivedAt
	// when it was made.
	Archive    *ArchivePayload `json:"archive,omitempty"`
	ArchivedAt time.Time       `json:"archived_at,omitzero"`
	// Documents are the electronic documents filed (file_document,
	// withdraw_document): each slot's versions.
	Documents document.Register `json:"documents,omitzero"`
	// Evaluation is the comprehensive evaluation (第十七条).
	Evaluation *EvaluatePayload `json:"evaluation,omitempty"`
	// Findings are the findings of the latest review that returned the
	// project to its unit, or of the latest failed acceptance.
	Findings []review.Finding `json:"findings,omitempty"`
	// Audits holds the latest ListWindow (20) of the audit inspections
	// recorded (第十六条), oldest first. The earlier ones are in the
	// events (action audit).
	Audits []Audit `json:"audits,omitempty"`
	// AuditsTotal counts every audit inspection recorded (第十六条).
	AuditsTotal int `json:"audits_total,omitempty"`
	// SecurityOpinions holds the latest ListWindow (20) of the cyberspace
	// office's guidance and supervision opinions (第三条), oldest first.
	// The earlier ones are in the events (action security_opinion).
	SecurityOpinions []SecurityOpinion `json:"security_opinions,omitempty"`
	// SecurityOpinionsTotal counts every security opinion given (第三条).
	SecurityOpinionsTotal int `json:"security_opinions_total,omitempty"`

	// DeclaredAt is the time of the first declaration; the rulebook in
	// force on that date governs the project, unless the first
	// declaration's form gave its 填报时间.
	DeclaredAt time.Time `json:"declared_at"`
	// FilledOn is the 填报时间 of the first declaration's form (附件1),
	// midnight Beijing time, when the form gave one: the rulebook in force
	// on it governs the project (see Engine.RulebookOf).
	FilledOn time.Time `json:"filled_on,omitzero"`
	// ApprovedAt is the time of the latest approval; zero before the
	// first.
	ApprovedAt time.Time `json:"approved_at,omitzero"`
	// UpdatedAt is the time of the latest event.
	UpdatedAt time.Time `json:"updated_at"`
}

// BudgetYear is one budget year of an O&M project (第五条): its own cycle
// of declaration, evaluation, budget, procurement, contracts and
// operation, in its own state of the 运维类 table. The money of the year
// is its own approved budget.
type BudgetYear struct {
	Year int `json:"year"`
	// State is the year's state in the 运维类 table.
	State State `json:"state"`
	// DeclaredAt is when the year was first declared, BudgetedAt when it
	// entered the budget.
	DeclaredAt time.Time `json:"declared_at"`
	BudgetedAt time.Time `json:"budgeted_at,omitzero"`
	// Declaration is the year's declaration in force.
	Declaration review.Declaration `json:"declaration"`
	// Findings are the findings of 第五条 recorded with the year's
	// declaration: late (om_declaration_late), or for a year after the
	// next (om_budget_year_not_next).
	Findings []review.Finding `json:"findings,omitempty"`
	// Requested is what the declaration asks for; Approved what the
	// evaluation recommends (第五条), moved by the year's approved minor
	// changes (第十一条第（一）项), from ApprovedAt.
	Requested  review.Budget `json:"requested"`
	Approved   review.Budget `json:"approved"`
	ApprovedAt time.Time     `json:"approved_at,omitzero"`
	// OMEvaluation, Budgeting and Completion are the year's evaluation,
	// budget entry and completion.
	OMEvaluation *OMEvaluationRecord `json:"om_evaluation,omitempty"`
	Budgeting    *BudgetPayload      `json:"budgeting,omitempty"`
	Completion   *CompletePayload    `json:"completion,omitempty"`
	// ChangeBase is what the year's next change is measured against
	// (第十一条).
	ChangeBase review.Budget `json:"change_base"`
	// priorFrom is the index in the project's Changes of the first change
	// requested since the year's latest approval.
	priorFrom int
}

// EverApproved reports whether the project has been approved at least once
// (第十八条: before that it may not spend).
func (p *Project) EverApproved() bool { return !p.ApprovedAt.IsZero() }

// PreliminaryRecord is a preliminary review (第六条) as recorded: the
// submission and the reviewer's judgment that went in, and the result
// review.Preliminary gave.
type PreliminaryRecord struct {
	// Submission is the unit's submission as given (review's
	// PreliminarySubmission without the declaration: the declaration on
	// record was reviewed).
	Submission json.RawMessage          `json:"submission"`
	Judgment   review.ReviewerJudgment  `json:"judgment"`
	Result     review.PreliminaryResult `json:"result"`
}

// ExpertRecord is an expert review (第七条) as recorded: the panel's record
// and the result review.Expert gave.
type ExpertRecord struct {
	Panel  review.ExpertPanel  `json:"panel"`
	Result review.ExpertResult `json:"result"`
}

// Initiation is the 立项 of a fixed-asset project by the DRC (第十条).
type Initiation struct {
	// Applied is the unit's application.
	Applied ApplyInitiationPayload `json:"applied"`
	// AppliedAt is when the unit applied.
	AppliedAt time.Time `json:"applied_at"`
	// Decision is the DRC's decision, nil while pending.
	Decision *ApproveInitiationPayload `json:"decision,omitempty"`
	// DecidedAt is when the DRC decided.
	DecidedAt time.Time `json:"decided_at,omitzero"`
}

// Approved reports whether the DRC approved the 立项.
func (i *Initiation) Approved() bool {
	return i != nil && i.Decision != nil && isTrue(i.Decision.Approved)
}

// Contract is a contract of the project.
type Contract struct {
	ContractInput
	// Declaration is the number of the declaration in force when the
	// contract was signed (see Project.Declarations).
	Declaration int `json:"declaration"`
	// BudgetYear is, for 运维类, the budget year the contract spends
	// (第五条).
	BudgetYear int `json:"budget_year,omitempty"`
	// FiledAt is when a copy was filed with the bureau (第十二条); zero
	// while not filed.
	FiledAt time.Time `json:"filed_at,omitzero"`
	// Termination records the termination of an O&M contract (第十三条).
	Termination *Termination `json:"termination,omitempty"`
}

// Filed reports whether a copy of the contract is on file (第十二条).
func (c Contract) Filed() bool { return !c.FiledAt.IsZero() }

// Active reports whether the contract is signed and not terminated.
func (c Contract) Active() bool { return c.Termination == nil }

// Termination is the termination of an O&M contract with its written
// notice (第十三条).
type Termination struct {
	TerminateContractPayload
	// Notified are the bureaus the notice went to: bdb and finance.
	Notified []Role `json:"notified"`
	// At is when the unit gave notice.
	At time.Time `json:"at"`
}

// ChangeStatus is where a change request stands.
type ChangeStatus string

// The statuses of a change.
const (
	// ChangePending: a minor change awaiting its approvers.
	ChangePending ChangeStatus = "pending"
	// ChangeApproved: every approver approved (第十一条第（一）项).
	ChangeApproved ChangeStatus = "approved"
	// ChangeRejected: an approver rejected it.
	ChangeRejected ChangeStatus = "rejected"
	// ChangeRedeclare: a major change; the project is re-declared
	// (第十一条第（二）项).
	ChangeRedeclare ChangeStatus = "redeclare"
)

// Change is a change request (第十一条) with its assessment and the
// approvers' decisions.
type Change struct {
	// Seq numbers the project's changes from 1.
	Seq int `json:"seq"`
	// BudgetYear is, for 运维类, the budget year the change concerns.
	BudgetYear int `json:"budget_year,omitempty"`
	// Kind is the procedure change.Assess decided: minor
	// (第十一条第（一）项) or major (第十一条第（二）项).
	Kind change.Kind `json:"kind"`
	// Approvers are the roles the change goes to: bdb, and drc for a
	// fixed-asset project.
	Approvers []Role `json:"approvers"`
	// NewBudget is the investment after the change; for a major change,
	// what the re-declaration is to ask for.
	NewBudget   review.Budget `json:"new_budget"`
	Status      ChangeStatus  `json:"status"`
	RequestedAt time.Time     `json:"requested_at"`
	// Approvals are the approvers' decisions, in order.
	Approvals []ChangeApproval `json:"approvals,omitempty"`
	// Decision is change.Assess's decision as recorded, in JSON: every
	// figure that decided it. Assessment reads it.
	Decision json.RawMessage `json:"decision"`
}

// Assessment returns the recorded decision of change.Assess.
func (c Change) Assessment() (change.Decision, error) {
	var d change.Decision
	if err := json.Unmarshal(c.Decision, &d); err != nil {
		return d, &Error{Kind: KindInvalid, Code: "history_invalid", Article: change.Article,
			ZH: fmt.Sprintf("第 %d 号变更的记录无法读取", c.Seq), EN: fmt.Sprintf("the record of change %d cannot be read", c.Seq), Err: err}
	}
	return d, nil
}

// Pending lists the approvers who have not yet decided a pending change.
func (c Change) Pending() []Role {
	if c.Status != ChangePending {
		return nil
	}
	var out []Role
	for _, a := range c.Approvers {
		if !slices.ContainsFunc(c.Approvals, func(x ChangeApproval) bool { return x.Role == a }) {
			out = append(out, a)
		}
	}
	return out
}

// ChangeBasis is what the next change is measured against (第十一条): the
// investment approved at the latest approval, and the minor changes
// approved since, read from their recorded decisions.
func (p *Project) ChangeBasis() (change.Basis, error) {
	b := change.Basis{Approved: p.EverApproved(), FixedAsset: p.FixedAsset, Base: p.ChangeBase}
	for _, ch := range p.Changes[min(p.priorFrom, len(p.Changes)):] {
		if ch.Status != ChangeApproved || (p.Kind == review.Operation && ch.BudgetYear != p.BudgetYear) {
			continue
		}
		d, err := ch.Assessment()
		if err != nil {
			return b, err
		}
		b.Prior = append(b.Prior, d)
	}
	return b, nil
}

// ChangeApproval is one approver's decision on a change.
type ChangeApproval struct {
	Role     Role      `json:"role"`
	ActorID  string    `json:"actor_id"`
	Approved bool      `json:"approved"`
	Opinion  string    `json:"opinion,omitempty"`
	At       time.Time `json:"at"`
}

// SupervisionRecord is a report or measure of 第十三条.
type SupervisionRecord struct {
	Action  Action    `json:"action"`
	ActorID string    `json:"actor_id"`
	Role    Role      `json:"role"`
	Kind    IssueKind `json:"kind,omitempty"`
	Text    string    `json:"text"`
	// Finance is 区财政局's part in a rectification order or a suspension
	// (第十三条), when recorded.
	Finance *FinancePart `json:"finance,omitempty"`
	At      time.Time    `json:"at"`
}

// Acceptance is an application for acceptance (第十四条) and its result.
type Acceptance struct {
	ApplyAcceptancePayload
	AppliedAt time.Time `json:"applied_at"`
	// Result is the bureau's result, nil while pending.
	Result *AcceptPayload `json:"result,omitempty"`
	// DecidedAt is when the result was recorded.
	DecidedAt time.Time `json:"decided_at,omitzero"`
}

// Audit is an audit inspection recorded (第十六条).
type Audit struct {
	AuditPayload
	ActorID string    `json:"actor_id"`
	At      time.Time `json:"at"`
}

// contract returns the index of the contract with id, or -1. It searches
// from the latest contract, the one most often filed next.
func (p *Project) contract(id string) int {
	for i := len(p.Contracts) - 1; i >= 0; i-- {
		if p.Contracts[i].ID == id {
			return i
		}
	}
	return -1
}

// pendingChange returns the index of the pending change, or -1.
func (p *Project) pendingChange() int {
	for i := range p.Changes {
		if p.Changes[i].Status == ChangePending {
			return i
		}
	}
	return -1
}

// contractTotal is the sum of the amounts of the contracts not terminated:
// for 运维类, those of the budget year (each year spends its own budget).
func (p *Project) contractTotal() decimal.Decimal {
	sum := decimal.Zero
	for _, c := range p.Contracts {
		if c.Active() && (p.Kind != review.Operation || c.BudgetYear == p.BudgetYear) {
			sum = sum.Add(c.Amount)
		}
	}
	return sum
}
