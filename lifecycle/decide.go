package lifecycle

import (
	"fmt"
	json "github.com/go-json-experiment/json/v1"
	"slices"
	"strings"
	"time"

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

// Decide decides whether actor may take the action of payload on project
// p now, under rulebook rb, and returns the event to append if so. It is
// pure: it reads its arguments, changes nothing, and answers the same for
// the same arguments. For a first declaration p is a project with its ID
// and no state (&Project{ID: id}) and the payload a DeclarePayload.
//
// Checks, in order, each with its own kind of error:
//  1. the action exists (KindInvalid);
//  2. the actor may see the project: a unit only its own (KindNotFound,
//     as if the project did not exist);
//  3. the action belongs to the project's kind (KindRefused, 第二条);
//  4. one of the actor's roles may take it (KindForbidden, 第三条 or the
//     action's article);
//  5. the project's state allows it (KindRefused, the action's article);
//  6. the payload holds what the action requires (KindInvalid, naming the
//     field);
//  7. the guards of the row hold (KindRefused or KindInvalid, the guard's
//     article, with review findings where the review package decided).
//
// The event's Payload is the action's record in JSON: the payload, with
// what the decision derived from it where the action has an outcome (e.g.
// the change's assessment), so that Apply never decides again.
func Decide(rb *Rulebook, p *Project, actor Actor, payload Payload, now time.Time) (Event, error) {
	ev, err := decideTyped(rb, p, actor, payload, now)
	if err != nil {
		return Event{}, err
	}
	return ev, nil
}

// DecideJSON is Decide for a payload in JSON, read strictly into the
// action's payload type (ReadJSON): an unknown, duplicate or
// case-variant member is refused, naming its JSON path. An empty payload
// or null reads as {}.
func DecideJSON(rb *Rulebook, p *Project, actor Actor, action Action, payload []byte, now time.Time) (Event, error) {
	ev, err := decideJSON(rb, p, actor, action, payload, now)
	if err != nil {
		return Event{}, err
	}
	return ev, nil
}

func decideJSON(rb *Rulebook, p *Project, actor Actor, action Action, raw []byte, now time.Time) (Event, *Error) {
	return decide(rb, p, actor, action, input{raw: raw, json: true}, now)
}

func decideTyped(rb *Rulebook, p *Project, actor Actor, in Payload, now time.Time) (Event, *Error) {
	if in == nil {
		return Event{}, invalid("payload", "payload_missing", "缺少载荷", "the payload is missing")
	}
	return decide(rb, p, actor, in.Action(), input{typed: in}, now)
}

// input is an action's payload as given: typed, or JSON read when the
// checks before it have passed.
type input struct {
	typed Payload
	raw   []byte
	json  bool
}

// payload returns the typed payload, reading the JSON strictly.
func (in input) payload(s spec) (Payload, *Error) {
	if in.json {
		return s.read(in.raw)
	}
	return in.typed, nil
}

// declaration returns the declaration of a declare payload, reading JSON
// strictly; false if it does not read.
func (in input) declaration() (*review.Declaration, bool) {
	if !in.json {
		d, ok := declarationOf(in.typed)
		return &d, ok
	}
	d, err := readDeclarationJSON(in.raw)
	return d, err == nil
}

func decide(rb *Rulebook, p *Project, actor Actor, action Action, in input, now time.Time) (Event, *Error) {
	if rb != nil && p != nil {
		if err := checkFilledOn(rb, action, in, now); err != nil {
			return Event{}, err
		}
		if ev, err, ok := decideYear(rb, p, actor, action, in, now); ok {
			return ev, err
		}
	}
	return decideOne(rb, p, actor, action, in, now)
}

// decideOne decides an action on one project, or on one budget year of an
// O&M project (see decideYear).
func decideOne(rb *Rulebook, p *Project, actor Actor, action Action, in input, now time.Time) (Event, *Error) {
	if rb == nil || p == nil {
		return Event{}, &Error{Kind: KindInvalid, Code: "decide_arguments", ZH: "缺少规则或项目", EN: "the rulebook or the project is missing"}
	}
	s := specFor(action)
	if s == nil {
		return Event{}, unknownAction(action)
	}
	c := &call{rb: rb, p: p, actor: actor, action: action, now: now}
	m, unit, in, err := c.machine(s, in)
	if err != nil {
		return Event{}, err
	}
	first, err := c.allowed(m, unit)
	if err != nil {
		return Event{}, err
	}
	rec, err := c.checked(s, in, m.rows[first].Guards)
	if err != nil {
		return Event{}, err
	}
	row, err := c.fire(m, s.outcome(p, rec), m.rows[first].Article)
	if err != nil {
		return Event{}, err
	}
	return c.event(row, rec)
}

// machine returns the table of the project's kind and the project's unit;
// a first declaration, read first, says what they are.
func (c *call) machine(s spec, in input) (*machine, string, input, *Error) {
	p := c.p
	kind, unit := p.Kind, p.Unit
	if p.State == StateNone {
		if c.action != ActDeclare {
			return nil, "", in, NotFoundError(p.ID)
		}
		typed, err := in.payload(s)
		if err != nil {
			return nil, "", in, err
		}
		in = input{typed: typed}
		d, ok := declarationOf(typed)
		if !ok {
			return nil, "", in, payloadMismatch(c.action, typed)
		}
		kind, unit = d.Kind, d.Unit
		if !kind.Valid() {
			return nil, "", in, invalid("kind", "kind_invalid", "项目类别须为 construction（建设类）或 operation（运维类）",
				"kind must be construction or operation")
		}
	} else if !c.actor.CanSee(p) {
		return nil, "", in, NotFoundError(p.ID)
	}
	m := machineFor(kind)
	if m == nil {
		return nil, "", in, invalid("kind", "kind_invalid", "项目类别无效："+string(kind), "invalid kind of project: "+string(kind))
	}
	return m, unit, in, nil
}

// declarationOf returns the declaration of a declare payload.
func declarationOf(in Payload) (review.Declaration, bool) {
	switch d := in.(type) {
	case DeclarePayload:
		return d.Declaration, true
	case *DeclarePayload:
		if d != nil {
			return d.Declaration, true
		}
	}
	return review.Declaration{}, false
}

// allowed checks that the action belongs to the kind, that the actor's
// roles may take it and that the state allows it; it returns the index of
// the first row of the action from the project's state.
func (c *call) allowed(m *machine, unit string) (int, *Error) {
	rows := m.byAction[c.action]
	if len(rows) == 0 {
		return -1, &Error{Kind: KindRefused, Code: "action_not_for_kind", Article: "第二条",
			ZH: fmt.Sprintf("%s项目没有“%s”这一步骤", m.kind.ZH(), c.action.ZH()),
			EN: fmt.Sprintf("a %s project has no action %s", m.kind.EN(), c.action)}
	}
	article := m.rows[rows[0]].Article
	c.roles = eligibleRoles(c.rb, c.actor, c.action, unit)
	if len(c.roles) == 0 {
		return -1, forbidden(c.rb, c.actor, c.action, article)
	}
	first := m.firstFrom(c.action, c.p.State)
	if first < 0 {
		return -1, notInState(m, c.action, c.p.State, article)
	}
	return first, nil
}

// checked runs the guards the state decides, derives the record from the
// payload, and runs the guards that read it.
func (c *call) checked(s spec, src input, guards []*Guard) (any, *Error) {
	for _, g := range guards {
		if err := c.check(g, nil); err != nil {
			return nil, err
		}
	}
	in, err := src.payload(s)
	if err != nil {
		return nil, err
	}
	rec, err := s.record(c, in)
	if err != nil {
		return nil, err
	}
	for _, g := range guards {
		if !g.Payload {
			continue
		}
		if err := c.check(g, rec); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// fire takes the row of the outcome through looplab/fsm.
func (c *call) fire(m *machine, outcome Outcome, article string) (*Transition, *Error) {
	i := m.rowIndex(c.action, outcome, c.p.State)
	if i < 0 {
		return nil, notInState(m, c.action, c.p.State, article)
	}
	row := &m.rows[i]
	if to, err := m.run.fire(*row, c.p.State); err != nil || to != row.Dest(c.p.State) {
		return nil, &Error{Kind: KindRefused, Code: "transition_failed", Article: row.Article,
			ZH: fmt.Sprintf("状态机拒绝了该步骤（%v）", err), EN: fmt.Sprintf("the state machine refused the step (%v)", err), Err: err}
	}
	return row, nil
}

// event is the event of the decided action.
func (c *call) event(row *Transition, rec any) (Event, *Error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return Event{}, &Error{Kind: KindInvalid, Code: "payload_unencodable", ZH: "载荷无法编码：" + err.Error(), EN: "the payload cannot be encoded: " + err.Error(), Err: err}
	}
	return Event{
		ProjectID: c.p.ID,
		Version:   c.p.Version + 1,
		Action:    c.action,
		Actor:     Actor{ID: c.actor.ID, Unit: c.actor.Unit, Roles: slices.Clone(c.actor.Roles)},
		Role:      c.role(),
		At:        StoreTime(c.now),
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
		if permits(rb, m, p, actor, action) {
			out = append(out, action)
		}
	}
	return out
}

// permits reports whether the actor's roles, the state and the guards the
// state decides allow the action.
func permits(rb *Rulebook, m *machine, p *Project, actor Actor, action Action) bool {
	roles := eligibleRoles(rb, actor, action, p.Unit)
	if len(roles) == 0 {
		return false
	}
	first := m.firstFrom(action, p.State)
	if first < 0 {
		return false
	}
	c := &call{rb: rb, p: p, actor: actor, action: action, roles: roles}
	for _, g := range m.rows[first].Guards {
		if c.check(g, nil) != nil {
			return false
		}
	}
	return true
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

func unknownAction(a Action) *Error {
	return &Error{Kind: KindInvalid, Code: "unknown_action",
		ZH: fmt.Sprintf("未知的操作“%s”", a), EN: fmt.Sprintf("unknown action %q", string(a)),
		Findings: []review.Finding{{Code: "unknown_action", Field: "action", ZH: "未知的操作", EN: "unknown action"}}}
}

func forbidden(rb *Rulebook, actor Actor, action Action, article string) *Error {
	allowed := rb.Roles[action]
	zh := fmt.Sprintf("“%s”只能由%s执行", action.ZH(), rolesZH(allowed))
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
		ZH: fmt.Sprintf("项目处于“%s”状态，不能执行“%s”；该操作只能在以下状态执行：%s", s.ZH(), action.ZH(), strings.Join(from, "、")),
		EN: fmt.Sprintf("the project is %s; %s may be taken only from: %s", s, action, strings.Join(from, ", "))}
	if art, zh, en, ok := blockingRule(m.kind, action, s); ok {
		e.Article = art
		e.ZH = zh + "。" + e.ZH
		e.EN = en + "; " + e.EN
	} else if r := orderRule(m.kind, action); r.article != "" {
		e.Article = r.article
		e.ZH = r.zh + "。" + e.ZH
		e.EN = r.en + "; " + e.EN
	}
	return e
}
