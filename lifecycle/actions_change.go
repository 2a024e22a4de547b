package lifecycle

import (
	"encoding/json"
	"errors"
	"slices"

	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/review"
)

// The actions of the change procedure of 第十一条: request_change,
// approve_change and reject_change.

// stateOfChange is the order of 第十一条 for the change actions.
var stateOfChange = ruleText{"第十一条", "项目方案经审核同意后，调整或变更须书面报批（本库在申请验收后不再受理变更，本办法对此未作规定）",
	"a change is put in writing for approval once the plan is approved (this library takes no change once acceptance is applied for; the measure is silent on it)"}

// RequestChangePayload is the payload of request_change (第十一条): the
// change request of package change, whose JSON it reads and writes.
type RequestChangePayload struct {
	change.Request
}

// Action returns ActRequestChange.
func (RequestChangePayload) Action() Action { return ActRequestChange }

// ChangeRecord is a change request as recorded (第十一条): the procedure
// change.Assess decided, the approvers, the budget after the change, and
// the whole decision (which holds the request as assessed) in JSON, which
// Change.Assessment reads.
type ChangeRecord struct {
	Kind      change.Kind     `json:"kind"`
	Approvers []Role          `json:"approvers"`
	NewBudget review.Budget   `json:"new_budget"`
	Decision  json.RawMessage `json:"decision"`
}

var specRequestChange = &actionSpec[RequestChangePayload, ChangeRecord]{
	specMeta: specMeta{action: ActRequestChange, zh: "申请变更", roles: []Role{RoleUnit}, order: stateOfChange},
	derive:   deriveChange,
	choose: func(_ *Project, r *ChangeRecord) Outcome {
		return pass(r.Kind != change.Minor, OutcomeMajor, OutcomeMinor)
	},
	apply: func(p *Project, e Event, r *ChangeRecord, _ bool) {
		ch := Change{Seq: len(p.Changes) + 1, Kind: r.Kind, Approvers: r.Approvers, NewBudget: r.NewBudget,
			Decision: r.Decision, Status: ChangePending, RequestedAt: e.At}
		if r.Kind != change.Minor {
			ch.Status = ChangeRedeclare
		}
		p.Changes = append(p.Changes, ch)
	},
}

// deriveChange assesses the request against the project's basis under the
// rulebook's policy (第十一条).
func deriveChange(c *call, in *RequestChangePayload) (*ChangeRecord, *Error) {
	basis, berr := c.p.ChangeBasis()
	if berr != nil {
		var le *Error
		if errors.As(berr, &le) {
			return nil, le
		}
		return nil, &Error{Kind: KindInvalid, Code: "history_invalid", ZH: "变更记录无法读取", EN: "a recorded change cannot be read", Err: berr}
	}
	d, aerr := change.Assess(c.rb.Change, basis, in.Request)
	if aerr != nil {
		return nil, guardChangeAssessed.refuseWith(aerr)
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, &Error{Kind: KindInvalid, Code: "payload_unencodable", ZH: "载荷无法编码：" + err.Error(), EN: "the payload cannot be encoded: " + err.Error(), Err: err}
	}
	rec := &ChangeRecord{Kind: d.Kind, NewBudget: d.NewBudget, Decision: raw}
	for _, a := range d.Approvers {
		rec.Approvers = append(rec.Approvers, Role(a))
	}
	return rec, nil
}

// OpinionPayload is an approver's opinion on a change (第十一条): the
// shape of ApproveChangePayload and RejectChangePayload.
type OpinionPayload struct {
	Opinion string `json:"opinion,omitempty"`
}

// ApproveChangePayload is the payload of approve_change (第十一条).
type ApproveChangePayload OpinionPayload

// RejectChangePayload is the payload of reject_change (第十一条); a
// rejection gives its opinion.
type RejectChangePayload OpinionPayload

// Action returns ActApproveChange.
func (ApproveChangePayload) Action() Action { return ActApproveChange }

// Action returns ActRejectChange.
func (RejectChangePayload) Action() Action { return ActRejectChange }

var specApproveChange = &actionSpec[ApproveChangePayload, ApproveChangePayload]{
	specMeta: specMeta{action: ActApproveChange, zh: "批准变更", roles: []Role{RoleBDB, RoleDRC}, order: stateOfChange},
	derive:   keep[ApproveChangePayload],
	refers:   func(p *Project, _ *ApproveChangePayload) string { return noPendingChange(p) },
	apply: func(p *Project, e Event, r *ApproveChangePayload, owned bool) {
		p.decideChange(e, true, r.Opinion, owned)
	},
}

var specRejectChange = &actionSpec[RejectChangePayload, RejectChangePayload]{
	specMeta: specMeta{action: ActRejectChange, zh: "驳回变更", roles: []Role{RoleBDB, RoleDRC}, order: stateOfChange},
	derive: func(_ *call, in *RejectChangePayload) (*RejectChangePayload, *Error) {
		if blank(in.Opinion) {
			return nil, required("opinion", "第十一条")
		}
		return in, nil
	},
	refers: func(p *Project, _ *RejectChangePayload) string { return noPendingChange(p) },
	apply: func(p *Project, e Event, r *RejectChangePayload, owned bool) {
		p.decideChange(e, false, r.Opinion, owned)
	},
}

func noPendingChange(p *Project) string {
	if p.pendingChange() < 0 {
		return "no pending change"
	}
	return ""
}

// decideChange records an approver's decision on the pending change: a
// rejection ends it; the last approval approves it (第十一条第（一）项) and
// moves the investment.
func (p *Project) decideChange(e Event, approved bool, opinion string, owned bool) {
	i := p.pendingChange()
	if !owned {
		p.Changes = slices.Clone(p.Changes)
		p.Changes[i].Approvals = slices.Clip(p.Changes[i].Approvals)
	}
	ch := &p.Changes[i]
	ch.Approvals = append(ch.Approvals, ChangeApproval{Role: e.Role, ActorID: e.Actor.ID, Approved: approved, Opinion: opinion, At: e.At})
	switch {
	case !approved:
		ch.Status = ChangeRejected
	case len(ch.Pending()) == 0:
		ch.Status = ChangeApproved
		p.Approved = ch.NewBudget
	}
}
