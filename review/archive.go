package review

import (
	"fmt"
	"slices"
)

// Document is one of the project documents of 第十五条 (and the basis
// documents of 第十四条), with a stable key.
type Document struct {
	// Key is stable across releases, e.g. "acceptance_report".
	Key string `json:"key"`
	// ZH is the document's name in the words of 第十五条.
	ZH string `json:"zh"`
	// EN is an English name.
	EN string `json:"en"`
}

// The document keys of 第十五条, in its order.
const (
	DocConstructionPlan     = "construction_plan"     // 项目建设方案
	DocDataStructureDesign  = "data_structure_design" // 数据结构设计说明书
	DocInitiationApproval   = "initiation_approval"   // 立项批复
	DocProcurementDocuments = "procurement_documents" // 采购文件
	DocContracts            = "contracts"             // 项目合同
	DocSupervisionReport    = "supervision_report"    // 监理报告
	DocTestReport           = "test_report"           // 测评报告
	DocChangeExplanation    = "change_explanation"    // 变更说明
	DocAcceptanceReport     = "acceptance_report"     // 验收报告
	DocUserReport           = "user_report"           // 用户使用报告
	DocAcceptanceOpinion    = "acceptance_opinion"    // 验收意见
)

// Documents lists the eleven documents of 第十五条 in its order. Each call
// returns a fresh copy.
func Documents() []Document {
	return []Document{
		{DocConstructionPlan, "项目建设方案", "construction plan"},
		{DocDataStructureDesign, "数据结构设计说明书", "data structure design specification"},
		{DocInitiationApproval, "立项批复", "project initiation approval"},
		{DocProcurementDocuments, "采购文件", "procurement documents"},
		{DocContracts, "项目合同", "project contracts"},
		{DocSupervisionReport, "监理报告", "supervision report"},
		{DocTestReport, "测评报告", "test and evaluation report"},
		{DocChangeExplanation, "变更说明", "change explanation"},
		{DocAcceptanceReport, "验收报告", "acceptance report"},
		{DocUserReport, "用户使用报告", "user report"},
		{DocAcceptanceOpinion, "验收意见", "acceptance opinion"},
	}
}

// DocumentByKey returns the document with the key, if there is one.
func DocumentByKey(key string) (Document, bool) {
	for _, d := range Documents() {
		if d.Key == key {
			return d, true
		}
	}
	return Document{}, false
}

// ArchiveFacts are the facts of a project that decide which documents of
// 第十五条 can exist. The zero value requires every document except the
// three that exist only for some projects.
type ArchiveFacts struct {
	// FixedAsset: the project is fixed-asset investment, so it has a
	// 立项批复 from the district DRC (第十条). Other projects have none.
	FixedAsset bool `json:"fixed_asset"`
	// Changed: the project had an approved change (第十一条第（一）项),
	// so it has a 变更说明.
	Changed bool `json:"changed"`
	// SupervisionContracted: a supervisor (监理) was engaged, so there is
	// a 监理报告.
	SupervisionContracted bool `json:"supervision_contracted"`
	// WithoutDataStructures: the project designs no data structures (e.g.
	// cabling or a server room only), so there is no 数据结构设计说明书.
	WithoutDataStructures bool `json:"without_data_structures,omitempty"`
}

// RequiredArchive lists the documents a project must file after acceptance
// (第十五条), in the article's order. 第十五条 lists eleven documents; one
// that cannot exist for the project is not required:
//   - 立项批复 only for a fixed-asset project (第十条: only such projects
//     are approved by the DRC);
//   - 变更说明 only if the project was changed (第十一条);
//   - 监理报告 only if supervision was contracted;
//   - 数据结构设计说明书 unless the project designs no data structures.
func RequiredArchive(f ArchiveFacts) []Document {
	var out []Document
	for _, d := range Documents() {
		switch d.Key {
		case DocInitiationApproval:
			if !f.FixedAsset {
				continue
			}
		case DocChangeExplanation:
			if !f.Changed {
				continue
			}
		case DocSupervisionReport:
			if !f.SupervisionContracted {
				continue
			}
		case DocDataStructureDesign:
			if f.WithoutDataStructures {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// CheckArchive checks the documents filed after acceptance (第十五条)
// against RequiredArchive. It returns one "archive_document_missing"
// finding per required document not submitted, in the article's order,
// then one "archive_document_unknown" finding per submitted key that is not
// a document of 第十五条. Each finding's Field is "documents.<key>".
// Documents submitted beyond the required ones are accepted.
func CheckArchive(f ArchiveFacts, submitted []string) []Finding {
	const art = "第十五条"
	var fs []Finding
	for _, d := range RequiredArchive(f) {
		if !slices.Contains(submitted, d.Key) {
			fs = append(fs, Finding{
				Code: "archive_document_missing", Article: art, Field: "documents." + d.Key,
				ZH: fmt.Sprintf("验收后报送存档的资料缺少%s", d.ZH),
				EN: fmt.Sprintf("the documents filed after acceptance lack the %s", d.EN),
			})
		}
	}
	return append(fs, unknownDocuments(art, "archive_document_unknown", submitted)...)
}

// unknownDocuments reports each distinct key that is not a document.
func unknownDocuments(art, code string, submitted []string) []Finding {
	var fs []Finding
	seen := make(map[string]bool)
	for _, k := range submitted {
		if _, ok := DocumentByKey(k); ok || seen[k] {
			continue
		}
		seen[k] = true
		fs = append(fs, Finding{
			Code: code, Article: art, Field: "documents." + k,
			ZH: fmt.Sprintf("“%s”不是第十五条所列的项目资料", k),
			EN: fmt.Sprintf("%q is not a document of 第十五条", k),
		})
	}
	return fs
}

// AcceptanceFacts are what the acceptance of a 建设类 project rests on
// (第十四条).
type AcceptanceFacts struct {
	// FixedAsset: the project is fixed-asset investment and so has a
	// 立项批复 to be accepted against.
	FixedAsset bool `json:"fixed_asset"`
	// Documents are the keys (see Documents) of the documents at hand.
	Documents []string `json:"documents"`
	// DataCatalogCompiled: the project's 政务数据资源目录清单 is compiled.
	DataCatalogCompiled bool `json:"data_catalog_compiled"`
	// SharingPlatformConnected: the project is connected to the
	// 政务信息资源共享交换平台.
	SharingPlatformConnected bool `json:"sharing_platform_connected"`
	// SharingExemption cites the law or policy that exempted the project
	// from connecting (第四条), as declared; it excuses the connection.
	SharingExemption string `json:"sharing_exemption,omitempty"`
	// Phased: the project is one phase of a multi-year phased project,
	// accepted per its procurement contracts (第十四条).
	Phased bool `json:"phased,omitempty"`
	// Contracts identifies the procurement contracts this acceptance
	// covers; required for a phased project.
	Contracts []string `json:"contracts,omitempty"`
}

// AcceptanceBasis lists the documents an acceptance rests on (第十四条:
// 以项目立项批复、建设方案、采购文件和合同等文件为依据); 立项批复 only for a
// fixed-asset project.
func AcceptanceBasis(fixedAsset bool) []Document {
	keys := []string{DocConstructionPlan, DocProcurementDocuments, DocContracts}
	if fixedAsset {
		keys = append([]string{DocInitiationApproval}, keys...)
	}
	out := make([]Document, 0, len(keys))
	for _, k := range keys {
		d, _ := DocumentByKey(k)
		out = append(out, d)
	}
	return out
}

// CheckAcceptance checks the prerequisites of acceptance (第十四条): the
// basis documents (AcceptanceBasis) at hand, the 政务数据资源目录清单
// compiled, the connection to the sharing platform made (unless exempted
// under 第四条), and for a phased project the contracts named. Unknown
// document keys are reported too. Every finding refuses acceptance.
func CheckAcceptance(a AcceptanceFacts) []Finding {
	const art = "第十四条"
	var fs []Finding
	for _, d := range AcceptanceBasis(a.FixedAsset) {
		if !slices.Contains(a.Documents, d.Key) {
			fs = append(fs, Finding{
				Code: "acceptance_basis_missing", Article: art, Field: "documents." + d.Key,
				ZH: fmt.Sprintf("项目验收缺少依据文件：%s", d.ZH),
				EN: fmt.Sprintf("the acceptance lacks its basis document: the %s", d.EN),
			})
		}
	}
	if !a.DataCatalogCompiled {
		fs = append(fs, Finding{
			Code: "data_catalog_missing", Article: art, Field: "data_catalog_compiled",
			ZH: "项目未编制完成政务数据资源目录清单，不能验收",
			EN: "the project's government data resource catalogue is not compiled; it cannot be accepted",
		})
	}
	if !a.SharingPlatformConnected && isBlank(a.SharingExemption) {
		fs = append(fs, Finding{
			Code: "acceptance_sharing_not_connected", Article: art, Field: "sharing_platform_connected",
			ZH: "项目未接入政务信息资源共享交换平台，不能验收",
			EN: "the project is not connected to the government information sharing and exchange platform; it cannot be accepted",
		})
	}
	if a.Phased && !slices.ContainsFunc(a.Contracts, func(c string) bool { return !isBlank(c) }) {
		fs = append(fs, Finding{
			Code: "phased_acceptance_contracts_missing", Article: art, Field: "contracts",
			ZH: "跨年度分期建设项目应按对应的采购合同验收，须列明本次验收的合同",
			EN: "a phased project is accepted per procurement contract; name the contracts this acceptance covers",
		})
	}
	return append(fs, unknownDocuments(art, "acceptance_document_unknown", a.Documents)...)
}
