package sqlstore

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
	"github.com/govit-cn/govit/review/corpus"
)

// TestOverlapIndexFindsWhatTheWalkFinds is the corpus test of the 第四条
// index: the same projects are declared on the memory store, whose engine
// walks every project, and on each SQL store, whose engine asks the index;
// some are withdrawn; then declarations — repeats, edits, halves of two
// projects spliced (similarities around the threshold), phases of an
// existing project and new texts — are checked by a bureau and by a unit.
// The findings must be the same, in the same order.
func TestOverlapIndexFindsWhatTheWalkFinds(t *testing.T) {
	const n = 120
	g := corpus.New(42)
	g.DuplicateShare = 0.1
	var ps []corpus.Project
	for range n {
		ps = append(ps, g.Next())
	}
	unitOf := func(p corpus.Project) lifecycle.Actor {
		return lifecycle.Actor{ID: "u-" + p.Unit, Unit: p.Unit, Roles: []lifecycle.Role{lifecycle.RoleUnit}}
	}
	seed := func(t *testing.T, s lifecycle.Store) *lifecycle.Engine {
		e := engineOver(t, s, 0)
		for i, p := range ps {
			d := engDeclaration(p.Unit, p.Name, p.Content)
			got, _, err := e.Declare(t.Context(), unitOf(p), d)
			require.NoError(t, err)
			if i%7 == 3 {
				_, _, err := e.DoJSON(t.Context(), got.ID, lifecycle.AnyVersion, unitOf(p), lifecycle.ActWithdraw, engJS(t, map[string]any{"reason": "撤回"}))
				require.NoError(t, err)
			}
		}
		return e
	}
	var probes []review.Declaration
	for i := 0; i < n; i += 4 {
		a, b := ps[i], ps[(i*7+1)%n]
		probes = append(probes,
			engDeclaration(a.Unit, a.Name, a.Content),
			engDeclaration(b.Unit, a.Name, b.Content),
			engDeclaration(a.Unit, a.Name, a.Content[:len(a.Content)/2]+b.Content[len(b.Content)/2:]),
			engDeclaration(a.Unit, b.Name, a.Content[:len(a.Content)*2/3]),
		)
	}
	phase := engDeclaration(ps[0].Unit, ps[0].Name, ps[0].Content)
	phase.ParentID = "P000001"
	probes = append(probes, phase, engDeclaration("区教委", "全新项目", "与任何已有项目都不相同的内容"), engDeclaration("区教委", "", ""))
	self := engDeclaration(ps[5].Unit, ps[5].Name, ps[5].Content)
	self.ID = "P000006"
	probes = append(probes, self)

	walk := seed(t, lifecycle.NewMemoryStore())
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			indexed := seed(t, open(t, d.dsn(t)))
			found := 0
			for i, probe := range probes {
				for _, actor := range []lifecycle.Actor{engBDB, lifecycle.Actor{ID: "x", Unit: probe.Unit, Roles: []lifecycle.Role{lifecycle.RoleUnit}}} {
					want, err := walk.Overlaps(t.Context(), actor, probe)
					require.NoError(t, err)
					got, err := indexed.Overlaps(t.Context(), actor, probe)
					require.NoError(t, err)
					require.Equal(t, want, got, fmt.Sprintf("probe %d by %s", i, actor.ID))
					found += len(want)
				}
			}
			require.Greater(t, found, len(probes), "the probes find overlaps")
		})
	}
}
