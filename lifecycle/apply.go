package lifecycle

import (
	"fmt"

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
		p.Supervision = make([]SupervisionRecord, 0, windowCap(supervision))
	}
	if audits > 0 {
		p.Audits = make([]Audit, 0, windowCap(audits))
	}
	if changes > 0 {
		p.Changes = make([]Change, 0, changes)
	}
	if acceptances > 0 {
		p.Acceptances = make([]Acceptance, 0, windowCap(acceptances))
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
	if isDocumentAction(e.Action) {
		return p.applyDocument(e, owned)
	}
	s, rec, err := decodeRecord(e)
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
		return p.applyYear(e, s, rec, m, owned)
	}
	row, ok := m.row(e.Action, s.outcome(p, rec), p.State)
	if !ok {
		return badHistory(e, fmt.Sprintf("状态“%s”下不能执行“%s”", p.State.ZH(), e.Action.ZH()), fmt.Sprintf("%s cannot be taken from %s", e.Action, p.State))
	}
	if msg := s.precheck(p, rec); msg != "" {
		return badHistory(e, msg, msg)
	}
	from := p.State
	s.fold(p, e, rec, owned)
	p.State = row.Dest(from)
	p.Version = e.Version
	p.UpdatedAt = e.At
	return nil
}

func badHistory(e Event, zh, en string) *Error {
	return &Error{Kind: KindInvalid, Code: "history_invalid",
		ZH: fmt.Sprintf("项目 %s 第 %d 个事件（%s）无效：%s", e.ProjectID, e.Version, e.Action.ZH(), zh),
		EN: fmt.Sprintf("event %d (%s) of project %s is invalid: %s", e.Version, e.Action, e.ProjectID, en)}
}

// decodeRecord reads an event's record into the action's record type.
func decodeRecord(e Event) (spec, any, error) {
	s := specFor(e.Action)
	if s == nil {
		return nil, nil, fmt.Errorf("unknown action %q", e.Action)
	}
	v := s.empty()
	if len(e.Payload) == 0 {
		return s, v, nil
	}
	if err := readRecord(e.Payload, v); err != nil {
		return nil, nil, err
	}
	return s, v, nil
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
