package lifecycle

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/review"
)

// The guards of the transition table, by name.
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
	GuardEverApproved            = "approved"
	GuardActiveContract          = "contract_active"
	GuardWrittenReason           = "written_reason"
)

// Guard describes a named condition of the transition table.
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
}

// Guards lists every guard of the transition table.
func Guards() []Guard {
	return []Guard{
		{GuardNotClassified, "第十九条", true, "不涉及国家秘密或国家专门规定", "not classified or under special national rules"},
		{GuardInScope, "第二条", true, "属于本办法所称政务信息化项目", "a government IT project within the measure's scope"},
		{GuardDeclarationValid, "附件1", true, "申报表填写完整、正确", "the declaration form is complete and correct"},
		{GuardSameProject, "第六条", true, "由本单位申报；重新申报不改变申报单位和项目类别", "declared by the unit itself; a re-declaration keeps the unit and the kind"},
		{GuardBudgetYear, "第五条", true, "运维需求按预算年度申报：下一年度紧接本年度，重新申报不改年度", "O&M needs are declared per budget year: the next year follows the current one, an amended declaration keeps its year"},
		{GuardPreliminaryCriteria, "第六条", true, "初步审核记录有效", "the preliminary review record is valid"},
		{GuardPreliminaryPassed, "第六条", false, "已通过初步审核（未通过初步审核的项目不得参加专家评审）", "passed the preliminary review (a project that did not may not go to expert review)"},
		{GuardExpertPanel, "第七条", true, "专家评审由区大数据发展局会同区财政局、区发展改革委组织，记录完整", "the expert review was organised by bdb with finance and drc, and its record is complete"},
		{GuardExpertPassed, "第七条", false, "已通过专家评审", "passed the expert review"},
		{GuardOMCriteria, "第五条", true, "运维综合评价记录完整", "the O&M evaluation record is complete"},
		{GuardFixedAsset, "第十条", false, "属于固定资产投资建设的项目", "a fixed-asset investment project"},
		{GuardInitiatedIfFixedAsset, "第十条", false, "固定资产投资项目已经区发展改革委审批立项", "a fixed-asset project has the DRC's 立项"},
		{GuardApprovedAndBudgeted, "第十八条", false, "项目已审核通过并纳入预算", "the project is approved and in the budget"},
		{GuardNoChangePending, "第十一条", false, "没有待批准的变更", "no change awaits approval"},
		{GuardContractValid, "第十八条", true, "合同信息完整，签订日期不早于审核通过、不晚于今日", "the contract is complete, signed not before approval and not after today"},
		{GuardWithinInvestment, "第十一条", true, "合同金额合计不超过核定投资额（已全部签订时不能再签）", "the contracts do not exceed the approved investment (none can be signed once it is fully contracted)"},
		{GuardContractUnfiled, "第十二条", true, "所备案的合同已签订且尚未备案", "the contract filed is signed and not yet filed"},
		{GuardChangeAssessed, "第十一条", true, "变更申请书面说明理由并可按第十一条计算", "the change is in writing and can be measured under 第十一条"},
		{GuardChangePending, "第十一条", false, "有待批准的变更", "a change awaits approval"},
		{GuardChangeApprover, "第十一条", false, "由尚未表态的审批部门审批（固定资产投资项目还需区发展改革委）", "decided by an approver who has not yet decided (drc too for a fixed-asset project)"},
		{GuardAcceptancePrerequisites, "第十四条", true, "具备验收条件：依据文件、政务数据资源目录、接入共享交换平台、分期项目按合同验收", "the prerequisites of acceptance hold: basis documents, data catalogue, sharing platform, per-contract acceptance of a phase"},
		{GuardArchiveComplete, "第十五条", true, "报送的存档资料齐全", "the archive documents are complete"},
		{GuardEverApproved, "第十六条", false, "项目已审核通过", "the project has been approved"},
		{GuardActiveContract, "第十三条", true, "终止的合同已签订且未终止", "the contract terminated is signed and not yet terminated"},
		{GuardWrittenReason, "第十三条", true, "书面说明终止原因", "a written reason for the termination"},
	}
}

// guardIndex holds the guards by name, built once and never modified.
var guardIndex = sync.OnceValue(func() map[string]Guard {
	m := map[string]Guard{}
	for _, g := range Guards() {
		m[g.Name] = g
	}
	return m
})

// guardInfo returns the description of a guard.
func guardInfo(name string) Guard {
	if g, ok := guardIndex()[name]; ok {
		return g
	}
	return Guard{Name: name}
}

// validator is the declaration validator, built once: building compiles
// the form's rules, and a Validator is safe for concurrent use.
var validator = sync.OnceValue(review.NewValidator)

// refuse is the error of a failed guard.
func refuse(guard, zh, en string, fs ...review.Finding) *Error {
	g := guardInfo(guard)
	return &Error{Kind: KindRefused, Code: "guard_" + guard, Article: g.Article, Guard: guard, ZH: zh, EN: en, Findings: fs}
}

// refuseFindings is the error of a guard that failed with review findings.
func refuseFindings(guard string, err error) *Error {
	g := guardInfo(guard)
	e := &Error{Kind: KindRefused, Code: "guard_" + guard, Article: g.Article, Guard: guard,
		ZH: "不满足条件：" + g.ZH, EN: "condition not met: " + g.EN, Err: err}
	if re, ok := err.(*review.Error); ok {
		e.Findings = re.Findings
	}
	return e
}

// check evaluates one guard. With rec nil it decides what the project's
// state decides (Permitted, and Decide before reading the payload); with
// the action's record it checks the payload too.
func (c *call) check(guard string, rec any) *Error {
	p := c.p
	switch guard {
	case GuardNotClassified, GuardInScope:
		d, ok := rec.(*review.Declaration)
		if !ok {
			return nil
		}
		for _, f := range review.CheckScope(*d) {
			if (f.Code == "classified_project") == (guard == GuardNotClassified) {
				return &Error{Kind: KindRefused, Code: f.Code, Article: f.Article, Guard: guard, ZH: f.ZH, EN: f.EN, Findings: []review.Finding{f}}
			}
		}
	case GuardDeclarationValid:
		if d, ok := rec.(*review.Declaration); ok {
			if err := validator().Declaration(*d); err != nil {
				e := refuseFindings(guard, err)
				e.Kind, e.Code = KindInvalid, "declaration_invalid"
				return e
			}
		}
	case GuardSameProject:
		d, ok := rec.(*review.Declaration)
		if !ok {
			return nil
		}
		if p.State == StateNone {
			if d.Unit != c.actor.Unit {
				return refuse(guard, fmt.Sprintf("项目单位只能以本单位（%s）名义申报，申报表的申报单位为 %s", c.actor.Unit, d.Unit),
					fmt.Sprintf("a unit declares in its own name (%s); the form names %s", c.actor.Unit, d.Unit),
					review.Finding{Code: "unit_mismatch", Article: "第六条", Field: "unit", ZH: "申报单位须为本单位", EN: "unit must be the actor's own unit"})
			}
			return nil
		}
		if d.Unit != p.Unit {
			return refuse(guard, "重新申报不能改变申报单位", "a re-declaration cannot change the declaring unit",
				review.Finding{Code: "unit_changed", Article: "第六条", Field: "unit", ZH: "申报单位须为 " + p.Unit, EN: "unit must stay " + p.Unit})
		}
		if d.Kind != p.Kind {
			return refuse(guard, "重新申报不能改变项目类别", "a re-declaration cannot change the kind of project",
				review.Finding{Code: "kind_changed", Article: "第二条", Field: "kind", ZH: "项目类别须为 " + p.Kind.ZH(), EN: "kind must stay " + string(p.Kind)})
		}
		if d.ParentID != p.ParentID || d.Phase != p.Phase {
			return refuse(guard, "重新申报不能改变分期项目的前期项目和建设期次", "a re-declaration cannot change the earlier phase or the phase number",
				review.Finding{Code: "phase_changed", Article: "第八条", Field: "parent_id", ZH: "前期项目和建设期次不能改变", EN: "parent_id and phase cannot change"})
		}
	case GuardBudgetYear:
		d, ok := rec.(*review.Declaration)
		if !ok {
			return nil
		}
		switch p.State {
		case StateNone:
			fs := review.CheckOMDeclaration(*d, c.now, c.rb.OMDeclaration)
			if len(fs) > 0 && (fs[0].Code != "om_declaration_late" || c.rb.RefuseLateOMDeclaration) {
				return refuseFindings(guard, &review.Error{Findings: fs})
			}
		case StateReturned, StateRedeclarationRequired:
			if d.BudgetYear != p.BudgetYear {
				return refuse(guard, fmt.Sprintf("修改后重新申报的预算年度须仍为 %d", p.BudgetYear),
					fmt.Sprintf("an amended declaration keeps the budget year %d", p.BudgetYear),
					review.Finding{Code: "budget_year_changed", Article: "第五条", Field: "budget_year", ZH: "预算年度不能改变", EN: "budget_year cannot change"})
			}
		default:
			if d.BudgetYear != p.BudgetYear+1 {
				return refuse(guard, fmt.Sprintf("下一年度运维需求的预算年度须为 %d", p.BudgetYear+1),
					fmt.Sprintf("the next year's O&M declaration is for budget year %d", p.BudgetYear+1),
					review.Finding{Code: "budget_year_not_next", Article: "第五条", Field: "budget_year", ZH: "预算年度须为下一年度", EN: "budget_year must be the next year"})
			}
		}
	case GuardPreliminaryCriteria:
		if r, ok := rec.(*PreliminaryRecord); ok && len(r.Result.Findings) > 0 {
			return refuseFindings(guard, &review.Error{Findings: r.Result.Findings})
		}
	case GuardPreliminaryPassed:
		if p.Preliminary == nil || !p.Preliminary.Result.Passed {
			return refuse(guard, "未通过初步审核的项目，不得参加专家评审", "a project that has not passed the preliminary review may not go to expert review")
		}
	case GuardExpertPanel:
		r, ok := rec.(*ExpertRecord)
		if !ok {
			return nil
		}
		var fs []review.Finding
		for _, f := range r.Result.Findings {
			// A panel that did not pass the project is a result, not a
			// defect of the record.
			if !r.Panel.Passed && (f.Code == "expert_review_not_passed" || f.Code == "expert_aspect_failed") {
				continue
			}
			fs = append(fs, f)
		}
		if len(fs) > 0 {
			return refuseFindings(guard, &review.Error{Findings: fs})
		}
	case GuardExpertPassed:
		if p.Expert == nil || !p.Expert.Result.Passed {
			return refuse(guard, "未通过专家评审的项目不能提请审议", "a project that has not passed the expert review cannot be deliberated")
		}
	case GuardOMCriteria:
		if r, ok := rec.(*OMEvaluationRecord); ok && !r.Result.Complete {
			return refuseFindings(guard, &review.Error{Findings: r.Result.Findings})
		}
	case GuardFixedAsset:
		if !p.FixedAsset {
			return refuse(guard, "只有属于固定资产投资建设的项目才须向区发展改革委申请立项", "only a fixed-asset investment project applies to the DRC for 立项")
		}
	case GuardInitiatedIfFixedAsset:
		if p.FixedAsset && !p.Initiation.Approved() {
			return refuse(guard, "属于固定资产投资建设的项目，须经区发展改革委审批立项后方可组织采购", "a fixed-asset project procures only after the DRC has approved its 立项")
		}
	case GuardApprovedAndBudgeted:
		if !p.EverApproved() || p.Budgeting == nil {
			return refuse(guard, "未审核通过并纳入预算的项目，不得投入资金开展建设或运维", "a project not approved and budgeted may not spend on construction or operation")
		}
		if p.Kind == review.Construction && p.FixedAsset && !p.Initiation.Approved() {
			return refuse(GuardInitiatedIfFixedAsset, "属于固定资产投资建设的项目，须经区发展改革委审批立项后方可签订合同", "a fixed-asset project signs contracts only after the DRC has approved its 立项")
		}
	case GuardNoChangePending:
		if i := p.pendingChange(); i >= 0 {
			return refuse(guard, fmt.Sprintf("第 %d 号变更尚待批准，批准前不得实施", p.Changes[i].Seq),
				fmt.Sprintf("change %d awaits approval and may not be carried out before it", p.Changes[i].Seq))
		}
	case GuardContractValid:
		if r, ok := rec.(*SignContractPayload); ok {
			return c.checkContract(&r.Contract)
		}
	case GuardWithinInvestment:
		r, ok := rec.(*SignContractPayload)
		if !ok {
			if p.contractTotal().Cmp(p.Approved.Total()) >= 0 {
				return refuse(guard,
					fmt.Sprintf("核定投资额 %s 万元已全部签订合同；调整投资须按第十一条报批", p.Approved.Total().String()),
					fmt.Sprintf("the approved investment of %s 万元 is fully contracted; a change of investment needs approval under 第十一条", p.Approved.Total().String()))
			}
			return nil
		}
		sum := p.contractTotal().Add(r.Contract.Amount)
		if sum.Cmp(p.Approved.Total()) > 0 {
			return refuse(guard,
				fmt.Sprintf("合同金额合计 %s 万元将超过核定投资额 %s 万元；调整投资须按第十一条报批", sum.String(), p.Approved.Total().String()),
				fmt.Sprintf("contracts would total %s 万元, above the approved investment of %s 万元; a change of investment needs approval under 第十一条", sum.String(), p.Approved.Total().String()),
				review.Finding{Code: "contracts_exceed_investment", Article: "第十一条", Field: "contract.amount", ZH: "合同金额超过核定投资额", EN: "the contract exceeds the approved investment"})
		}
	case GuardContractUnfiled:
		r, ok := rec.(*ContractRef)
		if !ok {
			if !slices.ContainsFunc(p.Contracts, func(k Contract) bool { return !k.Filed() }) {
				return refuse(guard, "没有待备案的合同", "no contract awaits filing")
			}
			return nil
		}
		i := p.contract(r.ContractID)
		if i < 0 {
			return refuse(guard, fmt.Sprintf("合同 %s 不存在", r.ContractID), fmt.Sprintf("contract %s does not exist", r.ContractID),
				review.Finding{Code: "contract_unknown", Article: "第十二条", Field: "contract_id", ZH: "合同不存在", EN: "no such contract"})
		}
		if p.Contracts[i].Filed() {
			return refuse(guard, fmt.Sprintf("合同 %s 已备案", r.ContractID), fmt.Sprintf("contract %s is already filed", r.ContractID),
				review.Finding{Code: "contract_already_filed", Article: "第十二条", Field: "contract_id", ZH: "合同已备案", EN: "already filed"})
		}
	case GuardChangeAssessed:
		// Decided when the request is assessed (see derive).
	case GuardChangePending:
		if p.pendingChange() < 0 {
			return refuse(guard, "没有待批准的变更", "no change awaits approval")
		}
	case GuardChangeApprover:
		i := p.pendingChange()
		if i < 0 {
			return nil
		}
		pending := p.Changes[i].Pending()
		for _, r := range c.roles {
			if slices.Contains(pending, r) {
				return nil
			}
		}
		e := refuse(guard, fmt.Sprintf("第 %d 号变更待 %s 审批，当前角色无权或已表态", p.Changes[i].Seq, rolesZH(pending)),
			fmt.Sprintf("change %d awaits %s; the actor's roles may not decide it or have decided", p.Changes[i].Seq, rolesEN(pending)))
		e.Kind = KindForbidden
		return e
	case GuardAcceptancePrerequisites:
		if len(p.Contracts) == 0 {
			return refuse(guard, "项目验收以采购文件和合同为依据，尚无合同", "acceptance rests on the procurement documents and contracts; there is no contract")
		}
		r, ok := rec.(*ApplyAcceptancePayload)
		if !ok {
			return nil
		}
		var fs []review.Finding
		for i, id := range r.Facts.Contracts {
			if p.contract(id) < 0 {
				fs = append(fs, review.Finding{Code: "contract_unknown", Article: "第十四条", Field: fmt.Sprintf("facts.contracts[%d]", i),
					ZH: fmt.Sprintf("合同 %s 不存在", id), EN: fmt.Sprintf("contract %s does not exist", id)})
			}
		}
		for _, f := range review.CheckAcceptance(r.Facts) {
			f.Field = "facts." + f.Field
			fs = append(fs, f)
		}
		if len(fs) > 0 {
			return refuseFindings(guard, &review.Error{Findings: fs})
		}
	case GuardArchiveComplete:
		r, ok := rec.(*ArchivePayload)
		if !ok {
			return nil
		}
		facts := p.archiveFacts()
		facts.WithoutDataStructures = r.WithoutDataStructures
		var fs []review.Finding
		for _, f := range review.CheckArchive(facts, r.Documents) {
			// The rulebook may require fewer documents than 第十五条 lists.
			key := strings.TrimPrefix(f.Field, "documents.")
			if f.Code == "archive_document_missing" && !slices.Contains(c.rb.ArchiveDocuments, key) {
				continue
			}
			fs = append(fs, f)
		}
		if len(fs) > 0 {
			return refuseFindings(guard, &review.Error{Findings: fs})
		}
	case GuardEverApproved:
		if !p.EverApproved() {
			return refuse(guard, "审计监督适用于审核通过后的项目", "audit applies to projects once approved")
		}
	case GuardActiveContract:
		r, ok := rec.(*TerminateContractPayload)
		if !ok {
			if !slices.ContainsFunc(p.Contracts, Contract.Active) {
				return refuse(guard, "没有可终止的运维合同", "no O&M contract to terminate")
			}
			return nil
		}
		i := p.contract(r.ContractID)
		if i < 0 || !p.Contracts[i].Active() {
			return refuse(guard, fmt.Sprintf("合同 %s 不存在或已终止", r.ContractID), fmt.Sprintf("contract %s does not exist or is already terminated", r.ContractID),
				review.Finding{Code: "contract_not_active", Article: "第十三条", Field: "contract_id", ZH: "合同不存在或已终止", EN: "no such active contract"})
		}
	case GuardWrittenReason:
		if r, ok := rec.(*TerminateContractPayload); ok && blank(r.Reason) {
			return refuse(guard, "终止运维合同须向区大数据发展局和区财政局书面通报并说明终止原因", "terminating an O&M contract needs a written notice with the reason to bdb and finance",
				review.Finding{Code: "field_required", Article: "第十三条", Field: "reason", ZH: "须说明终止原因", EN: "reason is required"})
		}
	default:
		panic("lifecycle: unknown guard " + guard)
	}
	return nil
}

// checkContract checks a contract at signing: every field present, the
// amount positive and in 万元, the signing date a date not after today nor
// before the approval (第十八条: no contract before approval), and the ID
// unique within the project.
func (c *call) checkContract(k *ContractInput) *Error {
	var fs []review.Finding
	need := func(field, v string) {
		if blank(v) {
			fs = append(fs, review.Finding{Code: "field_required", Article: "第十二条", Field: field, ZH: field + " 不能为空", EN: field + " is required"})
		}
	}
	need("contract.id", k.ID)
	need("contract.title", k.Title)
	need("contract.supplier", k.Supplier)
	if !k.Amount.IsPositive() {
		fs = append(fs, review.Finding{Code: "amount_not_positive", Article: "第十二条", Field: "contract.amount", ZH: "合同金额须为正数", EN: "contract.amount must be positive"})
	}
	fs = append(fs, review.CheckAmount("contract.amount", k.Amount)...)
	if k.ID != "" && c.p.contract(k.ID) >= 0 {
		fs = append(fs, review.Finding{Code: "contract_duplicate", Article: "第十二条", Field: "contract.id",
			ZH: fmt.Sprintf("合同编号 %s 已存在", k.ID), EN: fmt.Sprintf("contract %s already exists", k.ID)})
	}
	signed, err := k.SignedOn.Time()
	switch {
	case err != nil:
		fs = append(fs, review.Finding{Code: "date_invalid", Article: "第十二条", Field: "contract.signed_on", ZH: "签订日期须为 YYYY-MM-DD", EN: "contract.signed_on must be YYYY-MM-DD"})
	case signed.After(calendar.DateOf(c.now)):
		fs = append(fs, review.Finding{Code: "signed_in_future", Article: "第十二条", Field: "contract.signed_on", ZH: "签订日期不能晚于今日", EN: "contract.signed_on cannot be after today"})
	case signed.Before(calendar.DateOf(c.p.ApprovedAt)):
		fs = append(fs, review.Finding{Code: "signed_before_approval", Article: "第十八条", Field: "contract.signed_on",
			ZH: "签订日期早于项目审核通过日期：未审核通过的项目不得投入资金", EN: "contract.signed_on is before the approval: an unapproved project may not spend"})
	}
	if len(fs) > 0 {
		return refuseFindings(GuardContractValid, &review.Error{Findings: fs})
	}
	return nil
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
