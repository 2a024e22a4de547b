package review

import (
	"bytes"
	"encoding/json"
	"math/big"
	"slices"
	"strings"
	"testing"
)

// FuzzDeclarationJSON feeds arbitrary JSON to the declaration parser and
// validator. It must never panic, and whenever a declaration validates, the
// amounts in the raw JSON, read independently with math/big, must be
// non-negative, at most six decimal places of 万元, and the total, if
// given, must equal their sum (附件1).
func FuzzDeclarationJSON(f *testing.F) {
	f.Add([]byte(validDeclarationJSON))
	for _, b := range []string{
		`{"central":"0","municipal":"0.000001","district":"1","self_funded":"2","total":"3.000001"}`,
		`{"central":"0.0000001","district":"1"}`,
		`{"central":-1,"district":2,"total":1}`,
		`{"central":1e3}`,
		`{"district":"5","total":"5.000001"}`,
		`{"district":"5","total":""}`,
		`{"district":"5","Total":"6"}`,
		`{"district":0.1,"municipal":0.2,"total":0.3}`,
		`"350"`,
		`null`,
	} {
		f.Add([]byte(strings.Replace(validDeclarationJSON,
			`{"central": "0", "municipal": "100", "district": "250.5", "self_funded": "0", "total": "350.5"}`, b, 1)))
	}
	f.Add([]byte(`{"kind":"operation","budget_year":2020}`))
	f.Add([]byte(`[]`))
	v := NewValidator()
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDeclaration(data)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("ParseDeclaration returned %T, want *Error", err)
			}
			return
		}
		if v.Declaration(d) != nil {
			return
		}
		// The parsed amounts.
		for _, s := range FundingSources() {
			a := d.Budget.Get(s)
			if a.IsNegative() || Scale(a) > MaxScale {
				t.Fatalf("accepted %s = %s", s, a)
			}
		}
		if d.DeclaredTotal != nil && !d.DeclaredTotal.Equal(d.Budget.Total()) {
			t.Fatalf("accepted total %s for sum %s", d.DeclaredTotal, d.Budget.Total())
		}
		checkRawAmounts(t, data)
	})
}

// checkRawAmounts reads the budget object of an accepted declaration with
// encoding/json and math/big alone and checks its amounts.
func checkRawAmounts(t *testing.T, data []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top map[string]any
	if dec.Decode(&top) != nil {
		t.Fatalf("accepted a declaration that is not a JSON object: %q", data)
	}
	var budget map[string]any
	n := 0
	for k, v := range top {
		if strings.EqualFold(k, "budget") {
			n++
			budget, _ = v.(map[string]any)
		}
	}
	if n != 1 || budget == nil {
		return // several spellings of the key: which one wins is json's business
	}
	sum := new(big.Rat)
	var total *big.Rat
	fen := big.NewRat(1_000_000, 1)
	for k, v := range budget {
		var text string
		switch x := v.(type) {
		case string:
			text = x
		case json.Number:
			text = string(x)
		case nil:
			continue
		default:
			t.Fatalf("accepted a non-amount %s: %v", k, v)
		}
		if text == "" {
			continue
		}
		r, ok := new(big.Rat).SetString(text)
		if !ok {
			t.Fatalf("accepted %s = %q, which is not a number", k, text)
		}
		if r.Sign() < 0 {
			t.Fatalf("accepted negative %s = %s", k, text)
		}
		if !new(big.Rat).Mul(r, fen).IsInt() {
			t.Fatalf("accepted %s = %s, finer than one fen", k, text)
		}
		if k == "total" {
			total = r
		} else {
			sum.Add(sum, r)
		}
	}
	if total != nil && total.Cmp(sum) != 0 {
		t.Fatalf("accepted total %s for sum %s", total.RatString(), sum.RatString())
	}
}

// FuzzCheckOutlineText feeds arbitrary text to the outline check of
// 第六条第（一）项. It must never panic; every finding is one of the outline
// codes, cites the criterion and explains itself in both languages; there
// is at most one finding per chapter and section of 附件2; and text
// followed by a complete table of contents lacks nothing.
func FuzzCheckOutlineText(f *testing.F) {
	for style := range 6 {
		f.Add(strings.Join(lines(fullTOC(style)), "\n"))
	}
	f.Add("第六章 项目风险及控制措施：不涉及\n4.9 土建及配套工程（不涉及）\n4.4 网络系统（不适用）")
	f.Add("第十一章 附录\n（二十三）（\n)(((((\n①②③\n第章\n一、\n：—")
	f.Add("")
	complete := strings.Join(lines(fullTOC(0)), "\n")
	codes := []string{"outline_chapter_missing", "outline_section_missing", "outline_marked_not_applicable"}
	items := len(gapKeys(nil)) // every chapter and section of the outline
	f.Fuzz(func(t *testing.T, text string) {
		fs := CheckOutlineText(text)
		if len(fs) > items {
			t.Fatalf("%d findings for an outline of %d items", len(fs), items)
		}
		for _, x := range fs {
			if !slices.Contains(codes, x.Code) || x.Article != OutlineArticle || x.Field != "outline" || !hasHan(x.ZH) || x.EN == "" {
				t.Fatalf("ill-formed finding %+v", x)
			}
		}
		for _, x := range CheckOutlineText(text + "\n" + complete) {
			if x.Code != "outline_marked_not_applicable" {
				t.Fatalf("a complete table of contents after %q still lacks: %s", text, x)
			}
		}
	})
}
