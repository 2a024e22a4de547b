package lifecycle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// implementing returns the events of a construction project taken by
// Decide and Apply to implementation with one contract, and the project.
func implementing(b testing.TB) ([]lifecycle.Event, *lifecycle.Project) {
	rb := lifecycle.Yubei2019()
	now := at(2025, time.March, 3)
	p := &lifecycle.Project{ID: "B1"}
	var events []lifecycle.Event
	step := func(actor lifecycle.Actor, action lifecycle.Action, payload any) {
		ev, err := lifecycle.DecideJSON(rb, p, actor, action, js(b, payload), now)
		require.NoError(b, err, "%s", action)
		require.NoError(b, p.Apply(ev))
		events = append(events, ev)
	}
	step(unitA, lifecycle.ActDeclare, declaration(review.Construction, false, district("100000")))
	step(bdb, lifecycle.ActPreliminaryReview, preliminary(true))
	step(bdb, lifecycle.ActExpertReview, expert(true, district("100000")))
	step(gov, lifecycle.ActDeliberate, map[string]any{"approved": true})
	step(finance, lifecycle.ActBudget, map[string]any{"year": 2025, "type": "annual"})
	step(unitA, lifecycle.ActStartProcurement, nil)
	step(unitA, lifecycle.ActSignContract, contract("HT-0", "1", "2025-03-03", false))
	return events, p
}

// history1000 is a 1,000-event history of one project: the path to
// implementation, then contracts signed and filed, issues reported,
// audits, and every fiftieth step a minor change approved.
func history1000(b testing.TB) []lifecycle.Event {
	rb := lifecycle.Yubei2019()
	events, p := implementing(b)
	now := at(2025, time.March, 3)
	n := 0
	for len(events) < 1000 {
		n++
		var actor lifecycle.Actor
		var action lifecycle.Action
		var payload any
		switch {
		case n%50 == 0:
			actor, action, payload = unitA, lifecycle.ActRequestChange, changeOf("0.01")
		case n%50 == 1 && n > 1:
			actor, action, payload = bdb, lifecycle.ActApproveChange, map[string]any{"opinion": "同意"}
		case n%4 == 0:
			actor, action, payload = unitA, lifecycle.ActSignContract, contract(fmt.Sprintf("HT-%d", n), "1", "2025-03-03", false)
		case n%4 == 1:
			actor, action, payload = unitA, lifecycle.ActFileContract, map[string]any{"contract_id": fmt.Sprintf("HT-%d", n-1)}
		case n%4 == 2:
			actor, action, payload = unitA, lifecycle.ActReportIssue, map[string]any{"kind": "other", "description": "月度进度报告"}
		default:
			actor, action, payload = auditor, lifecycle.ActAudit, map[string]any{"summary": "资金使用检查"}
		}
		ev, err := lifecycle.DecideJSON(rb, p, actor, action, js(b, payload), now)
		require.NoError(b, err, "%s at %d", action, len(events))
		require.NoError(b, p.Apply(ev))
		events = append(events, ev)
	}
	return events
}

// BenchmarkDecideApply decides and applies one action (a report of
// 第十三条) to a project in memory.
func BenchmarkDecideApply(b *testing.B) {
	rb := lifecycle.Yubei2019()
	events, p := implementing(b)
	payload := js(b, map[string]any{"kind": "serious_delay", "description": "工期滞后"})
	now := at(2025, time.March, 4)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		if n++; n%1000 == 0 {
			// Keep the project's size that of a real one.
			b.StopTimer()
			p, _ = lifecycle.Replay(events)
			b.StartTimer()
		}
		ev, err := lifecycle.DecideJSON(rb, p, unitA, lifecycle.ActReportIssue, payload, now)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Apply(ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecideApplyTyped is BenchmarkDecideApply with the typed payload
// (Decide) instead of its JSON (DecideJSON): the typed path must be no
// slower than the JSON path.
func BenchmarkDecideApplyTyped(b *testing.B) {
	rb := lifecycle.Yubei2019()
	events, p := implementing(b)
	payload := lifecycle.ReportIssuePayload{Kind: lifecycle.IssueSeriousDelay, Description: "工期滞后"}
	now := at(2025, time.March, 4)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		if n++; n%1000 == 0 {
			b.StopTimer()
			p, _ = lifecycle.Replay(events)
			b.StartTimer()
		}
		ev, err := lifecycle.Decide(rb, p, unitA, payload, now)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Apply(ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEngineDo takes one action through the engine on the memory
// store: load, fold, decide, summary with deadlines, append. With
// snapshots (the default) the fold is the engine's snapshot of the
// project; without, the history (about 20 events) is replayed. Projects
// are renewed so that each history stays under 30 events.
func BenchmarkEngineDo(b *testing.B) {
	for _, bc := range []struct {
		name      string
		snapshots int
	}{{"snapshots", 0}, {"replay", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			c := newClock(at(2025, time.March, 3))
			e := newEngine(b, c, func(cfg *lifecycle.Config) { cfg.Snapshots = bc.snapshots })
			ctx := context.Background()
			fresh := func() string {
				id := approvedProject(b, e)
				do(b, e, id, unitA, lifecycle.ActSignContract, contract("HT-1", "1", "2025-03-03", false))
				return id
			}
			id := fresh()
			payload := js(b, map[string]any{"kind": "other", "description": "月度进度报告"})
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				if n++; n%20 == 0 {
					b.StopTimer()
					id = fresh()
					b.StartTimer()
				}
				if _, _, err := e.DoJSON(ctx, id, lifecycle.AnyVersion, unitA, lifecycle.ActReportIssue, payload); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReplay1000 folds a 1,000-event history.
func BenchmarkReplay1000(b *testing.B) {
	events := history1000(b)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		if _, err := lifecycle.Replay(events); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselinePayloadJSON is the JSON work of one action on its own:
// reading the payload strictly, writing the record and reading it back.
// BenchmarkDecideApply is reported as a ratio to it.
func BenchmarkBaselinePayloadJSON(b *testing.B) {
	payload := js(b, map[string]any{"kind": "serious_delay", "description": "工期滞后"})
	type issue struct {
		Kind        string `json:"kind"`
		Description string `json:"description"`
	}
	b.ReportAllocs()
	for b.Loop() {
		var in issue
		dec := json.NewDecoder(bytes.NewReader(payload))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			b.Fatal(err)
		}
		data, err := json.Marshal(in)
		if err != nil {
			b.Fatal(err)
		}
		var out issue
		if err := json.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineHistoryJSON reads the payloads of the 1,000-event
// history as generic JSON: the floor of any fold of it.
// BenchmarkReplay1000 is reported as a ratio to it.
func BenchmarkBaselineHistoryJSON(b *testing.B) {
	events := history1000(b)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		for _, e := range events {
			var v any
			if err := json.Unmarshal(e.Payload, &v); err != nil {
				b.Fatal(err)
			}
		}
	}
}
