package change

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/govit-cn/govit/review"
)

// The property tests check Assess against a reference written directly from
// 第十一条 in exact rationals (math/big.Rat), which divides where Assess
// multiplies: a change is minor when measured / investment ≤ P / 100
// (inclusive reading) or < P / 100 (exclusive reading).

const fenPerWan = 1_000_000 // 万元 to fen: six decimal places

func fen(n int64) decimal.Decimal { return decimal.New(n, -6) }

func toFen(d decimal.Decimal) int64 { return d.Shift(6).IntPart() }

func rat(d decimal.Decimal) *big.Rat {
	r, ok := new(big.Rat).SetString(d.String())
	if !ok {
		panic("not a decimal: " + d.String())
	}
	return r
}

func ratMax(a, b *big.Rat) *big.Rat {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}

// drawFen draws an amount in fen: often tiny (to reach bases like one fen),
// sometimes up to a million 万元.
func drawFen(t *rapid.T, label string, max int64) int64 {
	if max <= 0 {
		return 0
	}
	hi := max
	switch rapid.IntRange(0, 2).Draw(t, label+"_class") {
	case 0:
		hi = min(max, 20)
	case 1:
		hi = min(max, 1000*fenPerWan)
	}
	return rapid.Int64Range(0, hi).Draw(t, label)
}

func drawPolicy(t *rapid.T) Policy {
	p := Yubei2019()
	if rapid.Bool().Draw(t, "default_threshold") {
		p.ThresholdPercent = decimal.NewFromInt(10)
	} else {
		p.ThresholdPercent = decimal.New(rapid.Int64Range(1, 10000).Draw(t, "threshold_bp"), -2)
	}
	p.Inclusive = rapid.Bool().Draw(t, "inclusive")
	p.Accumulate = rapid.Bool().Draw(t, "accumulate")
	p.Base = rapid.SampledFrom([]BaseReading{BaseApproved, BaseCurrent}).Draw(t, "base_reading")
	p.Replacement = rapid.SampledFrom([]ReplacementReading{ReplacementLarger, ReplacementSum}).Draw(t, "replacement")
	return p
}

// drawBase draws a positive investment; round (or a draw) makes every
// source a whole number of fen-hundreds.
func drawBase(t *rapid.T, round bool) review.Budget {
	var b review.Budget
	for _, s := range review.FundingSources() {
		b = b.With(s, fen(drawFen(t, "base_"+string(s), 1_000_000*fenPerWan)))
	}
	if round || rapid.Bool().Draw(t, "base_round") {
		// Whole fen-hundreds make investment × P / 100 land on a fen, so
		// the boundary draws of drawRequest hit exactly P% often.
		for _, s := range review.FundingSources() {
			b = b.With(s, fen(toFen(b.Get(s))/10_000*10_000))
		}
	}
	if b.IsZero() {
		b.District = fen(rapid.Int64Range(1, 20).Draw(t, "base_nonzero"))
	}
	return b
}

// drawRequest draws a valid request against the basis b. Sometimes, and
// always when atThreshold is set, it draws a single added item whose amount
// puts the measured amount within a fen of the threshold.
func drawRequest(t *rapid.T, label string, p Policy, b Basis, atThreshold bool) Request {
	current := b.Current()
	if atThreshold || rapid.Bool().Draw(t, label+"_boundary") {
		inv := b.Base.Total()
		if p.Base == BaseCurrent {
			inv = current.Total()
		}
		bp := toFen(p.ThresholdPercent) / 10_000 // percent × 100
		target := toFen(inv) * bp / 10_000
		if p.Accumulate {
			for _, d := range b.Prior {
				target -= toFen(d.Involved)
			}
		}
		target += rapid.Int64Range(-1, 1).Draw(t, label+"_delta")
		if target > 0 {
			return Request{Reason: "boundary", Items: []LineItem{{Item: "a", Source: review.District, New: fen(target)}}}
		}
	}
	remaining := map[review.FundingSource]int64{}
	for _, s := range review.FundingSources() {
		remaining[s] = toFen(current.Get(s))
	}
	type key struct {
		item, replaces string
		source         review.FundingSource
	}
	seen := map[key]bool{}
	r := Request{Reason: "reason"}
	n := rapid.IntRange(1, 6).Draw(t, label+"_n")
	for i := range n {
		l := fmt.Sprintf("%s_%d", label, i)
		it := LineItem{
			Item:     rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, l+"_item"),
			Replaces: rapid.SampledFrom([]string{"", "", "x", "y"}).Draw(t, l+"_replaces"),
			Source:   rapid.SampledFrom(review.FundingSources()).Draw(t, l+"_source"),
		}
		k := key{it.Item, it.Replaces, it.Source}
		if seen[k] {
			continue
		}
		seen[k] = true
		old := drawFen(t, l+"_old", remaining[it.Source])
		remaining[it.Source] -= old
		nw := drawFen(t, l+"_new", 1_000_000*fenPerWan)
		if it.Replaces == "" && nw == old {
			nw++
		}
		if it.Replaces != "" && old == 0 && nw == 0 {
			nw = 1
		}
		it.Old, it.New = fen(old), fen(nw)
		r.Items = append(r.Items, it)
	}
	return r
}

// refInvolved is the amount involved by r, from the formula documented on
// Assess, in rationals.
func refInvolved(p Policy, r Request) *big.Rat {
	type key struct{ item, replaces string }
	type sums struct{ inc, dec, old, new *big.Rat }
	groups := map[key]*sums{}
	var order []key
	for _, it := range r.Items {
		k := key{strings.TrimSpace(it.Item), strings.TrimSpace(it.Replaces)}
		g := groups[k]
		if g == nil {
			g = &sums{new(big.Rat), new(big.Rat), new(big.Rat), new(big.Rat)}
			groups[k] = g
			order = append(order, k)
		}
		o, n := rat(it.Old), rat(it.New)
		g.old.Add(g.old, o)
		g.new.Add(g.new, n)
		diff := new(big.Rat).Sub(n, o)
		if diff.Sign() > 0 {
			g.inc.Add(g.inc, diff)
		} else {
			g.dec.Sub(g.dec, diff)
		}
	}
	total := new(big.Rat)
	for _, k := range order {
		g := groups[k]
		switch {
		case k.replaces == "":
			total.Add(total, ratMax(g.inc, g.dec))
		case p.Replacement == ReplacementSum:
			total.Add(total, g.old).Add(total, g.new)
		default:
			total.Add(total, ratMax(g.old, g.new))
		}
	}
	return total
}

func refNet(r Request, s review.FundingSource) *big.Rat {
	net := new(big.Rat)
	for _, it := range r.Items {
		if it.Source == s {
			net.Add(net, rat(it.New)).Sub(net, rat(it.Old))
		}
	}
	return net
}

// refMinor decides 第十一条 by division in rationals.
func refMinor(p Policy, measured, investment *big.Rat) (bool, int) {
	share := new(big.Rat).Quo(measured, investment)
	limit := new(big.Rat).Quo(rat(p.ThresholdPercent), big.NewRat(100, 1))
	c := share.Cmp(limit)
	return c < 0 || (c == 0 && p.Inclusive), c
}

func TestAssessMatchesRationalReference(t *testing.T) {
	rapid.Check(t, checkAgainstReference(false))
}

// At the threshold, within a fen either side, where a rounding or an
// off-by-one would show.
func TestAssessMatchesRationalReferenceAtThreshold(t *testing.T) {
	rapid.Check(t, checkAgainstReference(true))
}

func checkAgainstReference(atThreshold bool) func(*rapid.T) {
	return func(t *rapid.T) {
		p := drawPolicy(t)
		b := Basis{Approved: true, FixedAsset: rapid.Bool().Draw(t, "fixed_asset"), Base: drawBase(t, atThreshold)}

		// Prior minor changes, with their requests kept for the reference.
		var priors []Request
		for i := range rapid.IntRange(0, 3).Draw(t, "priors") {
			r := drawRequest(t, fmt.Sprintf("prior%d", i), p, b, false)
			d, err := Assess(p, b, r)
			require.NoError(t, err)
			if d.Major() {
				continue
			}
			b, err = b.Record(d)
			require.NoError(t, err)
			priors = append(priors, r)
		}

		r := drawRequest(t, "change", p, b, atThreshold)
		d, err := Assess(p, b, r)
		require.NoError(t, err)

		involved := refInvolved(p, r)
		priorInvolved := new(big.Rat)
		for _, pr := range priors {
			priorInvolved.Add(priorInvolved, refInvolved(p, pr))
		}
		cumulative := new(big.Rat).Add(priorInvolved, involved)
		measured := involved
		if p.Accumulate {
			measured = cumulative
		}
		investment := new(big.Rat)
		for _, s := range review.FundingSources() {
			investment.Add(investment, rat(b.Base.Get(s)))
			if p.Base == BaseCurrent {
				for _, pr := range priors {
					investment.Add(investment, refNet(pr, s))
				}
			}
		}
		minor, cmp := refMinor(p, measured, investment)

		assert.Equal(t, !minor, d.Major(), "measured %s of %s at %s%% inclusive=%v", d.Measured, d.Investment, p.ThresholdPercent, p.Inclusive)
		assert.Equal(t, cmp, d.Comparison)
		assert.Zero(t, rat(d.Involved).Cmp(involved), "involved %s, want %s", d.Involved, involved.RatString())
		assert.Zero(t, rat(d.Cumulative).Cmp(cumulative), "cumulative %s, want %s", d.Cumulative, cumulative.RatString())
		assert.Zero(t, rat(d.Investment).Cmp(investment), "investment %s, want %s", d.Investment, investment.RatString())
		for _, s := range review.FundingSources() {
			want := rat(b.Base.Get(s))
			for _, pr := range append(priors, r) {
				want.Add(want, refNet(pr, s))
			}
			assert.Zero(t, rat(d.NewBudget.Get(s)).Cmp(want), "new budget %s: %s, want %s", s, d.NewBudget.Get(s), want.RatString())
			assert.False(t, d.NewBudget.Get(s).IsNegative(), "new budget %s is negative", s)
		}

		// The amount involved is never less than what grows, what shrinks
		// or the net change.
		assert.True(t, d.Involved.Cmp(d.Increase.Total()) >= 0)
		assert.True(t, d.Involved.Cmp(d.Decrease.Total()) >= 0)
		assert.True(t, d.Involved.Cmp(d.Net.Total().Abs()) >= 0)
		assert.True(t, d.Net.Equal(d.Increase.Sub(d.Decrease)))

		wantApprovers := []string{"bdb"}
		if b.FixedAsset {
			wantApprovers = append(wantApprovers, "drc")
		}
		assert.Equal(t, wantApprovers, d.Approvers)
	}
}

// Splitting a change into parts never turns a major change minor when
// changes accumulate: the parts together are measured like the whole.
func TestAccumulationDefeatsSplitting(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := Yubei2019()
		b := Basis{Approved: true, Base: drawBase(t, false)}
		total := drawFen(t, "total", 1_000_000*fenPerWan) + 1
		parts := rapid.IntRange(1, 5).Draw(t, "parts")

		whole, err := Assess(p, b, Request{Reason: "r", Items: []LineItem{{Item: "a", Source: review.District, New: fen(total)}}})
		require.NoError(t, err)

		left := total
		var last Decision
		for i := range parts {
			amount := left
			if i < parts-1 {
				amount = rapid.Int64Range(0, left).Draw(t, fmt.Sprintf("part%d", i))
			}
			left -= amount
			if amount == 0 {
				continue
			}
			last, err = Assess(p, b, Request{Reason: "r", Items: []LineItem{{Item: fmt.Sprintf("p%d", i), Source: review.District, New: fen(amount)}}})
			require.NoError(t, err)
			if last.Major() {
				break
			}
			b, err = b.Record(last)
			require.NoError(t, err)
		}
		if whole.Major() {
			assert.True(t, last.Major(), "a major change of %s split in %d parts ended minor", whole.Involved, parts)
		} else {
			assert.False(t, last.Major())
			assert.True(t, last.Cumulative.Equal(whole.Involved))
		}
	})
}
