package lifecycle

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/govit-cn/govit/review"
)

// TestStoredBudgetsReadAsWritten: a budget written by review.Budget and
// read back by the records' token reader (readBudget) is the same budget,
// amount by amount, as the budget's own reader gives.
func TestStoredBudgetsReadAsWritten(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		amount := func(label string) string {
			units := rapid.Int64Range(0, 1_000_000_000).Draw(t, label)
			places := rapid.Int32Range(0, review.MaxScale).Draw(t, label+" places")
			return decimal.New(units, -places).String()
		}
		b := review.MustBudget(amount("central"), amount("municipal"), amount("district"), amount("self_funded"))
		data, err := json.Marshal(struct {
			B review.Budget `json:"b"`
		}{b})
		require.NoError(t, err)
		var got struct {
			B review.Budget `json:"b"`
		}
		require.NoError(t, readRecord(data, &got))
		var want struct {
			B review.Budget `json:"b"`
		}
		require.NoError(t, json.Unmarshal(data, &want))
		for _, s := range review.FundingSources() {
			assert.True(t, want.B.Get(s).Equal(got.B.Get(s)), "%s: %s, want %s", s, got.B.Get(s), want.B.Get(s))
			assert.True(t, b.Get(s).Equal(got.B.Get(s)), "%s", s)
		}
	})
}

// TestStoredBudgetForms: a stored budget may hold numbers, blanks, null and
// a total; a member that is no column is an error, not a lost amount.
func TestStoredBudgetForms(t *testing.T) {
	type rec struct {
		B review.Budget `json:"b"`
	}
	var r rec
	require.NoError(t, readRecord([]byte(`{"b":{"central":1.5,"municipal":"","district":"20","self_funded":null,"total":"999"}}`), &r))
	assert.True(t, r.B.Central.Equal(decimal.RequireFromString("1.5")))
	assert.True(t, r.B.Municipal.IsZero())
	assert.True(t, r.B.District.Equal(decimal.RequireFromString("20")))
	assert.True(t, r.B.SelfFunded.IsZero())
	assert.True(t, r.B.Total().Equal(decimal.RequireFromString("21.5")), "the total is the sum, not the written one")
	require.NoError(t, readRecord([]byte(`{"b":null}`), &r))
	assert.True(t, r.B.IsZero())
	assert.Error(t, readRecord([]byte(`{"b":{"provincial":"1"}}`), &r))
	assert.Error(t, readRecord([]byte(`{"b":["1"]}`), &r))
}

// TestStoredDeclarationReadAsWritten: a declaration record read in one
// parse equals the one its own reader gives, budget and declared total
// included.
func TestStoredDeclarationReadAsWritten(t *testing.T) {
	total := decimal.RequireFromString("120.5")
	d := review.Declaration{Unit: "区教委", Name: "平台", Kind: review.Construction, ConstructionType: review.NewBuild,
		ProcurementCategory: review.Service, Budget: review.MustBudget("0", "0", "100.5", "20"), DeclaredTotal: &total,
		Contact: review.Contact{Name: "张", Phone: "13912345678"}, Period: review.Period{Start: "2026-01", End: "2026-12"},
		Items: []review.Item{{Category: review.ItemCategories()[0], Name: "x"}}, FilledOn: "2026-03-02", Phase: 1}
	data, err := json.Marshal(d)
	require.NoError(t, err)
	var got, want review.Declaration
	require.NoError(t, readRecord(data, &got))
	require.NoError(t, json.Unmarshal(data, &want))
	assert.True(t, want.Budget.Equal(got.Budget))
	require.NotNil(t, got.DeclaredTotal)
	assert.True(t, want.DeclaredTotal.Equal(*got.DeclaredTotal))
	got.Budget, want.Budget, got.DeclaredTotal, want.DeclaredTotal = review.Budget{}, review.Budget{}, nil, nil
	assert.Equal(t, want, got)
}
