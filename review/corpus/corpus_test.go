package corpus

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/review"
)

func TestSameSeedSameProjects(t *testing.T) {
	a, b := New(7), New(7)
	for range 200 {
		require.Equal(t, a.Next(), b.Next())
	}
}

// TestNearDuplicatesAreFlagged checks that the near-duplicates the
// generator makes are what 第四条 flags, and that unrelated projects are
// mostly not.
func TestNearDuplicatesAreFlagged(t *testing.T) {
	g := New(1)
	g.DuplicateShare = 0.2
	var ps []Project
	for range 300 {
		ps = append(ps, g.Next())
	}
	dups, flagged := 0, 0
	for _, p := range ps {
		if p.DuplicateOf < 0 {
			continue
		}
		dups++
		src := ps[p.DuplicateOf]
		fs := review.Overlaps(review.Declaration{Name: p.Name, Content: p.Content, Unit: p.Unit},
			[]review.Declaration{{Name: src.Name, Content: src.Content, Unit: src.Unit, ID: "x"}})
		if len(fs) == 1 {
			flagged++
		}
	}
	require.Positive(t, dups)
	require.Equal(t, dups, flagged)
	var originals []review.Declaration
	for _, p := range ps {
		if p.DuplicateOf < 0 {
			originals = append(originals, review.Declaration{Name: p.Name, Content: p.Content})
		}
	}
	unrelated := 0
	for i, d := range originals[:50] {
		unrelated += len(review.Overlaps(d, originals[i+1:]))
	}
	require.Less(t, unrelated, 5, "unrelated projects flagged")
}
