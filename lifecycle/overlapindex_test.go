package lifecycle_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// TestOverlapProbeMissesNoOverlap checks the filter of the 第四条 index
// against the rule's own arithmetic (review.OverlapPolicy: flagged when
// 100 × shared ≥ MinPercent × either): for random bigram sets, near the
// threshold and far from it, every pair the rule flags holds a bigram of
// the probe's prefix (whatever order the prefix is taken in), has a size
// in the probe's range and is admitted by its count.
func TestOverlapProbeMissesNoOverlap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	flaggedPairs := 0
	for range 20000 {
		universe := 4 + rng.IntN(40)
		set := func() []int {
			var s []int
			for x := range universe {
				if rng.IntN(3) > 0 {
					s = append(s, x)
				}
			}
			return s
		}
		a, b := set(), set()
		if len(a) == 0 || len(b) == 0 {
			continue
		}
		minPct := []int{1, 30, 50, 51, 67, 99, 100}[rng.IntN(7)]
		shared := 0
		for _, x := range a {
			if slices.Contains(b, x) {
				shared++
			}
		}
		either := len(a) + len(b) - shared
		flagged := 100*shared >= minPct*either
		probe, prefixLen := lifecycle.NewOverlapProbe(len(a), minPct)
		rng.Shuffle(len(a), func(i, j int) { a[i], a[j] = a[j], a[i] })
		matched := 0
		for _, x := range a[:prefixLen] {
			if slices.Contains(b, x) {
				matched++
			}
		}
		lo, hi := probe.SizeRange()
		if flagged {
			flaggedPairs++
			require.Positive(t, matched, "a=%v b=%v min=%d", a, b, minPct)
			require.True(t, len(b) >= lo && len(b) <= hi, "size %d outside %d–%d", len(b), lo, hi)
			require.True(t, probe.Admit(len(b), matched), "a=%v b=%v min=%d matched=%d", a, b, minPct, matched)
		}
	}
	require.Greater(t, flaggedPairs, 1000)
}
