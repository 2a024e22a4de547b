package lifecycle_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// longHistory is a history of h events of one project in implementation,
// as a long-lived project runs: issues reported, audits, security
// opinions, the bureau's rectification orders and resumptions, and a
// contract signed and filed every 400 events.
func longHistory(t testing.TB, h int) ([]lifecycle.Event, *lifecycle.Project) {
	rb := lifecycle.Yubei2019()
	events, p := implementing(t)
	now := at(2025, time.March, 3)
	for n := 1; len(events) < h; n++ {
		var actor lifecycle.Actor
		var action lifecycle.Action
		var payload any
		switch {
		case n%400 == 0:
			actor, action, payload = unitA, lifecycle.ActSignContract, contract(fmt.Sprintf("HT-%d", n), "1", "2025-03-03", false)
		case n%400 == 1 && n > 1:
			actor, action, payload = unitA, lifecycle.ActFileContract, map[string]any{"contract_id": fmt.Sprintf("HT-%d", n-1)}
		case n%4 == 0:
			actor, action, payload = unitA, lifecycle.ActReportIssue, map[string]any{"kind": "other", "description": fmt.Sprintf("第 %d 次月度进度报告", n)}
		case n%4 == 1:
			actor, action, payload = auditor, lifecycle.ActAudit, map[string]any{"summary": fmt.Sprintf("第 %d 次资金使用检查", n), "findings": []string{"资金到位"}}
		case n%4 == 2:
			actor, action, payload = cac, lifecycle.ActSecurityOpinion, map[string]any{"kind": "supervision", "opinion": "按等保三级同步建设"}
		case n%8 == 3:
			actor, action, payload = bdb, lifecycle.ActOrderRectification, map[string]any{"reason": fmt.Sprintf("第 %d 次督办", n)}
		default:
			actor, action, payload = bdb, lifecycle.ActResume, map[string]any{"reason": "整改完成"}
		}
		ev, err := lifecycle.DecideJSON(rb, p, actor, action, js(t, payload), now)
		require.NoError(t, err, "%s at %d", action, len(events))
		require.NoError(t, p.Apply(ev))
		events = append(events, ev)
	}
	return events, p
}

// TestFoldSizeIsBoundedByTheHistory checks that the fold a store keeps
// (and the project a read returns) at 10,000 events is within a small
// factor of the fold at 100 events of the same kind of history: the lists
// no rule reads in full hold the latest ListWindow entries.
func TestFoldSizeIsBoundedByTheHistory(t *testing.T) {
	size := func(h int) (int, *lifecycle.Project) {
		events, p := longHistory(t, h)
		data, err := lifecycle.EncodeSnapshot(p)
		require.NoError(t, err)
		replayed, err := lifecycle.Replay(events)
		require.NoError(t, err)
		require.Equal(t, p, replayed, "the replay of %d events is the live fold", h)
		return len(data), p
	}
	small, _ := size(100)
	large, p := size(10000)
	t.Logf("fold: %d bytes at 100 events, %d at 10,000 (%.2f×)", small, large, float64(large)/float64(small))
	assert.LessOrEqual(t, large, 2*small, "the fold at 10,000 events is within 2× of the fold at 100")
	assert.Len(t, p.Audits, lifecycle.ListWindow)
	assert.Len(t, p.Supervision, lifecycle.ListWindow)
	assert.Len(t, p.SecurityOpinions, lifecycle.ListWindow)
	assert.Greater(t, p.AuditsTotal, 2000)
	assert.Greater(t, p.SupervisionTotal, 4000)
	assert.Greater(t, p.SecurityOpinionsTotal, 2000)
}

// fullLists are the lists a fold would hold if it kept every entry, built
// from the events by their records alone: the oracle of the windows.
type fullLists struct {
	supervision []lifecycle.SupervisionRecord
	audits      []lifecycle.Audit
	opinions    []lifecycle.SecurityOpinion
	acceptances []lifecycle.Acceptance
}

func fullListsOf(t require.TestingT, events []lifecycle.Event) fullLists {
	var f fullLists
	read := func(ev lifecycle.Event, v any) {
		require.NoError(t, json.Unmarshal(ev.Payload, v), "%s", ev.Action)
	}
	for _, ev := range events {
		switch ev.Action {
		case lifecycle.ActReportIssue:
			var r lifecycle.ReportIssuePayload
			read(ev, &r)
			f.supervision = append(f.supervision, lifecycle.SupervisionRecord{Action: ev.Action, ActorID: ev.Actor.ID, Role: ev.Role, Kind: r.Kind, Text: r.Description, At: ev.At})
		case lifecycle.ActOrderRectification, lifecycle.ActSuspend, lifecycle.ActResume:
			var r lifecycle.MeasurePayload
			read(ev, &r)
			f.supervision = append(f.supervision, lifecycle.SupervisionRecord{Action: ev.Action, ActorID: ev.Actor.ID, Role: ev.Role, Text: r.Reason, Finance: r.Finance, At: ev.At})
		case lifecycle.ActAudit:
			var r lifecycle.AuditPayload
			read(ev, &r)
			f.audits = append(f.audits, lifecycle.Audit{AuditPayload: r, ActorID: ev.Actor.ID, At: ev.At})
		case lifecycle.ActSecurityOpinion:
			var r lifecycle.SecurityOpinionPayload
			read(ev, &r)
			f.opinions = append(f.opinions, lifecycle.SecurityOpinion{SecurityOpinionPayload: r, ActorID: ev.Actor.ID, Role: ev.Role, At: ev.At})
		case lifecycle.ActApplyAcceptance:
			var r lifecycle.ApplyAcceptancePayload
			read(ev, &r)
			f.acceptances = append(f.acceptances, lifecycle.Acceptance{ApplyAcceptancePayload: r, AppliedAt: ev.At})
		case lifecycle.ActAccept:
			var r lifecycle.AcceptPayload
			read(ev, &r)
			a := &f.acceptances[len(f.acceptances)-1]
			a.Result, a.DecidedAt = &r, ev.At
		}
	}
	return f
}

// tail is the latest ListWindow entries of s (nil for none, as a fold
// with no entry holds).
func tail[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s[max(0, len(s)-lifecycle.ListWindow):]
}

// TestBoundedFoldDecidesAsTheFullFold draws random histories heavy with
// the windowed lists (reports, measures, audits, opinions, acceptances)
// and checks, along each, that every windowed list is the latest
// ListWindow of the list built from the events, with its total; that
// AcceptedAt is the decision of the first passed acceptance; and that the
// bounded fold permits, decides and lists duties exactly as the same fold
// holding the full lists.
func TestBoundedFoldDecidesAsTheFullFold(t *testing.T) {
	rb := lifecycle.Yubei2019()
	cal := calendar.China()
	parties := []lifecycle.Actor{unitA, unitB, bdb, drc, finance, gov, auditor, cac}
	listSteps := []struct {
		actor  lifecycle.Actor
		action lifecycle.Action
	}{
		{unitA, lifecycle.ActReportIssue}, {bdb, lifecycle.ActOrderRectification}, {bdb, lifecycle.ActSuspend},
		{bdb, lifecycle.ActResume}, {auditor, lifecycle.ActAudit}, {cac, lifecycle.ActSecurityOpinion},
		{unitA, lifecycle.ActApplyAcceptance}, {bdb, lifecycle.ActAccept},
	}
	rapid.Check(t, func(t *rapid.T) {
		kind := rapid.SampledFrom([]review.Kind{review.Construction, review.Operation}).Draw(t, "kind")
		fixed := rapid.Bool().Draw(t, "fixed_asset")
		now := at(2025, time.November, 3)
		p := &lifecycle.Project{ID: "W1"}
		ev, err := lifecycle.DecideJSON(rb, p, unitA, lifecycle.ActDeclare, js(t, declaration(kind, fixed, district("1000"))), now)
		require.NoError(t, err)
		require.NoError(t, p.Apply(ev))
		events := []lifecycle.Event{ev}
		steps := rapid.IntRange(1, 120).Draw(t, "steps")
		for i := range steps {
			now = now.Add(time.Duration(rapid.IntRange(0, 72).Draw(t, "hours")) * time.Hour)
			var actor lifecycle.Actor
			var action lifecycle.Action
			if rapid.IntRange(0, 2).Draw(t, "list") > 0 {
				s := rapid.SampledFrom(listSteps).Draw(t, "list_step")
				actor, action = s.actor, s.action
			} else {
				type step struct {
					actor  lifecycle.Actor
					action lifecycle.Action
				}
				var open []step
				for _, a := range parties {
					for _, act := range lifecycle.Permitted(rb, p, a) {
						if act != lifecycle.ActWithdraw {
							open = append(open, step{a, act})
						}
					}
				}
				if len(open) == 0 {
					break
				}
				s := rapid.SampledFrom(open).Draw(t, "step")
				actor, action = s.actor, s.action
			}
			if ev, err := lifecycle.DecideJSON(rb, p, actor, action, randomPayload(t, p, action, now), now); err == nil {
				require.NoError(t, p.Apply(ev))
				events = append(events, ev)
			}
			if i%15 == 14 || i == steps-1 {
				checkBoundedFold(t, rb, cal, parties, p, events, now)
			}
		}
	})
}

func checkBoundedFold(t *rapid.T, rb *lifecycle.Rulebook, cal *calendar.Calendar, parties []lifecycle.Actor, p *lifecycle.Project, events []lifecycle.Event, now time.Time) {
	replayed, err := lifecycle.Replay(events)
	require.NoError(t, err)
	require.Equal(t, p, replayed, "the replay is the live fold")
	f := fullListsOf(t, events)
	require.Equal(t, tail(f.supervision), p.Supervision)
	require.Equal(t, tail(f.audits), p.Audits)
	require.Equal(t, tail(f.opinions), p.SecurityOpinions)
	require.Equal(t, tail(f.acceptances), p.Acceptances)
	require.Equal(t, len(f.supervision), p.SupervisionTotal)
	require.Equal(t, len(f.audits), p.AuditsTotal)
	require.Equal(t, len(f.opinions), p.SecurityOpinionsTotal)
	require.Equal(t, len(f.acceptances), p.AcceptancesTotal)
	var accepted time.Time
	if i := slices.IndexFunc(f.acceptances, func(a lifecycle.Acceptance) bool {
		return a.Result != nil && a.Result.Passed != nil && *a.Result.Passed
	}); i >= 0 {
		accepted = f.acceptances[i].DecidedAt
	}
	require.Equal(t, accepted, p.AcceptedAt)

	// The same fold holding every entry.
	full := *p
	full.Supervision, full.Audits, full.SecurityOpinions, full.Acceptances = f.supervision, f.audits, f.opinions, f.acceptances
	for _, a := range parties {
		require.Equal(t, lifecycle.Permitted(rb, &full, a), lifecycle.Permitted(rb, p, a), "%s", a.ID)
	}
	for _, action := range lifecycle.Actions() {
		payload := js(t, validPayload(p, action, now))
		for _, a := range parties {
			want, werr := lifecycle.DecideJSON(rb, &full, a, action, payload, now)
			got, gerr := lifecycle.DecideJSON(rb, p, a, action, payload, now)
			require.Equal(t, werr == nil, gerr == nil, "%s by %s: %v / %v", action, a.ID, werr, gerr)
			if werr != nil {
				require.Equal(t, werr.Error(), gerr.Error(), "%s by %s", action, a.ID)
				continue
			}
			require.Equal(t, string(want.Payload), string(got.Payload), "%s by %s", action, a.ID)
			require.Equal(t, want.Article, got.Article, "%s by %s", action, a.ID)
		}
	}
	for _, asOf := range []time.Time{now, now.AddDate(0, 2, 0)} {
		want, werr := lifecycle.ObligationsOf(rb, cal, &full, asOf)
		got, gerr := lifecycle.ObligationsOf(rb, cal, p, asOf)
		require.Equal(t, werr, gerr)
		require.Equal(t, want, got)
	}
}

// TestFoldOfAnotherFormatIsNotRead checks that a kept fold of the format
// before the windows (1, whose lists held every entry) is not read — the
// history is replayed instead — and so is not reported by the audit of
// kept folds, while a fold of this format that differs from the history
// is.
func TestFoldOfAnotherFormatIsNotRead(t *testing.T) {
	events, p := longHistory(t, 200)
	data, err := lifecycle.EncodeSnapshot(p)
	require.NoError(t, err)
	detail, err := lifecycle.CompareFold(events, data)
	require.NoError(t, err)
	assert.Empty(t, detail)

	var fold map[string]any
	require.NoError(t, json.Unmarshal(data, &fold))
	format := fold["format"].(float64)
	fold["format"] = format - 1
	old, err := json.Marshal(fold)
	require.NoError(t, err)
	_, ok, err := lifecycle.DecodeSnapshot(old)
	require.NoError(t, err)
	assert.False(t, ok, "a fold of another format is not read")
	detail, err = lifecycle.CompareFold(events, old)
	require.NoError(t, err)
	assert.Empty(t, detail)

	fold["format"] = format
	fold["project"].(map[string]any)["audits_total"] = 3
	edited, err := json.Marshal(fold)
	require.NoError(t, err)
	detail, err = lifecycle.CompareFold(events, edited)
	require.NoError(t, err)
	assert.Contains(t, detail, "audits_total")
}
