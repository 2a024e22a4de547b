package change

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/review"
)

// LineItem is one line of a change: the content named Item, funded from
// Source, goes from Old to New 万元. Amounts are non-negative with at most
// six decimal places of 万元 (one fen), as on the declaration form (附件1).
//
//   - An adjustment of existing content has Old and New as they stand
//     before and after the change.
//   - An added item has Old zero; a removed item has New zero.
//   - A replacement sets Replaces to the content taken out (X, of amount
//     Old) and Item to the content put in its place (Y, of amount New).
//     Replacing content at equal cost (a swap) has Old equal to New and is
//     still a change of content.
//
// Content funded from several sources is one line per source with the
// same Item (and, for a replacement, the same Replaces).
//
// What a line involves under 第十一条 (Assess has the exact formula): an
// adjustment |New − Old|, an added item New, a removed item Old, a
// replacement the larger of Old and New under Yubei2019 (so a swap of 50
// for 50 involves 50), and funding of the same content moved between
// sources the amount moved, once.
//
// In JSON (names snake_case) amounts are decimal strings, read exactly and
// never through a float; a JSON number is accepted and read exactly too, a
// missing, null or empty amount is zero, and an amount written in more than
// 64 characters is refused unread (CodeAmountMalformed):
//
//	{"item":"机房改造","source":"district","old":"50","new":"50","replaces":"布线"}
type LineItem struct {
	// Item names the content (after the change, for a replacement).
	Item string `json:"item"`
	// Source is the funding column of 附件1 the amounts belong to.
	Source review.FundingSource `json:"source"`
	// Old is the amount in 万元 before the change; zero for added content.
	Old decimal.Decimal `json:"old"`
	// New is the amount in 万元 after the change; zero for removed content.
	New decimal.Decimal `json:"new"`
	// Replaces names the content taken out when Item replaces it; empty
	// for an adjustment, addition or removal of Item itself.
	Replaces string `json:"replaces,omitempty"`
}

// IsReplacement reports whether the line replaces other content.
func (it LineItem) IsReplacement() bool {
	return strings.TrimSpace(it.Replaces) != ""
}

// Net is the change of the line's amount, New − Old (negative for a cut).
func (it LineItem) Net() decimal.Decimal {
	return it.New.Sub(it.Old)
}

// Request is a change of an approved project's content or investment, put
// in writing to the bureau (第十一条): the written reason and the line items
// by funding source. Its JSON form is
//
//	{"reason":"…","items":[{"item":"服务器","source":"district","old":"50","new":"60"}, …]}
type Request struct {
	// Reason is the written reason for the change (书面, 第十一条); it must
	// not be blank.
	Reason string `json:"reason"`
	// Items are the line items of the change; there must be at least one,
	// and each must change something.
	Items []LineItem `json:"items"`
}

// Check reports the findings of the request on its own: a blank reason (a
// change is made in writing, 第十一条), no items, and for each item (field
// "items[i].…") blank content, an unknown funding source, a negative,
// over-precise or huge amount (附件1), a line that changes nothing, content
// that replaces itself, or the same content and source twice. It does not
// look at the budget; Assess does.
func (r Request) Check() []review.Finding {
	var fs []review.Finding
	if review.IsBlank(r.Reason) {
		fs = append(fs, review.Finding{
			Code: CodeReasonBlank, Article: Article, Field: "reason",
			ZH: "变更须书面说明理由（第十一条），reason 不能为空",
			EN: "a change must be put in writing (第十一条): reason must not be blank",
		})
	}
	if len(r.Items) == 0 {
		fs = append(fs, review.Finding{
			Code: CodeItemsEmpty, Article: Article, Field: "items",
			ZH: "变更未列出任何调整事项（items 为空）",
			EN: "the change lists no line items (items is empty)",
		})
	}
	type key struct {
		item, replaces string
		source         review.FundingSource
	}
	seen := make(map[key]int, len(r.Items))
	for i, it := range r.Items {
		fs = append(fs, it.check(fmt.Sprintf("items[%d]", i))...)
		k := key{strings.TrimSpace(it.Item), strings.TrimSpace(it.Replaces), it.Source}
		if k.item == "" || !it.Source.Valid() {
			continue
		}
		if j, dup := seen[k]; dup {
			fs = append(fs, review.Finding{
				Code: CodeItemDuplicate, Article: Article, Field: fmt.Sprintf("items[%d]", i),
				ZH: fmt.Sprintf("items[%d] 与 items[%d] 是同一内容（%s）同一资金来源（%s）的重复调整", i, j, k.item, it.Source.ZH()),
				EN: fmt.Sprintf("items[%d] repeats items[%d]: the same content (%s) from the same source (%s)", i, j, k.item, it.Source.EN()),
			})
			continue
		}
		seen[k] = i
	}
	return fs
}

// Validate returns a *review.Error with the findings of Check, or nil.
func (r Request) Validate() error {
	return errorOf(r.Check())
}

// check reports the findings of one line item at field (e.g. "items[2]").
func (it LineItem) check(field string) []review.Finding {
	var fs []review.Finding
	item := strings.TrimSpace(it.Item)
	if item == "" {
		fs = append(fs, review.Finding{
			Code: CodeItemBlank, Article: Article, Field: field + ".item",
			ZH: field + ".item 未写明变更的内容",
			EN: field + ".item does not name the content changed",
		})
	}
	if !it.Source.Valid() {
		fs = append(fs, review.Finding{
			Code: CodeSourceUnknown, Article: ArticleForm, Field: field + ".source",
			ZH: fmt.Sprintf("%s.source 资金来源 %q 不是申报表的四类之一（central、municipal、district、self_funded）", field, string(it.Source)),
			EN: fmt.Sprintf("%s.source %q is not one of the four funding sources of the form (central, municipal, district, self_funded)", field, string(it.Source)),
		})
	}
	amounts := checkAmount(field+".old", it.Old)
	amounts = append(amounts, checkAmount(field+".new", it.New)...)
	fs = append(fs, amounts...)
	if len(amounts) > 0 {
		return fs
	}
	if it.IsReplacement() {
		if strings.TrimSpace(it.Replaces) == item && item != "" {
			fs = append(fs, review.Finding{
				Code: CodeReplacesSelf, Article: Article, Field: field + ".replaces",
				ZH: fmt.Sprintf("%s.replaces 与 item 相同（%s）：替换须是不同的内容，同一内容的金额调整不填 replaces", field, item),
				EN: fmt.Sprintf("%s.replaces equals item (%s): a replacement puts in other content; an adjustment of the same content leaves replaces empty", field, item),
			})
		} else if it.Old.IsZero() && it.New.IsZero() {
			fs = append(fs, review.Finding{
				Code: CodeItemUnchanged, Article: Article, Field: field,
				ZH: field + " 以零金额内容替换零金额内容，不涉及任何金额",
				EN: field + " replaces content of zero amount with content of zero amount and involves nothing",
			})
		}
	} else if it.Old.Equal(it.New) {
		fs = append(fs, review.Finding{
			Code: CodeItemUnchanged, Article: Article, Field: field,
			ZH: fmt.Sprintf("%s 的金额未变（%s 万元），内容也未替换，不构成变更", field, it.Old.String()),
			EN: fmt.Sprintf("%s keeps its amount (%s 万元) and replaces nothing: it changes nothing", field, it.Old.String()),
		})
	}
	return fs
}

// figures are the exact measures of one request.
type figures struct {
	net, increase, decrease, old review.Budget
	involved                     decimal.Decimal
}

// measure computes the figures of a request that passed Check; the amount
// involved follows the formula documented on Assess (第十一条).
func measure(p Policy, r Request) figures {
	type key struct{ item, replaces string }
	type sums struct{ inc, dec, old, new decimal.Decimal }
	var f figures
	var order []key
	groups := make(map[key]*sums, len(r.Items))
	for _, it := range r.Items {
		k := key{strings.TrimSpace(it.Item), strings.TrimSpace(it.Replaces)}
		g, ok := groups[k]
		if !ok {
			g = &sums{}
			groups[k] = g
			order = append(order, k)
		}
		d := it.Net()
		s := it.Source
		f.net = f.net.With(s, f.net.Get(s).Add(d))
		f.old = f.old.With(s, f.old.Get(s).Add(it.Old))
		if d.IsPositive() {
			f.increase = f.increase.With(s, f.increase.Get(s).Add(d))
			g.inc = g.inc.Add(d)
		} else {
			f.decrease = f.decrease.With(s, f.decrease.Get(s).Sub(d))
			g.dec = g.dec.Sub(d)
		}
		g.old = g.old.Add(it.Old)
		g.new = g.new.Add(it.New)
	}
	for _, k := range order {
		g := groups[k]
		switch {
		case k.replaces == "":
			f.involved = f.involved.Add(decimal.Max(g.inc, g.dec))
		case p.Replacement == ReplacementSum:
			f.involved = f.involved.Add(g.old).Add(g.new)
		default:
			f.involved = f.involved.Add(decimal.Max(g.old, g.new))
		}
	}
	return f
}

// Involved returns the amount the request involves under policy p (see
// Assess for the formula). It is meaningful only for a request without
// findings.
func (r Request) Involved(p Policy) decimal.Decimal {
	return measure(p, r).involved
}

// lineItemJSON is the JSON form of a LineItem, amounts as strings.
type lineItemJSON struct {
	Item     string               `json:"item"`
	Source   review.FundingSource `json:"source"`
	Old      string               `json:"old"`
	New      string               `json:"new"`
	Replaces string               `json:"replaces,omitempty"`
}

// MarshalJSON writes the line with its amounts as decimal strings.
func (it LineItem) MarshalJSON() ([]byte, error) {
	return json.Marshal(lineItemJSON{it.Item, it.Source, it.Old.String(), it.New.String(), it.Replaces})
}

// UnmarshalJSON reads a line, its amounts exactly from decimal strings or
// JSON numbers. A malformed amount is a *review.Error naming "old" or
// "new".
func (it *LineItem) UnmarshalJSON(data []byte) error {
	v, fs := decodeItem(data, "")
	if len(fs) > 0 {
		return errorOf(fs)
	}
	*it = v
	return nil
}

// UnmarshalJSON reads a request. Every malformed part is reported at once
// in a *review.Error whose findings name the field, e.g. "items[2].old".
// It does not run Check: a request that decodes may still be refused by
// Validate or Assess.
func (r *Request) UnmarshalJSON(data []byte) error {
	var raw struct {
		Reason json.RawMessage `json:"reason"`
		Items  json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return errorOf([]review.Finding{malformed(CodeRequestMalformed, "",
			"变更申请须是包含 reason 与 items 的 JSON 对象", "a change request must be a JSON object with reason and items")})
	}
	fs := unknownKeys(data, "", "reason", "items")
	reason, ok := decodeString(raw.Reason)
	if !ok {
		fs = append(fs, malformed(CodeRequestMalformed, "reason", "reason 须是字符串", "reason must be a string"))
	}
	var elems []json.RawMessage
	if !isNull(raw.Items) {
		if err := json.Unmarshal(raw.Items, &elems); err != nil {
			fs = append(fs, malformed(CodeRequestMalformed, "items", "items 须是数组", "items must be an array"))
		}
	}
	var items []LineItem
	if elems != nil {
		items = make([]LineItem, 0, len(elems))
	}
	for i, e := range elems {
		it, ifs := decodeItem(e, fmt.Sprintf("items[%d]", i))
		fs = append(fs, ifs...)
		items = append(items, it)
	}
	if len(fs) > 0 {
		return errorOf(fs)
	}
	*r = Request{Reason: reason, Items: items}
	return nil
}

// decodeItem reads one line item; prefix is its field path ("" for a line
// on its own).
func decodeItem(data []byte, prefix string) (LineItem, []review.Finding) {
	field := func(name string) string {
		if prefix == "" {
			return name
		}
		return prefix + "." + name
	}
	var raw struct {
		Item     json.RawMessage `json:"item"`
		Source   json.RawMessage `json:"source"`
		Old      json.RawMessage `json:"old"`
		New      json.RawMessage `json:"new"`
		Replaces json.RawMessage `json:"replaces"`
	}
	if err := json.Unmarshal(data, &raw); err != nil || isNull(data) {
		return LineItem{}, []review.Finding{malformed(CodeItemMalformed, prefix,
			"调整事项须是 JSON 对象（item、source、old、new、replaces）",
			"a line item must be a JSON object (item, source, old, new, replaces)")}
	}
	var it LineItem
	fs := unknownKeys(data, prefix, "item", "source", "old", "new", "replaces")
	for _, s := range []struct {
		name string
		raw  json.RawMessage
		dst  *string
	}{{"item", raw.Item, &it.Item}, {"replaces", raw.Replaces, &it.Replaces}} {
		v, ok := decodeString(s.raw)
		if !ok {
			fs = append(fs, malformed(CodeItemMalformed, field(s.name), field(s.name)+" 须是字符串", field(s.name)+" must be a string"))
		}
		*s.dst = v
	}
	src, ok := decodeString(raw.Source)
	if !ok {
		fs = append(fs, malformed(CodeItemMalformed, field("source"), field("source")+" 须是字符串", field("source")+" must be a string"))
	}
	it.Source = review.FundingSource(src)
	var err error
	if it.Old, err = decodeAmount(raw.Old); err != nil {
		fs = append(fs, amountMalformed(field("old"), raw.Old))
	}
	if it.New, err = decodeAmount(raw.New); err != nil {
		fs = append(fs, amountMalformed(field("new"), raw.New))
	}
	return it, fs
}

// isNull reports whether raw is missing or JSON null.
func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// decodeString reads a JSON string; missing or null is "".
func decodeString(raw json.RawMessage) (string, bool) {
	if isNull(raw) {
		return "", true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// decodeAmount reads an amount from a JSON string or number, exactly,
// with the module's one amount grammar (review.ParseAmount); missing, null
// or "" is zero.
func decodeAmount(raw json.RawMessage) (decimal.Decimal, error) {
	d, _, fs := review.ParseAmount("", raw)
	if len(fs) > 0 {
		return decimal.Zero, errors.New(fs[0].EN)
	}
	return d, nil
}

// malformed is a finding of input that does not have the expected shape.
func malformed(code, field, zh, en string) review.Finding {
	return review.Finding{Code: code, Article: Article, Field: field, ZH: zh, EN: en}
}

// amountMalformed is the finding of an amount that cannot be read, showing
// at most its first 40 characters.
func amountMalformed(field string, raw json.RawMessage) review.Finding {
	shown := []rune(string(raw))
	if len(shown) > 40 {
		shown = append(shown[:40], '…')
	}
	return review.Finding{
		Code: CodeAmountMalformed, Article: ArticleForm, Field: field,
		ZH: fmt.Sprintf("%s 不是以万元计的十进制金额：%s", field, string(shown)),
		EN: fmt.Sprintf("%s is not a decimal amount in 万元: %s", field, string(shown)),
	}
}

// unknownKeys reports each key of the JSON object data that is not one of
// known, in sorted order, naming it under prefix. data is known to be an
// object; a request is written (第十一条), so a key the reader would drop
// is refused rather than lost.
func unknownKeys(data []byte, prefix string, known ...string) []review.Finding {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return nil
	}
	var extra []string
	for k := range obj {
		if !slices.Contains(known, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	fs := make([]review.Finding, 0, len(extra))
	for _, k := range extra {
		field := k
		if prefix != "" {
			field = prefix + "." + k
		}
		fs = append(fs, malformed(CodeFieldUnknown, field,
			fmt.Sprintf("变更申请没有字段 %s（可用字段：%s）", field, strings.Join(known, "、")),
			fmt.Sprintf("a change request has no field %s (fields: %s)", field, strings.Join(known, ", "))))
	}
	return fs
}
