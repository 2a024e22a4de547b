package change

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/review"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// district is a budget held wholly in 区财政资金.
func district(s string) review.Budget { return review.Budget{District: dec(s)} }

func approved(base review.Budget) Basis { return Basis{Approved: true, Base: base} }

func adjust(item string, src review.FundingSource, old, new string) LineItem {
	return LineItem{Item: item, Source: src, Old: dec(old), New: dec(new)}
}

func replace(out, in string, src review.FundingSource, old, new string) LineItem {
	return LineItem{Item: in, Replaces: out, Source: src, Old: dec(old), New: dec(new)}
}

func req(items ...LineItem) Request {
	return Request{Reason: "需求调整，经单位党组会研究", Items: items}
}

func perChange() Policy {
	p := Yubei2019()
	p.Accumulate = false
	return p
}

// assertDecision checks the kind, article and measured amount of a decision
// and that its explanation names the article and the figures.
func assertDecision(t *testing.T, d Decision, kind Kind, measured string, cmp int) {
	t.Helper()
	assert.Equal(t, kind, d.Kind)
	assert.Equal(t, kind == Major, d.Major())
	want := ArticleMinor
	if kind == Major {
		want = ArticleMajor
	}
	assert.Equal(t, want, d.Article)
	assert.True(t, d.Measured.Equal(dec(measured)), "measured %s, want %s", d.Measured, measured)
	assert.Equal(t, cmp, d.Comparison)
	assert.Contains(t, d.ZH, want)
	assert.Contains(t, d.EN, want)
	assert.Contains(t, d.ZH, d.Measured.String())
	assert.Contains(t, d.ZH, d.Threshold.String())
}

func TestAssessThreshold(t *testing.T) {
	tests := []struct {
		name      string
		policy    Policy
		base      review.Budget
		items     []LineItem
		kind      Kind
		involved  string
		threshold string
		cmp       int
	}{
		{
			name: "第十一条第（一）项/exactly 10%", policy: Yubei2019(), base: district("100"),
			items: []LineItem{adjust("服务器", review.District, "50", "60")},
			kind:  Minor, involved: "10", threshold: "10", cmp: 0,
		},
		{
			name: "第十一条第（一）项/10% minus one fen", policy: Yubei2019(), base: district("100"),
			items: []LineItem{adjust("服务器", review.District, "50", "59.999999")},
			kind:  Minor, involved: "9.999999", threshold: "10", cmp: -1,
		},
		{
			name: "第十一条第（二）项/10% plus one fen", policy: Yubei2019(), base: district("100"),
			items: []LineItem{adjust("服务器", review.District, "50", "60.000001")},
			kind:  Major, involved: "10.000001", threshold: "10", cmp: 1,
		},
		{
			name: "第十一条第（一）项/a cut of exactly 10%", policy: Yubei2019(), base: district("100"),
			items: []LineItem{adjust("服务器", review.District, "50", "40")},
			kind:  Minor, involved: "10", threshold: "10", cmp: 0,
		},
		{
			name: "第十一条第（一）项/removed item of exactly 10%", policy: Yubei2019(), base: district("200"),
			items: []LineItem{adjust("大屏", review.District, "20", "0")},
			kind:  Minor, involved: "20", threshold: "20", cmp: 0,
		},
		{
			name: "第十一条第（二）项/added item one fen over 10%", policy: Yubei2019(), base: district("200"),
			items: []LineItem{adjust("大屏", review.District, "0", "20.000001")},
			kind:  Major, involved: "20.000001", threshold: "20", cmp: 1,
		},
		{
			name: "第十一条第（一）项/base 333.333333, 33.333333 is under 33.3333333", policy: Yubei2019(), base: district("333.333333"),
			items: []LineItem{adjust("服务器", review.District, "0", "33.333333")},
			kind:  Minor, involved: "33.333333", threshold: "33.3333333", cmp: -1,
		},
		{
			name: "第十一条第（二）项/base 333.333333, 33.333334 is over 33.3333333", policy: Yubei2019(), base: district("333.333333"),
			items: []LineItem{adjust("服务器", review.District, "0", "33.333334")},
			kind:  Major, involved: "33.333334", threshold: "33.3333333", cmp: 1,
		},
		{
			name: "第十一条第（二）项/base one fen, any change is 100%", policy: Yubei2019(), base: district("0.000001"),
			items: []LineItem{adjust("服务器", review.District, "0", "0.000001")},
			kind:  Major, involved: "0.000001", threshold: "0.0000001", cmp: 1,
		},
		{
			name: "第十一条第（一）项/base ten fen, one fen is exactly 10%", policy: Yubei2019(), base: district("0.00001"),
			items: []LineItem{adjust("服务器", review.District, "0.00001", "0.000009")},
			kind:  Minor, involved: "0.000001", threshold: "0.000001", cmp: 0,
		},
		{
			name: "第十一条第（二）项/base ten fen, two fen", policy: Yubei2019(), base: district("0.00001"),
			items: []LineItem{adjust("服务器", review.District, "0.00001", "0.000008")},
			kind:  Major, involved: "0.000002", threshold: "0.000001", cmp: 1,
		},
		{
			name: "第十一条第（一）项/changes in several sources add up to exactly 10%", policy: Yubei2019(),
			base: review.Budget{Central: dec("30"), Municipal: dec("30"), District: dec("40")},
			items: []LineItem{
				adjust("服务器", review.Central, "30", "33"),
				adjust("大屏", review.Municipal, "30", "27"),
				adjust("软件", review.District, "4", "8"),
			},
			kind: Minor, involved: "10", threshold: "10", cmp: 0,
		},
		{
			name: "第十一条第（二）项/increases are not netted against cuts", policy: Yubei2019(), base: district("100"),
			items: []LineItem{
				adjust("服务器", review.District, "50", "56"),
				adjust("大屏", review.District, "20", "14"),
			},
			kind: Major, involved: "12", threshold: "10", cmp: 1,
		},
		{
			name: "第十一条第（一）项/moving funding of the same content between sources counts once", policy: Yubei2019(),
			base: review.Budget{Municipal: dec("10"), District: dec("90")},
			items: []LineItem{
				adjust("服务器", review.District, "60", "52"),
				adjust("服务器", review.Municipal, "0", "8"),
			},
			kind: Minor, involved: "8", threshold: "10", cmp: -1,
		},
		{
			name: "第十一条第（二）项/exactly 10% under an exclusive reading", policy: func() Policy {
				p := Yubei2019()
				p.Inclusive = false
				return p
			}(), base: district("100"),
			items: []LineItem{adjust("服务器", review.District, "50", "60")},
			kind:  Major, involved: "10", threshold: "10", cmp: 0,
		},
		{
			name: "第十一条第（一）项/a threshold of 7.5% at its edge", policy: func() Policy {
				p := Yubei2019()
				p.ThresholdPercent = dec("7.5")
				return p
			}(), base: district("200"),
			items: []LineItem{adjust("服务器", review.District, "0", "15")},
			kind:  Minor, involved: "15", threshold: "15", cmp: 0,
		},
		{
			name: "第十一条第（二）项/a threshold of 7.5% one fen over", policy: func() Policy {
				p := Yubei2019()
				p.ThresholdPercent = dec("7.5")
				return p
			}(), base: district("200"),
			items: []LineItem{adjust("服务器", review.District, "0", "15.000001")},
			kind:  Major, involved: "15.000001", threshold: "15", cmp: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Assess(tc.policy, approved(tc.base), req(tc.items...))
			require.NoError(t, err)
			assertDecision(t, d, tc.kind, tc.involved, tc.cmp)
			assert.True(t, d.Involved.Equal(dec(tc.involved)), "involved %s, want %s", d.Involved, tc.involved)
			assert.True(t, d.Threshold.Equal(dec(tc.threshold)), "threshold %s, want %s", d.Threshold, tc.threshold)
			assert.True(t, d.Investment.Equal(tc.base.Total()))
			assert.Equal(t, []string{"bdb"}, d.Approvers)
		})
	}
}

func TestAssessFigures(t *testing.T) {
	base := review.Budget{Municipal: dec("20"), District: dec("100")}
	d, err := Assess(Yubei2019(), approved(base), req(
		adjust("服务器", review.District, "50", "60"),
		adjust("大屏", review.Municipal, "20", "0"),
		replace("布线", "机房改造", review.District, "30", "30"),
	))
	require.NoError(t, err)
	// 10 up, 20 removed, 30 swapped: 60 of 120 万元.
	assert.True(t, d.Involved.Equal(dec("60")), "involved %s", d.Involved)
	assert.True(t, d.Net.Equal(review.Budget{District: dec("10"), Municipal: dec("-20")}), "net %+v", d.Net)
	assert.True(t, d.Increase.Equal(review.Budget{District: dec("10")}), "increase %+v", d.Increase)
	assert.True(t, d.Decrease.Equal(review.Budget{Municipal: dec("20")}), "decrease %+v", d.Decrease)
	assert.True(t, d.NewBudget.Equal(review.Budget{District: dec("110")}), "new budget %+v", d.NewBudget)
	assert.True(t, d.Current.Equal(base))
	assert.True(t, d.Base.Equal(base))
	assert.True(t, d.SharePercent.Equal(dec("50")), "share %s", d.SharePercent)
	assert.True(t, d.Major())
}

func TestAssessSharePercentIsRoundedForDisplay(t *testing.T) {
	// 33.333334 of 333.333333 is 10.0000003% and shows as 10%, yet is major:
	// the decision compares products, never the rounded share.
	d, err := Assess(Yubei2019(), approved(district("333.333333")), req(adjust("服务器", review.District, "0", "33.333334")))
	require.NoError(t, err)
	assert.True(t, d.SharePercent.Equal(dec("10")), "share %s", d.SharePercent)
	assert.True(t, d.Major())
}

func TestAssessAccumulation(t *testing.T) {
	base := district("100")
	first := req(adjust("服务器", review.District, "50", "56"))
	second := req(adjust("大屏", review.District, "20", "25"))

	t.Run("第十一条第（二）项/a split change is caught by accumulation", func(t *testing.T) {
		b := approved(base)
		d1, err := Assess(Yubei2019(), b, first)
		require.NoError(t, err)
		assertDecision(t, d1, Minor, "6", -1)
		b, err = b.Record(d1)
		require.NoError(t, err)

		d2, err := Assess(Yubei2019(), b, second)
		require.NoError(t, err)
		assertDecision(t, d2, Major, "11", 1)
		assert.True(t, d2.Involved.Equal(dec("5")))
		assert.True(t, d2.PriorInvolved.Equal(dec("6")))
		assert.True(t, d2.Cumulative.Equal(dec("11")))
		assert.True(t, d2.Current.Equal(district("106")), "current %+v", d2.Current)
		assert.True(t, d2.NewBudget.Equal(district("111")), "new budget %+v", d2.NewBudget)
		assert.True(t, d2.Investment.Equal(dec("100")), "the base stays the approved investment")
	})
	t.Run("第十一条第（一）项/a split change passes under the per-change reading", func(t *testing.T) {
		b := approved(base)
		d1, err := Assess(perChange(), b, first)
		require.NoError(t, err)
		b, err = b.Record(d1)
		require.NoError(t, err)
		d2, err := Assess(perChange(), b, second)
		require.NoError(t, err)
		assertDecision(t, d2, Minor, "5", -1)
		assert.True(t, d2.Cumulative.Equal(dec("11")), "the cumulative figure is still reported")
	})
	t.Run("第十一条第（一）项/changes adding up to exactly 10%", func(t *testing.T) {
		b := approved(base)
		d1, err := Assess(Yubei2019(), b, first)
		require.NoError(t, err)
		b, err = b.Record(d1)
		require.NoError(t, err)
		d2, err := Assess(Yubei2019(), b, req(adjust("大屏", review.District, "20", "16")))
		require.NoError(t, err)
		assertDecision(t, d2, Minor, "10", 0)
	})
	t.Run("第十一条第（二）项/a decision survives JSON storage as a prior change", func(t *testing.T) {
		d1, err := Assess(Yubei2019(), approved(base), first)
		require.NoError(t, err)
		data, err := jsonRoundTrip(d1)
		require.NoError(t, err)
		b, err := approved(base).Record(data)
		require.NoError(t, err)
		d2, err := Assess(Yubei2019(), b, second)
		require.NoError(t, err)
		assert.True(t, d2.Cumulative.Equal(dec("11")))
		assert.True(t, d2.Major())
	})
}

func TestAssessSwap(t *testing.T) {
	base := district("100")
	t.Run("第十一条第（二）项/a swap of 50 for 50 involves 50, not 0", func(t *testing.T) {
		d, err := Assess(Yubei2019(), approved(base), req(replace("布线", "机房改造", review.District, "50", "50")))
		require.NoError(t, err)
		assertDecision(t, d, Major, "50", 1)
		assert.True(t, d.Net.IsZero())
		assert.True(t, d.NewBudget.Equal(base))
	})
	t.Run("第十一条第（一）项/a swap of exactly 10%", func(t *testing.T) {
		d, err := Assess(Yubei2019(), approved(base), req(replace("布线", "机房改造", review.District, "10", "10")))
		require.NoError(t, err)
		assertDecision(t, d, Minor, "10", 0)
	})
	t.Run("第十一条第（二）项/a replacement at a higher cost involves the larger amount", func(t *testing.T) {
		d, err := Assess(Yubei2019(), approved(base), req(replace("布线", "机房改造", review.District, "6", "10.000001")))
		require.NoError(t, err)
		assertDecision(t, d, Major, "10.000001", 1)
		assert.True(t, d.Net.District.Equal(dec("4.000001")))
	})
	t.Run("第十一条第（一）项/a replacement at a lower cost involves the content taken out", func(t *testing.T) {
		d, err := Assess(Yubei2019(), approved(base), req(replace("布线", "机房改造", review.District, "10", "3")))
		require.NoError(t, err)
		assertDecision(t, d, Minor, "10", 0)
	})
	t.Run("第十一条第（二）项/the sum reading counts out and in", func(t *testing.T) {
		p := Yubei2019()
		p.Replacement = ReplacementSum
		d, err := Assess(p, approved(base), req(replace("布线", "机房改造", review.District, "5", "5.000001")))
		require.NoError(t, err)
		assertDecision(t, d, Major, "10.000001", 1)
	})
	t.Run("第十一条第（一）项/a swap funded from two sources is one content", func(t *testing.T) {
		b := review.Budget{Municipal: dec("50"), District: dec("50")}
		d, err := Assess(Yubei2019(), approved(b), req(
			replace("布线", "机房改造", review.District, "6", "4"),
			replace("布线", "机房改造", review.Municipal, "4", "6"),
		))
		require.NoError(t, err)
		assertDecision(t, d, Minor, "10", 0)
	})
}

func TestAssessApprovers(t *testing.T) {
	minor := req(adjust("服务器", review.District, "50", "55"))
	major := req(adjust("服务器", review.District, "50", "80"))
	for _, tc := range []struct {
		name   string
		fixed  bool
		r      Request
		want   []string
		kind   Kind
		drcZH  bool
		policy Policy
	}{
		{"第十一条第（一）项/bdb approves the change explanation", false, minor, []string{"bdb"}, Minor, false, Yubei2019()},
		{"第十一条第（一）项/fixed-asset project also needs drc", true, minor, []string{"bdb", "drc"}, Minor, true, Yubei2019()},
		{"第十一条第（二）项/written report to bdb", false, major, []string{"bdb"}, Major, false, Yubei2019()},
		{"第十一条第（二）项/fixed-asset project reports to drc too", true, major, []string{"bdb", "drc"}, Major, true, Yubei2019()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := approved(district("100"))
			b.FixedAsset = tc.fixed
			d, err := Assess(tc.policy, b, tc.r)
			require.NoError(t, err)
			assert.Equal(t, tc.kind, d.Kind)
			assert.Equal(t, tc.want, d.Approvers)
			assert.Equal(t, tc.drcZH, strings.Contains(d.ZH, "区发展改革委"))
			assert.Equal(t, tc.drcZH, strings.Contains(d.EN, "drc"))
			assert.Contains(t, d.ZH, "区大数据发展局")
		})
	}
}

func TestAssessBaseReading(t *testing.T) {
	// An approved +10 change raises the investment to 110; 10.5 more is over
	// 10% of the 100 approved but not of the 110 current.
	base := district("100")
	b := approved(base)
	d1, err := Assess(perChange(), b, req(adjust("服务器", review.District, "50", "60")))
	require.NoError(t, err)
	b, err = b.Record(d1)
	require.NoError(t, err)
	next := req(adjust("大屏", review.District, "0", "10.5"))

	t.Run("第十一条第（二）项/measured against the investment as approved", func(t *testing.T) {
		d, err := Assess(perChange(), b, next)
		require.NoError(t, err)
		assertDecision(t, d, Major, "10.5", 1)
		assert.True(t, d.Investment.Equal(dec("100")))
	})
	t.Run("第十一条第（一）项/measured against the current investment", func(t *testing.T) {
		p := perChange()
		p.Base = BaseCurrent
		d, err := Assess(p, b, next)
		require.NoError(t, err)
		assertDecision(t, d, Minor, "10.5", -1)
		assert.True(t, d.Investment.Equal(dec("110")))
		assert.Contains(t, d.ZH, "变更前的项目投资额")
	})
}

func TestBasisRebased(t *testing.T) {
	b := approved(district("100"))
	b.FixedAsset = true
	d1, err := Assess(Yubei2019(), b, req(adjust("服务器", review.District, "50", "58")))
	require.NoError(t, err)
	b, err = b.Record(d1)
	require.NoError(t, err)

	major, err := Assess(Yubei2019(), b, req(adjust("平台", review.District, "0", "50")))
	require.NoError(t, err)
	require.True(t, major.Major())
	_, err = b.Record(major)
	requireFindings(t, err, CodeRedeclare, "kind")

	// The re-declared plan is approved at 150 万元: the base resets.
	rb := b.Rebased(district("150"))
	assert.Empty(t, rb.Prior)
	assert.True(t, rb.Approved)
	assert.True(t, rb.FixedAsset)
	assert.True(t, rb.Base.Equal(district("150")))
	assert.Len(t, b.Prior, 1, "Rebased leaves the old basis unchanged")

	t.Run("第十一条第（一）项/after rebasing, 15 of 150 is exactly 10%", func(t *testing.T) {
		d, err := Assess(Yubei2019(), rb, req(adjust("大屏", review.District, "0", "15")))
		require.NoError(t, err)
		assertDecision(t, d, Minor, "15", 0)
		assert.True(t, d.PriorInvolved.IsZero())
	})
	t.Run("第十一条/a decision on another base cannot be recorded", func(t *testing.T) {
		_, err := rb.Record(d1)
		requireFindings(t, err, CodePriorBaseMismatch, "base")
	})
}

func TestBasisRecordDoesNotAlias(t *testing.T) {
	b := approved(district("100"))
	d1, err := Assess(Yubei2019(), b, req(adjust("服务器", review.District, "50", "51")))
	require.NoError(t, err)
	d2, err := Assess(Yubei2019(), b, req(adjust("服务器", review.District, "50", "52")))
	require.NoError(t, err)
	b1, err := b.Record(d1)
	require.NoError(t, err)
	x, err := b1.Record(d1)
	require.NoError(t, err)
	y, err := b1.Record(d2)
	require.NoError(t, err)
	assert.True(t, x.Prior[1].Involved.Equal(dec("1")))
	assert.True(t, y.Prior[1].Involved.Equal(dec("2")))
	assert.Len(t, b1.Prior, 1)
}

// requireFindings asserts that err is a *review.Error whose findings have
// exactly the given code/field pairs, in order, each with an article and
// both messages.
func requireFindings(t *testing.T, err error, codeField ...string) {
	t.Helper()
	require.Error(t, err)
	var re *review.Error
	require.True(t, errors.As(err, &re), "want *review.Error, got %T: %v", err, err)
	var got []string
	for _, f := range re.Findings {
		got = append(got, f.Code, f.Field)
		assert.NotEmpty(t, f.Article, "finding %s has no article", f.Code)
		assert.NotEmpty(t, f.ZH, "finding %s has no Chinese message", f.Code)
		assert.NotEmpty(t, f.EN, "finding %s has no English message", f.Code)
	}
	require.Equal(t, codeField, got)
}

func TestAssessRefusals(t *testing.T) {
	base := district("100")
	good := adjust("服务器", review.District, "50", "55")
	tests := []struct {
		name    string
		policy  Policy
		basis   Basis
		r       Request
		want    []string
		article string
	}{
		{
			name: "第十一条/before approval", basis: Basis{Base: base}, r: req(good),
			want: []string{CodeNotApproved, "approved"}, article: Article,
		},
		{
			name: "第十一条/blank reason", basis: approved(base), r: Request{Reason: " \t　", Items: []LineItem{good}},
			want: []string{CodeReasonBlank, "reason"}, article: Article,
		},
		{
			name: "第十一条/no items", basis: approved(base), r: req(),
			want: []string{CodeItemsEmpty, "items"}, article: Article,
		},
		{
			name: "第十一条/an item that changes nothing", basis: approved(base),
			r:    req(good, adjust("大屏", review.District, "20", "20.000")),
			want: []string{CodeItemUnchanged, "items[1]"}, article: Article,
		},
		{
			name: "第十一条/a replacement of nothing by nothing", basis: approved(base),
			r:    req(replace("布线", "机房改造", review.District, "0", "0")),
			want: []string{CodeItemUnchanged, "items[0]"}, article: Article,
		},
		{
			name: "第十一条/a replacement of itself", basis: approved(base),
			r:    req(replace("布线", " 布线 ", review.District, "5", "5")),
			want: []string{CodeReplacesSelf, "items[0].replaces"}, article: Article,
		},
		{
			name: "第十一条/blank item", basis: approved(base),
			r:    req(adjust(" ", review.District, "0", "5")),
			want: []string{CodeItemBlank, "items[0].item"}, article: Article,
		},
		{
			name: "第十一条/the same content and source twice", basis: approved(base),
			r:    req(good, adjust("大屏", review.District, "0", "1"), adjust("服务器 ", review.District, "50", "56")),
			want: []string{CodeItemDuplicate, "items[2]"}, article: Article,
		},
		{
			name: "附件1/unknown funding source", basis: approved(base),
			r:    req(good, good, LineItem{Item: "大屏", Source: "provincial", New: dec("1")}),
			want: []string{CodeItemDuplicate, "items[1]", CodeSourceUnknown, "items[2].source"},
		},
		{
			name: "附件1/negative amount", basis: approved(base),
			r:    req(adjust("服务器", review.District, "-1", "5")),
			want: []string{"amount_negative", "items[0].old"}, article: ArticleForm,
		},
		{
			name: "附件1/finer than a fen", basis: approved(base),
			r:    req(adjust("服务器", review.District, "50", "50.0000001")),
			want: []string{"amount_too_precise", "items[0].new"}, article: ArticleForm,
		},
		{
			name: "附件1/an amount no budget reaches", basis: approved(base),
			r:    req(adjust("服务器", review.District, "0", "1e15")),
			want: []string{CodeAmountTooLarge, "items[0].new"}, article: ArticleForm,
		},
		{
			name: "附件1/an amount with a huge exponent is refused without arithmetic", basis: approved(base),
			r:    req(LineItem{Item: "服务器", Source: review.District, New: decimal.New(1, 9999)}),
			want: []string{CodeAmountTooLarge, "items[0].new"}, article: ArticleForm,
		},
		{
			name: "附件1/zero written with a huge exponent is refused without arithmetic", basis: approved(base),
			r:    req(LineItem{Item: "服务器", Source: review.District, Old: dec("1"), New: decimal.New(0, 999_999_999)}),
			want: []string{CodeAmountMalformed, "items[0].new"}, article: ArticleForm,
		},
		{
			name: "附件1/an amount with a tiny exponent is refused without printing it", basis: approved(base),
			r:    req(LineItem{Item: "服务器", Source: review.District, Old: dec("1"), New: decimal.New(1, -999_999_999)}),
			want: []string{CodeAmountMalformed, "items[0].new"}, article: ArticleForm,
		},
		{
			name: "附件1/an amount written with 65 decimal places", basis: approved(base),
			r:    req(LineItem{Item: "服务器", Source: review.District, Old: dec("1"), New: decimal.New(1, -65)}),
			want: []string{CodeAmountMalformed, "items[0].new"}, article: ArticleForm,
		},
		{
			name: "附件1/64 decimal places are read, and refused as finer than a fen", basis: approved(base),
			r:    req(LineItem{Item: "服务器", Source: review.District, Old: dec("1"), New: decimal.New(1, -64)}),
			want: []string{"amount_too_precise", "items[0].new"}, article: ArticleForm,
		},
		{
			name: "第十一条/zero base", basis: approved(review.Budget{}), r: req(good),
			want: []string{CodeBaseZero, "base"}, article: Article,
		},
		{
			name: "附件1/negative base", basis: approved(review.Budget{District: dec("100"), Central: dec("-1")}), r: req(good),
			want: []string{"amount_negative", "base.central"}, article: ArticleForm,
		},
		{
			name: "第十一条/old amounts beyond the budget of their source", basis: approved(review.Budget{District: dec("100"), Municipal: dec("5")}),
			r:    req(adjust("服务器", review.District, "60", "61"), adjust("大屏", review.District, "40.000001", "40"), adjust("软件", review.Municipal, "5", "4")),
			want: []string{CodeExceedsBudget, "items[1].old"}, article: Article,
		},
		{
			name: "第十一条/old amount from a source the project does not have", basis: approved(base),
			r:    req(adjust("服务器", review.Central, "1", "0")),
			want: []string{CodeExceedsBudget, "items[0].old"}, article: Article,
		},
		{
			name: "第十一条/every finding at once", basis: Basis{Base: base},
			r: Request{Items: []LineItem{{Item: "", Source: "x", Old: dec("-1")}}},
			want: []string{
				CodeNotApproved, "approved", CodeReasonBlank, "reason",
				CodeItemBlank, "items[0].item", CodeSourceUnknown, "items[0].source", "amount_negative", "items[0].old",
			},
		},
		{
			name: "第十一条/invalid policy", policy: Policy{Base: "other"}, basis: Basis{Base: base}, r: req(good),
			want:    []string{CodePolicyInvalid, "policy.threshold_percent", CodePolicyInvalid, "policy.base", CodePolicyInvalid, "policy.replacement"},
			article: Article,
		},
		{
			name:   "第十一条/a threshold with a tiny exponent is refused without arithmetic",
			policy: func() Policy { p := Yubei2019(); p.ThresholdPercent = decimal.New(1, -999_999_999); return p }(),
			basis:  approved(base), r: req(good),
			want: []string{CodePolicyInvalid, "policy.threshold_percent"}, article: Article,
		},
		{
			name: "第十一条/negative threshold", policy: func() Policy { p := Yubei2019(); p.ThresholdPercent = dec("-10"); return p }(),
			basis: approved(base), r: req(good),
			want: []string{CodePolicyInvalid, "policy.threshold_percent"}, article: Article,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.policy
			if p.Name == "" && p.ThresholdPercent.IsZero() && p.Base == "" {
				p = Yubei2019()
			}
			d, err := Assess(p, tc.basis, tc.r)
			requireFindings(t, err, tc.want...)
			assert.Empty(t, d.Kind, "no decision with an error")
			if tc.article != "" {
				var re *review.Error
				require.True(t, errors.As(err, &re))
				assert.Equal(t, tc.article, re.Findings[0].Article)
			}
		})
	}
}

func TestAssessRefusesBadPriors(t *testing.T) {
	base := district("100")
	prior, err := Assess(Yubei2019(), approved(base), req(adjust("服务器", review.District, "50", "55")))
	require.NoError(t, err)
	majorPrior, err := Assess(Yubei2019(), approved(base), req(adjust("服务器", review.District, "50", "80")))
	require.NoError(t, err)
	otherBase, err := Assess(Yubei2019(), approved(district("200")), req(adjust("服务器", review.District, "50", "55")))
	require.NoError(t, err)

	b := approved(base)
	b.Prior = []Decision{prior, majorPrior, otherBase}
	_, err = Assess(Yubei2019(), b, req(adjust("大屏", review.District, "0", "1")))
	requireFindings(t, err, CodePriorMajor, "prior[1].kind", CodePriorBaseMismatch, "prior[2].base")

	tampered := prior
	tampered.Involved = dec("-5")
	b.Prior = []Decision{tampered}
	_, err = Assess(Yubei2019(), b, req(adjust("大屏", review.District, "0", "1")))
	requireFindings(t, err, "amount_negative", "prior[0].involved")

	// A stored decision with an amount no arithmetic should touch.
	tampered.Involved = decimal.New(1, -999_999_999)
	tampered.Net = review.Budget{District: decimal.New(0, 999_999_999)}
	b.Prior = []Decision{tampered}
	_, err = Assess(Yubei2019(), b, req(adjust("大屏", review.District, "0", "1")))
	requireFindings(t, err, CodeAmountMalformed, "prior[0].involved", CodeAmountMalformed, "prior[0].net.district")
}

func TestAssessAcceptsTrailingZeros(t *testing.T) {
	// 10.0000000 has seven places but is exactly ten: trailing zeros are
	// not precision.
	d, err := Assess(Yubei2019(), approved(district("100.00000000")), req(adjust("服务器", review.District, "50.0000000", "60.0000000")))
	require.NoError(t, err)
	assertDecision(t, d, Minor, "10", 0)
}

func TestAssessDoesNotAliasRequest(t *testing.T) {
	r := req(adjust("服务器", review.District, "50", "55"))
	d, err := Assess(Yubei2019(), approved(district("100")), r)
	require.NoError(t, err)
	r.Items[0].Item = "changed"
	assert.Equal(t, "服务器", d.Request.Items[0].Item)
}

func TestYubei2019(t *testing.T) {
	p := Yubei2019()
	require.NoError(t, p.Validate())
	assert.True(t, p.ThresholdPercent.Equal(dec("10")), "第十一条 draws the line at 10%%")
	assert.True(t, p.Inclusive, "不超过 is inclusive")
	assert.True(t, p.Accumulate)
	assert.Equal(t, BaseApproved, p.Base)
	assert.Equal(t, ReplacementLarger, p.Replacement)
	assert.Contains(t, p.Name, "第十一条")
	requireFindings(t, Policy{}.Validate(),
		CodePolicyInvalid, "policy.threshold_percent", CodePolicyInvalid, "policy.base", CodePolicyInvalid, "policy.replacement")
}
