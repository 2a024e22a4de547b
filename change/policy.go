package change

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/review"
)

// BaseReading says which investment the threshold of 第十一条 is measured
// against. The article says 项目投资额 (the project investment) without
// saying whether a change already approved moves it.
type BaseReading string

// The readings of 项目投资额.
const (
	// BaseApproved measures against the investment as approved (the Base
	// of the Basis), however many minor changes were approved since. A
	// project cannot raise its own threshold by first growing through
	// minor changes.
	BaseApproved BaseReading = "approved"
	// BaseCurrent measures against the investment as it stands before
	// this change: the approved base plus the net of the minor changes
	// approved since.
	BaseCurrent BaseReading = "current"
)

// ReplacementReading says how much a replacement involves: content X of an
// old amount taken out and content Y of a new amount put in its place
// (a LineItem with Replaces set).
type ReplacementReading string

// The readings of a replacement.
const (
	// ReplacementLarger: a replacement involves the larger of the content
	// taken out and the content put in, max(old, new). Swapping 50 万元 of
	// content for other content of 50 万元 involves 50 万元, not 0 (the net)
	// and not 100 (out plus in).
	ReplacementLarger ReplacementReading = "larger"
	// ReplacementSum: a replacement involves the content taken out plus
	// the content put in, old + new, as if it were a removal and an
	// addition. Swapping 50 万元 for 50 万元 involves 100 万元.
	ReplacementSum ReplacementReading = "sum"
)

// Policy is the reading of 第十一条 that Assess applies: the threshold that
// separates a change explanation (第十一条第（一）项) from a re-declaration
// (第十一条第（二）项), and the choices the article leaves open. Yubei2019
// returns the default reading; a rule maintainer who revises the measure
// changes a field here and the test that pins it.
//
// The amount involved (所涉及金额) is always the value of the content
// changed, never the net change of the total: increases are not netted
// against decreases of other content, so a project cannot replace half of
// its content at zero net and call the change small. See LineItem and
// Assess for the exact formula.
//
// The zero Policy is invalid (Assess refuses it), so a forgotten policy
// never silently decides.
type Policy struct {
	// Name identifies the reading in decisions and logs, e.g.
	// "渝北府办发〔2019〕26号 第十一条".
	Name string `json:"name"`
	// ThresholdPercent is P in "所涉及金额不超过项目投资额 P%": 10 in
	// 第十一条. It must be positive and may carry decimals (7.5). The
	// decision compares involved × 100 with investment × P, without
	// division.
	ThresholdPercent decimal.Decimal `json:"threshold_percent"`
	// Inclusive makes an amount of exactly P% of the investment minor:
	// 第十一条第（一）项 says 不超过 (not exceeding, so ≤) and
	// 第十一条第（二）项 says 超过 (exceeding, so >). False makes exactly
	// P% major (a reading of "below P%").
	Inclusive bool `json:"inclusive"`
	// Accumulate measures the amount involved in this change plus that of
	// every minor change approved since the base was set (Basis.Prior), so
	// one change split into several cannot slip under the threshold. False
	// measures each change on its own (the cumulative figure is still
	// reported).
	Accumulate bool `json:"accumulate"`
	// Base is the investment the threshold is measured against; see
	// BaseReading.
	Base BaseReading `json:"base"`
	// Replacement is how much a replacement of content involves; see
	// ReplacementReading.
	Replacement ReplacementReading `json:"replacement"`
}

// Yubei2019 returns the reading of 第十一条 of 渝北府办发〔2019〕26号 that the
// library applies by default: 10% of the investment as approved, inclusive
// (不超过 is minor, 超过 is major), changes accumulated since the approval,
// and a replacement involving the larger of the content taken out and the
// content put in.
func Yubei2019() Policy {
	return Policy{
		Name:             "渝北府办发〔2019〕26号 第十一条",
		ThresholdPercent: decimal.NewFromInt(10),
		Inclusive:        true,
		Accumulate:       true,
		Base:             BaseApproved,
		Replacement:      ReplacementLarger,
	}
}

// Check reports the findings of the policy itself, the reading of 第十一条
// that the findings cite: a threshold that is not positive, is 10^15 or
// more, or is written with more than 64 decimal places or a decimal
// exponent beyond ±64, or a reading this package does not know. Field
// names are prefixed with "policy.".
func (p Policy) Check() []review.Finding {
	var fs []review.Finding
	switch tp := p.ThresholdPercent; {
	case outOfScale(tp):
		// Refused before anything prints or computes with it.
		fs = append(fs, policyFinding("policy.threshold_percent",
			fmt.Sprintf("变更阈值百分比的写法超出范围（小数位数或十进制指数超过 %d）", maxExponent),
			fmt.Sprintf("the threshold percent is written with more than %d decimal places or a decimal exponent beyond ±%d", maxExponent, maxExponent)))
	case !tp.IsPositive():
		fs = append(fs, policyFinding("policy.threshold_percent",
			fmt.Sprintf("变更阈值百分比必须为正数（当前为 %s）", tp.String()),
			fmt.Sprintf("the threshold percent must be positive (got %s)", tp.String())))
	case tooLarge(tp):
		fs = append(fs, policyFinding("policy.threshold_percent",
			fmt.Sprintf("变更阈值百分比过大（%s）", tp.String()),
			fmt.Sprintf("the threshold percent is too large (%s)", tp.String())))
	}
	switch p.Base {
	case BaseApproved, BaseCurrent:
	default:
		fs = append(fs, policyFinding("policy.base",
			fmt.Sprintf("未知的项目投资额口径 %q（应为 approved 或 current）", string(p.Base)),
			fmt.Sprintf("unknown reading of the project investment %q (want approved or current)", string(p.Base))))
	}
	switch p.Replacement {
	case ReplacementLarger, ReplacementSum:
	default:
		fs = append(fs, policyFinding("policy.replacement",
			fmt.Sprintf("未知的替换内容计算口径 %q（应为 larger 或 sum）", string(p.Replacement)),
			fmt.Sprintf("unknown reading of a replacement %q (want larger or sum)", string(p.Replacement))))
	}
	return fs
}

// Validate returns a *review.Error with the findings of Check, or nil.
func (p Policy) Validate() error {
	return errorOf(p.Check())
}

// policyFinding is a change_policy_invalid finding at field.
func policyFinding(field, zh, en string) review.Finding {
	return review.Finding{Code: CodePolicyInvalid, Article: Article, Field: field, ZH: zh, EN: en}
}
