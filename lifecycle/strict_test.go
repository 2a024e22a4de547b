package lifecycle_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// TestStrictReader: every payload is read by one strict reader. An
// unknown member, a member spelt in another case and a name given twice
// are refused with the member's JSON path, at any depth, and nothing is
// recorded: {"approved":false,"APPROVED":true} is not an approval and
// {"reason":"a","reason":"b"} is not "b".
func TestStrictReader(t *testing.T) {
	cases := []struct {
		name    string
		action  lifecycle.Action
		payload string
		code    string
		fields  []string
	}{
		{"case variant of a member", lifecycle.ActDeliberate, `{"approved":false,"APPROVED":true}`, "payload_unknown_field", []string{"APPROVED"}},
		{"duplicate name", lifecycle.ActSuspend, `{"reason":"a","reason":"b"}`, "payload_duplicate_field", []string{"reason"}},
		{"unknown nested member", lifecycle.ActSignContract, `{"contract":{"id":"H","amout":"1"}}`, "payload_unknown_field", []string{"contract.amout"}},
		{"duplicate nested name", lifecycle.ActSignContract, `{"contract":{"amount":"1","amount":"2"}}`, "payload_duplicate_field", []string{"contract.amount"}},
		{"case variant, nested", lifecycle.ActSignContract, `{"contract":{"Amount":"1"}}`, "payload_unknown_field", []string{"contract.Amount"}},
		{"every unknown member", lifecycle.ActWithdraw, `{"reasn":"x","why":"y"}`, "payload_unknown_field", []string{"reasn", "why"}},
		{"wrong type in an array", lifecycle.ActApplyAcceptance, `{"facts":{"contracts":["a",1]}}`, "payload_wrong_type", []string{"facts.contracts[1]"}},
		{"amount that is not a decimal", lifecycle.ActSignContract, `{"contract":{"amount":"一百"}}`, "payload_value_invalid", []string{"contract.amount"}},
		{"NUL in a string", lifecycle.ActSuspend, `{"reason":"a\u0000b"}`, "invalid_character", []string{"reason"}},
		{"trailing data", lifecycle.ActSuspend, `{"reason":"a"} {}`, "payload_trailing_data", []string{"payload"}},
		{"not an object", lifecycle.ActSuspend, `["reason"]`, "payload_not_object", []string{"payload"}},
		{"invalid UTF-8", lifecycle.ActSuspend, "{\"reason\":\"\xff\"}", "payload_malformed", []string{"payload"}},
		{"unknown member of a declaration", lifecycle.ActDeclare, `{"unit":"区教委","NAME":"x"}`, "payload_unknown_field", []string{"NAME"}},
		{"duplicate in a declaration's budget", lifecycle.ActDeclare, `{"budget":{"district":"1","district":"2"}}`, "payload_duplicate_field", []string{"budget.district"}},
		{"unknown member of a change item", lifecycle.ActRequestChange, `{"reason":"x","items":[{"item":"a","note":"b"}]}`, "invalid_payload", []string{"items[0].note"}},
		{"duplicate in a change item", lifecycle.ActRequestChange, `{"reason":"x","items":[{"old":"1","old":"2"}]}`, "payload_duplicate_field", []string{"items[0].old"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := lifecycle.ReadPayload(c.action, []byte(c.payload))
			var le *lifecycle.Error
			require.ErrorAs(t, err, &le)
			assert.Equal(t, lifecycle.KindInvalid, le.Kind)
			assert.Equal(t, c.code, le.Code, "%v", le)
			assert.Equal(t, c.fields, fieldsOf(le), "%v", le)
			assert.NotEmpty(t, le.ZH)
			assert.NotEmpty(t, le.EN)
		})
	}
}

// TestStrictReaderThroughTheEngine: a refused payload changes nothing
// stored, and the same payload spelt correctly is taken.
func TestStrictReaderThroughTheEngine(t *testing.T) {
	c := newClock(at(2025, time.March, 3))
	e := newEngine(t, c)
	id := declare(t, e, declaration(review.Construction, false, district("100")))
	do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
	do(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, district("100")))
	le := refused(t, e, id, gov, lifecycle.ActDeliberate, json.RawMessage(`{"approved":false,"APPROVED":true}`), lifecycle.KindInvalid)
	assert.Equal(t, []string{"APPROVED"}, fieldsOf(le))
	le = refused(t, e, id, gov, lifecycle.ActDeliberate, json.RawMessage(`{"approved":false,"approved":true}`), lifecycle.KindInvalid)
	assert.Equal(t, "payload_duplicate_field", le.Code)
	p, err := e.Get(t.Context(), bdb, id)
	require.NoError(t, err)
	assert.Equal(t, lifecycle.StateExpertPassed, p.State, "nothing recorded")
	assert.Equal(t, int64(3), p.Version)
	p = do(t, e, id, gov, lifecycle.ActDeliberate, map[string]any{"approved": false})
	assert.Equal(t, lifecycle.StateRejected, p.State)
}

// TestReadJSON: the reader adapters use for whole request bodies.
func TestReadJSON(t *testing.T) {
	var d review.Declaration
	err := lifecycle.ReadJSON([]byte(`{"unit":"区教委","contact":{"name":"张三","fax":"1"}}`), &d)
	var le *lifecycle.Error
	require.ErrorAs(t, err, &le)
	assert.Equal(t, []string{"contact.fax"}, fieldsOf(le))
	require.NoError(t, lifecycle.ReadJSON([]byte(`{"unit":"区教委","budget":{"district":"12.5"}}`), &d))
	assert.Equal(t, "区教委", d.Unit)
	assert.True(t, d.Budget.Equal(district("12.5")))
}
