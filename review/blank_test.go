package review

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// 附件1: every required field of the form must be filled in; text that
// shows nothing is not filled in.
func TestIsBlank_附件1(t *testing.T) {
	for _, s := range []string{"", " ", "\t\n", "\u3000", "\u200b", "\u200b\u200c\u200d", "\u2060\ufeff", "\u00ad", "\u3164", "\u115f\u1160", "\uffa0", "\u2800", "\x00\x01"} {
		assert.True(t, IsBlank(s), "%q shows nothing", s)
	}
	for _, s := range []string{"a", "学籍平台", "\u200b学", " 1 ", "—", "\ufffd"} {
		assert.False(t, IsBlank(s), "%q shows something", s)
	}
}

// 附件1: one amount grammar for every amount.
func TestParseAmountGrammar_附件1(t *testing.T) {
	for _, ok := range []string{`"0"`, `"100"`, `"100.5"`, `"-3"`, `"0.000001"`, `12.25`, `""`, `null`} {
		_, _, fs := ParseAmount("x", []byte(ok))
		assert.Empty(t, fs, ok)
	}
	for _, bad := range []string{`"+100"`, `"5."`, `".5"`, `"1e2"`, `1e2`, `"0x10"`, `" 5"`, `"５"`, `true`, `"1,000"`} {
		_, _, fs := ParseAmount("contract.amount", []byte(bad))
		if assert.NotEmpty(t, fs, bad) {
			assert.Equal(t, "contract.amount", fs[0].Field)
		}
	}
}
