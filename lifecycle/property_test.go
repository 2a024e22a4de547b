package lifecycle_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// randomPayload draws a payload for action: mostly a valid one with a
// random outcome where the action has outcomes, sometimes a broken one.
func randomPayload(t *rapid.T, p *lifecycle.Project, action lifecycle.Action, now time.Time) json.RawMessage {
	var v any = validPayload(p, action, now)
	pass := rapid.IntRange(0, 4).Draw(t, "pass") > 0
	switch action {
	case lifecycle.ActPreliminaryReview:
		v = preliminary(pass)
	case lifecycle.ActExpertReview:
		v = expert(pass, p.Requested)
	case lifecycle.ActDeliberate:
		v = map[string]any{"approved": pass}
	case lifecycle.ActApproveInitiation:
		v = map[string]any{"approved": pass, "number": "渝北发改投〔2025〕3号"}
	case lifecycle.ActAccept:
		v = map[string]any{"passed": pass, "opinion": "意见"}
	case lifecycle.ActOMEvaluation:
		if !pass {
			v = omEvaluation(review.OMPoor, district("0"))
		}
	case lifecycle.ActRequestChange:
		v = changeOf(fmt.Sprint(rapid.IntRange(1, 120).Draw(t, "change")))
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	switch rapid.IntRange(0, 19).Draw(t, "break") {
	case 0:
		return json.RawMessage(`{"unknown_field":1}`)
	case 1:
		return json.RawMessage(`[1,2`)
	case 2:
		return nil
	}
	return data
}

// TestRandomHistoriesStayInTheTable drives projects with random parties
// taking random actions with valid-ish payloads. Every state reached is a
// state of the table, every accepted (from, action, to) is a row of it,
// a refused action leaves the project as it was, and replaying the
// accepted events rebuilds the live project.
func TestRandomHistoriesStayInTheTable(t *testing.T) {
	rb := lifecycle.Yubei2019()
	both := lifecycle.Actor{ID: "both", Unit: "区发展改革委", Roles: []lifecycle.Role{lifecycle.RoleBDB, lifecycle.RoleDRC}}
	parties := []lifecycle.Actor{unitA, unitB, bdb, drc, finance, gov, auditor, cac, both}
	reached := map[string]int{}
	rapid.Check(t, func(t *rapid.T) {
		kind := rapid.SampledFrom([]review.Kind{review.Construction, review.Operation}).Draw(t, "kind")
		fixed := rapid.Bool().Draw(t, "fixed_asset")
		now := at(2025, time.November, 3)
		p := &lifecycle.Project{ID: "R1"}
		ev, err := lifecycle.DecideJSON(rb, p, unitA, lifecycle.ActDeclare, js(t, declaration(kind, fixed, district("1000"))), now)
		require.NoError(t, err)
		require.NoError(t, p.Apply(ev))
		events := []lifecycle.Event{ev}
		rows := rb.Table(kind)
		states := lifecycle.States(kind)
		steps := rapid.IntRange(1, 80).Draw(t, "steps")
		for range steps {
			now = now.Add(time.Duration(rapid.IntRange(0, 72).Draw(t, "hours")) * time.Hour)
			actor := rapid.SampledFrom(parties).Draw(t, "actor")
			action := rapid.SampledFrom(lifecycle.Actions()).Draw(t, "action")
			// Mostly a step some party may take, so histories go deep;
			// withdrawal, which ends them, rarely.
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
			if len(open) > 0 && rapid.IntRange(0, 4).Draw(t, "pick") > 0 {
				s := rapid.SampledFrom(open).Draw(t, "step")
				actor, action = s.actor, s.action
			}
			before, err := lifecycle.Replay(events)
			require.NoError(t, err)
			ev, err := lifecycle.DecideJSON(rb, p, actor, action, randomPayload(t, p, action, now), now)
			if err != nil {
				var le *lifecycle.Error
				require.ErrorAs(t, err, &le)
				require.NotEmpty(t, le.Code)
				require.Equal(t, before, p, "a refused %s changed the project", action)
				continue
			}
			from, years := p.State, slices.Clone(p.Years)
			require.NoError(t, p.Apply(ev))
			events = append(events, ev)
			require.Contains(t, states, p.State)
			reached[string(kind)+"/"+string(p.State)]++
			moves := [][2]lifecycle.State{{from, p.State}}
			if kind == review.Operation {
				// The action moved one budget year (第五条).
				moves = yearMoves(years, p.Years)
			}
			ok := slices.ContainsFunc(moves, func(m [2]lifecycle.State) bool {
				return slices.ContainsFunc(rows, func(r lifecycle.Transition) bool {
					return r.Action == action && slices.Contains(r.From, m[0]) && r.Dest(m[0]) == m[1]
				})
			})
			require.True(t, ok, "%s on %v is not a row of the %s table", action, moves, kind)
		}
		replayed, err := lifecycle.Replay(events)
		require.NoError(t, err)
		require.Equal(t, p, replayed)
	})
	t.Logf("states reached (kind/state: events): %v", reached)
}

// yearMoves returns the moves an action may have made on the O&M budget
// years: a new year from StateNone, or the year whose state changed, or,
// for an action that left every state as it was, each year staying.
func yearMoves(before, after []lifecycle.BudgetYear) [][2]lifecycle.State {
	if len(after) > len(before) {
		return [][2]lifecycle.State{{lifecycle.StateNone, after[len(after)-1].State}}
	}
	for i := range after {
		if after[i].State != before[i].State {
			return [][2]lifecycle.State{{before[i].State, after[i].State}}
		}
	}
	var out [][2]lifecycle.State
	for _, y := range after {
		out = append(out, [2]lifecycle.State{y.State, y.State})
	}
	return out
}
