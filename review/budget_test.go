package review

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestFundingSources(t *testing.T) {
	t.Run("附件1/four sources in the order of the form", func(t *testing.T) {
		srcs := FundingSources()
		require.Len(t, srcs, 4)
		assert.Equal(t, []string{"中央财政资金", "市财政资金", "区财政资金", "自有资金"},
			[]string{srcs[0].ZH(), srcs[1].ZH(), srcs[2].ZH(), srcs[3].ZH()})
		for _, s := range srcs {
			assert.True(t, s.Valid(), s)
			assert.NotEqual(t, string(s), s.EN(), "every source has an English label")
		}
		assert.False(t, FundingSource("provincial").Valid())
		assert.Equal(t, "provincial", FundingSource("provincial").ZH())
	})
}

func TestBudgetArithmetic(t *testing.T) {
	b := MustBudget("100", "50.5", "0.000001", "")
	t.Run("附件1/total is the exact sum", func(t *testing.T) {
		assert.True(t, b.Total().Equal(dec("150.500001")), b.Total().String())
	})
	t.Run("附件1/get and with by source", func(t *testing.T) {
		assert.True(t, b.Get(Municipal).Equal(dec("50.5")))
		assert.True(t, b.Get(FundingSource("x")).IsZero())
		c := b.With(SelfFunded, dec("3"))
		assert.True(t, c.SelfFunded.Equal(dec("3")))
		assert.True(t, b.SelfFunded.IsZero(), "With returns a copy")
		assert.True(t, b.With(FundingSource("x"), dec("9")).Equal(b), "unknown source leaves the budget unchanged")
	})
	t.Run("第十一条/difference per source", func(t *testing.T) {
		newer := MustBudget("90", "60.5", "0.000001", "1")
		diff := newer.Sub(b)
		assert.True(t, diff.Central.Equal(dec("-10")))
		assert.True(t, diff.Municipal.Equal(dec("10")))
		assert.True(t, diff.District.IsZero())
		assert.True(t, diff.SelfFunded.Equal(dec("1")))
		assert.True(t, diff.Total().Equal(dec("1")))
		assert.True(t, b.Add(diff).Equal(newer))
	})
	t.Run("附件1/equal ignores trailing zeros", func(t *testing.T) {
		assert.True(t, MustBudget("2.50", "", "", "").Equal(MustBudget("2.5", "0", "0.000", "")))
		assert.False(t, MustBudget("2.5", "", "", "").Equal(MustBudget("2.500001", "", "", "")))
	})
	t.Run("附件1/zero", func(t *testing.T) {
		assert.True(t, Budget{}.IsZero())
		assert.True(t, MustBudget("0", "0.00", "", "").IsZero())
		assert.False(t, MustBudget("", "", "", "0.000001").IsZero())
	})
}

func TestNewBudget(t *testing.T) {
	t.Run("附件1/malformed amount names its source", func(t *testing.T) {
		_, err := NewBudget("1", "x", "", "")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "budget.municipal")
		var rerr *Error
		require.True(t, errors.As(err, &rerr), "want *Error, got %T", err)
		require.Len(t, rerr.Findings, 1)
		assert.Equal(t, "amount_not_decimal", rerr.Findings[0].Code)
		assertFinding(t, rerr.Findings[0], "附件1", "budget.municipal")
	})
	t.Run("附件1/amounts are read exactly, blanks are zero", func(t *testing.T) {
		b, err := NewBudget("0.1", "", "9007199254740993", "0.000001")
		require.NoError(t, err)
		assert.True(t, b.Central.Equal(dec("0.1")))
		assert.True(t, b.Municipal.IsZero())
		assert.True(t, b.District.Equal(dec("9007199254740993")))
		assert.True(t, b.SelfFunded.Equal(dec("0.000001")))
	})
	refusals := []struct {
		name, central, code string
	}{
		{"exponent notation", "1e3", "amount_not_decimal"},
		{"a huge exponent, refused before any arithmetic", "1e999999999", "amount_not_decimal"},
		{"a tiny exponent, refused before any arithmetic", "1e-999999999", "amount_not_decimal"},
		{"plus sign", "+1", "amount_not_decimal"},
		{"no integer digits", ".5", "amount_not_decimal"},
		{"nineteen integer digits", "1234567890123456789", "amount_too_large"},
		{"thirty-three decimal places", "0.000000000000000000000000000000001", "amount_too_precise"},
	}
	for _, c := range refusals {
		t.Run("附件1/refuses "+c.name, func(t *testing.T) {
			_, err := NewBudget(c.central, "", "", "")
			var rerr *Error
			require.True(t, errors.As(err, &rerr), "want *Error, got %v", err)
			require.Len(t, rerr.Findings, 1)
			assert.Equal(t, c.code, rerr.Findings[0].Code)
			assertFinding(t, rerr.Findings[0], "附件1", "budget.central")
		})
	}
	t.Run("附件1/every malformed source is reported at once", func(t *testing.T) {
		_, err := NewBudget("x", "1", "y", "1e2")
		var rerr *Error
		require.True(t, errors.As(err, &rerr), "want *Error, got %v", err)
		assert.Equal(t, []string{"budget.central", "budget.district", "budget.self_funded"}, fieldsOf(rerr.Findings))
	})
	t.Run("附件1/MustBudget panics on a malformed literal", func(t *testing.T) {
		assert.Panics(t, func() { MustBudget("", "", "", "1..2") })
	})
}

func TestBudgetShare(t *testing.T) {
	cases := []struct {
		name   string
		b      Budget
		src    FundingSource
		places int32
		want   string
	}{
		{"a third", MustBudget("1", "1", "1", ""), Central, 4, "0.3333"},
		{"two thirds", MustBudget("2", "1", "", ""), Central, 4, "0.6667"},
		{"all", MustBudget("", "", "7.5", ""), District, 2, "1"},
		{"none", MustBudget("", "", "7.5", ""), Central, 2, "0"},
		{"empty budget", Budget{}, Central, 4, "0"},
		{"half-even at the rounding digit", MustBudget("1", "7", "", ""), Central, 2, "0.12"}, // 0.125 → 0.12
		{"half-even rounds odd up", MustBudget("3", "5", "", ""), Central, 2, "0.38"},         // 0.375 → 0.38
	}
	for _, c := range cases {
		t.Run("附件1/"+c.name, func(t *testing.T) {
			got := c.b.Share(c.src, c.places)
			assert.True(t, got.Equal(dec(c.want)), "got %s want %s", got, c.want)
		})
	}
}

func TestScale(t *testing.T) {
	cases := []struct {
		in   string
		want int32
	}{
		{"0", 0}, {"0.000", 0}, {"100", 0}, {"1e3", 0}, {"1.500", 1}, {"1.5", 1},
		{"0.000001", 6}, {"0.0000010", 6}, {"0.0000001", 7}, {"123.4567890", 6}, {"-0.01", 2},
	}
	for _, c := range cases {
		t.Run("附件1/"+c.in, func(t *testing.T) {
			assert.Equal(t, c.want, Scale(dec(c.in)))
		})
	}
}

func TestCheckAmount(t *testing.T) {
	cases := []struct {
		in    string
		codes []string
	}{
		{"0", nil},
		{"0.000001", nil},      // one fen, six places
		{"123456.780000", nil}, // trailing zeros do not count
		{"0.0000001", []string{"amount_too_precise"}}, // seven places
		{"1.0000005", []string{"amount_too_precise"}},
		{"-0.000001", []string{"amount_negative"}},
		{"-1.0000001", []string{"amount_negative", "amount_too_precise"}},
	}
	for _, c := range cases {
		t.Run("附件1/"+c.in, func(t *testing.T) {
			fs := CheckAmount("budget.central", dec(c.in))
			assert.Equal(t, c.codes, codesOf(fs))
			for _, f := range fs {
				assertFinding(t, f, "附件1", "budget.central")
			}
		})
	}
	t.Run("附件1/budget check prefixes every source", func(t *testing.T) {
		fs := MustBudget("-1", "0.0000001", "1", "0").Check("approved")
		require.Len(t, fs, 2)
		assert.Equal(t, "approved.central", fs[0].Field)
		assert.Equal(t, "approved.municipal", fs[1].Field)
	})
}

func TestBudgetJSON(t *testing.T) {
	t.Run("附件1/amounts and total are written as strings", func(t *testing.T) {
		data, err := json.Marshal(MustBudget("100", "20.50", "0.000001", ""))
		require.NoError(t, err)
		assert.JSONEq(t, `{"central":"100","municipal":"20.5","district":"0.000001","self_funded":"0","total":"120.500001"}`, string(data))
	})
	t.Run("附件1/numbers are read exactly, not through float", func(t *testing.T) {
		var b Budget
		// 0.1 + 0.2 is not 0.3 in float64; 9007199254740993 is not a float64.
		require.NoError(t, json.Unmarshal([]byte(`{"central":0.1,"municipal":0.2,"district":9007199254740993,"self_funded":"0.000001"}`), &b))
		assert.True(t, b.Central.Add(b.Municipal).Equal(dec("0.3")))
		assert.True(t, b.District.Equal(dec("9007199254740993")), "district %s", b.District)
		assert.True(t, b.SelfFunded.Equal(dec("0.000001")))
	})
	t.Run("附件1/blank and null are zero, total is not kept", func(t *testing.T) {
		b := MustBudget("1", "2", "3", "4")
		require.NoError(t, json.Unmarshal([]byte(`{"central":"","municipal":null,"district":"5","total":"999"}`), &b))
		assert.True(t, b.Equal(MustBudget("", "", "5", "")))
	})
	refusals := []struct {
		name, in, code, field string
	}{
		{"exponent notation", `{"central":"1e3"}`, "amount_not_decimal", "central"},
		{"JSON number with exponent", `{"central":1E3}`, "amount_not_decimal", "central"},
		{"plus sign", `{"central":"+1"}`, "amount_not_decimal", "central"},
		{"spaces", `{"central":" 1"}`, "amount_not_decimal", "central"},
		{"comma", `{"central":"1,000"}`, "amount_not_decimal", "central"},
		{"boolean", `{"district":true}`, "amount_not_decimal", "district"},
		{"misspelt source", `{"centrl":"1"}`, "budget_unknown_field", "centrl"},
		{"not an object", `["1"]`, "budget_not_object", "budget"},
		{"absurdly large", `{"central":"1234567890123456789"}`, "amount_too_large", "central"},
		{"absurdly precise", `{"central":"0.000000000000000000000000000000001"}`, "amount_too_precise", "central"},
	}
	for _, c := range refusals {
		t.Run("附件1/refuses "+c.name, func(t *testing.T) {
			var b Budget
			err := json.Unmarshal([]byte(c.in), &b)
			var rerr *Error
			require.True(t, errors.As(err, &rerr), "want *Error, got %v", err)
			require.Len(t, rerr.Findings, 1)
			assert.Equal(t, c.code, rerr.Findings[0].Code)
			assertFinding(t, rerr.Findings[0], "附件1", c.field)
		})
	}
	t.Run("附件1/round trip", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			b := genBudget(t)
			data, err := json.Marshal(b)
			require.NoError(t, err)
			var back Budget
			require.NoError(t, json.Unmarshal(data, &back))
			assert.True(t, back.Equal(b), "%s", data)
		})
	})
}

func TestBudgetSQL(t *testing.T) {
	b := MustBudget("1.5", "", "2", "0.000001")
	v, err := b.Value()
	require.NoError(t, err)
	text, ok := v.(string)
	require.True(t, ok, "stored as text")
	for _, src := range []any{text, []byte(text)} {
		t.Run(fmt.Sprintf("附件1/scan %T", src), func(t *testing.T) {
			var back Budget
			require.NoError(t, back.Scan(src))
			assert.True(t, back.Equal(b))
		})
	}
	t.Run("附件1/scan NULL is zero", func(t *testing.T) {
		back := b
		require.NoError(t, back.Scan(nil))
		assert.True(t, back.IsZero())
	})
	t.Run("附件1/scan refuses other types", func(t *testing.T) {
		var back Budget
		assert.Error(t, back.Scan(42))
		assert.Error(t, back.Scan(`{"central":"x"}`))
	})
}

// genBudget draws a budget of valid amounts: up to 12 integer digits and up
// to MaxScale places.
func genBudget(t *rapid.T) Budget {
	var b Budget
	for _, s := range FundingSources() {
		units := rapid.Int64Range(0, 999_999_999_999_999).Draw(t, string(s))
		places := rapid.Int32Range(0, MaxScale).Draw(t, string(s)+"_places")
		b = b.With(s, decimal.New(units, -places))
	}
	return b
}

func TestBudgetProperties(t *testing.T) {
	t.Run("附件1/total equals the sum computed with big.Rat", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			b := genBudget(t)
			want := new(big.Rat)
			for _, s := range FundingSources() {
				want.Add(want, b.Get(s).Rat())
			}
			assert.Equal(t, 0, b.Total().Rat().Cmp(want))
		})
	})
	t.Run("第十一条/sub then add restores", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			a, b := genBudget(t), genBudget(t)
			assert.True(t, b.Add(a.Sub(b)).Equal(a))
			assert.True(t, a.Sub(b).Total().Equal(a.Total().Sub(b.Total())))
		})
	})
	t.Run("附件1/valid amounts pass the check", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			assert.Empty(t, genBudget(t).Check("budget"))
		})
	})
}

func ExampleBudget() {
	b := MustBudget("120", "30", "50.5", "")
	fmt.Println("合计", b.Total(), "万元")
	fmt.Println("区财政占比", b.Share(District, 4))
	approved := MustBudget("100", "30", "50.5", "")
	fmt.Println("核减", b.Sub(approved).Total(), "万元")
	data, _ := json.Marshal(approved)
	fmt.Println(string(data))
	// Output:
	// 合计 200.5 万元
	// 区财政占比 0.2519
	// 核减 20 万元
	// {"central":"100","municipal":"30","district":"50.5","self_funded":"0","total":"180.5"}
}

func ExampleCheckAmount() {
	for _, s := range []string{"0.000001", "0.0000001", "-5"} {
		for _, f := range CheckAmount("budget.central", decimal.RequireFromString(s)) {
			fmt.Println(f.Code, f.ZH)
		}
	}
	// Output:
	// amount_too_precise budget.central 金额最多保留 6 位小数（万元，精确到分）：0.0000001
	// amount_negative budget.central 金额不能为负数（-5 万元）
}
