package lifecycle_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// historyOM is a history of n events of one O&M project run year after
// year (第五条): each year declared, evaluated and budgeted, then contracts
// signed and filed and audits recorded, the year completed and the next
// declared.
func historyOM(b testing.TB, n int) []lifecycle.Event {
	rb := lifecycle.Yubei2019()
	p := &lifecycle.Project{ID: "OM1"}
	var events []lifecycle.Event
	now := at(2025, time.December, 1)
	step := func(actor lifecycle.Actor, action lifecycle.Action, payload any) {
		ev, err := lifecycle.DecideJSON(rb, p, actor, action, js(b, payload), now)
		require.NoError(b, err, "%s at %d", action, len(events))
		require.NoError(b, p.Apply(ev))
		events = append(events, ev)
	}
	year := 2026
	newYear := func() {
		d := declaration(review.Operation, false, district("100000"))
		d.BudgetYear = year
		step(unitA, lifecycle.ActDeclare, d)
		step(bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMGood, district("100000")))
		step(finance, lifecycle.ActBudget, map[string]any{"year": year, "type": "annual"})
	}
	newYear()
	k := 0
	for len(events) < n {
		k++
		switch {
		case k%100 == 0:
			// The year-end: the next year is declared, the year completed.
			now = at(year, time.December, 1)
			year++
			newYear()
			step(unitA, lifecycle.ActComplete, map[string]any{"budget_year": year - 1})
		case k%3 == 0:
			step(unitA, lifecycle.ActSignContract, contract(fmt.Sprintf("YW-%d", k), "1", string(lifecycle.DateOf(now)), false))
		case k%3 == 1 && k > 1 && (k-1)%100 != 0:
			step(unitA, lifecycle.ActFileContract, map[string]any{"contract_id": fmt.Sprintf("YW-%d", k-1)})
		default:
			step(auditor, lifecycle.ActAudit, map[string]any{"summary": "运维资金检查"})
		}
	}
	return events[:n]
}

// BenchmarkReplayOM1000 replays a 1,000-event history of an O&M project
// over ten budget years; compare with BenchmarkReplay1000 (one
// construction project) and BenchmarkBaselineHistoryJSONOM in one run.
func BenchmarkReplayOM1000(b *testing.B) {
	events := historyOM(b, 1000)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		if _, err := lifecycle.Replay(events); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineHistoryJSONOM decodes the payloads of the same O&M
// history into generic JSON values: the floor of any replay.
func BenchmarkBaselineHistoryJSONOM(b *testing.B) {
	events := historyOM(b, 1000)
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
