package lifecycle

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/review"
)

// Replay folds a project's events, in version order, into the project. It
// is how the engine loads a project, and replaying the events an engine
// appended rebuilds the project it returned exactly.
func Replay(events []Event) (*Project, error) {
	if len(events) == 0 {
		return nil, &Error{Kind: KindInvalid, Code: "history_empty", ZH: "没有事件可回放", EN: "no events to replay"}
	}
	p := &Project{}
	p.reserve(events)
	for i := range events {
		if err := p.apply(events[i], true); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// reserve sizes the lists the events append to, so that a replay of a
// long history does not grow them step by step. A list no event appends
// to stays nil.
func (p *Project) reserve(events []Event) {
	var contracts, supervision, audits, changes, acceptances int
	for i := range events {
		switch events[i].Action {
		case ActSignContract:
			contracts++
		case ActReportIssue, ActOrderRectification, ActSuspend, ActResume:
			supervision++
		case ActAudit:
			audits++
		case ActRequestChange:
			changes++
		case ActApplyAcceptance:
			acceptances++
		}
	}
	if contracts > 0 {
		p.Contracts = make([]Contract, 0, contracts)
	}
	if supervision > 0 {
		p.Supervision = make([]SupervisionRecord, 0, supervision)
	}
	if audits > 0 {
		p.Audits = make([]Audit, 0, audits)
	}
	if changes > 0 {
		p.Changes = make([]Change, 0, changes)
	}
	if acceptances > 0 {
		p.Acceptances = make([]Acceptance, 0, acceptances)
	}
}

// Apply folds one event into the project: the next version, a row of the
// transition table from the current state. It does not decide again: the
// event's record holds every outcome. On error the project is unchanged.
//
// Apply changes p and nothing it may share with another Project (such as
// the engine's snapshot it was copied from): a list whose element the
// event changes (a contract filed, a change approved) is copied first, and
// appends go beyond what the other project sees.
func (p *Project) Apply(e Event) error {
	if err := p.apply(e, false); err != nil {
		return err
	}
	return nil
}

// apply is Apply; owned says that p shares no list with any other
// project (a replay's own fold), so that elements are changed in place.
func (p *Project) apply(e Event, owned bool) *Error {
	if e.Version != p.Version+1 {
		return badHistory(e, fmt.Sprintf("版本应为 %d", p.Version+1), fmt.Sprintf("expected version %d", p.Version+1))
	}
	if p.Version > 0 && e.ProjectID != p.ID {
		return badHistory(e, "项目编号不一致", "the project ID differs")
	}
	rec, err := decodeRecord(e)
	if err != nil {
		return badHistory(e, "载荷无法读取："+err.Error(), "unreadable payload: "+err.Error())
	}
	kind := p.Kind
	if p.State == StateNone {
		d, ok := rec.(*review.Declaration)
		if !ok {
			return badHistory(e, "项目的第一个事件须为申报", "a project's first event must be its declaration")
		}
		kind = d.Kind
	}
	m := machineFor(kind)
	if m == nil {
		return badHistory(e, "未知的项目类别", "unknown kind of project")
	}
	if kind == review.Operation {
		return p.applyYear(e, rec, m, owned)
	}
	row, ok := m.row(e.Action, outcomeOf(p, e.Action, rec), p.State)
	if !ok {
		return badHistory(e, fmt.Sprintf("状态“%s”下不能执行“%s”", p.State.ZH(), e.Action), fmt.Sprintf("%s cannot be taken from %s", e.Action, p.State))
	}
	if msg := p.precheck(rec); msg != "" {
		return badHistory(e, msg, msg)
	}
	from := p.State
	p.fold(e, rec, owned)
	p.State = row.Dest(from)
	p.Version = e.Version
	p.UpdatedAt = e.At
	return nil
}

func badHistory(e Event, zh, en string) *Error {
	return &Error{Kind: KindInvalid, Code: "history_invalid",
		ZH: fmt.Sprintf("项目 %s 第 %d 个事件（%s）无效：%s", e.ProjectID, e.Version, e.Action, zh),
		EN: fmt.Sprintf("event %d (%s) of project %s is invalid: %s", e.Version, e.Action, e.ProjectID, en)}
}

// decodeRecord reads an event's record into the action's record type.
func decodeRecord(e Event) (any, error) {
	v := newRecord(e.Action)
	if v == nil {
		return nil, fmt.Errorf("unknown action %q", e.Action)
	}
	if len(e.Payload) == 0 {
		return v, nil
	}
	switch rec := v.(type) {
	case recordReader:
		if readRecord(e.Payload, rec) {
			return v, nil
		}
		v = newRecord(e.Action)
	case json.Unmarshaler:
		// A type that reads itself (the declaration) is handed the value
		// as encoding/json would hand it, once its syntax is checked,
		// without encoding/json's own pass over the whole of it.
		if value, ok := jsonValue(e.Payload); ok {
			if err := rec.UnmarshalJSON(value); err != nil {
				return nil, err
			}
			return v, nil
		}
	}
	if err := json.Unmarshal(e.Payload, v); err != nil {
		return nil, err
	}
	return v, nil
}

// newRecord returns a new value of the record type of action, or nil for
// an unknown action.
func newRecord(action Action) any {
	var v any
	switch action {
	case ActDeclare:
		v = new(review.Declaration)
	case ActWithdraw:
		v = new(WithdrawPayload)
	case ActPreliminaryReview:
		v = new(PreliminaryRecord)
	case ActExpertReview:
		v = new(ExpertRecord)
	case ActDeliberate:
		v = new(DeliberatePayload)
	case ActBudget:
		v = new(BudgetPayload)
	case ActApplyInitiation:
		v = new(ApplyInitiationPayload)
	case ActApproveInitiation:
		v = new(ApproveInitiationPayload)
	case ActStartProcurement:
		v = new(StartProcurementPayload)
	case ActSignContract:
		v = new(SignContractPayload)
	case ActFileContract:
		v = new(ContractRef)
	case ActReportIssue:
		v = new(ReportIssuePayload)
	case ActOrderRectification, ActSuspend, ActResume:
		v = new(ReasonPayload)
	case ActRequestChange:
		v = new(changeFold)
	case ActApproveChange, ActRejectChange:
		v = new(OpinionPayload)
	case ActApplyAcceptance:
		v = new(ApplyAcceptancePayload)
	case ActAccept:
		v = new(AcceptPayload)
	case ActDeliver:
		v = new(DeliverPayload)
	case ActArchive:
		v = new(ArchivePayload)
	case ActEvaluate:
		v = new(EvaluatePayload)
	case ActAudit:
		v = new(AuditPayload)
	case ActOMEvaluation:
		v = new(OMEvaluationRecord)
	case ActTerminateContract:
		v = new(TerminateContractPayload)
	case ActComplete:
		v = new(CompletePayload)
	}
	return v
}

// precheck reports, before anything is folded, a record that refers to
// what the project does not hold.
func (p *Project) precheck(rec any) string {
	switch r := rec.(type) {
	case *ContractRef:
		if p.contract(r.ContractID) < 0 {
			return "unknown contract " + r.ContractID
		}
	case *TerminateContractPayload:
		if p.contract(r.ContractID) < 0 {
			return "unknown contract " + r.ContractID
		}
	case *OpinionPayload:
		if p.pendingChange() < 0 {
			return "no pending change"
		}
	case *AcceptPayload:
		if len(p.Acceptances) == 0 {
			return "no acceptance applied for"
		}
	case *ApproveInitiationPayload:
		if p.Initiation == nil {
			return "no initiation applied for"
		}
	case *DeliberatePayload:
		if isTrue(r.Approved) && p.Expert == nil {
			return "no expert review to approve"
		}
	}
	return ""
}

// fold changes the project by one event's record. Unless owned, a list
// whose element changes is copied first (see Apply).
func (p *Project) fold(e Event, rec any, owned bool) {
	switch r := rec.(type) {
	case *review.Declaration:
		first := p.State == StateNone
		if first {
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
		// A new declaration goes through every gate again (第十一条第（二）项,
		// 第五条): the previous round's gates no longer stand.
		p.Preliminary, p.Expert, p.Deliberation, p.OMEvaluation, p.Budgeting, p.Initiation = nil, nil, nil, nil, nil, nil
		p.Completion = nil
	case *WithdrawPayload:
	case *PreliminaryRecord:
		p.Preliminary = r
		p.Findings = nil
		if !r.Result.Passed {
			p.Findings = r.Result.AllFindings()
		}
	case *ExpertRecord:
		p.Expert = r
		p.Findings = nil
		if !r.Result.Passed {
			p.Findings = r.Result.Findings
		}
	case *DeliberatePayload:
		p.Deliberation = r
		if isTrue(r.Approved) {
			p.approve(e, p.Expert.Result.Approved)
		}
	case *OMEvaluationRecord:
		p.OMEvaluation = r
		p.Findings = nil
		if r.Result.Funded {
			p.approve(e, r.Result.Recommended)
		} else {
			p.Findings = r.Result.Findings
		}
	case *BudgetPayload:
		p.Budgeting = r
	case *ApplyInitiationPayload:
		p.Initiation = &Initiation{Applied: *r, AppliedAt: e.At}
	case *ApproveInitiationPayload:
		if isTrue(r.Approved) {
			in := *p.Initiation
			in.Decision, in.DecidedAt = r, e.At
			p.Initiation = &in
		} else {
			// Refused: the unit may apply again.
			p.Initiation = nil
		}
	case *StartProcurementPayload:
	case *SignContractPayload:
		p.Contracts = append(p.Contracts, Contract{ContractInput: r.Contract, Declaration: p.Declarations})
	case *ContractRef:
		if !owned {
			p.Contracts = slices.Clone(p.Contracts)
		}
		p.Contracts[p.contract(r.ContractID)].FiledAt = e.At
	case *ReportIssuePayload:
		p.Supervision = append(p.Supervision, SupervisionRecord{Action: e.Action, ActorID: e.Actor.ID, Role: e.Role, Kind: r.Kind, Text: r.Description, At: e.At})
	case *ReasonPayload:
		p.Supervision = append(p.Supervision, SupervisionRecord{Action: e.Action, ActorID: e.Actor.ID, Role: e.Role, Text: r.Reason, At: e.At})
	case *changeFold:
		ch := Change{Seq: len(p.Changes) + 1, Kind: r.Kind, Approvers: r.Approvers, NewBudget: r.NewBudget,
			Decision: r.Decision, Status: ChangePending, RequestedAt: e.At}
		if r.Kind != change.Minor {
			ch.Status = ChangeRedeclare
		}
		p.Changes = append(p.Changes, ch)
	case *OpinionPayload:
		i := p.pendingChange()
		if !owned {
			p.Changes = slices.Clone(p.Changes)
			p.Changes[i].Approvals = slices.Clip(p.Changes[i].Approvals)
		}
		ch := &p.Changes[i]
		approved := e.Action == ActApproveChange
		ch.Approvals = append(ch.Approvals, ChangeApproval{Role: e.Role, ActorID: e.Actor.ID, Approved: approved, Opinion: r.Opinion, At: e.At})
		switch {
		case !approved:
			ch.Status = ChangeRejected
		case len(ch.Pending()) == 0:
			// Every approver approved: the change explanation stands
			// (第十一条第（一）项) and the investment moves.
			ch.Status = ChangeApproved
			p.Approved = ch.NewBudget
		}
	case *ApplyAcceptancePayload:
		p.Acceptances = append(p.Acceptances, Acceptance{ApplyAcceptancePayload: *r, AppliedAt: e.At})
	case *AcceptPayload:
		if !owned {
			p.Acceptances = slices.Clone(p.Acceptances)
		}
		a := &p.Acceptances[len(p.Acceptances)-1]
		a.Result = r
		a.DecidedAt = e.At
		p.Findings = nil
	case *DeliverPayload:
	case *CompletePayload:
		p.Completion = r
	case *ArchivePayload:
		p.Archive = r
		p.ArchivedAt = e.At
	case *EvaluatePayload:
		p.Evaluation = r
	case *AuditPayload:
		p.Audits = append(p.Audits, Audit{AuditPayload: *r, ActorID: e.Actor.ID, At: e.At})
	case *TerminateContractPayload:
		if !owned {
			p.Contracts = slices.Clone(p.Contracts)
		}
		k := &p.Contracts[p.contract(r.ContractID)]
		k.Termination = &Termination{TerminateContractPayload: *r, Notified: []Role{RoleBDB, RoleFinance}, At: e.At}
	}
}

// isTrue reports whether b is set and true.
func isTrue(b *bool) bool { return b != nil && *b }

// approve records an approval with the investment approved: the base of
// the next change is reset to it (第十一条; after a major change, the
// approval of the re-declaration, 第十一条第（二）项).
func (p *Project) approve(e Event, approved review.Budget) {
	p.Approved = approved
	p.ApprovedAt = e.At
	p.ChangeBase = approved
	p.priorFrom = len(p.Changes)
}

// changeFold is what folding a change request reads from its record:
// the header (procedure, approvers, budget after the change) and the whole
// decision kept as recorded, without decoding every figure of it.
type changeFold struct {
	Kind      change.Kind     `json:"kind"`
	Approvers []Role          `json:"approvers"`
	NewBudget review.Budget   `json:"new_budget"`
	Decision  json.RawMessage `json:"decision"`
}
