package lifecycle_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// FuzzDecidePayload feeds arbitrary payloads to every action on projects
// in several states: Decide never panics, refuses with a *lifecycle.Error
// or returns an event the project's fold accepts.
func FuzzDecidePayload(f *testing.F) {
	rb := lifecycle.Yubei2019()
	now := at(2025, time.June, 1)
	events, _ := implementing(f)
	for _, seed := range []string{`{}`, `null`, ``, `{"contract":{"id":"A","amount":"1e400"}}`, `{"passed":true}`,
		`{"reason":"x","items":[{"item":"a","source":"district","old":"0","new":"-1"}]}`, `{"facts":{"contracts":["HT-0"]}}`,
		`{"submission":{"declaration":{}}}`, `{"documents":["x"]}`, `{"contract_id":"HT-0"}`, `[`, `"s"`} {
		for i := range lifecycle.Actions() {
			f.Add(uint8(i), uint8(len(events)-1), []byte(seed))
		}
	}
	actors := []lifecycle.Actor{unitA, bdb, drc, finance, gov, auditor}
	f.Fuzz(func(t *testing.T, a, s uint8, payload []byte) {
		actions := lifecycle.Actions()
		action := actions[int(a)%len(actions)]
		history := events[:int(s)%len(events)+1]
		p, err := lifecycle.Replay(history)
		if err != nil {
			t.Fatal(err)
		}
		for _, actor := range actors {
			ev, err := lifecycle.DecideJSON(rb, p, actor, action, json.RawMessage(payload), now)
			if err != nil {
				var le *lifecycle.Error
				if !errors.As(err, &le) || le.Code == "" || le.ZH == "" || le.EN == "" {
					t.Fatalf("%s by %s: unexplained error %v", action, actor.ID, err)
				}
				continue
			}
			q, _ := lifecycle.Replay(history)
			if err := q.Apply(ev); err != nil {
				t.Fatalf("%s by %s: decided event does not fold: %v", action, actor.ID, err)
			}
		}
	})
}

// FuzzDeclare feeds arbitrary JSON as a first declaration.
func FuzzDeclare(f *testing.F) {
	rb := lifecycle.Yubei2019()
	valid, _ := json.Marshal(declaration(review.Construction, false, district("100")))
	f.Add(valid)
	f.Add([]byte(`{"kind":"operation","budget":{"central":"x"}}`))
	f.Add([]byte(`{"kind":"construction","contact":{"fax":1}}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		p := &lifecycle.Project{ID: "F1"}
		ev, err := lifecycle.DecideJSON(rb, p, unitA, lifecycle.ActDeclare, payload, at(2025, time.March, 3))
		if err != nil {
			var le *lifecycle.Error
			if !errors.As(err, &le) || le.Code == "" {
				t.Fatalf("unexplained error %v", err)
			}
			return
		}
		if err := p.Apply(ev); err != nil {
			t.Fatalf("declared event does not fold: %v", err)
		}
	})
}

// FuzzApply folds arbitrary events into projects in every state of a
// history: the fold never panics, and an event it refuses leaves the
// project as it was.
func FuzzApply(f *testing.F) {
	events := history1000(f)[:60]
	for i := range lifecycle.Actions() {
		for _, seed := range []string{`{}`, `{"approved":true}`, `{"passed":true,"opinion":"x"}`, `{"contract_id":"HT-0"}`,
			`{"kind":"major","approvers":["bdb"],"decision":{}}`, `{"contract":{"id":"Z","signed_on":"x"}}`} {
			f.Add(uint8(i), uint8(30), []byte(seed))
		}
	}
	f.Fuzz(func(t *testing.T, a, s uint8, payload []byte) {
		actions := lifecycle.Actions()
		history := events[:int(s)%len(events)+1]
		p, err := lifecycle.Replay(history)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := lifecycle.Replay(history)
		ev := lifecycle.Event{ProjectID: p.ID, Version: p.Version + 1, Action: actions[int(a)%len(actions)],
			Actor: unitA, Role: lifecycle.RoleUnit, At: at(2025, time.June, 1), Payload: payload}
		if err := p.Apply(ev); err != nil {
			var le *lifecycle.Error
			if !errors.As(err, &le) {
				t.Fatalf("unexplained error %v", err)
			}
			if !reflect.DeepEqual(before, p) {
				t.Fatalf("a refused %s changed the project", ev.Action)
			}
		}
	})
}
