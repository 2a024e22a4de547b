package web

// labels name the payload fields by their JSON key, [zh, en], in the words
// of the measure and its forms (附件1 for the declaration).
var labels = map[string][2]string{
	// 附件1
	"unit": {"申报单位", "Declaring unit"}, "name": {"名称", "Name"}, "contact": {"联系人", "Contact"},
	"phone": {"联系电话", "Phone"}, "period": {"项目周期", "Period"}, "start": {"起", "From"}, "end": {"止", "To"},
	"kind": {"类别", "Kind"}, "construction_type": {"建设类型", "Construction type"},
	"procurement_category": {"采购类别", "Procurement category"}, "fixed_asset": {"固定资产投资", "Fixed-asset investment"},
	"budget": {"资金预算（万元）", "Budget (10k yuan)"}, "fund_composition": {"资金主要构成", "Main composition of the funds"},
	"content": {"项目内容及功能", "Content and functions"}, "cloud": {"信息资源上云情况", "Use of the government cloud"},
	"sharing":     {"信息资源共享情况", "Sharing of information resources"},
	"integration": {"单位信息化项目现状及整合情况", "Existing systems and their integration"},
	"remarks":     {"备注", "Remarks"}, "classified": {"涉密或适用国家特殊规定（第十九条）", "Classified or under special national rules (第十九条)"},
	"budget_year": {"预算年度", "Budget year"}, "parent_id": {"前期项目编号（第八条）", "Earlier phase's project ID (第八条)"},
	"phase": {"建设期次（第八条）", "Phase (第八条)"}, "cloud_exemption": {"不使用政务云的依据（第四条）", "Basis for not using the government cloud (第四条)"},
	"sharing_exemption": {"不接入共享平台的依据（第四条）", "Basis for not connecting to the sharing platform (第四条)"},
	"items":             {"项目内容类别（第二条）", "Items by category (第二条)"}, "category": {"类别", "Category"},
	// reviews
	"submission": {"单位提交材料", "The unit's submission"}, "judgment": {"审核意见", "Reviewer's judgment"},
	"table_of_contents":         {"需求说明目录（附件2，每行一个标题）", "Table of contents of the requirement specification (附件2, one heading a line)"},
	"uses_gov_cloud":            {"部署于政务云", "Deployed on the government cloud"},
	"connects_sharing_platform": {"接入政务数据共享交换平台", "Connects to the data-sharing platform"},
	"new_business_network":      {"新建业务专网", "Builds a new business network"},
	"open_datasets":             {"拟开放的数据集（每行一个）", "Data sets to open (one a line)"},
	"open_data_statement":       {"数据开放说明", "Open-data statement"},
	"cryptography_plan":         {"商用密码应用方案", "Commercial cryptography plan"},
	"security_plan":             {"信息安全规划和设计", "Information security plan"},
	"materials_clear":           {"材料清晰、合理、明确（第六条第（一）项）", "Materials clear, reasonable and definite (第六条(一))"},
	"technically_feasible":      {"技术可行（第六条第（二）项）", "Technically feasible (第六条(二))"},
	"economically_rational":     {"经济合理（第六条第（二）项）", "Economically rational (第六条(二))"},
	"passed":                    {"通过", "Passed"}, "reason": {"理由", "Reason"},
	"outline_adjustments": {"接受的大纲调整（编号=理由）", "Outline adjustments accepted (key=reason)"},
	"concerns":            {"其他意见", "Concerns"}, "criterion": {"审核标准（1–4）", "Criterion (1–4)"},
	"zh": {"意见（中文）", "Concern (Chinese)"}, "en": {"意见（英文）", "Concern (English)"},
	"organisers": {"组织单位", "Organisers"}, "experts": {"评审专家", "Experts"}, "specialty": {"专业领域", "Specialty"},
	"opinions": {"分项意见（第七条）", "Opinions by aspect (第七条)"}, "aspect": {"评审内容", "Aspect"},
	"opinion": {"意见", "Opinion"}, "requested": {"申报金额", "Requested"}, "approved": {"核定金额（万元）", "Approved amount"}, "approved_yesno": {"是否同意", "Approved"},
	"recommended": {"建议金额", "Recommended"}, "agency": {"受托机构", "Agency"}, "grade": {"评价等级", "Grade"},
	"meeting": {"会议", "Meeting"}, "year": {"预算年度", "Budget year"}, "type": {"预算类型", "Budget type"},
	"document": {"预算文件文号", "Budget document"}, "note": {"说明", "Note"}, "number": {"立项批复文号", "立项 notice number"},
	"method": {"采购方式", "Procurement method"}, "contract": {"合同", "Contract"}, "id": {"合同编号", "Contract number"},
	"title": {"合同名称", "Title"}, "amount": {"合同金额（万元）", "Amount (10k yuan)"}, "signed_on": {"签订日期", "Signed on"},
	"supplier": {"供应商", "Supplier"}, "supervision": {"监理合同", "Supervision contract"},
	"contract_id": {"合同编号", "Contract number"}, "description": {"情况说明", "Description"},
	"item": {"内容", "Item"}, "source": {"资金来源", "Funding source"}, "old": {"变更前（万元）", "Before (10k yuan)"},
	"new": {"变更后（万元）", "After (10k yuan)"}, "replaces": {"替换的内容", "Replaces"},
	"facts": {"验收条件（第十四条）", "Acceptance facts (第十四条)"}, "documents": {"文件", "Documents"},
	"data_catalog_compiled":      {"已编制政务数据资源目录清单", "Data resource catalogue compiled"},
	"sharing_platform_connected": {"已接入共享交换平台", "Connected to the sharing platform"},
	"phased":                     {"分期项目", "Phased project"}, "contracts": {"验收涉及的合同编号（每行一个）", "Contracts covered (one a line)"},
	"without_data_structures": {"项目不涉及数据结构设计", "The project designs no data structures"},
	"summary":                 {"审计摘要", "Summary"}, "findings": {"审计发现（每行一项）", "Findings (one a line)"},
	"final": {"不再需要运维", "No further O&M needed"},
}

// label names a field by its JSON key in the language.
func label(lang, key string) string {
	l, ok := labels[key]
	if !ok {
		return key
	}
	if lang == langEN {
		return l[1]
	}
	return l[0]
}
