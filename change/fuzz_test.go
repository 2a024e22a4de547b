package change

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/review"
)

// FuzzRequestJSON posts arbitrary bytes as a change request, as the HTTP API
// does: decoding and assessing never panic, every refusal is a
// *review.Error with explained findings, and every decision agrees with
// the rational reference.
func FuzzRequestJSON(f *testing.F) {
	for _, s := range []string{
		sampleJSON,
		`{"reason":"r","items":[{"item":"服务器","source":"district","old":"50","new":"83.333333"}]}`,
		`{"reason":"r","items":[{"item":"a","source":"central","old":"10","new":"10","replaces":"b"}]}`,
		`{"reason":"r","items":[{"item":"a","source":"district","old":0.000001,"new":1e2}]}`,
		`{"reason":"r","items":[{"item":"a","source":"district","new":"1e9999"}]}`,
		`{"reason":"r","items":[{"item":"a","source":"district","new":"1e-9999"}]}`,
		`{"reason":"r","items":[{"item":"a","source":"district","old":"1","new":"0e9999"}]}`,
		`{"reason":"r","items":[{"item":"a","source":"district","new":"0.00000000000000000000000000000000000000000000000000000000000000001"}]}`,
		`{"reason":"r","items":[{"item":"a","source":"district","new":1.0000000000000000000000000000000000000000000000000000000000000}]}`,
		`{"reason":"r","items":[{"item":"a","source":"provincial","old":"-1","new":"x"}]}`,
		`{"reason":" ","items":[]}`,
		`{"items":null}`,
		`[]`,
		`null`,
		`{"reason":"r","items":[null,1,"a",{}]}`,
	} {
		f.Add([]byte(s))
	}
	p := Yubei2019()
	b := Basis{Approved: true, FixedAsset: true, Base: review.Budget{
		Central: dec("100"), Municipal: dec("100"), District: dec("333.333333"), SelfFunded: dec("0.000001"),
	}}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Request
		if err := json.Unmarshal(data, &r); err != nil {
			var re *review.Error
			if errors.As(err, &re) {
				assertExplained(t, re)
			}
			return
		}
		d, err := Assess(p, b, r)
		if err != nil {
			var re *review.Error
			require.True(t, errors.As(err, &re), "want *review.Error, got %T: %v", err, err)
			assertExplained(t, re)
			return
		}
		assert.Zero(t, rat(d.Involved).Cmp(refInvolved(p, r)), "involved %s", d.Involved)
		minor, cmp := refMinor(p, rat(d.Measured), rat(d.Investment))
		assert.Equal(t, !minor, d.Major())
		assert.Equal(t, cmp, d.Comparison)
		back, err := jsonRoundTrip(d)
		require.NoError(t, err)
		assert.True(t, back.Involved.Equal(d.Involved))
		assert.True(t, back.NewBudget.Equal(d.NewBudget))
		assert.Equal(t, d.Kind, back.Kind)
	})
}

func assertExplained(t *testing.T, re *review.Error) {
	t.Helper()
	require.NotEmpty(t, re.Findings)
	for _, f := range re.Findings {
		assert.NotEmpty(t, f.Code)
		assert.NotEmpty(t, f.Article)
		assert.NotEmpty(t, f.ZH)
		assert.NotEmpty(t, f.EN)
	}
}
