package change

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/review"
)

// jsonRoundTrip writes d as JSON and reads it back, as a store would.
func jsonRoundTrip(d Decision) (Decision, error) {
	data, err := json.Marshal(d)
	if err != nil {
		return Decision{}, err
	}
	var out Decision
	err = json.Unmarshal(data, &out)
	return out, err
}

const sampleJSON = `{"reason":"业务需求调整",
 "items":[{"item":"服务器","source":"district","old":"50","new":"60"},
          {"item":"大屏","source":"municipal","old":"20","new":"0"},
          {"item":"机房改造","source":"district","old":"50","new":"50","replaces":"布线"}]}`

func TestRequestJSON(t *testing.T) {
	var r Request
	require.NoError(t, json.Unmarshal([]byte(sampleJSON), &r))
	assert.Equal(t, "业务需求调整", r.Reason)
	require.Len(t, r.Items, 3)
	assert.Equal(t, "服务器", r.Items[0].Item)
	assert.Equal(t, review.District, r.Items[0].Source)
	assert.True(t, r.Items[0].Old.Equal(dec("50")))
	assert.True(t, r.Items[0].New.Equal(dec("60")))
	assert.False(t, r.Items[0].IsReplacement())
	assert.True(t, r.Items[1].New.IsZero())
	assert.Equal(t, "布线", r.Items[2].Replaces)
	assert.True(t, r.Items[2].IsReplacement())
	require.NoError(t, r.Validate())

	// 10 + 20 + 50 involved; the swap counts at its value.
	assert.True(t, r.Involved(Yubei2019()).Equal(dec("80")))

	out, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, `{"reason":"业务需求调整","items":[
		{"item":"服务器","source":"district","old":"50","new":"60"},
		{"item":"大屏","source":"municipal","old":"20","new":"0"},
		{"item":"机房改造","source":"district","old":"50","new":"50","replaces":"布线"}]}`, string(out))

	var back Request
	require.NoError(t, json.Unmarshal(out, &back))
	require.Len(t, back.Items, 3)
	for i := range r.Items {
		assert.True(t, back.Items[i].Old.Equal(r.Items[i].Old))
		assert.True(t, back.Items[i].New.Equal(r.Items[i].New))
	}
}

func TestRequestJSONAmounts(t *testing.T) {
	var r Request
	require.NoError(t, json.Unmarshal([]byte(`{"reason":"r","items":[
		{"item":"a","source":"district","new":"5"},
		{"item":"b","source":"district","old":null,"new":12.345678},
		{"item":"c","source":"district","old":"","new":"0.000001"},
		{"item":"d","source":"district","old":"10","new":0.1}]}`), &r))
	assert.True(t, r.Items[0].Old.IsZero(), "a missing amount is zero")
	assert.True(t, r.Items[1].Old.IsZero(), "null is zero")
	assert.True(t, r.Items[1].New.Equal(dec("12.345678")), "a JSON number is read exactly")
	assert.True(t, r.Items[2].Old.IsZero(), "an empty string is zero")
	assert.True(t, r.Items[2].New.Equal(dec("0.000001")))
	assert.True(t, r.Items[3].Old.Equal(dec("10")))
	assert.True(t, r.Items[3].New.Equal(dec("0.1")), "0.1 is one tenth, not a float near it")
}

func TestRequestJSONRefusals(t *testing.T) {
	tests := []struct {
		name, json string
		want       []string
	}{
		{"附件1/malformed amount", `{"reason":"r","items":[{"item":"a","source":"district","new":"5"},{"item":"b","source":"district","old":"abc"}]}`,
			[]string{CodeAmountMalformed, "items[1].old"}},
		{"附件1/amount as a boolean", `{"reason":"r","items":[{"item":"a","source":"district","new":true}]}`,
			[]string{CodeAmountMalformed, "items[0].new"}},
		{"附件1/an exponent is not the amount grammar", `{"reason":"r","items":[{"item":"a","source":"district","new":"1e1"}]}`,
			[]string{CodeAmountMalformed, "items[0].new"}},
		{"附件1/a plus sign is not the amount grammar", `{"reason":"r","items":[{"item":"a","source":"district","new":"+100"}]}`,
			[]string{CodeAmountMalformed, "items[0].new"}},
		{"附件1/a trailing point is not the amount grammar", `{"reason":"r","items":[{"item":"a","source":"district","old":"5."}]}`,
			[]string{CodeAmountMalformed, "items[0].old"}},
		{"附件1/amount with spaces", `{"reason":"r","items":[{"item":"a","source":"district","new":" 5"}]}`,
			[]string{CodeAmountMalformed, "items[0].new"}},
		{"附件1/an amount of more than 64 characters is refused unread", `{"reason":"r","items":[{"item":"a","source":"district","new":"` + strings.Repeat("9", 1<<20) + `"}]}`,
			[]string{CodeAmountMalformed, "items[0].new"}},
		{"附件1/an amount of more than 64 characters as a JSON number", `{"reason":"r","items":[{"item":"a","source":"district","old":` + strings.Repeat("1", 65) + `}]}`,
			[]string{CodeAmountMalformed, "items[0].old"}},
		{"第十一条/source not a string", `{"reason":"r","items":[{"item":"a","source":3,"new":"1"}]}`,
			[]string{CodeItemMalformed, "items[0].source"}},
		{"第十一条/item not an object", `{"reason":"r","items":["a",null]}`,
			[]string{CodeItemMalformed, "items[0]", CodeItemMalformed, "items[1]"}},
		{"第十一条/items not an array", `{"reason":"r","items":{"item":"a"}}`,
			[]string{CodeRequestMalformed, "items"}},
		{"第十一条/reason not a string", `{"reason":["r"],"items":[]}`,
			[]string{CodeRequestMalformed, "reason"}},
		{"第十一条/an unknown key of the request is refused, not dropped", `{"reason":"r","urgent":true,"Items":[],"items":[]}`,
			[]string{CodeFieldUnknown, "Items", CodeFieldUnknown, "urgent"}},
		{"第十一条/an unknown key of a line item is refused, naming its path", `{"reason":"r","items":[{"item":"a","source":"district","new":"1"},{"item":"b","source":"district","new":"1","replace":"c"}]}`,
			[]string{CodeFieldUnknown, "items[1].replace"}},
		{"第十一条/not an object", `[1,2]`,
			[]string{CodeRequestMalformed, ""}},
		{"第十一条/several at once", `{"reason":1,"items":[{"item":2,"replaces":3,"source":"district","old":"x","new":"y"}]}`,
			[]string{CodeRequestMalformed, "reason", CodeItemMalformed, "items[0].item", CodeItemMalformed, "items[0].replaces",
				CodeAmountMalformed, "items[0].old", CodeAmountMalformed, "items[0].new"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r Request
			err := json.Unmarshal([]byte(tc.json), &r)
			requireFindings(t, err, tc.want...)
		})
	}
}

func TestLineItemJSON(t *testing.T) {
	var it LineItem
	require.NoError(t, json.Unmarshal([]byte(`{"item":"a","source":"central","old":"1.5","new":"2"}`), &it))
	assert.True(t, it.Net().Equal(dec("0.5")))
	err := json.Unmarshal([]byte(`{"item":"a","source":"central","old":"1..5"}`), &it)
	requireFindings(t, err, CodeAmountMalformed, "old")
}

func TestRequestValidate(t *testing.T) {
	require.NoError(t, req(adjust("服务器", review.District, "50", "51")).Validate())
	requireFindings(t, Request{}.Validate(), CodeReasonBlank, "reason", CodeItemsEmpty, "items")
}
