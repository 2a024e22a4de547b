package lifecycle_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// TestPermittedMatrix compares, for every state reached along the
// scenarios' paths, every party (each role, and a unit that does not own
// the project) and every action, what Permitted lists with what Decide
// does with a valid payload: exactly the permitted triples succeed, and a
// refusal has the kind its cause calls for.
func TestPermittedMatrix(t *testing.T) {
	rb := lifecycle.Yubei2019()
	parties := []lifecycle.Actor{unitA, unitB, bdb, drc, finance, gov, auditor, cac, {ID: "nobody"}}
	states := map[string]map[lifecycle.State]bool{}
	triples := 0
	for _, events := range histories(t) {
		for k := 1; k <= len(events); k++ {
			p, err := lifecycle.Replay(events[:k])
			require.NoError(t, err)
			if states[string(p.Kind)] == nil {
				states[string(p.Kind)] = map[lifecycle.State]bool{}
			}
			states[string(p.Kind)][p.State] = true
			now := events[k-1].At.Add(time.Hour)
			for _, actor := range parties {
				permitted := lifecycle.Permitted(rb, p, actor)
				for _, action := range lifecycle.Actions() {
					triples++
					_, err := lifecycle.DecideJSON(rb, p, actor, action, js(t, validPayload(p, action, now)), now)
					listed := slices.Contains(permitted, action)
					if listed {
						assert.NoError(t, err, "%s %s (%s): %s listed by Permitted but refused", p.Kind, p.State, actor.ID, action)
						continue
					}
					if !assert.Error(t, err, "%s %s (%s): %s succeeds but is not listed", p.Kind, p.State, actor.ID, action) {
						continue
					}
					var le *lifecycle.Error
					require.ErrorAs(t, err, &le)
					inTable := slices.ContainsFunc(rb.Table(p.Kind), func(r lifecycle.Transition) bool { return r.Action == action })
					switch {
					case !actor.CanSee(p):
						assert.Equal(t, lifecycle.KindNotFound, le.Kind, "%s by %s", action, actor.ID)
					case !inTable:
						assert.Equal(t, "action_not_for_kind", le.Code, "%s on %s", action, p.Kind)
					case !slices.ContainsFunc(rb.Roles[action], actor.Has):
						assert.Equal(t, lifecycle.KindForbidden, le.Kind, "%s by %s", action, actor.ID)
						assert.Contains(t, le.Article, lifecycle.ArticleRoles)
					default:
						assert.Contains(t, []lifecycle.Kind{lifecycle.KindRefused, lifecycle.KindForbidden}, le.Kind, "%s by %s in %s: %v", action, actor.ID, p.State, err)
						assert.NotEmpty(t, le.Article, "%s by %s in %s: %v", action, actor.ID, p.State, err)
					}
				}
			}
		}
	}
	// The scenarios reach every state of both tables.
	for _, kind := range []string{"construction", "operation"} {
		for _, s := range lifecycle.States(reviewKind(kind)) {
			assert.True(t, states[kind][s], "%s: state %s not reached", kind, s)
		}
	}
	t.Logf("%d (state, party, action) triples", triples)
}
