package lifecycle

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/govit-cn/govit/review"
)

// Payload is the typed payload of one action: every payload type names the
// action it carries (SignContractPayload names ActSignContract, …), so
// Engine.Do and Decide need no action argument. The JSON entry points
// (Engine.DoJSON, DecideJSON) read the same types from JSON.
type Payload interface {
	Action() Action
}

// spec is everything the engine knows of one action, whatever its payload
// and record types: the rows of the transition table are the only other
// place an action appears. Each action is one *actionSpec value (see the
// action files, e.g. actions_contract.go), listed in specs.
type spec interface {
	meta() *specMeta
	// payload is the Go type of the action's payload.
	payload() reflect.Type
	// read reads a JSON payload strictly into the payload type.
	read(raw []byte) (Payload, *Error)
	// record checks a payload, completes it from the project where the
	// action takes facts from it, and returns the record to store.
	record(c *call, in Payload) (any, *Error)
	// empty returns a new record to read a stored event into.
	empty() any
	// outcome selects the row of an action with several outcomes.
	outcome(p *Project, rec any) Outcome
	// precheck reports a stored record that refers to what the project
	// does not hold.
	precheck(p *Project, rec any) string
	// fold changes the project by the record (see Project.Apply).
	fold(p *Project, e Event, rec any, owned bool)
}

// specMeta is what describes an action, apart from its types.
type specMeta struct {
	action Action
	// zh is the action's Chinese name, used in messages.
	zh string
	// roles are the roles of 第三条 that may take the action by default
	// (DefaultRoles).
	roles []Role
	// order is the provision that orders the action after the steps before
	// it, quoted when the action is taken from a state that does not allow
	// it; orderOM, when set, is that of 运维类.
	order, orderOM ruleText
}

// ruleText is a provision with its text in Chinese and English.
type ruleText struct{ article, zh, en string }

// actionSpec is the spec of an action whose payload type is P and whose
// stored record type is R (often P itself).
type actionSpec[P Payload, R any] struct {
	specMeta
	// decode, if set, reads the JSON payload instead of the strict reader.
	decode func(raw []byte) (*P, *Error)
	// derive checks the payload (a private copy) and returns the record.
	derive func(c *call, in *P) (*R, *Error)
	// choose selects the outcome; nil means the action has one row.
	choose func(p *Project, r *R) Outcome
	// refers reports what a stored record refers to and the project lacks.
	refers func(p *Project, r *R) string
	// apply folds the record into the project; nil changes nothing but
	// the state.
	apply func(p *Project, e Event, r *R, owned bool)
}

func (s *actionSpec[P, R]) meta() *specMeta { return &s.specMeta }

func (s *actionSpec[P, R]) payload() reflect.Type { return reflect.TypeFor[P]() }

func (s *actionSpec[P, R]) read(raw []byte) (Payload, *Error) {
	if s.decode != nil {
		v, err := s.decode(raw)
		if err != nil {
			return nil, err
		}
		return *v, nil
	}
	v := new(P)
	if err := readPayload(raw, v); err != nil {
		return nil, err
	}
	return *v, nil
}

func (s *actionSpec[P, R]) record(c *call, in Payload) (any, *Error) {
	v := new(P)
	switch x := any(in).(type) {
	case P:
		*v = x
	case *P:
		if x == nil {
			return nil, payloadMismatch(s.action, in)
		}
		*v = *x
	default:
		return nil, payloadMismatch(s.action, in)
	}
	r, err := s.derive(c, v)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (s *actionSpec[P, R]) empty() any { return new(R) }

func (s *actionSpec[P, R]) outcome(p *Project, rec any) Outcome {
	r, ok := rec.(*R)
	if !ok || s.choose == nil {
		return OutcomeNone
	}
	return s.choose(p, r)
}

func (s *actionSpec[P, R]) precheck(p *Project, rec any) string {
	r, ok := rec.(*R)
	if !ok {
		return fmt.Sprintf("the record of %s is a %T", s.action, rec)
	}
	if s.refers == nil {
		return ""
	}
	return s.refers(p, r)
}

func (s *actionSpec[P, R]) fold(p *Project, e Event, rec any, owned bool) {
	if s.apply != nil {
		s.apply(p, e, rec.(*R), owned)
	}
}

// keep is the derive of an action that records its payload as given.
func keep[P any](_ *call, in *P) (*P, *Error) { return in, nil }

// payloadMismatch is the error of a typed payload given for another action.
func payloadMismatch(action Action, in Payload) *Error {
	return invalid("payload", "payload_type_mismatch",
		fmt.Sprintf("“%s”的载荷类型不正确（%T）", action.ZH(), in),
		fmt.Sprintf("the payload of %s has the wrong type (%T)", action, in))
}

// registry holds the specs by action, built once from specs and never
// modified.
var registry = sync.OnceValue(func() map[Action]spec {
	m := make(map[Action]spec, len(specs()))
	for _, s := range specs() {
		m[s.meta().action] = s
	}
	return m
})

// specFor returns the spec of an action, or nil for an unknown action.
func specFor(a Action) spec { return registry()[a] }

// ZH returns the Chinese name of the action (e.g. 签订合同 for
// sign_contract), or the action itself if it is unknown.
func (a Action) ZH() string {
	if s := specFor(a); s != nil {
		return s.meta().zh
	}
	return string(a)
}

// Actions lists every action, construction path first.
func Actions() []Action {
	list := specs()
	out := make([]Action, len(list))
	for i, s := range list {
		out[i] = s.meta().action
	}
	return out
}

// PayloadType returns the Go type of the action's payload, the type
// Engine.Do takes and ReadPayload returns (SignContractPayload for
// sign_contract, …), or nil for an unknown action. Adapters describe their
// API from it: the HTTP adapter's OpenAPI document is generated from these
// types.
func PayloadType(a Action) reflect.Type {
	if s := specFor(a); s != nil {
		return s.payload()
	}
	return nil
}

func knownAction(a Action) bool { return specFor(a) != nil }

// orderRule is the provision that orders action after the steps before it
// in a project of kind, if any.
func orderRule(kind review.Kind, action Action) ruleText {
	s := specFor(action)
	if s == nil {
		return ruleText{}
	}
	m := s.meta()
	if kind == review.Operation && m.orderOM.article != "" {
		return m.orderOM
	}
	return m.order
}

// ReadPayload reads the JSON payload of action strictly (see ReadJSON)
// into the action's payload type, for an adapter that reads its request
// before it calls Engine.Do. An empty payload or null reads as {}.
func ReadPayload(action Action, data []byte) (Payload, error) {
	s := specFor(action)
	if s == nil {
		return nil, unknownAction(action)
	}
	in, err := s.read(data)
	if err != nil {
		return nil, err
	}
	return in, nil
}
