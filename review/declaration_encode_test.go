package review

import (
	"encoding/json"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// genText draws text of the declaration's fields, with the characters an
// encoder escapes (quotes, controls, HTML's <>&, U+2028) among others.
func genText(t *rapid.T, label string) string {
	return rapid.StringOf(rapid.SampledFrom([]rune("申报平台ab1 \"\\\n\t<>&\u2028é\x01"))).Draw(t, label)
}

func genDeclaration(t *rapid.T) Declaration {
	d := Declaration{
		ID: genText(t, "id"), Unit: genText(t, "unit"), Name: genText(t, "name"),
		Contact:             Contact{Name: genText(t, "contact"), Phone: genText(t, "phone")},
		Period:              Period{Start: genText(t, "start"), End: genText(t, "end")},
		Kind:                rapid.SampledFrom([]Kind{Construction, Operation, ""}).Draw(t, "kind"),
		ConstructionType:    ConstructionType(genText(t, "type")),
		ProcurementCategory: ProcurementCategory(genText(t, "category")),
		FixedAsset:          rapid.Bool().Draw(t, "fixed"),
		Budget:              genBudget(t),
		FundComposition:     genText(t, "funds"), Content: genText(t, "content"),
		Remarks: genText(t, "remarks"), FilledOn: genText(t, "filled"),
		Classified: rapid.Bool().Draw(t, "classified"),
		BudgetYear: rapid.IntRange(0, 2030).Draw(t, "year"),
		Phase:      rapid.IntRange(0, 3).Draw(t, "phase"),
		ParentID:   genText(t, "parent"),
	}
	if rapid.Bool().Draw(t, "declared total") {
		total := decimal.New(rapid.Int64Range(0, 1e12).Draw(t, "total"), -rapid.Int32Range(0, MaxScale).Draw(t, "places"))
		d.DeclaredTotal = &total
	}
	for i := range rapid.IntRange(0, 3).Draw(t, "items") {
		_ = i
		d.Items = append(d.Items, Item{Category: ItemCategory(genText(t, "item")), Name: genText(t, "item name")})
	}
	return d
}

// TestDeclarationEncodesAlikeEverywhere: a declaration is written the same
// by encoding/json, by its MarshalJSON, and by go-json-experiment's
// encoders, which call MarshalJSONTo; and it reads back as written.
func TestDeclarationEncodesAlikeEverywhere(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDeclaration(t)
		std, err := json.Marshal(d)
		require.NoError(t, err)
		own, err := d.MarshalJSON()
		require.NoError(t, err)
		v2, err := jsonv2.Marshal(d, jsonv1.DefaultOptionsV1())
		require.NoError(t, err)
		inside, err := jsonv1.Marshal(struct{ D *Declaration }{&d})
		require.NoError(t, err)
		stdInside, err := json.Marshal(struct{ D *Declaration }{&d})
		require.NoError(t, err)
		assert.Equal(t, string(std), string(own))
		assert.Equal(t, string(std), string(v2))
		assert.Equal(t, string(stdInside), string(inside))

		// Under v2's own options the members are the same; only the
		// escaping of strings is the encoder's.
		plain, err := jsonv2.Marshal(d)
		require.NoError(t, err)
		var a, b map[string]any
		require.NoError(t, json.Unmarshal(std, &a))
		require.NoError(t, json.Unmarshal(plain, &b))
		assert.Equal(t, a, b)

		var back Declaration
		require.NoError(t, json.Unmarshal(v2, &back))
		again, err := json.Marshal(back)
		require.NoError(t, err)
		assert.Equal(t, string(std), string(again))
	})
}
