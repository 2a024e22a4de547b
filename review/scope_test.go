package review

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func items(cats ...ItemCategory) []Item {
	out := make([]Item, len(cats))
	for i, c := range cats {
		out[i] = Item{Category: c}
	}
	return out
}

func TestCheckScope(t *testing.T) {
	excluded := []ItemCategory{ItemPC, ItemCamera, ItemCopier, ItemRemovableStorage, ItemSoftwareProduct, ItemConsumables, ItemOfficeEquipment}
	inScope := []ItemCategory{ItemNetwork, ItemCloudPlatform, ItemApplication, ItemInformationResource, ItemSecurity, ItemOtherSystem}

	for _, c := range excluded {
		t.Run("第二条/only "+string(c)+" is out of scope", func(t *testing.T) {
			fs := CheckScope(Declaration{Items: items(c, c)})
			require.Len(t, fs, 1)
			assert.Equal(t, "out_of_scope", fs[0].Code)
			assertFinding(t, fs[0], "第二条", "items")
			assert.Contains(t, fs[0].ZH, c.ZH(), "the finding names what was bought")
		})
	}
	for _, c := range inScope {
		t.Run("第二条/"+string(c)+" is in scope", func(t *testing.T) {
			assert.Empty(t, CheckScope(Declaration{Items: items(c)}))
		})
	}
	t.Run("第二条/several excluded purchases are all named once", func(t *testing.T) {
		fs := CheckScope(Declaration{Items: items(ItemPC, ItemCopier, ItemPC, ItemConsumables)})
		require.Len(t, fs, 1)
		assert.Contains(t, fs[0].ZH, "个人电脑、复印机、耗材")
		assert.Contains(t, fs[0].EN, "personal computers, copiers, consumables")
	})
	t.Run("第二条/a system with some PCs is in scope", func(t *testing.T) {
		assert.Empty(t, CheckScope(Declaration{Items: items(ItemPC, ItemApplication, ItemConsumables)}))
	})
	t.Run("第二条/no items is not judged", func(t *testing.T) {
		assert.Empty(t, CheckScope(Declaration{Content: "采购办公电脑"}))
	})
	t.Run("第十九条/classified project is refused alone", func(t *testing.T) {
		fs := CheckScope(Declaration{Classified: true, Items: items(ItemPC)})
		require.Len(t, fs, 1)
		assert.Equal(t, "classified_project", fs[0].Code)
		assertFinding(t, fs[0], "第十九条", "classified")
		assert.Contains(t, fs[0].ZH, "按有关规定办理")
	})
	t.Run("第二条/categories are complete and labelled", func(t *testing.T) {
		all := ItemCategories()
		assert.Len(t, all, len(excluded)+len(inScope))
		for _, c := range all {
			assert.True(t, c.Valid())
			assert.True(t, hasHan(c.ZH()), c)
			assert.NotEmpty(t, c.EN())
			assert.False(t, hasHan(c.EN()), c)
		}
		for _, c := range excluded {
			assert.True(t, c.Excluded(), c)
		}
		for _, c := range inScope {
			assert.False(t, c.Excluded(), c)
		}
		assert.False(t, ItemCategory("printer").Valid())
	})
	t.Run("第二条/every category passes the validator", func(t *testing.T) {
		v := NewValidator()
		for _, c := range ItemCategories() {
			d := validDeclaration(t)
			d.Items = items(c)
			assert.NoError(t, v.Declaration(d), c)
		}
	})
}

func TestAdmit(t *testing.T) {
	v := NewValidator()
	t.Run("第十九条/classified is refused before the form is read", func(t *testing.T) {
		err := v.Admit(Declaration{Classified: true})
		require.Error(t, err)
		assert.Equal(t, []string{"classified_project"}, err.(*Error).Codes())
	})
	t.Run("第二条/out of scope", func(t *testing.T) {
		d := validDeclaration(t)
		d.Items = items(ItemCamera)
		err := v.Admit(d)
		require.Error(t, err)
		assert.Equal(t, []string{"out_of_scope"}, err.(*Error).Codes())
	})
	t.Run("附件1/in scope goes on to the form", func(t *testing.T) {
		d := validDeclaration(t)
		assert.NoError(t, v.Admit(d))
		d.Name = ""
		err := v.Admit(d)
		require.Error(t, err)
		assert.Equal(t, []string{"field_required"}, err.(*Error).Codes())
	})
}

func TestLabels(t *testing.T) {
	t.Run("第二条/kinds and construction types", func(t *testing.T) {
		assert.Equal(t, "建设类", Construction.ZH())
		assert.Equal(t, "运维类", Operation.ZH())
		assert.True(t, Construction.Valid() && Operation.Valid())
		assert.False(t, Kind("x").Valid())
		assert.Equal(t, "x", Kind("x").ZH())
		assert.Equal(t, []string{"新建", "改建", "扩建", "续建"},
			[]string{NewBuild.ZH(), Rebuild.ZH(), Expand.ZH(), Continue.ZH()})
		for _, c := range []ConstructionType{NewBuild, Rebuild, Expand, Continue} {
			assert.True(t, c.Valid())
		}
		assert.False(t, ConstructionType("x").Valid())
		assert.NotEqual(t, Construction.EN(), Operation.EN())
	})
	t.Run("附件1/procurement categories", func(t *testing.T) {
		assert.Equal(t, []string{"工程类", "服务类", "货物类"}, []string{Engineering.ZH(), Service.ZH(), Goods.ZH()})
		assert.True(t, Engineering.Valid() && Service.Valid() && Goods.Valid())
		assert.False(t, ProcurementCategory("x").Valid())
	})
}
