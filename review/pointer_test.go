package review_test

import (
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"

	"github.com/govit-cn/govit/review"
)

// TestPointer: a field path becomes the RFC 6901 pointer of the member,
// which the JSON library resolves to the same tokens.
func TestPointer(t *testing.T) {
	for _, c := range []struct {
		field, want string
		tokens      []string
	}{
		{"", "", nil},
		{"budget", "/budget", []string{"budget"}},
		{"contract.amount", "/contract/amount", []string{"contract", "amount"}},
		{"contract.AMOUNT", "/contract/AMOUNT", []string{"contract", "AMOUNT"}},
		{"items[2].old", "/items/2/old", []string{"items", "2", "old"}},
		{"facts.contracts[0]", "/facts/contracts/0", []string{"facts", "contracts", "0"}},
		{"opinions[10][3]", "/opinions/10/3", []string{"opinions", "10", "3"}},
		{"a/b.m~n", "/a~1b/m~0n", []string{"a/b", "m~n"}},
		{"预算.区财政", "/预算/区财政", []string{"预算", "区财政"}},
	} {
		got := review.Pointer(c.field)
		assert.Equal(t, c.want, got, "%q", c.field)
		assert.Equal(t, c.want, review.Finding{Field: c.field}.Pointer())
		var tokens []string
		for tok := range jsontext.Pointer(got).Tokens() {
			tokens = append(tokens, tok)
		}
		assert.Equal(t, c.tokens, tokens, "%q", got)
	}
}
