package lifecycle

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/looplab/fsm"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/review"
)

// TestTableIsConsistent checks the table's own invariants: its states are
// the listed states, each guard is described, rows of one action from one
// state share their guards (so state guards can run before the outcome is
// known), and no two rows share an (action, outcome, from).
func TestTableIsConsistent(t *testing.T) {
	guards := map[string]bool{}
	for _, g := range Guards() {
		require.False(t, guards[g.Name], "guard %s listed twice", g.Name)
		guards[g.Name] = true
		assert.NotEmpty(t, g.Article, g.Name)
		assert.NotEmpty(t, g.ZH, g.Name)
		assert.NotEmpty(t, g.EN, g.Name)
	}
	for _, kind := range []review.Kind{review.Construction, review.Operation} {
		m := machineFor(kind)
		require.NotNil(t, m)
		states := append([]State{StateNone}, m.states...)
		type key struct {
			action  Action
			outcome Outcome
			from    State
		}
		seen := map[key]bool{}
		for _, row := range m.rows {
			assert.NotEmpty(t, row.Article, "%s", row.Action)
			assert.True(t, knownAction(row.Action), "%s", row.Action)
			for _, g := range row.Guards {
				assert.True(t, guards[g.Name], "guard %s of %s is not described", g.Name, row.Action)
			}
			if row.Stay {
				assert.Equal(t, StateNone, row.To)
			} else {
				assert.Contains(t, m.states, row.To, "%s %s", kind, row.Action)
			}
			for _, from := range row.From {
				assert.Contains(t, states, from, "%s %s", kind, row.Action)
				k := key{row.Action, row.Outcome, from}
				assert.False(t, seen[k], "%s: two rows for %v", kind, k)
				seen[k] = true
				for _, other := range m.fromState(row.Action, from) {
					assert.Equal(t, row.Guards, other.Guards, "%s %s from %s", kind, row.Action, from)
				}
			}
		}
		for _, s := range m.states {
			assert.NotEqual(t, s.ZH(), string(s), "state %s has a Chinese name", s)
		}
	}
}

// TestRunnerFollowsTheTable fires every row of the table through
// looplab/fsm: the machine reaches the row's destination, and a row that
// stays in its state (which fsm reports as NoTransitionError) succeeds.
func TestRunnerFollowsTheTable(t *testing.T) {
	for _, kind := range []review.Kind{review.Construction, review.Operation} {
		m := machineFor(kind)
		for _, row := range m.rows {
			for _, from := range row.From {
				got, err := m.run.fire(row, from)
				require.NoError(t, err, "%s %s from %s", kind, row.event(), from)
				assert.Equal(t, row.Dest(from), got, "%s %s from %s", kind, row.event(), from)
			}
		}
	}
	// The underlying machine does report a self-transition as an error.
	f := fsm.NewFSM("implementing", fsm.Events{{Name: "audit", Src: []string{"implementing"}, Dst: "implementing"}}, nil)
	err := f.Event(context.Background(), "audit")
	var none fsm.NoTransitionError
	assert.True(t, errors.As(err, &none))
	// A row fired from a state it does not list is refused.
	row, ok := machineFor(review.Construction).row(ActAccept, OutcomePassed, StateAcceptanceApplied)
	require.True(t, ok)
	_, err = machineFor(review.Construction).run.fire(row, StateDeclared)
	assert.Error(t, err)
}

// TestRoleNamesMatchTheReviewAndChangePackages keeps the role names that
// review and change use for organisers and approvers those of the one
// declaration of the roles (review.Role).
func TestRoleNamesMatchTheReviewAndChangePackages(t *testing.T) {
	d, err := change.Assess(change.Yubei2019(), change.Basis{Approved: true, FixedAsset: true, Base: review.MustBudget("", "", "100", "")},
		change.Request{Reason: "调整", Items: []change.LineItem{{Item: "新增", Source: review.District, Old: decimal.Zero, New: decimal.NewFromInt(1)}}})
	require.NoError(t, err)
	assert.Equal(t, []string{string(RoleBDB), string(RoleDRC)}, d.Approvers)
	for _, o := range review.ExpertOrganisers() {
		assert.True(t, Role(o).Valid(), o)
	}
	// Every action is in a table and has roles in the default rulebook.
	roles := DefaultRoles()
	for _, a := range Actions() {
		inTable := len(machineFor(review.Construction).byAction[a])+len(machineFor(review.Operation).byAction[a]) > 0
		assert.True(t, inTable, "%s is in no table", a)
		assert.NotEmpty(t, roles[a], "%s has no roles", a)
	}
	assert.Len(t, roles, len(Actions()))
	assert.False(t, slices.Contains(Actions(), Action("")))
}
