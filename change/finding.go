package change

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/review"
)

// The articles this package cites.
const (
	// Article is 第十一条 as a whole: no change after approval without
	// written approval, and the procedures of its two items.
	Article = "第十一条"
	// ArticleMinor is the item for a change whose amount involved does not
	// exceed 10% of the project investment: a change explanation (变更说明)
	// approved by the bureau.
	ArticleMinor = "第十一条第（一）项"
	// ArticleMajor is the item for a change whose amount involved exceeds
	// 10% of the project investment: re-prepare the plan and re-declare.
	ArticleMajor = "第十一条第（二）项"
	// ArticleForm is the declaration form whose funding sources and amounts
	// in 万元 the line items use.
	ArticleForm = "附件1"
)

// Codes of the findings this package reports, stable across releases. The
// amount findings of review.CheckAmount ("amount_negative",
// "amount_too_precise") are reported as well.
const (
	// CodeNotApproved: a change was requested for a project whose plan is
	// not approved; 第十一条 applies only after approval, and 第十八条
	// forbids spending on an unapproved project.
	CodeNotApproved = "change_not_approved"
	// CodeReasonBlank: the written reason (书面, 第十一条) is missing.
	CodeReasonBlank = "change_reason_blank"
	// CodeItemsEmpty: the request has no line items.
	CodeItemsEmpty = "change_items_empty"
	// CodeItemBlank: a line item does not name its content.
	CodeItemBlank = "change_item_blank"
	// CodeItemUnchanged: a line item changes nothing (same amount, same
	// content), or a replacement of nothing by nothing.
	CodeItemUnchanged = "change_item_unchanged"
	// CodeItemDuplicate: two line items change the same content from the
	// same funding source.
	CodeItemDuplicate = "change_item_duplicate"
	// CodeReplacesSelf: a line item replaces the content it names.
	CodeReplacesSelf = "change_replaces_self"
	// CodeItemMalformed: a line item is not a JSON object of the expected
	// shape.
	CodeItemMalformed = "change_item_malformed"
	// CodeRequestMalformed: the request is not a JSON object of the
	// expected shape.
	CodeRequestMalformed = "change_request_malformed"
	// CodeFieldUnknown: a key a change request or line item does not have
	// (a misspelt "reason" or "replaces" would otherwise be lost silently
	// from a written request, 第十一条).
	CodeFieldUnknown = "change_field_unknown"
	// CodeSourceUnknown: a funding source that is not one of the four of
	// 附件1.
	CodeSourceUnknown = "change_source_unknown"
	// CodeAmountMalformed: an amount that is not a decimal number, or is
	// not written as one any budget needs (longer than 64 characters, more
	// than 64 decimal places, a decimal exponent beyond ±64).
	CodeAmountMalformed = "amount_malformed"
	// CodeAmountTooLarge: an amount of 10^15 万元 or more, which no
	// project budget reaches.
	CodeAmountTooLarge = "amount_too_large"
	// CodeExceedsBudget: the old amounts of one funding source add up to
	// more than that source holds in the budget being changed.
	CodeExceedsBudget = "change_exceeds_budget"
	// CodeBaseZero: the project investment is zero, so no share of it can
	// be measured.
	CodeBaseZero = "change_base_zero"
	// CodePriorMajor: a prior change in the basis was major; an approved
	// re-declaration resets the base (Basis.Rebased) instead.
	CodePriorMajor = "change_prior_major"
	// CodePriorBaseMismatch: a prior change was assessed against another
	// base than the basis holds.
	CodePriorBaseMismatch = "change_prior_base_mismatch"
	// CodeRedeclare: a major change cannot be recorded as a prior change;
	// the project is re-declared (第十一条第（二）项).
	CodeRedeclare = "change_redeclare"
	// CodePolicyInvalid: the Policy has a threshold or reading that cannot
	// decide.
	CodePolicyInvalid = "change_policy_invalid"
)

// maxIntegerDigits bounds amounts below 10^15 万元; larger values are not
// money of any project and would only make exact arithmetic expensive.
const maxIntegerDigits = 15

// maxExponent bounds the decimal exponent of an amount: one written with
// more than this many decimal places, or scaled by a larger power of ten,
// is refused before any arithmetic, whose cost grows with the exponent.
// The bound holds whatever the decimal package's own decoding limits are.
const maxExponent = 64

// outOfScale reports whether d's exponent lies beyond ±maxExponent.
func outOfScale(d decimal.Decimal) bool {
	e := d.Exponent()
	return e < -maxExponent || e > maxExponent
}

// tooLarge reports whether |d| ≥ 10^maxIntegerDigits. It never rescales d,
// so it is cheap for any exponent.
func tooLarge(d decimal.Decimal) bool {
	if d.IsZero() {
		return false
	}
	exp := int64(d.Exponent())
	if exp > maxIntegerDigits {
		return true
	}
	coef := d.Coefficient()
	if exp <= 0 && coef.BitLen() <= 49 { // |coef| < 2^49 < 10^15
		return false
	}
	// |coef| has n digits, so 10^(n-1+exp) ≤ |d| < 10^(n+exp).
	n := int64(len(coef.Abs(coef).String()))
	return n+exp > maxIntegerDigits
}

// checkAmount reports the findings of one amount in 万元: those of
// review.CheckAmount (negative, finer than a fen) and a magnitude no
// budget reaches.
func checkAmount(field string, d decimal.Decimal) []review.Finding {
	fs := checkMagnitude(field, d)
	if len(fs) > 0 {
		return fs
	}
	return review.CheckAmount(field, d)
}

// checkMagnitude reports an amount of 10^15 万元 or more, one written with
// an exponent beyond ±maxExponent, and one finer than a fen, for amounts
// that may be negative (a net change). It does no arithmetic on d before
// the first two checks pass.
func checkMagnitude(field string, d decimal.Decimal) []review.Finding {
	if tooLarge(d) {
		return []review.Finding{{
			Code: CodeAmountTooLarge, Article: ArticleForm, Field: field,
			ZH: fmt.Sprintf("%s 金额过大（不得达到 10^%d 万元）", field, maxIntegerDigits),
			EN: fmt.Sprintf("%s is too large (must be below 10^%d 万元)", field, maxIntegerDigits),
		}}
	}
	if outOfScale(d) {
		return []review.Finding{{
			Code: CodeAmountMalformed, Article: ArticleForm, Field: field,
			ZH: fmt.Sprintf("%s 的写法超出范围（小数位数或十进制指数超过 %d），请写成普通的十进制金额", field, maxExponent),
			EN: fmt.Sprintf("%s is written with more than %d decimal places or a decimal exponent beyond ±%d; write it as a plain decimal amount", field, maxExponent, maxExponent),
		}}
	}
	if review.Scale(d) > review.MaxScale {
		return review.CheckAmount(field, d.Abs())
	}
	return nil
}

// errorOf returns nil for no findings and a *review.Error otherwise.
func errorOf(fs []review.Finding) error {
	if len(fs) == 0 {
		return nil
	}
	return &review.Error{Findings: fs}
}
