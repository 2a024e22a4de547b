package change

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
)

func TestTooLarge(t *testing.T) {
	for _, tc := range []struct {
		d    decimal.Decimal
		want bool
	}{
		{decimal.Zero, false},
		{dec("999999999999999.999999"), false},
		{dec("-999999999999999.999999"), false},
		{dec("562949953421311"), false}, // 2^49 − 1
		{dec("1000000000000000"), true},
		{dec("1000000000000000.000000"), true},
		{dec("-1000000000000000"), true},
		{decimal.New(1, 15), true},
		{decimal.New(10, 14), true},
		{decimal.New(99, 13), false},
		{decimal.New(1, 9999), true},
		{decimal.New(1, -9999), false},
	} {
		assert.Equal(t, tc.want, tooLarge(tc.d), "tooLarge(%s)", tc.d.String())
	}
}

func TestCheckAmountReportsMagnitudeFirst(t *testing.T) {
	fs := checkAmount("items[0].new", dec("-1e20"))
	if assert.Len(t, fs, 1) {
		assert.Equal(t, CodeAmountTooLarge, fs[0].Code)
		assert.Equal(t, "items[0].new", fs[0].Field)
		assert.Equal(t, ArticleForm, fs[0].Article)
	}
	fs = checkMagnitude("prior[0].net.district", dec("-0.0000001"))
	if assert.Len(t, fs, 1) {
		assert.Equal(t, "amount_too_precise", fs[0].Code)
	}
	assert.Empty(t, checkMagnitude("prior[0].net.district", dec("-5.5")))
	for _, d := range []decimal.Decimal{decimal.New(0, 65), decimal.New(0, -65), decimal.New(-1, -999_999_999), decimal.New(0, 999_999_999)} {
		fs = checkMagnitude("prior[0].net.district", d)
		if assert.Len(t, fs, 1, "exponent %d", d.Exponent()) {
			assert.Equal(t, CodeAmountMalformed, fs[0].Code)
			assert.Equal(t, ArticleForm, fs[0].Article)
		}
	}
	assert.Empty(t, checkMagnitude("prior[0].net.district", decimal.New(-55, -1)), "exponents within ±64 are read")
	assert.Empty(t, checkMagnitude("prior[0].net.district", decimal.New(0, 64)), "zero written as 0e64 is still zero")
}
