package lifecycle

import (
	"strings"
	"sync"

	"github.com/govit-cn/govit/review"
)

// The names of the guards of the transition table.
const (
	GuardNotClassified           = "not_classified"
	GuardInScope                 = "in_scope"
	GuardDeclarationValid        = "declaration_valid"
	GuardSameProject             = "same_project"
	GuardBudgetYear              = "om_budget_year"
	GuardPreliminaryCriteria     = "preliminary_record_valid"
	GuardPreliminaryPassed       = "preliminary_review_passed"
	GuardExpertPanel             = "expert_panel_complete"
	GuardExpertPassed            = "expert_review_passed"
	GuardOMCriteria              = "om_evaluation_complete"
	GuardFixedAsset              = "fixed_asset"
	GuardInitiatedIfFixedAsset   = "initiation_approved"
	GuardApprovedAndBudgeted     = "approved_and_budgeted"
	GuardNoChangePending         = "no_change_pending"
	GuardContractValid           = "contract_valid"
	GuardWithinInvestment        = "within_approved_investment"
	GuardContractUnfiled         = "contract_unfiled"
	GuardChangeAssessed          = "change_assessed"
	GuardChangePending           = "change_pending"
	GuardChangeApprover          = "change_approver"
	GuardAcceptancePrerequisites = "acceptance_prerequisites"
	GuardArchiveComplete         = "archive_complete"
	GuardActiveContract          = "contract_active"
	GuardWrittenReason           = "written_reason"
	GuardBudgeted                = "budgeted"
	GuardNotBudgeted             = "not_yet_budgeted"
	GuardNotArchived             = "not_yet_archived"
	GuardNotEvaluated            = "not_yet_evaluated"
)

// Guard is a condition of the transition table beyond the state: its name,
// the article behind it, what it requires in Chinese and English, and its
// check. The rows of the table hold guards by value, so a row cannot name
// a guard that does not exist.
type Guard struct {
	Name    string `json:"name"`
	Article string `json:"article"`
	// Payload marks a guard that reads the action's payload. Permitted
	// evaluates such a guard only as far as the project's state decides
	// it (e.g. "some contract is unfiled"); the payload's part (e.g. "the
	// named contract is unfiled") is checked by Decide.
	Payload bool   `json:"payload"`
	ZH      string `json:"zh"`
	EN      string `json:"en"`
	// check evaluates the guard. With rec nil it decides what the
	// project's state decides; with the action's record it checks the
	// payload too.
	check func(g *Guard, c *call, rec any) *Error
}

// The guards. Each check is a function of guards_check.go.
var (
	guardNotClassified = &Guard{GuardNotClassified, "第十九条", true, "不涉及国家秘密或国家专门规定", "not classified or under special national rules", checkScope}
	guardInScope       = &Guard{GuardInScope, "第二条", true, "属于本办法所称政务信息化项目", "a government IT project within the measure's scope", checkScope}
	guardDeclaration   = &Guard{GuardDeclarationValid, "附件1", true, "申报表填写完整、正确", "the declaration form is complete and correct", checkDeclaration}
	guardSameProject   = &Guard{GuardSameProject, "第六条", true, "由本单位申报；重新申报不改变申报单位和项目类别", "declared by the unit itself; a re-declaration keeps the unit and the kind", checkSameProject}
	guardBudgetYear    = &Guard{GuardBudgetYear, "第五条", true, "运维需求按预算年度申报：下一年度紧接本年度，重新申报不改年度", "O&M needs are declared per budget year: the next year follows the current one, an amended declaration keeps its year", checkBudgetYear}
	guardPrelimRecord  = &Guard{GuardPreliminaryCriteria, "第六条", true, "初步审核记录有效", "the preliminary review record is valid", checkPreliminaryRecord}
	guardPrelimPassed  = &Guard{GuardPreliminaryPassed, "第六条", false, "已通过初步审核（未通过初步审核的项目不得参加专家评审）", "passed the preliminary review (a project that did not may not go to expert review)", checkPreliminaryPassed}
	guardExpertPanel   = &Guard{GuardExpertPanel, "第七条", true, "专家评审由区大数据发展局会同区财政局、区发展改革委组织，记录完整", "the expert review was organised by bdb with finance and drc, and its record is complete", checkExpertPanel}
	guardExpertPassed  = &Guard{GuardExpertPassed, "第七条", false, "已通过专家评审", "passed the expert review", checkExpertPassed}
	guardOMRecord      = &Guard{GuardOMCriteria, "第五条", true, "运维综合评价记录完整", "the O&M evaluation record is complete", checkOMRecord}
	guardFixedAsset    = &Guard{GuardFixedAsset, "第十条", false, "属于固定资产投资建设的项目", "a fixed-asset investment project", checkFixedAsset}
	guardInitiated     = &Guard{GuardInitiatedIfFixedAsset, "第十条", false, "固定资产投资项目已经区发展改革委审批立项", "a fixed-asset project has the DRC's 立项", checkInitiated}
	guardApproved      = &Guard{GuardApprovedAndBudgeted, "第十八条", false, "项目已审核通过并纳入预算", "the project is approved and in the budget", checkApprovedAndBudgeted}
	guardNoChange      = &Guard{GuardNoChangePending, "第十一条", false, "没有待批准的变更", "no change awaits approval", checkNoChangePending}
	guardContract      = &Guard{GuardContractValid, "第十八条", true, "合同信息完整，签订日期不早于审核通过、不晚于今日", "the contract is complete, signed not before approval and not after today", checkContractValid}
	guardInvestment    = &Guard{GuardWithinInvestment, "第十一条", true, "合同金额合计不超过核定投资额（已全部签订时不能再签）", "the contracts do not exceed the approved investment (none can be signed once it is fully contracted)", checkWithinInvestment}
	guardUnfiled       = &Guard{GuardContractUnfiled, "第十二条", true, "所备案的合同已签订且尚未备案", "the contract filed is signed and not yet filed", checkContractUnfiled}
	// guardChangeAssessed is decided when the request is assessed (see
	// deriveChange), which refuses with it.
	guardChangeAssessed = &Guard{GuardChangeAssessed, "第十一条", true, "变更申请书面说明理由并可按第十一条计算", "the change is in writing and can be measured under 第十一条", checkNothing}
	guardChangePending  = &Guard{GuardChangePending, "第十一条", false, "有待批准的变更", "a change awaits approval", checkChangePending}
	guardChangeApprover = &Guard{GuardChangeApprover, "第十一条", false, "由尚未表态的审批部门审批（固定资产投资项目还需区发展改革委）", "decided by an approver who has not yet decided (drc too for a fixed-asset project)", checkChangeApprover}
	guardAcceptance     = &Guard{GuardAcceptancePrerequisites, "第十四条", true, "具备验收条件：依据文件、政务数据资源目录、接入共享交换平台、分期项目按合同验收", "the prerequisites of acceptance hold: basis documents, data catalogue, sharing platform, per-contract acceptance of a phase", checkAcceptance}
	guardArchive        = &Guard{GuardArchiveComplete, "第十五条", true, "报送的存档资料齐全", "the archive documents are complete", checkArchive}
	guardActiveContract = &Guard{GuardActiveContract, "第十三条", true, "终止的合同已签订且未终止", "the contract terminated is signed and not yet terminated", checkActiveContract}
	guardBudgeted       = &Guard{GuardBudgeted, "第七条", false, "已纳入财政预算或新增预算", "in the budget (annual or additional)", checkBudgeted}
	guardNotBudgeted    = &Guard{GuardNotBudgeted, "第七条", false, "尚未纳入预算", "not yet in the budget", checkNotBudgeted}
	guardNotArchived    = &Guard{GuardNotArchived, "第十五条", false, "项目资料尚未报送存档", "the documents are not yet on file", checkNotArchived}
	guardNotEvaluated   = &Guard{GuardNotEvaluated, "第十七条", false, "尚未进行综合评价", "not yet evaluated", checkNotEvaluated}
	guardWrittenReason  = &Guard{GuardWrittenReason, "第十三条", true, "书面说明终止原因", "a written reason for the termination", checkWrittenReason}
)

// allGuards lists the guards in the order Guards gives them.
func allGuards() []*Guard {
	return []*Guard{guardNotClassified, guardInScope, guardDeclaration, guardSameProject, guardBudgetYear,
		guardPrelimRecord, guardPrelimPassed, guardExpertPanel, guardExpertPassed, guardOMRecord, guardFixedAsset,
		guardInitiated, guardApproved, guardNoChange, guardContract, guardInvestment, guardUnfiled, guardChangeAssessed,
		guardChangePending, guardChangeApprover, guardAcceptance, guardArchive, guardActiveContract,
		guardWrittenReason, guardBudgeted, guardNotBudgeted, guardNotArchived, guardNotEvaluated}
}

// Guards lists every guard of the transition table (copies: changing one
// changes nothing the engine runs).
func Guards() []Guard {
	out := make([]Guard, 0, len(allGuards()))
	for _, g := range allGuards() {
		out = append(out, *g)
	}
	return out
}

// GuardByName returns the guard of that name.
func GuardByName(name string) (Guard, bool) {
	for _, g := range allGuards() {
		if g.Name == name {
			return *g, true
		}
	}
	return Guard{}, false
}

// String returns the guard's name.
func (g *Guard) String() string { return g.Name }

// MarshalText writes the guard as its name, as a row of the table shows it.
func (g *Guard) MarshalText() ([]byte, error) { return []byte(g.Name), nil }

// validator is the declaration validator, built once: building compiles
// the form's rules, and a Validator is safe for concurrent use.
var validator = sync.OnceValue(review.NewValidator)

// refuse is the error of the guard with its own message.
func (g *Guard) refuse(zh, en string, fs ...review.Finding) *Error {
	return &Error{Kind: KindRefused, Code: "guard_" + g.Name, Article: g.Article, Guard: g.Name, ZH: zh, EN: en, Findings: fs}
}

// refuseWith is the error of the guard failed with review findings.
func (g *Guard) refuseWith(err error) *Error {
	e := &Error{Kind: KindRefused, Code: "guard_" + g.Name, Article: g.Article, Guard: g.Name,
		ZH: "不满足条件：" + g.ZH, EN: "condition not met: " + g.EN, Err: err}
	if re, ok := err.(*review.Error); ok {
		e.Findings = re.Findings
	}
	return e
}

// refuseFindings is refuseWith for a list of findings.
func (g *Guard) refuseFindings(fs []review.Finding) *Error {
	if len(fs) == 0 {
		return nil
	}
	return g.refuseWith(&review.Error{Findings: fs})
}

// check evaluates one guard for the call (see Guard.check).
func (c *call) check(g *Guard, rec any) *Error { return g.check(g, c, rec) }

func rolesZH(rs []Role) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.ZH())
	}
	return strings.Join(s, "、")
}

func rolesEN(rs []Role) string {
	var s []string
	for _, r := range rs {
		s = append(s, string(r))
	}
	return strings.Join(s, " and ")
}

// archiveFacts derives from the history the facts that decide which
// documents of 第十五条 can exist: a fixed-asset project has a 立项批复, a
// project with an approved change has a 变更说明, and one with a
// supervision contract has a 监理报告. A major change is re-declared with a
// new plan (第十一条第（二）项), not explained, so it adds no 变更说明.
func (p *Project) archiveFacts() review.ArchiveFacts {
	f := review.ArchiveFacts{FixedAsset: p.FixedAsset}
	for _, ch := range p.Changes {
		if ch.Status == ChangeApproved {
			f.Changed = true
		}
	}
	for _, k := range p.Contracts {
		if k.Supervision {
			f.SupervisionContracted = true
		}
	}
	return f
}
