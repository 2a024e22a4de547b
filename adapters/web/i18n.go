package web

import (
	"net/http"

	"github.com/govit-cn/govit/lifecycle"
)

// The languages: Chinese first, English on request.
const (
	langZH = "zh"
	langEN = "en"
)

// langOf is the request's language: the cookie's, else Chinese.
func langOf(r *http.Request) string {
	if ck, err := r.Cookie(langCookie); err == nil && ck.Value == langEN {
		return langEN
	}
	return langZH
}

// Message keys used in Go code.
const (
	msgSessionExpired = "session_expired"
	msgBadForm        = "bad_form"
	msgCSRF           = "csrf"
	msgUnavailable    = "unavailable"
	msgNotFound       = "not_found"
	msgBadToken       = "bad_token"
	msgStale          = "stale"
)

// messages are the console's own words, [zh, en].
var messages = map[string][2]string{
	"app":             {"渝北区政务信息化项目管理", "Yubei government IT projects"},
	"signin":          {"登录", "Sign in"},
	"signout":         {"退出", "Sign out"},
	"token":           {"令牌", "Token"},
	"token_help":      {"令牌见服务器的令牌文件（默认 govit-tokens.json）。", "Tokens are in the server's tokens file (govit-tokens.json by default)."},
	"signed_out":      {"已退出。", "Signed out."},
	"todo":            {"待办", "To do"},
	"projects":        {"项目", "Projects"},
	"declare":         {"申报项目", "Declare a project"},
	"deadline":        {"工作日计算器", "Working-day calculator"},
	"dashboard":       {"统计", "Statistics"},
	"session_expired": {"登录已过期，请重新登录。", "Your session has expired; please sign in again."},
	"bad_form":        {"表单无法读取。", "The form could not be read."},
	"csrf":            {"表单已失效，请刷新页面后重试。", "The form has expired; reload the page and try again."},
	"unavailable":     {"服务暂时不可用，请稍后再试。", "The service is unavailable; try again later."},
	"not_found":       {"未找到该页面或项目。", "No such page or project."},
	"bad_token":       {"令牌无效。", "Invalid token."},
	"stale":           {"项目已被他人更新", "The project has been updated by someone else"},
	"stale_help":      {"您填写的内容保留在下方。请重新载入项目查看最新情况，再决定是否提交。", "What you entered is kept below. Reload the project to see what changed, then decide whether to submit."},
	"reload":          {"重新载入项目", "Reload the project"},
	"permitted_work":  {"可办理的项目", "Projects awaiting your action"},
	"obligations_due": {"到期与逾期事项", "Duties due and overdue"},
	"nothing":         {"暂无。", "Nothing."},
	"shown_first":     {"仅显示前 %d 项。", "Only the first %d are shown."},
	"name":            {"项目名称", "Project"},
	"unit":            {"单位", "Unit"},
	"kind":            {"项目类别", "Kind"},
	"state":           {"状态", "State"},
	"version":         {"版本", "Version"},
	"actions":         {"可办理", "May do"},
	"duty":            {"事项", "Duty"},
	"due":             {"截止日", "Due"},
	"left":            {"剩余", "Left"},
	"article":         {"条款", "Article"},
	"filter":          {"筛选", "Filter"},
	"all":             {"全部", "All"},
	"budget_year":     {"预算年度", "Budget year"},
	"overdue_only":    {"仅逾期", "Overdue only"},
	"next_page":       {"下一页", "Next page"},
	"prev_page":       {"上一页", "Previous page"},
	"first_page":      {"第一页", "First page"},
	"approved_total":  {"批复合计（万元）", "Approved total (10k yuan)"},
	"updated":         {"更新时间", "Updated"},
	"facts":           {"项目需求申报表（附件1）", "Declaration form (附件1)"},
	"budget":          {"资金预算（万元）", "Budget (10k yuan)"},
	"source":          {"资金来源", "Funding source"},
	"requested":       {"申报", "Requested"},
	"approved":        {"批复", "Approved"},
	"total":           {"合计", "Total"},
	"diagram":         {"生命周期", "Lifecycle"},
	"current":         {"当前", "current"},
	"from_here":       {"当前状态可进行的办理", "What may happen from the current state"},
	"to":              {"至", "to"},
	"roles":           {"角色", "Roles"},
	"timeline":        {"办理记录", "Timeline"},
	"when":            {"时间", "When"},
	"who":             {"办理人", "Who"},
	"action":          {"办理事项", "Action"},
	"chain_ok":        {"哈希链校验通过，记录未被篡改。", "The hash chain verifies: the record is intact."},
	"chain_broken":    {"哈希链校验失败：", "The hash chain does not verify: "},
	"chain_none":      {"当前存储不提供哈希链校验。", "This store offers no hash-chain verification."},
	"chain_error":     {"哈希链暂时无法校验。", "The hash chain could not be checked now."},
	"chain_pending":   {"记录较长，哈希链正在校验，稍后刷新本页即可看到结果。", "The history is long: its hash chain is being checked. Reload this page shortly for the result."},
	"older_events":    {"更早的记录", "Older entries"},
	"latest_events":   {"最新记录", "Latest entries"},
	"obligations":     {"法定期限", "Duties and deadlines"},
	"explanation":     {"计算说明", "How it is counted"},
	"status":          {"状态", "Status"},
	"forms":           {"办理", "Act"},
	"no_forms":        {"您当前没有可办理的事项。", "There is nothing you may do on this project now."},
	"submit":          {"提交", "Submit"},
	"preview":         {"预览第十一条判定", "Preview the 第十一条 decision"},
	"refused":         {"未能办理", "Refused"},
	"done":            {"已办理：", "Done: "},
	"contracts":       {"合同", "Contracts"},
	"changes":         {"变更", "Changes"},
	"findings":        {"审查意见", "Findings"},
	"yes":             {"是", "Yes"},
	"no":              {"否", "No"},
	"unset":           {"未选择", "Not chosen"},
	"one_per_line":    {"每行一项", "One per line"},
	"key_reason":      {"每行一项：编号=理由", "One per line: key=reason"},
	"row":             {"第 %d 行", "Row %d"},
	"workdays_left":   {"还剩 %d 个工作日", "%d working days left"},
	"due_today":       {"今天到期", "Due today"},
	"overdue_by":      {"已逾期 %d 个工作日", "Overdue by %d working days"},
	"met_on_time":     {"按期完成", "Met on time"},
	"met_late":        {"逾期 %d 个工作日完成", "Met %d working days late"},
	"from_date":       {"起算日", "From"},
	"workdays":        {"工作日数", "Working days"},
	"compute":         {"计算", "Compute"},
	"deadline_help":   {"按国务院办公厅节假日安排通知计算，起算日为第 0 日。第十二条：合同签订后 7 个工作日内备案；第十五条：验收后 10 个工作日内归档。", "Counted on the State Council holiday notices, the day of the event being day 0. 第十二条: file a contract within 7 working days of signing; 第十五条: archive within 10 working days of acceptance."},
	"outline":         {"需求说明编制大纲（附件2）", "Outline of the requirement specification (附件2)"},
	"overlaps":        {"第四条 重复建设检查", "第四条 duplicate check"},
	"no_overlaps":     {"未发现与已有项目重复。", "No overlap with existing projects."},
	"check_overlaps":  {"检查是否重复（第四条）", "Check for duplicates (第四条)"},
	"ack_overlaps":    {"已知悉上述可能重复的项目，仍然申报", "I have seen the possible duplicates above and declare anyway"},
	"declare_submit":  {"提交申报", "Submit the declaration"},
	"ack_required":    {"提交前请确认已知悉可能重复的项目。", "Confirm that you have seen the possible duplicates before submitting."},
	"decision":        {"第十一条 判定预览", "第十一条 decision preview"},
	"measured":        {"涉及金额", "Amount involved"},
	"threshold":       {"10% 界限", "10% threshold"},
	"share":           {"占项目投资", "Share of the investment"},
	"investment":      {"项目投资额", "Investment"},
	"lang_switch":     {"English", "中文"},
	"fixed_asset":     {"固定资产投资", "Fixed-asset investment"},
	"declared_at":     {"首次申报", "First declared"},
	"error":           {"出错了", "Error"},
	"signed_in_as":    {"当前用户", "Signed in as"},
	"declare_only":    {"只有申报单位可以申报项目。", "Only a declaring unit may declare a project."},
	"supplier":        {"供应商", "Supplier"},
	"amount":          {"金额（万元）", "Amount (10k yuan)"},
	"signed_on":       {"签订日期", "Signed on"},
	"filed":           {"备案", "Filed"},
	"optional":        {"选填", "optional"},
	"chain":           {"哈希链", "Hash chain"},
}

// text returns the message in the language, or the key itself.
func text(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == langEN {
		return m[1]
	}
	return m[0]
}

// actionEN are the actions in English; their Chinese names are the
// engine's (Action.ZH).
var actionEN = map[lifecycle.Action]string{
	lifecycle.ActDeclare:            "Declare",
	lifecycle.ActWithdraw:           "Withdraw",
	lifecycle.ActPreliminaryReview:  "Preliminary review",
	lifecycle.ActExpertReview:       "Expert review",
	lifecycle.ActDeliberate:         "Deliberation",
	lifecycle.ActBudget:             "Enter in the budget",
	lifecycle.ActApplyInitiation:    "Apply for 立项",
	lifecycle.ActApproveInitiation:  "Decide the 立项",
	lifecycle.ActStartProcurement:   "Start procurement",
	lifecycle.ActSignContract:       "Sign a contract",
	lifecycle.ActFileContract:       "File a contract",
	lifecycle.ActReportIssue:        "Report an issue",
	lifecycle.ActOrderRectification: "Order rectification",
	lifecycle.ActSuspend:            "Suspend",
	lifecycle.ActResume:             "Resume",
	lifecycle.ActRequestChange:      "Request a change",
	lifecycle.ActApproveChange:      "Approve the change",
	lifecycle.ActRejectChange:       "Reject the change",
	lifecycle.ActApplyAcceptance:    "Apply for acceptance",
	lifecycle.ActAccept:             "Accept",
	lifecycle.ActDeliver:            "Deliver",
	lifecycle.ActArchive:            "Archive",
	lifecycle.ActEvaluate:           "Evaluate",
	lifecycle.ActAudit:              "Audit",
	lifecycle.ActSecurityOpinion:    "Security guidance or supervision",
	lifecycle.ActOMEvaluation:       "O&M evaluation",
	lifecycle.ActTerminateContract:  "Terminate a contract",
	lifecycle.ActComplete:           "Complete the O&M",
}

// actionName names an action in the language.
func actionName(lang string, a lifecycle.Action) string {
	if lang == langEN {
		if n, ok := actionEN[a]; ok {
			return n
		}
		return string(a)
	}
	return a.ZH()
}

// stateEN are the states in English.
var stateEN = map[lifecycle.State]string{
	lifecycle.StateDeclared: "Declared", lifecycle.StateReturned: "Returned", lifecycle.StateWithdrawn: "Withdrawn",
	lifecycle.StateRedeclarationRequired: "Re-declaration required", lifecycle.StateBudgeted: "Budgeted",
	lifecycle.StateProcuring: "Procuring", lifecycle.StatePreliminaryPassed: "Preliminary review passed",
	lifecycle.StateExpertPassed: "Expert review passed", lifecycle.StateRejected: "Rejected",
	lifecycle.StateApproved: "Approved", lifecycle.StateInitiationApplied: "立项 applied for",
	lifecycle.StateInitiated: "立项 approved", lifecycle.StateImplementing: "Implementing",
	lifecycle.StateRectifying: "Rectifying", lifecycle.StateSuspended: "Suspended",
	lifecycle.StateAcceptanceApplied: "Acceptance applied for", lifecycle.StateAccepted: "Accepted",
	lifecycle.StateDelivered: "Delivered", lifecycle.StateArchived: "Archived", lifecycle.StateEvaluated: "Evaluated",
	lifecycle.StateOMEvaluated: "O&M evaluated", lifecycle.StateOperating: "Operating",
	lifecycle.StateTerminated: "Terminated", lifecycle.StateCompleted: "Completed",
}

// stateName names a state in the language.
func stateName(lang string, s lifecycle.State) string {
	if lang == langEN {
		if n, ok := stateEN[s]; ok {
			return n
		}
		return string(s)
	}
	return s.ZH()
}

// roleEN are the roles in English.
var roleEN = map[lifecycle.Role]string{
	lifecycle.RoleUnit: "Unit", lifecycle.RoleBDB: "Big Data Bureau", lifecycle.RoleDRC: "DRC",
	lifecycle.RoleFinance: "Finance Bureau", lifecycle.RoleAudit: "Audit Bureau", lifecycle.RoleCAC: "CAC",
	lifecycle.RoleGovernment: "District government",
}

// roleName names a role in the language.
func roleName(lang string, r lifecycle.Role) string {
	if lang == langEN {
		if n, ok := roleEN[r]; ok {
			return n
		}
		return string(r)
	}
	return r.ZH()
}
