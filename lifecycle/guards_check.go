package lifecycle

import (
	"fmt"
	"slices"
	"strings"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/review"
)

// The checks of the guards (see guards.go). Each takes the guard, the call
// and the action's record, nil when only the project's state is decided.

func checkNothing(*Guard, *call, any) *Error { return nil }

// checkScope refuses a classified declaration (第十九条, not_classified) or
// one out of scope (第二条, in_scope).
func checkScope(g *Guard, _ *call, rec any) *Error {
	d, ok := rec.(*review.Declaration)
	if !ok {
		return nil
	}
	for _, f := range review.CheckScope(*d) {
		if (f.Code == "classified_project") == (g.Name == GuardNotClassified) {
			return &Error{Kind: KindRefused, Code: f.Code, Article: f.Article, Guard: g.Name, ZH: f.ZH, EN: f.EN, Findings: []review.Finding{f}}
		}
	}
	return nil
}

// checkDeclaration validates the form of 附件1.
func checkDeclaration(g *Guard, _ *call, rec any) *Error {
	d, ok := rec.(*review.Declaration)
	if !ok {
		return nil
	}
	if err := validator().Declaration(*d); err != nil {
		e := g.refuseWith(err)
		e.Kind, e.Code = KindInvalid, "declaration_invalid"
		return e
	}
	return nil
}

// checkSameProject: a unit declares in its own name; a re-declaration keeps
// the unit, the kind and the phase (第六条, 第二条, 第八条).
func checkSameProject(g *Guard, c *call, rec any) *Error {
	d, ok := rec.(*review.Declaration)
	if !ok {
		return nil
	}
	p := c.p
	switch {
	case p.State == StateNone && d.Unit != c.actor.Unit:
		return g.refuse(fmt.Sprintf("项目单位只能以本单位（%s）名义申报，申报表的申报单位为 %s", c.actor.Unit, d.Unit),
			fmt.Sprintf("a unit declares in its own name (%s); the form names %s", c.actor.Unit, d.Unit),
			review.Finding{Code: "unit_mismatch", Article: "第六条", Field: "unit", ZH: "申报单位须为本单位", EN: "unit must be the actor's own unit"})
	case p.State == StateNone:
		return nil
	case d.Unit != p.Unit:
		return g.refuse("重新申报不能改变申报单位", "a re-declaration cannot change the declaring unit",
			review.Finding{Code: "unit_changed", Article: "第六条", Field: "unit", ZH: "申报单位须为 " + p.Unit, EN: "unit must stay " + p.Unit})
	case d.Kind != p.Kind:
		return g.refuse("重新申报不能改变项目类别", "a re-declaration cannot change the kind of project",
			review.Finding{Code: "kind_changed", Article: "第二条", Field: "kind", ZH: "项目类别须为 " + p.Kind.ZH(), EN: "kind must stay " + string(p.Kind)})
	case d.ParentID != p.ParentID || d.Phase != p.Phase:
		return g.refuse("重新申报不能改变分期项目的前期项目和建设期次", "a re-declaration cannot change the earlier phase or the phase number",
			review.Finding{Code: "phase_changed", Article: "第八条", Field: "parent_id", ZH: "前期项目和建设期次不能改变", EN: "parent_id and phase cannot change"})
	}
	return nil
}

// checkBudgetYear: O&M needs are declared per budget year (第五条).
func checkBudgetYear(g *Guard, c *call, rec any) *Error {
	d, ok := rec.(*review.Declaration)
	if !ok {
		return nil
	}
	p := c.p
	switch p.State {
	case StateNone:
		fs := review.CheckOMDeclaration(*d, c.now, c.rb.OMDeclaration)
		if len(fs) > 0 && (fs[0].Code != "om_declaration_late" || c.rb.RefuseLateOMDeclaration) {
			return g.refuseFindings(fs)
		}
	case StateReturned, StateRedeclarationRequired:
		if d.BudgetYear != p.BudgetYear {
			return g.refuse(fmt.Sprintf("修改后重新申报的预算年度须仍为 %d", p.BudgetYear),
				fmt.Sprintf("an amended declaration keeps the budget year %d", p.BudgetYear),
				review.Finding{Code: "budget_year_changed", Article: "第五条", Field: "budget_year", ZH: "预算年度不能改变", EN: "budget_year cannot change"})
		}
	default:
		if d.BudgetYear != p.BudgetYear+1 {
			return g.refuse(fmt.Sprintf("下一年度运维需求的预算年度须为 %d", p.BudgetYear+1),
				fmt.Sprintf("the next year's O&M declaration is for budget year %d", p.BudgetYear+1),
				review.Finding{Code: "budget_year_not_next", Article: "第五条", Field: "budget_year", ZH: "预算年度须为下一年度", EN: "budget_year must be the next year"})
		}
	}
	return nil
}

func checkPreliminaryRecord(g *Guard, _ *call, rec any) *Error {
	if r, ok := rec.(*PreliminaryRecord); ok {
		return g.refuseFindings(r.Result.Findings)
	}
	return nil
}

func checkPreliminaryPassed(g *Guard, c *call, _ any) *Error {
	if c.p.Preliminary == nil || !c.p.Preliminary.Result.Passed {
		return g.refuse("未通过初步审核的项目，不得参加专家评审", "a project that has not passed the preliminary review may not go to expert review")
	}
	return nil
}

// checkExpertPanel refuses an incomplete record; a panel that did not pass
// the project is a result, not a defect of the record.
func checkExpertPanel(g *Guard, _ *call, rec any) *Error {
	r, ok := rec.(*ExpertRecord)
	if !ok {
		return nil
	}
	var fs []review.Finding
	for _, f := range r.Result.Findings {
		if !r.Panel.Passed && (f.Code == "expert_review_not_passed" || f.Code == "expert_aspect_failed") {
			continue
		}
		fs = append(fs, f)
	}
	return g.refuseFindings(fs)
}

func checkExpertPassed(g *Guard, c *call, _ any) *Error {
	if c.p.Expert == nil || !c.p.Expert.Result.Passed {
		return g.refuse("未通过专家评审的项目不能提请审议", "a project that has not passed the expert review cannot be deliberated")
	}
	return nil
}

func checkOMRecord(g *Guard, _ *call, rec any) *Error {
	if r, ok := rec.(*OMEvaluationRecord); ok && !r.Result.Complete {
		return g.refuseWith(&review.Error{Findings: r.Result.Findings})
	}
	return nil
}

func checkFixedAsset(g *Guard, c *call, _ any) *Error {
	if !c.p.FixedAsset {
		return g.refuse("只有属于固定资产投资建设的项目才须向区发展改革委申请立项", "only a fixed-asset investment project applies to the DRC for 立项")
	}
	return nil
}

func checkInitiated(g *Guard, c *call, _ any) *Error {
	if c.p.FixedAsset && !c.p.Initiation.Approved() {
		return g.refuse("属于固定资产投资建设的项目，须经区发展改革委审批立项后方可组织采购", "a fixed-asset project procures only after the DRC has approved its 立项")
	}
	return nil
}

func checkApprovedAndBudgeted(g *Guard, c *call, _ any) *Error {
	p := c.p
	if !p.EverApproved() || p.Budgeting == nil {
		return g.refuse("未审核通过并纳入预算的项目，不得投入资金开展建设或运维", "a project not approved and budgeted may not spend on construction or operation")
	}
	if p.Kind == review.Construction && p.FixedAsset && !p.Initiation.Approved() {
		return guardInitiated.refuse("属于固定资产投资建设的项目，须经区发展改革委审批立项后方可签订合同", "a fixed-asset project signs contracts only after the DRC has approved its 立项")
	}
	return nil
}

func checkNoChangePending(g *Guard, c *call, _ any) *Error {
	if i := c.p.pendingChange(); i >= 0 {
		return g.refuse(fmt.Sprintf("第 %d 号变更尚待批准，批准前不得实施", c.p.Changes[i].Seq),
			fmt.Sprintf("change %d awaits approval and may not be carried out before it", c.p.Changes[i].Seq))
	}
	return nil
}

func checkContractValid(g *Guard, c *call, rec any) *Error {
	if r, ok := rec.(*SignContractPayload); ok {
		return g.refuseFindings(c.contractFindings(&r.Contract))
	}
	return nil
}

// contractFindings checks a contract at signing: every field present, the
// amount positive and in 万元, the signing date a date not after today nor
// before the approval (第十八条: no contract before approval), and the ID
// unique within the project.
func (c *call) contractFindings(k *ContractInput) []review.Finding {
	var fs []review.Finding
	for _, f := range [...]struct{ field, v string }{{"contract.id", k.ID}, {"contract.title", k.Title}, {"contract.supplier", k.Supplier}} {
		if blank(f.v) {
			fs = append(fs, review.Finding{Code: "field_required", Article: "第十二条", Field: f.field, ZH: f.field + " 不能为空", EN: f.field + " is required"})
		}
	}
	if !k.Amount.IsPositive() {
		fs = append(fs, review.Finding{Code: "amount_not_positive", Article: "第十二条", Field: "contract.amount", ZH: "合同金额须为正数", EN: "contract.amount must be positive"})
	}
	fs = append(fs, review.CheckAmount("contract.amount", k.Amount)...)
	if k.ID != "" && c.p.contract(k.ID) >= 0 {
		fs = append(fs, review.Finding{Code: "contract_duplicate", Article: "第十二条", Field: "contract.id",
			ZH: fmt.Sprintf("合同编号 %s 已存在", k.ID), EN: fmt.Sprintf("contract %s already exists", k.ID)})
	}
	if f, ok := c.signingDate(k.SignedOn); !ok {
		fs = append(fs, f)
	}
	return fs
}

// signingDate checks a contract's signing date: a date, not after today,
// not before the approval.
func (c *call) signingDate(d Date) (review.Finding, bool) {
	signed, err := d.Time()
	switch {
	case err != nil:
		return review.Finding{Code: "date_invalid", Article: "第十二条", Field: "contract.signed_on", ZH: "签订日期须为 YYYY-MM-DD", EN: "contract.signed_on must be YYYY-MM-DD"}, false
	case signed.After(calendar.DateOf(c.now)):
		return review.Finding{Code: "signed_in_future", Article: "第十二条", Field: "contract.signed_on", ZH: "签订日期不能晚于今日", EN: "contract.signed_on cannot be after today"}, false
	case signed.Before(calendar.DateOf(c.p.ApprovedAt)):
		return review.Finding{Code: "signed_before_approval", Article: "第十八条", Field: "contract.signed_on",
			ZH: "签订日期早于项目审核通过日期：未审核通过的项目不得投入资金", EN: "contract.signed_on is before the approval: an unapproved project may not spend"}, false
	}
	return review.Finding{}, true
}

func checkWithinInvestment(g *Guard, c *call, rec any) *Error {
	p := c.p
	total := p.Approved.Total()
	r, ok := rec.(*SignContractPayload)
	if !ok {
		if p.contractTotal().Cmp(total) >= 0 {
			return g.refuse(
				fmt.Sprintf("核定投资额 %s 万元已全部签订合同；调整投资须按第十一条报批", total.String()),
				fmt.Sprintf("the approved investment of %s 万元 is fully contracted; a change of investment needs approval under 第十一条", total.String()))
		}
		return nil
	}
	sum := p.contractTotal().Add(r.Contract.Amount)
	if sum.Cmp(total) > 0 {
		return g.refuse(
			fmt.Sprintf("合同金额合计 %s 万元将超过核定投资额 %s 万元；调整投资须按第十一条报批", sum.String(), total.String()),
			fmt.Sprintf("contracts would total %s 万元, above the approved investment of %s 万元; a change of investment needs approval under 第十一条", sum.String(), total.String()),
			review.Finding{Code: "contracts_exceed_investment", Article: "第十一条", Field: "contract.amount", ZH: "合同金额超过核定投资额", EN: "the contract exceeds the approved investment"})
	}
	return nil
}

func checkContractUnfiled(g *Guard, c *call, rec any) *Error {
	p := c.p
	r, ok := rec.(*FileContractPayload)
	if !ok {
		if !slices.ContainsFunc(p.Contracts, func(k Contract) bool { return !k.Filed() }) {
			return g.refuse("没有待备案的合同", "no contract awaits filing")
		}
		return nil
	}
	i := p.contract(r.ContractID)
	if i < 0 {
		return g.refuse(fmt.Sprintf("合同 %s 不存在", r.ContractID), fmt.Sprintf("contract %s does not exist", r.ContractID),
			review.Finding{Code: "contract_unknown", Article: "第十二条", Field: "contract_id", ZH: "合同不存在", EN: "no such contract"})
	}
	if p.Contracts[i].Filed() {
		return g.refuse(fmt.Sprintf("合同 %s 已备案", r.ContractID), fmt.Sprintf("contract %s is already filed", r.ContractID),
			review.Finding{Code: "contract_already_filed", Article: "第十二条", Field: "contract_id", ZH: "合同已备案", EN: "already filed"})
	}
	return nil
}

func checkChangePending(g *Guard, c *call, _ any) *Error {
	if c.p.pendingChange() < 0 {
		return g.refuse("没有待批准的变更", "no change awaits approval")
	}
	return nil
}

func checkChangeApprover(g *Guard, c *call, _ any) *Error {
	i := c.p.pendingChange()
	if i < 0 {
		return nil
	}
	pending := c.p.Changes[i].Pending()
	for _, r := range c.roles {
		if slices.Contains(pending, r) {
			return nil
		}
	}
	e := g.refuse(fmt.Sprintf("第 %d 号变更待 %s 审批，当前角色无权或已表态", c.p.Changes[i].Seq, rolesZH(pending)),
		fmt.Sprintf("change %d awaits %s; the actor's roles may not decide it or have decided", c.p.Changes[i].Seq, rolesEN(pending)))
	e.Kind = KindForbidden
	return e
}

func checkAcceptance(g *Guard, c *call, rec any) *Error {
	p := c.p
	if len(p.Contracts) == 0 {
		return g.refuse("项目验收以采购文件和合同为依据，尚无合同", "acceptance rests on the procurement documents and contracts; there is no contract")
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
	return g.refuseFindings(fs)
}

func checkArchive(g *Guard, c *call, rec any) *Error {
	r, ok := rec.(*ArchivePayload)
	if !ok {
		return nil
	}
	facts := c.p.archiveFacts()
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
	return g.refuseFindings(fs)
}

func checkActiveContract(g *Guard, c *call, rec any) *Error {
	p := c.p
	r, ok := rec.(*TerminateContractPayload)
	if !ok {
		if !slices.ContainsFunc(p.Contracts, Contract.Active) {
			return g.refuse("没有可终止的运维合同", "no O&M contract to terminate")
		}
		return nil
	}
	if i := p.contract(r.ContractID); i < 0 || !p.Contracts[i].Active() {
		return g.refuse(fmt.Sprintf("合同 %s 不存在或已终止", r.ContractID), fmt.Sprintf("contract %s does not exist or is already terminated", r.ContractID),
			review.Finding{Code: "contract_not_active", Article: "第十三条", Field: "contract_id", ZH: "合同不存在或已终止", EN: "no such active contract"})
	}
	return nil
}

func checkWrittenReason(g *Guard, _ *call, rec any) *Error {
	if r, ok := rec.(*TerminateContractPayload); ok && blank(r.Reason) {
		return g.refuse("终止运维合同须向区大数据发展局和区财政局书面通报并说明终止原因", "terminating an O&M contract needs a written notice with the reason to bdb and finance",
			review.Finding{Code: "field_required", Article: "第十三条", Field: "reason", ZH: "须说明终止原因", EN: "reason is required"})
	}
	return nil
}

func checkBudgeted(g *Guard, c *call, _ any) *Error {
	if c.p.Budgeting == nil {
		return g.refuse("审议通过的项目纳入财政预算或新增预算后，方可组织采购", "an approved project procures once it is in the budget (annual or additional)")
	}
	return nil
}

func checkNotBudgeted(g *Guard, c *call, _ any) *Error {
	if c.p.Budgeting != nil {
		return g.refuse(fmt.Sprintf("项目已纳入 %d 年度预算", c.p.Budgeting.Year), fmt.Sprintf("the project is in the budget of %d already", c.p.Budgeting.Year))
	}
	return nil
}

func checkNotArchived(g *Guard, c *call, _ any) *Error {
	if c.p.Archive != nil {
		return g.refuse("项目资料已报送存档", "the documents are on file already")
	}
	return nil
}

func checkNotEvaluated(g *Guard, c *call, _ any) *Error {
	if c.p.Evaluation != nil {
		return g.refuse("项目已进行综合评价", "the project is evaluated already")
	}
	return nil
}
