package review

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"

	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/shopspring/decimal"
)

// MaxScale is the number of decimal places of 万元 an amount may carry: six
// places of 万元 is one fen (分), the smallest unit of the renminbi.
// 附件1 asks for amounts in 万元; anything finer than a fen is not money.
const MaxScale = 6

// FundingSource is one of the four funding columns of the declaration form
// (附件1 资金预算): 中央财政资金, 市财政资金, 区财政资金 and 自有资金.
type FundingSource string

// The funding sources of 附件1, with their JSON names.
const (
	Central    FundingSource = "central"     // 中央财政资金
	Municipal  FundingSource = "municipal"   // 市财政资金
	District   FundingSource = "district"    // 区财政资金
	SelfFunded FundingSource = "self_funded" // 自有资金
)

// FundingSources lists the sources in the order of the form's columns.
func FundingSources() []FundingSource {
	return []FundingSource{Central, Municipal, District, SelfFunded}
}

// Valid reports whether s is one of the four sources of 附件1.
func (s FundingSource) Valid() bool {
	switch s {
	case Central, Municipal, District, SelfFunded:
		return true
	}
	return false
}

// ZH returns the form's Chinese label for the source.
func (s FundingSource) ZH() string {
	switch s {
	case Central:
		return "中央财政资金"
	case Municipal:
		return "市财政资金"
	case District:
		return "区财政资金"
	case SelfFunded:
		return "自有资金"
	}
	return string(s)
}

// EN returns an English label for the source.
func (s FundingSource) EN() string {
	switch s {
	case Central:
		return "central government funds"
	case Municipal:
		return "municipal funds"
	case District:
		return "district funds"
	case SelfFunded:
		return "self-raised funds"
	}
	return string(s)
}

// Budget is a project's investment by funding source, in 万元, as on the
// declaration form (附件1 资金预算). It is an immutable value: every
// operation returns a new Budget. The zero value is a budget of zero.
//
// In JSON each amount is a decimal string ("123.45") so that no client
// parses money as a float; the total is written for convenience and never
// read back as a fact: a declaration keeps the declared 合计 apart
// (Declaration.DeclaredTotal) and its validation compares it with the sum.
type Budget struct {
	// Central is 中央财政资金, in 万元.
	Central decimal.Decimal
	// Municipal is 市财政资金, in 万元.
	Municipal decimal.Decimal
	// District is 区财政资金, in 万元.
	District decimal.Decimal
	// SelfFunded is 自有资金, in 万元.
	SelfFunded decimal.Decimal
}

// NewBudget builds a budget from decimal strings in the order of
// FundingSources (central, municipal, district, self_funded). An empty
// string is zero. Amounts are read as Budget.UnmarshalJSON reads them: in
// plain decimal notation ("12.5", not "1.25e1"), exactly, and within the
// same sanity limits, so no text makes the arithmetic that follows
// expensive. A malformed amount is an *Error with one finding per
// offending source, its Field naming it (e.g. "budget.municipal").
func NewBudget(central, municipal, district, selfFunded string) (Budget, error) {
	var (
		b  Budget
		fs []Finding
	)
	for i, s := range []string{central, municipal, district, selfFunded} {
		src := FundingSources()[i]
		d, present, f := parseAmountText("budget."+string(src), s)
		fs = append(fs, f...)
		if present && len(f) == 0 {
			b = b.With(src, d)
		}
	}
	if len(fs) > 0 {
		return Budget{}, &Error{Findings: fs}
	}
	return b, nil
}

// MustBudget is NewBudget for literals in tests and examples; it panics on a
// malformed amount.
func MustBudget(central, municipal, district, selfFunded string) Budget {
	b, err := NewBudget(central, municipal, district, selfFunded)
	if err != nil {
		panic(err)
	}
	return b
}

// Get returns the amount of one source; an unknown source has zero.
func (b Budget) Get(s FundingSource) decimal.Decimal {
	switch s {
	case Central:
		return b.Central
	case Municipal:
		return b.Municipal
	case District:
		return b.District
	case SelfFunded:
		return b.SelfFunded
	}
	return decimal.Zero
}

// With returns a copy of b with source s set to amount. An unknown source
// leaves b unchanged.
func (b Budget) With(s FundingSource, amount decimal.Decimal) Budget {
	switch s {
	case Central:
		b.Central = amount
	case Municipal:
		b.Municipal = amount
	case District:
		b.District = amount
	case SelfFunded:
		b.SelfFunded = amount
	}
	return b
}

// Total is the sum of the four sources (附件1 合计).
func (b Budget) Total() decimal.Decimal {
	return b.Central.Add(b.Municipal).Add(b.District).Add(b.SelfFunded)
}

// Add returns the source-by-source sum of b and o.
func (b Budget) Add(o Budget) Budget {
	return Budget{
		Central:    b.Central.Add(o.Central),
		Municipal:  b.Municipal.Add(o.Municipal),
		District:   b.District.Add(o.District),
		SelfFunded: b.SelfFunded.Add(o.SelfFunded),
	}
}

// Sub returns the source-by-source difference b − o (the change from o to b
// when b is the newer budget).
func (b Budget) Sub(o Budget) Budget {
	return Budget{
		Central:    b.Central.Sub(o.Central),
		Municipal:  b.Municipal.Sub(o.Municipal),
		District:   b.District.Sub(o.District),
		SelfFunded: b.SelfFunded.Sub(o.SelfFunded),
	}
}

// Equal reports whether every source has the same amount (2.50 equals 2.5).
func (b Budget) Equal(o Budget) bool {
	return b.Central.Equal(o.Central) && b.Municipal.Equal(o.Municipal) &&
		b.District.Equal(o.District) && b.SelfFunded.Equal(o.SelfFunded)
}

// IsZero reports whether every source is zero.
func (b Budget) IsZero() bool {
	return b.Central.IsZero() && b.Municipal.IsZero() && b.District.IsZero() && b.SelfFunded.IsZero()
}

// Share returns the share of source s in the total as a fraction rounded
// half-even to places decimal places (e.g. 4 places gives 0.3333 for a
// third). The share of an empty budget is zero. It is for display: no rule
// decides on a rounded share.
func (b Budget) Share(s FundingSource, places int32) decimal.Decimal {
	total := b.Total()
	if total.IsZero() {
		return decimal.Zero
	}
	// Division to places+2 digits, then banker's rounding to places.
	return b.Get(s).DivRound(total, places+2).RoundBank(places)
}

// Check reports the findings of the amounts themselves (附件1): each must be
// non-negative and carry at most MaxScale decimal places of 万元. The field
// of each finding is prefix + "." + the source's JSON name.
func (b Budget) Check(prefix string) []Finding {
	var fs []Finding
	for _, s := range FundingSources() {
		fs = append(fs, CheckAmount(prefix+"."+string(s), b.Get(s))...)
	}
	return fs
}

// CheckAmount reports the findings of one amount in 万元 (附件1): negative,
// or finer than one fen (more than MaxScale decimal places, ignoring
// trailing zeros).
func CheckAmount(field string, d decimal.Decimal) []Finding {
	var fs []Finding
	if d.IsNegative() {
		fs = append(fs, Finding{
			Code: "amount_negative", Article: "附件1", Field: field,
			ZH: fmt.Sprintf("%s 金额不能为负数（%s 万元）", field, d.String()),
			EN: fmt.Sprintf("%s must not be negative (%s 万元)", field, d.String()),
		})
	}
	if Scale(d) > MaxScale {
		fs = append(fs, Finding{
			Code: "amount_too_precise", Article: "附件1", Field: field,
			ZH: fmt.Sprintf("%s 金额最多保留 %d 位小数（万元，精确到分）：%s", field, MaxScale, d.String()),
			EN: fmt.Sprintf("%s may have at most %d decimal places of 万元 (one fen): %s", field, MaxScale, d.String()),
		})
	}
	return fs
}

// Scale returns the number of significant decimal places of d, ignoring
// trailing zeros: Scale(1.500) is 1, Scale(100) is 0.
func Scale(d decimal.Decimal) int32 {
	if d.IsZero() {
		return 0
	}
	exp := d.Exponent()
	if exp >= 0 {
		return 0
	}
	coef := d.Coefficient()
	ten := big.NewInt(10)
	q, r := new(big.Int), new(big.Int)
	places := -exp
	for places > 0 {
		q.QuoRem(coef, ten, r)
		if r.Sign() != 0 {
			break
		}
		coef, q = q, coef
		places--
	}
	return places
}

// MarshalJSON writes the four sources and their total (合计) as decimal
// strings, e.g. {"central":"100","municipal":"0","district":"20.5",
// "self_funded":"0","total":"120.5"}. Amounts are written by Budget itself,
// so the output does not depend on the decimal package's global settings.
func (b Budget) MarshalJSON() ([]byte, error) {
	return marshalBudget(b, b.Total()), nil
}

// UnmarshalJSON reads the four sources from decimal strings or JSON numbers,
// read exactly as written (never through a float). An absent source, null
// or "" (a blank cell of the form) is zero. A given "total" is read but not
// kept: the total of a Budget is always the sum of its sources; the
// declaration (Declaration.DeclaredTotal) keeps the declared 合计 so that its
// validation can compare it with the sum.
//
// Amounts must be written in plain decimal notation ("12.5", not "1.25e1").
// Unknown keys are refused rather than read as zero, so a misspelt source
// cannot silently lose money. Errors are *Error with one finding per
// offending key, Field being the key (e.g. "central").
func (b *Budget) UnmarshalJSON(data []byte) error {
	v, _, fs := parseBudget("", data)
	if len(fs) > 0 {
		return &Error{Findings: fs}
	}
	*b = v
	return nil
}

// budgetKeys are the keys of a budget object, in the form's order.
var budgetKeys = [...]string{"central", "municipal", "district", "self_funded", "total"}

// marshalBudget writes b with the given total as a JSON object of strings.
func marshalBudget(b Budget, total decimal.Decimal) []byte {
	buf := make([]byte, 0, 96)
	buf = append(buf, '{')
	for i, s := range FundingSources() {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendAmount(buf, string(s), b.Get(s))
	}
	buf = append(buf, ',')
	buf = appendAmount(buf, "total", total)
	return append(buf, '}')
}

// appendAmount appends "key":"amount" to buf.
func appendAmount(buf []byte, key string, d decimal.Decimal) []byte {
	buf = append(buf, '"')
	buf = append(buf, key...)
	buf = append(buf, `":"`...)
	buf = append(buf, d.String()...)
	return append(buf, '"')
}

// Input sanity limits of an amount's text. They are not rules of the
// measure: an amount of 10^18 万元 or with more than 32 decimal places is
// not money anyone declares, and refusing it keeps arithmetic bounded.
const (
	maxIntegerDigits  = 18
	maxFractionDigits = 32
)

// parseBudget reads a budget object. prefix is the JSON path of the object
// ("budget" in a declaration, "" for a bare Budget); field names of the
// findings are prefix + "." + key. The declared total is nil when absent.
func parseBudget(prefix string, data []byte) (Budget, *decimal.Decimal, []Finding) {
	field := func(key string) string {
		if prefix == "" {
			return key
		}
		return prefix + "." + key
	}
	objField := prefix
	if objField == "" {
		objField = "budget"
	}
	trimmed := trimJSONSpace(data)
	if string(trimmed) == "null" || len(trimmed) == 0 {
		return Budget{}, nil, nil
	}
	var raw map[string]json.RawMessage
	if err := jsonv1.Unmarshal(trimmed, &raw); err != nil {
		return Budget{}, nil, []Finding{{
			Code: "budget_not_object", Article: "附件1", Field: objField,
			ZH: fmt.Sprintf("%s 资金预算须为对象，按中央财政、市财政、区财政、自有资金分列金额（万元）", objField),
			EN: fmt.Sprintf("%s must be an object with the amounts (万元) of central, municipal, district and self_funded", objField),
		}}
	}
	var (
		b     Budget
		total *decimal.Decimal
		fs    []Finding
	)
	for _, key := range budgetKeys {
		v, ok := raw[key]
		if !ok {
			continue
		}
		d, present, f := parseAmount(field(key), v)
		if len(f) > 0 {
			fs = append(fs, f...)
			continue
		}
		if !present {
			continue
		}
		if key == "total" {
			total = &d
		} else {
			b = b.With(FundingSource(key), d)
		}
	}
	var unknown []string
	for key := range raw {
		known := false
		for _, k := range budgetKeys {
			if key == k {
				known = true
				break
			}
		}
		if !known {
			unknown = append(unknown, key)
		}
	}
	slices.Sort(unknown)
	for _, key := range unknown {
		fs = append(fs, Finding{
			Code: "budget_unknown_field", Article: "附件1", Field: field(key),
			ZH: fmt.Sprintf("%s 不是资金预算的栏目；资金来源只有 central（中央财政资金）、municipal（市财政资金）、district（区财政资金）、self_funded（自有资金）及 total（合计）", field(key)),
			EN: fmt.Sprintf("%s is not a column of the budget; the sources are central, municipal, district and self_funded, plus total", field(key)),
		})
	}
	if len(fs) > 0 {
		return Budget{}, nil, fs
	}
	return b, total, nil
}

// ParseAmount reads one amount in 万元 from a JSON string or number,
// exactly, with the one grammar every amount of the module is read with
// (budgets, contracts, change requests): an optional "-", digits, and
// optionally "." and more digits — no "+", no exponent, no "5." or ".5" —
// within the bounds of a declarable amount (at most MaxScale decimal
// places). present is false for a missing value, null and "" (a blank
// cell). The findings name field.
func ParseAmount(field string, raw json.RawMessage) (d decimal.Decimal, present bool, fs []Finding) {
	return parseAmount(field, raw)
}

// parseAmount reads one amount in 万元 from a JSON string or number, exactly.
// present is false for null and for "" (a blank cell).
func parseAmount(field string, raw json.RawMessage) (d decimal.Decimal, present bool, fs []Finding) {
	raw = trimJSONSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return decimal.Zero, false, nil
	}
	var text string
	switch c := raw[0]; {
	case c == '"':
		if err := jsonv1.Unmarshal(raw, &text); err != nil {
			return decimal.Zero, false, notDecimal(field, string(raw))
		}
	case c == '-' || (c >= '0' && c <= '9'):
		text = string(raw)
	default:
		return decimal.Zero, false, notDecimal(field, string(raw))
	}
	return parseAmountText(field, text)
}

// parseAmountText reads one amount in 万元 written in plain decimal
// notation, exactly, refusing text beyond the sanity limits before any
// arithmetic. present is false for "" (a blank cell).
func parseAmountText(field, text string) (d decimal.Decimal, present bool, fs []Finding) {
	if text == "" {
		return decimal.Zero, false, nil
	}
	intDigits, fracDigits, ok := plainDecimal(text)
	if !ok {
		return decimal.Zero, false, notDecimal(field, text)
	}
	if intDigits > maxIntegerDigits {
		return decimal.Zero, false, []Finding{{
			Code: "amount_too_large", Article: "附件1", Field: field,
			ZH: fmt.Sprintf("%s 金额超出可申报范围（整数部分超过 %d 位）", field, maxIntegerDigits),
			EN: fmt.Sprintf("%s is beyond any declarable amount (more than %d integer digits)", field, maxIntegerDigits),
		}}
	}
	if fracDigits > maxFractionDigits {
		return decimal.Zero, false, []Finding{{
			Code: "amount_too_precise", Article: "附件1", Field: field,
			ZH: fmt.Sprintf("%s 金额最多保留 %d 位小数（万元，精确到分）", field, MaxScale),
			EN: fmt.Sprintf("%s may have at most %d decimal places of 万元 (one fen)", field, MaxScale),
		}}
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return decimal.Zero, false, notDecimal(field, text)
	}
	return d, true, nil
}

// notDecimal is the finding of text that is not an amount, shown cut to a
// readable length.
func notDecimal(field, text string) []Finding {
	const maxShown = 40
	if r := []rune(text); len(r) > maxShown {
		text = string(r[:maxShown]) + "…"
	}
	return []Finding{{
		Code: "amount_not_decimal", Article: "附件1", Field: field,
		ZH: fmt.Sprintf("%s 须为以万元计的十进制金额，如 \"120.5\"，而不是 %s", field, text),
		EN: fmt.Sprintf("%s must be a decimal amount in 万元 such as \"120.5\", not %s", field, text),
	}}
}

// plainDecimal reports whether s is written -?digits(.digits)? and counts
// its integer digits (without leading zeros) and fraction digits.
func plainDecimal(s string) (intDigits, fracDigits int, ok bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return 0, 0, false
	}
	first := start // the first significant integer digit
	for first < i-1 && s[first] == '0' {
		first++
	}
	intDigits = i - first
	if i < len(s) {
		if s[i] != '.' {
			return 0, 0, false
		}
		i++
		fstart := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == fstart || i != len(s) {
			return 0, 0, false
		}
		fracDigits = i - fstart
	}
	return intDigits, fracDigits, true
}

// trimJSONSpace drops the JSON white space around b.
func trimJSONSpace(b []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// Value stores the budget in SQL as its JSON text, amounts as strings.
func (b Budget) Value() (driver.Value, error) {
	data, err := b.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return string(data), nil
}

// Scan reads a budget stored by Value, from TEXT/JSON/JSONB as string or bytes.
func (b *Budget) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*b = Budget{}
		return nil
	case string:
		return b.UnmarshalJSON([]byte(v))
	case []byte:
		return b.UnmarshalJSON(v)
	}
	return fmt.Errorf("review.Budget: cannot scan %T", src)
}
