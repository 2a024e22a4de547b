package lifecycle

import (
	"slices"

	"github.com/govit-cn/govit/review"
)

// The actions of construction, supervision and completion: report_issue,
// order_rectification, suspend, resume, audit, apply_acceptance, accept,
// deliver, archive, evaluate and complete.

// IssueKind classifies a report of 第十三条.
type IssueKind string

// The kinds of issue.
const (
	IssueSeriousDelay IssueKind = "serious_delay" // 工程严重逾期
	IssueMajorLoss    IssueKind = "major_loss"    // 投资重大损失
	IssueOther        IssueKind = "other"
)

// ReportIssuePayload is the payload of report_issue (第十三条).
type ReportIssuePayload struct {
	Kind        IssueKind `json:"kind" jsonschema:"required"`
	Description string    `json:"description" jsonschema:"required"`
}

// Action returns ActReportIssue.
func (ReportIssuePayload) Action() Action { return ActReportIssue }

var specReportIssue = &actionSpec[ReportIssuePayload, ReportIssuePayload]{
	specMeta: specMeta{action: ActReportIssue, zh: "报告问题", roles: []Role{RoleUnit}},
	derive: func(_ *call, in *ReportIssuePayload) (*ReportIssuePayload, *Error) {
		switch in.Kind {
		case IssueSeriousDelay, IssueMajorLoss, IssueOther:
		default:
			return nil, invalid("kind", "issue_kind_invalid", "kind 须为 serious_delay、major_loss 或 other", "kind must be serious_delay, major_loss or other")
		}
		if blank(in.Description) {
			return nil, required("description", "第十三条")
		}
		return in, nil
	},
	apply: func(p *Project, e Event, r *ReportIssuePayload, owned bool) {
		p.Supervision = keepLatest(p.Supervision, SupervisionRecord{Action: e.Action, ActorID: e.Actor.ID, Role: e.Role, Kind: r.Kind, Text: r.Description, At: e.At}, owned)
		p.SupervisionTotal++
	},
}

// ReasonPayload is the bureau's written reason for a measure of 第十三条:
// the shape of OrderRectificationPayload, SuspendPayload and
// ResumePayload.
type ReasonPayload struct {
	Reason string `json:"reason" jsonschema:"required"`
}

// MeasurePayload is the shape of a measure that 区大数据发展局 takes with
// 区财政局 (第十三条: 区大数据发展局会同区财政局可要求项目建设单位进行整改或
// 暂停项目建设): the written reason and the finance bureau's part, required
// when Rulebook.RequireFinanceInMeasures.
type MeasurePayload struct {
	Reason  string       `json:"reason" jsonschema:"required"`
	Finance *FinancePart `json:"finance,omitempty"`
}

// OrderRectificationPayload is the payload of order_rectification
// (第十三条).
type OrderRectificationPayload MeasurePayload

// SuspendPayload is the payload of suspend (第十三条).
type SuspendPayload MeasurePayload

// ResumePayload is the payload of resume (第十三条).
type ResumePayload ReasonPayload

// Action returns ActOrderRectification.
func (OrderRectificationPayload) Action() Action { return ActOrderRectification }

// Action returns ActSuspend.
func (SuspendPayload) Action() Action { return ActSuspend }

// Action returns ActResume.
func (ResumePayload) Action() Action { return ActResume }

// measureSpec is the spec of a measure of 第十三条 whose payload is a
// written reason.
func measureSpec[P interface {
	~struct {
		Reason string `json:"reason" jsonschema:"required"`
	}
	Payload
}](action Action, zh string) *actionSpec[P, P] {
	return &actionSpec[P, P]{
		specMeta: specMeta{action: action, zh: zh, roles: []Role{RoleBDB}},
		derive: func(_ *call, in *P) (*P, *Error) {
			if blank(ReasonPayload(*in).Reason) {
				return nil, required("reason", "第十三条")
			}
			return in, nil
		},
		apply: func(p *Project, e Event, r *P, owned bool) {
			p.Supervision = keepLatest(p.Supervision, SupervisionRecord{Action: e.Action, ActorID: e.Actor.ID, Role: e.Role, Text: ReasonPayload(*r).Reason, At: e.At}, owned)
			p.SupervisionTotal++
		},
	}
}

// jointMeasureSpec is the spec of a measure of 第十三条 that bdb takes with
// the finance bureau: a written reason and finance's part.
func jointMeasureSpec[P interface {
	~struct {
		Reason  string       `json:"reason" jsonschema:"required"`
		Finance *FinancePart `json:"finance,omitempty"`
	}
	Payload
}](action Action, zh string) *actionSpec[P, P] {
	return &actionSpec[P, P]{
		specMeta: specMeta{action: action, zh: zh, roles: []Role{RoleBDB}},
		derive: func(c *call, in *P) (*P, *Error) {
			m := MeasurePayload(*in)
			if blank(m.Reason) {
				return nil, required("reason", "第十三条")
			}
			if err := checkFinancePart(c.rb, m.Finance); err != nil {
				return nil, err
			}
			return in, nil
		},
		apply: func(p *Project, e Event, r *P, owned bool) {
			m := MeasurePayload(*r)
			p.Supervision = keepLatest(p.Supervision, SupervisionRecord{Action: e.Action, ActorID: e.Actor.ID, Role: e.Role, Text: m.Reason, Finance: m.Finance, At: e.At}, owned)
			p.SupervisionTotal++
		},
	}
}

var (
	specOrderRectification = jointMeasureSpec[OrderRectificationPayload](ActOrderRectification, "责令整改")
	specSuspend            = jointMeasureSpec[SuspendPayload](ActSuspend, "暂停建设")
	specResume             = measureSpec[ResumePayload](ActResume, "恢复建设")
)

// AuditPayload is the payload of audit (第十六条).
type AuditPayload struct {
	Summary  string   `json:"summary" jsonschema:"required"`
	Findings []string `json:"findings,omitempty"`
}

// Action returns ActAudit.
func (AuditPayload) Action() Action { return ActAudit }

var specAudit = &actionSpec[AuditPayload, AuditPayload]{
	specMeta: specMeta{action: ActAudit, zh: "审计监督", roles: []Role{RoleAudit}},
	derive: func(_ *call, in *AuditPayload) (*AuditPayload, *Error) {
		if blank(in.Summary) {
			return nil, required("summary", "第十六条")
		}
		return in, nil
	},
	apply: func(p *Project, e Event, r *AuditPayload, owned bool) {
		p.Audits = keepLatest(p.Audits, Audit{AuditPayload: *r, ActorID: e.Actor.ID, At: e.At}, owned)
		p.AuditsTotal++
	},
}

// ApplyAcceptancePayload is the payload of apply_acceptance (第十四条): the
// facts review.CheckAcceptance checks. FixedAsset and Phased are taken from
// the project, and Contracts default to every contract of the project when
// it is not phased.
type ApplyAcceptancePayload struct {
	Facts review.AcceptanceFacts `json:"facts"`
}

// Action returns ActApplyAcceptance.
func (ApplyAcceptancePayload) Action() Action { return ActApplyAcceptance }

var specApplyAcceptance = &actionSpec[ApplyAcceptancePayload, ApplyAcceptancePayload]{
	specMeta: specMeta{action: ActApplyAcceptance, zh: "申请验收", roles: []Role{RoleUnit},
		order: ruleText{"第十四条", "项目建设完成后方可申请验收", "acceptance is applied for once construction is complete"}},
	derive: func(c *call, in *ApplyAcceptancePayload) (*ApplyAcceptancePayload, *Error) {
		p := c.p
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
	},
	apply: func(p *Project, e Event, r *ApplyAcceptancePayload, owned bool) {
		p.Acceptances = keepLatest(p.Acceptances, Acceptance{ApplyAcceptancePayload: *r, AppliedAt: e.At}, owned)
		p.AcceptancesTotal++
	},
}

// AcceptPayload is the payload of accept (第十四条).
type AcceptPayload struct {
	// Passed is required.
	Passed  *bool  `json:"passed" jsonschema:"required"`
	Opinion string `json:"opinion" jsonschema:"required"`
	// Units are the units that took part (第十四条: 组织相关单位和专家验收),
	// and Experts the experts (optional).
	Units   []string          `json:"units,omitempty"`
	Experts []review.Panelist `json:"experts,omitempty"`
}

// Action returns ActAccept.
func (AcceptPayload) Action() Action { return ActAccept }

var specAccept = &actionSpec[AcceptPayload, AcceptPayload]{
	specMeta: specMeta{action: ActAccept, zh: "验收", roles: []Role{RoleBDB}},
	derive: func(_ *call, in *AcceptPayload) (*AcceptPayload, *Error) {
		if in.Passed == nil {
			return nil, required("passed", "第十四条")
		}
		if blank(in.Opinion) {
			return nil, required("opinion", "第十四条")
		}
		return in, nil
	},
	choose: func(_ *Project, r *AcceptPayload) Outcome {
		return pass(isTrue(r.Passed), OutcomePassed, OutcomeFailed)
	},
	refers: func(p *Project, _ *AcceptPayload) string {
		if len(p.Acceptances) == 0 {
			return "no acceptance applied for"
		}
		return ""
	},
	apply: func(p *Project, e Event, r *AcceptPayload, owned bool) {
		if !owned {
			p.Acceptances = slices.Clone(p.Acceptances)
		}
		a := &p.Acceptances[len(p.Acceptances)-1]
		a.Result = r
		a.DecidedAt = e.At
		if isTrue(r.Passed) && p.AcceptedAt.IsZero() {
			p.AcceptedAt = e.At
		}
		p.Findings = nil
	},
}

// DeliverPayload is the payload of deliver (第十四条).
type DeliverPayload struct {
	Note string `json:"note,omitempty"`
}

// Action returns ActDeliver.
func (DeliverPayload) Action() Action { return ActDeliver }

var specDeliver = &actionSpec[DeliverPayload, DeliverPayload]{
	specMeta: specMeta{action: ActDeliver, zh: "交付使用", roles: []Role{RoleUnit},
		order: ruleText{"第十四条", "项目通过验收后，方可正式交付使用", "only an accepted project is delivered for use"}},
	derive: keep[DeliverPayload],
	choose: func(p *Project, _ *DeliverPayload) Outcome {
		return afterAcceptance(p.Archive != nil, p.Evaluation != nil)
	},
}

// afterAcceptance is the outcome of the step that leaves a project
// delivered: archived too, or archived and evaluated too (第十四条, 第十五条,
// 第十七条).
func afterAcceptance(archived, evaluated bool) Outcome {
	switch {
	case archived && evaluated:
		return OutcomeEvaluated
	case archived:
		return OutcomeArchived
	}
	return OutcomeNone
}

// ArchivePayload is the payload of archive (第十五条): the keys of the
// documents filed (see review.Documents). When the engine keeps electronic
// documents (Config.Documents), it fills Documents and Files itself from
// the documents filed that passed their checks on arrival; what a caller
// sends in them is not taken.
type ArchivePayload struct {
	Documents []string `json:"documents"`
	// Files are the versions of the electronic documents the archive
	// counted, with their digests.
	Files []ArchivedFile `json:"files,omitempty"`
	// WithoutDataStructures states that the project designs no data
	// structures, so no 数据结构设计说明书 can exist.
	WithoutDataStructures bool `json:"without_data_structures,omitempty"`
}

// Action returns ActArchive.
func (ArchivePayload) Action() Action { return ActArchive }

var specArchive = &actionSpec[ArchivePayload, ArchivePayload]{
	specMeta: specMeta{action: ActArchive, zh: "归档", roles: []Role{RoleUnit},
		order: ruleText{"第十五条", "项目建设单位在完成验收后报送项目资料存档", "the documents are filed once the project is accepted"}},
	derive: keep[ArchivePayload],
	choose: func(p *Project, _ *ArchivePayload) Outcome {
		if p.State == StateDelivered && p.Evaluation != nil {
			return OutcomeEvaluated
		}
		return OutcomeNone
	},
	apply: func(p *Project, e Event, r *ArchivePayload, _ bool) {
		p.Archive = r
		p.ArchivedAt = e.At
	},
}

// EvaluatePayload is the payload of evaluate (第十七条).
type EvaluatePayload struct {
	Grade   review.OMGrade `json:"grade,omitempty"`
	Opinion string         `json:"opinion" jsonschema:"required"`
	// Experts made the evaluation, or Agency, the institution entrusted
	// with it (第十七条: 组织专家或委托相关机构), when recorded.
	Experts []review.Panelist `json:"experts,omitempty"`
	Agency  string            `json:"agency,omitempty"`
}

// Action returns ActEvaluate.
func (EvaluatePayload) Action() Action { return ActEvaluate }

var specEvaluate = &actionSpec[EvaluatePayload, EvaluatePayload]{
	specMeta: specMeta{action: ActEvaluate, zh: "综合评价", roles: []Role{RoleBDB},
		order: ruleText{"第十七条", "综合评价针对已建成的项目（通过验收后）", "the comprehensive evaluation is of a completed project (once accepted)"}},
	derive: func(_ *call, in *EvaluatePayload) (*EvaluatePayload, *Error) {
		if blank(in.Opinion) {
			return nil, required("opinion", "第十七条")
		}
		if in.Grade != "" && !in.Grade.Valid() {
			return nil, invalid("grade", "grade_invalid", "grade 须为 excellent、good、fair 或 poor", "grade must be excellent, good, fair or poor")
		}
		return in, nil
	},
	apply: func(p *Project, _ Event, r *EvaluatePayload, _ bool) { p.Evaluation = r },
}

// CompletePayload is the payload of complete (第五条).
type CompletePayload struct {
	// Final states that the system needs no further O&M, so no next
	// year's declaration is due (第五条).
	Final bool   `json:"final,omitempty"`
	Note  string `json:"note,omitempty"`
	// BudgetYear names the budget year completed; by default the latest
	// year in operation.
	BudgetYear int `json:"budget_year,omitempty"`
}

// Action returns ActComplete.
func (CompletePayload) Action() Action { return ActComplete }

var specComplete = &actionSpec[CompletePayload, CompletePayload]{
	specMeta: specMeta{action: ActComplete, zh: "运维完成", roles: []Role{RoleUnit}},
	derive:   keep[CompletePayload],
	apply:    func(p *Project, _ Event, r *CompletePayload, _ bool) { p.Completion = r },
}
