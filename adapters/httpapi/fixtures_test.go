package httpapi

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/review"
)

// obj is a JSON object literal.
type obj = map[string]any

// declaration is a complete 建设类 declaration (附件1) of unit.
func declaration(unit, name string) obj {
	return obj{
		"unit":                 unit,
		"name":                 name,
		"contact":              obj{"name": "李明", "phone": "023-67812345"},
		"period":               obj{"start": "2026-03", "end": "2026-12"},
		"kind":                 "construction",
		"construction_type":    "new",
		"procurement_category": "service",
		"fixed_asset":          false,
		"budget":               obj{"central": "0", "municipal": "0", "district": "100", "self_funded": "20", "total": "120"},
		"fund_composition":     "软件开发 80 万元，等保测评 20 万元，监理 20 万元",
		"content":              "建设全区中小学学籍与资助管理平台，实现学籍变动、资助申请的网上办理",
		"cloud":                "部署于渝北区政务云",
		"sharing":              "学籍数据通过政务数据共享交换平台共享",
		"integration":          "整合原有学籍管理系统，不再单独运维",
		"items":                []obj{{"category": "application", "name": "学籍与资助管理平台"}},
	}
}

// tableOfContents is a complete table of contents of the requirement
// specification, from the outline of 附件2.
func tableOfContents() []string {
	var toc []string
	for _, c := range review.Outline() {
		toc = append(toc, fmt.Sprintf("第%d章 %s", c.Number, c.Title))
		for _, s := range c.Sections {
			toc = append(toc, fmt.Sprintf("%d.%d %s", s.Chapter, s.Number, s.Title))
		}
	}
	return toc
}

// preliminaryPassed is a preliminary review (第六条) that passes.
func preliminaryPassed() obj {
	return obj{
		"submission": obj{
			"table_of_contents":         tableOfContents(),
			"uses_gov_cloud":            true,
			"connects_sharing_platform": true,
			"new_business_network":      false,
			"open_datasets":             []string{"中小学校名录"},
			"cryptography_plan":         "采用商用密码对身份认证和敏感数据加密",
			"security_plan":             "按等保二级设计并测评",
		},
		"judgment": obj{
			"materials_clear":       obj{"passed": true},
			"technically_feasible":  obj{"passed": true},
			"economically_rational": obj{"passed": true},
		},
	}
}

// expertPassed is an expert review (第七条) that passes, approving amount
// from district funds and self_funded from the unit's own.
func expertPassed(district, selfFunded string) obj {
	var opinions []obj
	for _, a := range review.Aspects() {
		opinions = append(opinions, obj{"aspect": string(a), "passed": true, "opinion": "同意"})
	}
	return obj{
		"organisers": []string{"bdb", "finance", "drc"},
		"experts":    []obj{{"name": "王强", "specialty": "软件工程"}, {"name": "赵敏", "specialty": "网络安全"}},
		"opinions":   opinions,
		"opinion":    "项目必要、可行，同意通过",
		"passed":     true,
		"approved":   obj{"central": "0", "municipal": "0", "district": district, "self_funded": selfFunded},
	}
}

// contract is a contract signed on the given date.
func contract(id, amount, signedOn string) obj {
	return obj{"contract": obj{"id": id, "title": "学籍与资助管理平台开发", "amount": amount, "signed_on": signedOn, "supplier": "重庆某软件有限公司"}}
}

// acceptanceFacts are the prerequisites of acceptance (第十四条), met.
func acceptanceFacts() obj {
	return obj{"facts": obj{
		"documents":                  []string{review.DocConstructionPlan, review.DocProcurementDocuments, review.DocContracts},
		"data_catalog_compiled":      true,
		"sharing_platform_connected": true,
	}}
}

// archiveDocuments are the documents of 第十五条 that exist for a project
// not fixed-asset, without supervision contract and never changed.
func archiveDocuments() obj {
	return obj{"documents": []string{
		review.DocConstructionPlan, review.DocDataStructureDesign, review.DocProcurementDocuments,
		review.DocContracts, review.DocTestReport, review.DocAcceptanceReport, review.DocUserReport,
		review.DocAcceptanceOpinion,
	}}
}

// mustDeclaration reads a declaration fixture into its Go type.
func mustDeclaration(t testing.TB, d obj) review.Declaration {
	t.Helper()
	data, err := json.Marshal(d)
	require.NoError(t, err)
	var out review.Declaration
	require.NoError(t, json.Unmarshal(data, &out))
	return out
}
