package review

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func keysOf(ds []Document) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Key)
	}
	return out
}

func TestDocuments(t *testing.T) {
	t.Run("第十五条/eleven documents in the article's order", func(t *testing.T) {
		ds := Documents()
		var zh []string
		for _, d := range ds {
			zh = append(zh, d.ZH)
			assert.NotEmpty(t, d.EN)
			got, ok := DocumentByKey(d.Key)
			assert.True(t, ok)
			assert.Equal(t, d, got)
		}
		assert.Equal(t, []string{"项目建设方案", "数据结构设计说明书", "立项批复", "采购文件", "项目合同", "监理报告",
			"测评报告", "变更说明", "验收报告", "用户使用报告", "验收意见"}, zh)
		assert.Equal(t, []string{"construction_plan", "data_structure_design", "initiation_approval", "procurement_documents",
			"contracts", "supervision_report", "test_report", "change_explanation", "acceptance_report", "user_report",
			"acceptance_opinion"}, keysOf(ds))
		_, ok := DocumentByKey("photos")
		assert.False(t, ok)
	})
}

func TestRequiredArchive(t *testing.T) {
	all := keysOf(Documents())
	without := func(keys ...string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(k string) bool { return slices.Contains(keys, k) })
	}
	cases := []struct {
		name string
		f    ArchiveFacts
		want []string
	}{
		{"everything that can exist", ArchiveFacts{FixedAsset: true, Changed: true, SupervisionContracted: true}, all},
		{"plain project", ArchiveFacts{}, without(DocInitiationApproval, DocChangeExplanation, DocSupervisionReport)},
		{"fixed asset needs 立项批复", ArchiveFacts{FixedAsset: true}, without(DocChangeExplanation, DocSupervisionReport)},
		{"changed project needs 变更说明", ArchiveFacts{Changed: true}, without(DocInitiationApproval, DocSupervisionReport)},
		{"supervised project needs 监理报告", ArchiveFacts{SupervisionContracted: true}, without(DocInitiationApproval, DocChangeExplanation)},
		{"no data structures", ArchiveFacts{WithoutDataStructures: true}, without(DocInitiationApproval, DocChangeExplanation, DocSupervisionReport, DocDataStructureDesign)},
	}
	for _, c := range cases {
		t.Run("第十五条/"+c.name, func(t *testing.T) {
			assert.Equal(t, c.want, keysOf(RequiredArchive(c.f)))
		})
	}
}

func TestCheckArchive(t *testing.T) {
	f := ArchiveFacts{FixedAsset: true, Changed: true}
	required := keysOf(RequiredArchive(f))
	t.Run("第十五条/complete", func(t *testing.T) {
		assert.Empty(t, CheckArchive(f, required))
	})
	t.Run("第十五条/extra optional documents are accepted", func(t *testing.T) {
		assert.Empty(t, CheckArchive(f, append(slices.Clone(required), DocSupervisionReport)))
	})
	t.Run("第十五条/missing ones are listed in order", func(t *testing.T) {
		fs := CheckArchive(f, without(required, DocAcceptanceOpinion, DocChangeExplanation))
		require.Len(t, fs, 2)
		assert.Equal(t, []string{"documents.change_explanation", "documents.acceptance_opinion"}, fieldsOf(fs))
		for _, x := range fs {
			assertFinding(t, x, "第十五条", x.Field)
			assert.Equal(t, "archive_document_missing", x.Code)
		}
		assert.Contains(t, fs[1].ZH, "验收意见")
	})
	t.Run("第十五条/unknown keys are findings, once each", func(t *testing.T) {
		fs := CheckArchive(f, append(slices.Clone(required), "photos", "photos", "Acceptance_Report"))
		assert.Equal(t, []string{"archive_document_unknown", "archive_document_unknown"}, codesOf(fs))
		assert.Equal(t, []string{"documents.photos", "documents.Acceptance_Report"}, fieldsOf(fs))
	})
	t.Run("第十五条/nothing submitted", func(t *testing.T) {
		assert.Len(t, CheckArchive(ArchiveFacts{}, nil), 8)
	})
	t.Run("第十五条/exactly the missing required documents are reported", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			f := ArchiveFacts{
				FixedAsset: rapid.Bool().Draw(t, "fixed"), Changed: rapid.Bool().Draw(t, "changed"),
				SupervisionContracted: rapid.Bool().Draw(t, "supervised"), WithoutDataStructures: rapid.Bool().Draw(t, "nodata"),
			}
			var submitted, missing []string
			for _, k := range keysOf(Documents()) {
				if rapid.Bool().Draw(t, k) {
					submitted = append(submitted, k)
				}
			}
			for _, d := range RequiredArchive(f) {
				if !slices.Contains(submitted, d.Key) {
					missing = append(missing, "documents."+d.Key)
				}
			}
			assert.Equal(t, missing, fieldsOf(CheckArchive(f, submitted)))
		})
	})
}

func without(keys []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return slices.Contains(drop, k) })
}

func TestCheckAcceptance(t *testing.T) {
	good := AcceptanceFacts{
		FixedAsset:               true,
		Documents:                []string{DocInitiationApproval, DocConstructionPlan, DocProcurementDocuments, DocContracts},
		DataCatalogCompiled:      true,
		SharingPlatformConnected: true,
	}
	type want struct{ code, field string }
	cases := []struct {
		name   string
		mutate func(a *AcceptanceFacts)
		want   []want
	}{
		{"all prerequisites met", func(*AcceptanceFacts) {}, nil},
		{"not fixed asset needs no 立项批复", func(a *AcceptanceFacts) {
			a.FixedAsset = false
			a.Documents = without(a.Documents, DocInitiationApproval)
		}, nil},
		{"fixed asset without 立项批复", func(a *AcceptanceFacts) { a.Documents = without(a.Documents, DocInitiationApproval) },
			[]want{{"acceptance_basis_missing", "documents.initiation_approval"}}},
		{"no construction plan", func(a *AcceptanceFacts) { a.Documents = without(a.Documents, DocConstructionPlan) },
			[]want{{"acceptance_basis_missing", "documents.construction_plan"}}},
		{"no procurement documents or contracts", func(a *AcceptanceFacts) { a.Documents = without(a.Documents, DocProcurementDocuments, DocContracts) },
			[]want{{"acceptance_basis_missing", "documents.procurement_documents"}, {"acceptance_basis_missing", "documents.contracts"}}},
		{"data catalogue not compiled", func(a *AcceptanceFacts) { a.DataCatalogCompiled = false },
			[]want{{"data_catalog_missing", "data_catalog_compiled"}}},
		{"not connected to the sharing platform", func(a *AcceptanceFacts) { a.SharingPlatformConnected = false },
			[]want{{"acceptance_sharing_not_connected", "sharing_platform_connected"}}},
		{"not connected, exempted under 第四条", func(a *AcceptanceFacts) {
			a.SharingPlatformConnected = false
			a.SharingExemption = "国家有关规定"
		}, nil},
		{"phased project names its contracts", func(a *AcceptanceFacts) { a.Phased = true; a.Contracts = []string{"HT-2021-07"} }, nil},
		{"phased project without contracts", func(a *AcceptanceFacts) { a.Phased = true; a.Contracts = []string{" "} },
			[]want{{"phased_acceptance_contracts_missing", "contracts"}}},
		{"unknown document", func(a *AcceptanceFacts) { a.Documents = append(a.Documents, "invoice") },
			[]want{{"acceptance_document_unknown", "documents.invoice"}}},
		{"nothing at all", func(a *AcceptanceFacts) { *a = AcceptanceFacts{} },
			[]want{{"acceptance_basis_missing", "documents.construction_plan"}, {"acceptance_basis_missing", "documents.procurement_documents"},
				{"acceptance_basis_missing", "documents.contracts"}, {"data_catalog_missing", "data_catalog_compiled"},
				{"acceptance_sharing_not_connected", "sharing_platform_connected"}}},
	}
	for _, c := range cases {
		t.Run("第十四条/"+c.name, func(t *testing.T) {
			a := good
			a.Documents = slices.Clone(good.Documents)
			c.mutate(&a)
			fs := CheckAcceptance(a)
			require.Len(t, fs, len(c.want), "%v", fs)
			for i, w := range c.want {
				assert.Equal(t, w.code, fs[i].Code)
				assertFinding(t, fs[i], "第十四条", w.field)
			}
		})
	}
	t.Run("第十四条/basis documents", func(t *testing.T) {
		assert.Equal(t, []string{"initiation_approval", "construction_plan", "procurement_documents", "contracts"}, keysOf(AcceptanceBasis(true)))
		assert.Equal(t, []string{"construction_plan", "procurement_documents", "contracts"}, keysOf(AcceptanceBasis(false)))
	})
}
