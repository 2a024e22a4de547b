package change

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/review"
)

// Kind is the procedure a change takes under 第十一条.
type Kind string

// The kinds of Decision.
const (
	// Minor: the amount involved does not exceed the threshold; the unit
	// writes a change explanation (变更说明) for the approvers
	// (第十一条第（一）项).
	Minor Kind = "minor"
	// Major: the amount involved exceeds the threshold; the unit
	// re-prepares the project plan and re-declares it through the
	// declaration (and, for a fixed-asset project, initiation) path
	// (第十一条第（二）项).
	Major Kind = "major"
)

// Basis is what a change is measured against: whether the project's plan is
// approved, whether it is a fixed-asset project, the investment by funding
// source as approved (Base), and the minor changes approved since the base
// was set (Prior), oldest first.
//
// The base is set by the approval of the plan and reset by the approval of
// a re-declared plan after a major change: then the caller passes the
// re-approved investment as Base and no Prior (see Rebased). Rejected
// changes are not Prior; only approved minor changes are (see Record).
type Basis struct {
	// Approved is true once the project's plan is approved; 第十一条 governs
	// changes only after that.
	Approved bool `json:"approved"`
	// FixedAsset is true for a fixed-asset investment project, whose
	// changes also need the approval of drc (第十一条, 第十条).
	FixedAsset bool `json:"fixed_asset"`
	// Base is the project investment by funding source, in 万元, as
	// approved.
	Base review.Budget `json:"base"`
	// Prior are the minor changes approved since Base was set, oldest
	// first; each was assessed against this Base.
	Prior []Decision `json:"prior,omitempty"`
}

// Rebased returns the basis after the re-declared plan of a major change
// is approved with the investment newBase: the base becomes newBase and
// the prior changes are cleared, so the threshold and the accumulation
// start again from the new approval (第十一条第（二）项). Approved and
// FixedAsset are kept; set them if the re-approval changed them.
func (b Basis) Rebased(newBase review.Budget) Basis {
	return Basis{Approved: b.Approved, FixedAsset: b.FixedAsset, Base: newBase}
}

// Record returns the basis with the approved minor change d appended to
// Prior, leaving b unchanged. A major decision is refused (CodeRedeclare):
// the project is re-declared and the basis is Rebased once the new plan is
// approved. A decision assessed against another base is refused
// (CodePriorBaseMismatch).
func (b Basis) Record(d Decision) (Basis, error) {
	if d.Kind != Minor {
		return b, errorOf([]review.Finding{{
			Code: CodeRedeclare, Article: ArticleMajor, Field: "kind",
			ZH: "重大变更须重新编制项目方案并重新申报（第十一条第（二）项），不能作为变更说明记录；新方案审核同意后以新的投资额重设基数",
			EN: "a major change is re-declared with a new plan (第十一条第（二）项) and cannot be recorded as a change explanation; once the new plan is approved, rebase on its investment",
		}})
	}
	if !d.Base.Equal(b.Base) {
		return b, errorOf([]review.Finding{priorBaseMismatch("base")})
	}
	out := b
	out.Prior = append(slices.Clip(b.Prior), d)
	return out, nil
}

// Current returns the investment by funding source before the next
// change: the base plus the net of every prior change.
func (b Basis) Current() review.Budget {
	cur := b.Base
	for _, d := range b.Prior {
		cur = cur.Add(d.Net)
	}
	return cur
}

// Decision is the outcome of Assess: the procedure of 第十一条 the change
// takes, who approves it, and every figure that decided it, so the
// decision can be shown, stored and checked by hand. Amounts are in 万元
// and exact; in JSON they are decimal strings.
type Decision struct {
	// Kind is Minor (第十一条第（一）项) or Major (第十一条第（二）项).
	Kind Kind `json:"kind"`
	// Article is ArticleMinor or ArticleMajor.
	Article string `json:"article"`
	// Approvers are the roles the written change goes to: review.RoleBDB,
	// and review.RoleDRC for a fixed-asset project (第十一条). For a major change
	// their approval does not suffice: the plan is re-declared and passes
	// the whole declaration path again.
	Approvers []string `json:"approvers"`
	// Policy is the name of the Policy that decided.
	Policy string `json:"policy"`
	// Request is the change as assessed.
	Request Request `json:"request"`
	// FixedAsset is the Basis's FixedAsset.
	FixedAsset bool `json:"fixed_asset"`

	// Base is the investment as approved (Basis.Base).
	Base review.Budget `json:"base"`
	// Current is the investment before this change: Base plus the net of
	// the prior changes.
	Current review.Budget `json:"current"`
	// NewBudget is the investment after this change: Current plus Net.
	// For a major change it is the investment the re-declared plan asks
	// for, not one approved.
	NewBudget review.Budget `json:"new_budget"`
	// Net is the change by funding source, Σ(new − old) (negative for a
	// cut).
	Net review.Budget `json:"net"`
	// Increase is, by funding source, the sum of the lines that grow,
	// Σ max(new − old, 0).
	Increase review.Budget `json:"increase"`
	// Decrease is, by funding source, the sum of the lines that shrink,
	// Σ max(old − new, 0), as a non-negative amount.
	Decrease review.Budget `json:"decrease"`

	// Investment is the project investment (项目投资额) the threshold is
	// measured against: Base's total, or Current's under BaseCurrent.
	Investment decimal.Decimal `json:"investment"`
	// Involved is the amount this change involves (所涉及金额).
	Involved decimal.Decimal `json:"involved"`
	// PriorInvolved is the sum of Involved over the prior changes.
	PriorInvolved decimal.Decimal `json:"prior_involved"`
	// Cumulative is PriorInvolved + Involved: what the changes since the
	// base was set involve together.
	Cumulative decimal.Decimal `json:"cumulative"`
	// Measured is the amount compared with the threshold: Cumulative when
	// the policy accumulates, otherwise Involved.
	Measured decimal.Decimal `json:"measured"`
	// ThresholdPercent is the policy's P (10 in 第十一条).
	ThresholdPercent decimal.Decimal `json:"threshold_percent"`
	// Inclusive is the policy's Inclusive: whether exactly P% is minor.
	Inclusive bool `json:"inclusive"`
	// Accumulated is the policy's Accumulate: whether Measured is the
	// cumulative amount.
	Accumulated bool `json:"accumulated"`
	// Threshold is Investment × P / 100 in 万元, exact (it may carry more
	// than six decimal places, e.g. 33.3333333 for 333.333333 at 10%).
	Threshold decimal.Decimal `json:"threshold"`
	// Comparison is the sign of Measured × 100 − Investment × P: −1 below
	// the threshold, 0 at it, +1 above it. This comparison decided Kind.
	Comparison int `json:"comparison"`
	// SharePercent is Measured as a percentage of Investment, rounded to
	// two decimal places, for display only: the decision never uses it.
	SharePercent decimal.Decimal `json:"share_percent"`

	// ZH explains the decision in Chinese.
	ZH string `json:"zh"`
	// EN explains the decision in English.
	EN string `json:"en"`
}

// Major reports whether the change must be re-declared
// (第十一条第（二）项).
func (d Decision) Major() bool {
	return d.Kind == Major
}

var hundred = decimal.NewFromInt(100)

// Assess decides which procedure of 第十一条 the change r takes for a
// project on basis b under policy p. It is pure: it reads its arguments
// and returns a new Decision.
//
// The amount involved by a change is, over its contents (the lines sharing
// Item and Replaces):
//
//   - for an adjustment, addition or removal, max(Σ max(new−old, 0),
//     Σ max(old−new, 0)) over the content's funding sources: |new−old|
//     for a single line, the new amount of an added item, the old amount
//     of a removed one, and the amount moved when the same content moves
//     between funding sources;
//   - for a replacement, max(Σold, Σnew) under ReplacementLarger (a swap
//     of 50 万元 for 50 万元 involves 50), Σold + Σnew under
//     ReplacementSum.
//
// Measured is that amount, plus the Involved of every prior change when
// p.Accumulate. Investment is the total of b.Base (or of b.Current() under
// BaseCurrent). With P = p.ThresholdPercent the change is minor when
// Measured × 100 < Investment × P, or when they are equal and p.Inclusive
// (不超过, 第十一条第（一）项); otherwise it is major (超过,
// 第十一条第（二）项). No division takes part in the decision.
//
// Refusals are a *review.Error with every finding at once: an invalid
// policy (alone); a project not yet approved (第十一条: the article governs
// approved plans; before approval 第十八条 forbids spending and the unit
// amends its declaration instead); a base with a bad amount or a zero
// total; a prior change that is major or was assessed against another
// base; a blank reason, no items, and each bad line (Request.Check); and
// old amounts of a funding source that exceed what the source holds
// before the change.
func Assess(p Policy, b Basis, r Request) (Decision, error) {
	if fs := p.Check(); len(fs) > 0 {
		return Decision{}, errorOf(fs)
	}
	fs := b.check()
	fs = append(fs, r.Check()...)
	if len(fs) > 0 {
		return Decision{}, errorOf(fs)
	}

	current := b.Current()
	f := measure(p, r)
	fs = append(fs, exceeds(r, current, f.old)...)
	investment := b.Base.Total()
	if p.Base == BaseCurrent {
		investment = current.Total()
		if !investment.IsPositive() {
			fs = append(fs, review.Finding{
				Code: CodeBaseZero, Article: Article, Field: "base",
				ZH: "变更前的项目投资额为零，无法计算变更金额所占比例",
				EN: "the project investment before the change is zero; no share of it can be measured",
			})
		}
	}
	if len(fs) > 0 {
		return Decision{}, errorOf(fs)
	}

	d := Decision{
		Policy:           p.Name,
		Request:          cloneRequest(r),
		FixedAsset:       b.FixedAsset,
		Base:             b.Base,
		Current:          current,
		NewBudget:        current.Add(f.net),
		Net:              f.net,
		Increase:         f.increase,
		Decrease:         f.decrease,
		Investment:       investment,
		Involved:         f.involved,
		ThresholdPercent: p.ThresholdPercent,
		Inclusive:        p.Inclusive,
		Accumulated:      p.Accumulate,
	}
	for _, pd := range b.Prior {
		d.PriorInvolved = d.PriorInvolved.Add(pd.Involved)
	}
	d.Cumulative = d.PriorInvolved.Add(d.Involved)
	d.Measured = d.Involved
	if p.Accumulate {
		d.Measured = d.Cumulative
	}
	d.Comparison = d.Measured.Mul(hundred).Cmp(investment.Mul(p.ThresholdPercent))
	d.Kind = Major
	d.Article = ArticleMajor
	if d.Comparison < 0 || (d.Comparison == 0 && p.Inclusive) {
		d.Kind = Minor
		d.Article = ArticleMinor
	}
	d.Threshold = investment.Mul(p.ThresholdPercent).Shift(-2)
	d.SharePercent = d.Measured.Mul(hundred).DivRound(investment, 2)
	d.Approvers = []string{string(review.RoleBDB)}
	if b.FixedAsset {
		d.Approvers = append(d.Approvers, string(review.RoleDRC))
	}
	d.ZH, d.EN = explain(p, d)
	return d, nil
}

// check reports the findings of the basis: a plan not yet approved
// (第十一条 governs approved plans; before approval 第十八条 forbids
// spending), a base amount refused under 附件1 or a zero investment
// (第十一条 measures a change as a share of it), and a prior change that is
// major (第十一条第（二）项), was assessed against another base, or carries
// an amount refused under 附件1.
func (b Basis) check() []review.Finding {
	var fs []review.Finding
	if !b.Approved {
		fs = append(fs, review.Finding{
			Code: CodeNotApproved, Article: Article, Field: "approved",
			ZH: "项目方案尚未审核同意：第十一条的变更程序只适用于审核同意后的项目；审核通过前应修改申报材料，且依第十八条不得投入资金",
			EN: "the project plan is not approved: the change procedure of 第十一条 applies only after approval; before it the unit amends its declaration, and under 第十八条 it may not spend",
		})
	}
	var baseFs []review.Finding
	for _, s := range review.FundingSources() {
		baseFs = append(baseFs, checkAmount("base."+string(s), b.Base.Get(s))...)
	}
	fs = append(fs, baseFs...)
	if len(baseFs) == 0 && !b.Base.Total().IsPositive() {
		fs = append(fs, review.Finding{
			Code: CodeBaseZero, Article: Article, Field: "base",
			ZH: "项目投资额为零，无法计算变更金额所占比例（第十一条按项目投资额的比例划分变更程序）",
			EN: "the project investment is zero; no share of it can be measured (第十一条 measures a change as a share of it)",
		})
	}
	for i, d := range b.Prior {
		field := fmt.Sprintf("prior[%d]", i)
		if d.Kind != Minor {
			fs = append(fs, review.Finding{
				Code: CodePriorMajor, Article: ArticleMajor, Field: field + ".kind",
				ZH: field + " 不是已批准的一般变更：重大变更经重新申报审核同意后应以新投资额重设基数，不再计入累计",
				EN: field + " is not an approved minor change: after a major change the re-approved plan resets the base and the prior changes",
			})
		}
		if !d.Base.Equal(b.Base) {
			fs = append(fs, priorBaseMismatch(field+".base"))
		}
		fs = append(fs, checkAmount(field+".involved", d.Involved)...)
		for _, s := range review.FundingSources() {
			fs = append(fs, checkMagnitude(field+".net."+string(s), d.Net.Get(s))...)
		}
	}
	return fs
}

// priorBaseMismatch is the finding of a prior change assessed against
// another base.
func priorBaseMismatch(field string) review.Finding {
	return review.Finding{
		Code: CodePriorBaseMismatch, Article: Article, Field: field,
		ZH: field + " 的基数与本项目当前的项目投资额基数不一致：该变更是按另一个基数评估的",
		EN: field + " was assessed against another project investment than this basis holds",
	}
}

// exceeds reports funding sources whose old amounts add up to more than
// the source holds before the change: the change would take out content
// the budget does not have, which no written change under 第十一条 can
// approve.
func exceeds(r Request, current, old review.Budget) []review.Finding {
	var fs []review.Finding
	for _, s := range review.FundingSources() {
		if old.Get(s).Cmp(current.Get(s)) <= 0 {
			continue
		}
		field := "prior"
		for i, it := range r.Items {
			if it.Source == s {
				field = fmt.Sprintf("items[%d].old", i)
			}
		}
		fs = append(fs, review.Finding{
			Code: CodeExceedsBudget, Article: Article, Field: field,
			ZH: fmt.Sprintf("%s：%s原有金额合计 %s 万元，超过变更前该来源的预算 %s 万元", field, s.ZH(), old.Get(s).String(), current.Get(s).String()),
			EN: fmt.Sprintf("%s: the old amounts from %s add up to %s 万元, more than the %s 万元 that source holds before the change", field, s.EN(), old.Get(s).String(), current.Get(s).String()),
		})
	}
	return fs
}

// cloneRequest copies r so that a Decision does not share its items.
func cloneRequest(r Request) Request {
	return Request{Reason: r.Reason, Items: slices.Clone(r.Items)}
}

// explain writes the decision in Chinese and English.
func explain(p Policy, d Decision) (zh, en string) {
	var z, e strings.Builder
	fmt.Fprintf(&z, "本次变更涉及金额 %s 万元", d.Involved.String())
	fmt.Fprintf(&e, "This change involves %s 万元", d.Involved.String())
	if p.Accumulate && !d.PriorInvolved.IsZero() {
		fmt.Fprintf(&z, "，连同此前已批准的变更 %s 万元，累计 %s 万元", d.PriorInvolved.String(), d.Cumulative.String())
		fmt.Fprintf(&e, "; with %s 万元 of changes approved before, %s 万元 in all", d.PriorInvolved.String(), d.Cumulative.String())
	}
	baseZH, baseEN := "经审核同意的项目投资额", "the project investment as approved"
	if p.Base == BaseCurrent {
		baseZH, baseEN = "变更前的项目投资额", "the project investment before the change"
	}
	var cmpZH, cmpEN string
	switch {
	case d.Kind == Minor && p.Inclusive:
		cmpZH, cmpEN = "不超过", "does not exceed"
	case d.Kind == Minor:
		cmpZH, cmpEN = "低于", "is below"
	case p.Inclusive:
		cmpZH, cmpEN = "超过", "exceeds"
	default:
		cmpZH, cmpEN = "达到或超过", "reaches or exceeds"
	}
	fmt.Fprintf(&z, "（约占 %s%%），%s%s %s 万元的 %s%%（%s 万元）。",
		d.SharePercent.String(), cmpZH, baseZH, d.Investment.String(), d.ThresholdPercent.String(), d.Threshold.String())
	fmt.Fprintf(&e, " (about %s%%), which %s %s%% of %s, %s 万元 (%s 万元). ",
		d.SharePercent.String(), cmpEN, d.ThresholdPercent.String(), baseEN, d.Investment.String(), d.Threshold.String())
	to, toEN := "区大数据发展局", "the Big Data Bureau (bdb)"
	if d.FixedAsset {
		to, toEN = "区大数据发展局和区发展改革委", "the Big Data Bureau (bdb) and the Development and Reform Commission (drc)"
	}
	if d.Kind == Minor {
		fmt.Fprintf(&z, "依%s，项目单位编制变更说明，报%s批准后实施。", ArticleMinor, to)
		fmt.Fprintf(&e, "Under %s the unit writes a change explanation (变更说明) for approval by %s before carrying it out.", ArticleMinor, toEN)
	} else {
		fmt.Fprintf(&z, "依%s，项目单位书面报%s，重新编制项目方案，并按项目申报、立项程序重新申报。", ArticleMajor, to)
		fmt.Fprintf(&e, "Under %s the unit reports it in writing to %s, re-prepares the project plan and re-declares it through the declaration and initiation procedure.", ArticleMajor, toEN)
	}
	return z.String(), e.String()
}
