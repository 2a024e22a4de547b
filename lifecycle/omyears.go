package lifecycle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/review"
)

// An O&M project (运维类) runs year after year (第五条: 每年底由各部门向区大数据
// 发展局申报下一年度政务信息化项目运维需求 … 评价结果将作为年度预算的重要依据).
// Each budget year is its own cycle, a BudgetYear of Project.Years, with
// its own state in the 运维类 table: declared, evaluated, budgeted,
// procured, contracted, operated, and completed or terminated. The money
// of a year is that year's approved budget, and the running year goes on
// while the next one is declared, evaluated, withdrawn or refused.
//
// An action on an O&M project is decided and folded on the year it
// concerns (see (*Project).yearOf): the rules of the table and its guards
// read a view of the project in which the state, the declaration, the
// approval, the budget and the completion are that year's, and the lists
// (contracts, changes, audits) are the project's, each contract and change
// marked with its year. The project's own State, Declaration, Approved and
// BudgetYear are those of its latest year not withdrawn (see mirror).
//
// Which year an action concerns is decided from the project and the
// action's record alone, the same way when it is decided and when it is
// replayed, so the records need not name it; an action may name it
// (budget_year) where the default is not the year meant:
//
//   - declare: the year of the declaration: the same year again while it
//     is returned or must be declared again, otherwise a new year;
//   - file_contract, terminate_contract: the contract's year (a contract of
//     a year already completed is terminated under the running year);
//   - sign_contract: the latest year that may spend (budgeted, procuring,
//     operating);
//   - complete: the latest year in operation;
//   - request_change: the latest year in which a change may be requested;
//     approve_change, reject_change: the year of the pending change;
//   - everything else (om_evaluation, budget, start_procurement, withdraw,
//     audit, security_opinion): the latest year.
//
// Histories written before the years were kept apart replay unchanged:
// their records name no year, and the defaults above take each action to
// the year it was taken on then.

// yearIndex returns the index in p.Years of the latest cycle of year y,
// or -1.
func (p *Project) yearIndex(y int) int {
	for i := len(p.Years) - 1; i >= 0; i-- {
		if p.Years[i].Year == y {
			return i
		}
	}
	return -1
}

// latestWhere returns the index of the latest year whose state is one of
// states, or -1.
func (p *Project) latestWhere(states ...State) int {
	for i := len(p.Years) - 1; i >= 0; i-- {
		if slices.Contains(states, p.Years[i].State) {
			return i
		}
	}
	return -1
}

// spendingStates are the states of a year that may sign contracts.
var spendingStates = []State{StateBudgeted, StateProcuring, StateOperating}

// yearRoute is what picks the year of an action: the budget year named,
// the contract named, the declaration.
type yearRoute struct {
	BudgetYear int    `json:"budget_year"`
	ContractID string `json:"contract_id"`
}

// routeOfInput reads the route of an action from its payload, typed or
// in JSON.
func routeOfInput(action Action, in input) yearRoute {
	if in.json {
		return routeOf(action, in.raw)
	}
	return routeOfValue(in.typed)
}

// routed is a payload or record that names the year of its action: a
// budget year or a contract.
type routed interface{ route() yearRoute }

// routeOfValue reads the route of an action from its typed payload or its
// record.
func routeOfValue(v any) yearRoute {
	if r, ok := v.(routed); ok {
		return r.route()
	}
	return yearRoute{}
}

func (x FileContractPayload) route() yearRoute      { return yearRoute{ContractID: x.ContractID} }
func (x TerminateContractPayload) route() yearRoute { return yearRoute{ContractID: x.ContractID} }
func (x SignContractPayload) route() yearRoute      { return yearRoute{BudgetYear: x.BudgetYear} }
func (x CompletePayload) route() yearRoute          { return yearRoute{BudgetYear: x.BudgetYear} }
func (x StartProcurementPayload) route() yearRoute  { return yearRoute{BudgetYear: x.BudgetYear} }
func (x WithdrawPayload) route() yearRoute          { return yearRoute{BudgetYear: x.BudgetYear} }
func (x BudgetPayload) route() yearRoute            { return yearRoute{BudgetYear: x.Year} }
func (x OMEvaluationPayload) route() yearRoute      { return yearRoute{BudgetYear: x.BudgetYear} }
func (x OMEvaluationRecord) route() yearRoute {
	return yearRoute{BudgetYear: x.Evaluation.BudgetYear}
}

// routeOf reads the route of an action from its payload or record,
// leniently: a payload that does not read gives the default route, and
// the decision then reports what is wrong with it.
func routeOf(action Action, data json.RawMessage) yearRoute {
	var r yearRoute
	switch action {
	case ActDeclare, ActSignContract, ActComplete, ActStartProcurement, ActWithdraw,
		ActFileContract, ActTerminateContract, ActBudget, ActOMEvaluation:
		if len(data) > 0 && bytes.Contains(data, []byte(`"`)) {
			_ = json.Unmarshal(data, &r)
		}
		if action == ActBudget {
			var b struct {
				Year int `json:"year"`
			}
			_ = json.Unmarshal(data, &b)
			r.BudgetYear = b.Year
		}
	}
	return r
}

// yearOf returns the index in p.Years of the year an action concerns, or
// -1 for a new year (a declaration of a year not yet declared). decl is
// the declaration of a declare.
func (p *Project) yearOf(action Action, r yearRoute, decl *review.Declaration) int {
	last := len(p.Years) - 1
	switch action {
	case ActDeclare:
		if decl == nil {
			return last
		}
		if i := p.yearIndex(decl.BudgetYear); i >= 0 && p.Years[i].State != StateWithdrawn {
			return i
		}
		return -1
	case ActFileContract, ActTerminateContract:
		return p.contractYear(action, r.ContractID, last)
	}
	for _, i := range p.yearCandidates(action, r) {
		if i >= 0 {
			return i
		}
	}
	return last
}

// contractYear is the year of file_contract and terminate_contract: the
// contract's year (a contract of a year no longer operating is terminated
// under the running year).
func (p *Project) contractYear(action Action, id string, last int) int {
	k := p.contract(id)
	if k < 0 {
		return last
	}
	if i := p.yearIndex(p.Contracts[k].BudgetYear); i >= 0 {
		if action == ActFileContract || p.Years[i].State == StateOperating {
			return i
		}
	}
	if i := p.latestWhere(StateOperating); i >= 0 {
		return i
	}
	return last
}

// yearCandidates are the years an action other than declare and the
// contract's own actions may concern, in order of preference (-1: none).
func (p *Project) yearCandidates(action Action, r yearRoute) []int {
	named := -1
	if r.BudgetYear != 0 {
		named = p.yearIndex(r.BudgetYear)
	}
	switch action {
	case ActSignContract:
		return []int{named, p.latestWhere(spendingStates...)}
	case ActComplete:
		return []int{named, p.latestWhere(StateOperating)}
	case ActStartProcurement, ActWithdraw, ActBudget, ActOMEvaluation:
		return []int{named}
	case ActRequestChange:
		return []int{p.latestWhere(operationChangeStates()...)}
	case ActAudit:
		for i := len(p.Years) - 1; i >= 0; i-- {
			if !p.Years[i].ApprovedAt.IsZero() {
				return []int{i}
			}
		}
	case ActApproveChange, ActRejectChange:
		if c := p.pendingChange(); c >= 0 {
			return []int{p.yearIndex(p.Changes[c].BudgetYear)}
		}
	}
	return nil
}

// yearView returns the project as the rules of the table see it for year
// i (-1: a year not yet declared): a shallow copy whose per-year fields
// are that year's. The lists are the project's own; the fold of the view
// appends to them and changes their elements as it would the project's.
func (p *Project) yearView(i int) *Project {
	v := new(Project)
	p.viewInto(v, i)
	return v
}

// viewInto sets *v to the view of year i (see yearView).
func (p *Project) viewInto(dst *Project, i int) {
	*dst = *p
	v := dst
	if i < 0 {
		v.State = StateNone
		v.BudgetYear = 0
		v.Declaration = review.Declaration{}
		v.Requested, v.Approved, v.ChangeBase = review.Budget{}, review.Budget{}, review.Budget{}
		v.ApprovedAt = time.Time{}
		v.OMEvaluation, v.Budgeting, v.Completion = nil, nil, nil
		v.Findings = nil
		v.priorFrom = len(p.Changes)
		return
	}
	y := &p.Years[i]
	v.State = y.State
	v.BudgetYear = y.Year
	v.Declaration = y.Declaration
	v.Requested, v.Approved, v.ChangeBase = y.Requested, y.Approved, y.ChangeBase
	v.ApprovedAt = y.ApprovedAt
	v.OMEvaluation, v.Budgeting, v.Completion = y.OMEvaluation, y.Budgeting, y.Completion
	v.Findings = y.reviewFindings()
	v.priorFrom = y.priorFrom
}

// reviewFindings are the findings of the year's failed evaluation.
func (y *BudgetYear) reviewFindings() []review.Finding {
	if y.OMEvaluation != nil && !(y.OMEvaluation.Result.Complete && y.OMEvaluation.Result.Funded) {
		return y.OMEvaluation.Result.Findings
	}
	return nil
}

// decideYear decides an action on an O&M project on the year it concerns.
// ok is false when p is not an O&M project (or is a first declaration of
// another kind), for decideOne to decide.
func decideYear(rb *Rulebook, p *Project, actor Actor, action Action, in input, now time.Time) (Event, *Error, bool) {
	var decl *review.Declaration
	if action == ActDeclare {
		d, ok := in.declaration()
		if !ok {
			return Event{}, nil, false
		}
		decl = d
	}
	if p.State == StateNone {
		if decl == nil || decl.Kind != review.Operation {
			return Event{}, nil, false
		}
		ev, err := decideFirstYear(rb, p, actor, in, *decl, now)
		return ev, err, true
	}
	if p.Kind != review.Operation || !knownAction(action) {
		return Event{}, nil, false
	}
	if !actor.CanSee(p) {
		return Event{}, NotFoundError(p.ID), true
	}
	i := p.yearOf(action, routeOfInput(action, in), decl)
	if decl != nil && len(eligibleRoles(rb, actor, action, p.Unit)) > 0 {
		if err := p.checkNewYear(i, *decl, actor); err != nil {
			return Event{}, err, true
		}
	}
	v := p.yearView(i)
	if i < 0 {
		// A new year is declared by the project's unit, for the project.
		v.ID, v.Kind, v.Unit = p.ID, p.Kind, p.Unit
	}
	ev, err := decideOne(rb, v, actor, action, in, now)
	if err != nil {
		return Event{}, err, true
	}
	if decl != nil {
		ev, err = recordDeclarationFindings(rb, ev, *decl, now, p)
	}
	return ev, err, true
}

// decideFirstYear decides the first declaration of an O&M project and
// records its findings of 第五条.
func decideFirstYear(rb *Rulebook, p *Project, actor Actor, in input, decl review.Declaration, now time.Time) (Event, *Error) {
	ev, err := decideOne(rb, p, actor, ActDeclare, in, now)
	if err != nil {
		return Event{}, err
	}
	return recordDeclarationFindings(rb, ev, decl, now, nil)
}

// checkNewYear refuses a declaration of a new year (i < 0) that is not
// the project's: another unit or kind, a year declared already or earlier
// than one declared, or a year declared while another awaits its decision
// (第五条: one year's needs are declared at a time, the next year's).
func (p *Project) checkNewYear(i int, d review.Declaration, actor Actor) *Error {
	if i >= 0 {
		if s := p.Years[i].State; s == StateReturned || s == StateRedeclarationRequired {
			return nil // the year's declaration amended
		}
		return guardBudgetYear.refuse(
			fmt.Sprintf("%d 年度运维需求已申报（%s）；修改申报只能在退回或须重新申报时进行", d.BudgetYear, p.Years[i].State.ZH()),
			fmt.Sprintf("the O&M needs of %d are declared already (%s); a declaration is amended only once returned or to be declared again", d.BudgetYear, p.Years[i].State),
			review.Finding{Code: "budget_year_declared", Article: "第五条", Field: "budget_year",
				ZH: fmt.Sprintf("%d 年度已申报", d.BudgetYear), EN: fmt.Sprintf("%d is declared already", d.BudgetYear)})
	}
	if d.Unit != p.Unit || d.Kind != p.Kind || actor.Unit != p.Unit {
		return guardSameProject.refuse("下一年度运维需求须由本项目的运维单位以同一运维类项目申报",
			"the next year's O&M needs are declared by the project's own unit, for the same O&M project",
			review.Finding{Code: "unit_changed", Article: "第六条", Field: "unit", ZH: "申报单位须为 " + p.Unit, EN: "unit must stay " + p.Unit})
	}
	for j := range p.Years {
		y := &p.Years[j]
		if y.State == StateWithdrawn {
			continue
		}
		if y.Year >= d.BudgetYear {
			return guardBudgetYear.refuse(
				fmt.Sprintf("%d 年度运维需求已申报；下一年度须晚于已申报的 %d 年度", d.BudgetYear, y.Year),
				fmt.Sprintf("the O&M needs of %d cannot be declared: %d is declared already and years follow each other", d.BudgetYear, y.Year),
				review.Finding{Code: "budget_year_declared", Article: "第五条", Field: "budget_year",
					ZH: fmt.Sprintf("预算年度须晚于 %d", y.Year), EN: fmt.Sprintf("budget_year must be after %d", y.Year)})
		}
		switch y.State {
		case StateDeclared, StateReturned, StateOMEvaluated, StateRedeclarationRequired:
			return guardBudgetYear.refuse(
				fmt.Sprintf("%d 年度运维需求尚在审核中（%s），不能同时申报 %d 年度", y.Year, y.State.ZH(), d.BudgetYear),
				fmt.Sprintf("the O&M needs of %d await their decision (%s); %d cannot be declared meanwhile", y.Year, y.State, d.BudgetYear),
				review.Finding{Code: "budget_year_pending", Article: "第五条", Field: "budget_year",
					ZH: fmt.Sprintf("%d 年度尚未完成审核", y.Year), EN: fmt.Sprintf("%d is still undecided", y.Year)})
		}
	}
	return nil
}

// recordDeclarationFindings adds to the record of an O&M declaration the
// findings of 第五条 that do not refuse it: a declaration after the
// year-end due day of its budget year (om_declaration_late, refused only
// with Rulebook.RefuseLateOMDeclaration), and one for a year after the
// next (om_budget_year_not_next, refused only with
// Rulebook.RefuseOtherBudgetYear). The day of the declaration is its
// 填报时间 when the form gives one (附件1), else the day it is made. The
// findings are kept with the year (BudgetYear.Findings).
func recordDeclarationFindings(rb *Rulebook, ev Event, d review.Declaration, now time.Time, p *Project) (Event, *Error) {
	when := now
	if t, ok := d.FilledDay(); ok {
		when = t
	}
	var fs []review.Finding
	for _, f := range review.CheckOMDeclaration(d, when, rb.OMDeclaration) {
		if f.Code == "om_declaration_late" {
			fs = append(fs, f)
		}
	}
	if next := calendar.DateOf(when).Year() + 1; d.BudgetYear > next {
		f := review.Finding{Code: "om_budget_year_not_next", Article: "第五条", Field: "budget_year",
			ZH: fmt.Sprintf("年底申报的是下一年度（%d 年度）的运维需求，本申报为 %d 年度", next, d.BudgetYear),
			EN: fmt.Sprintf("the year-end declaration is of the next year's O&M needs (%d); this one is for %d", next, d.BudgetYear)}
		if rb.RefuseOtherBudgetYear {
			return Event{}, guardBudgetYear.refuseFindings([]review.Finding{f})
		}
		fs = append(fs, f)
	}
	if len(fs) == 0 {
		return ev, nil
	}
	list, err := json.Marshal(fs)
	if err != nil {
		return Event{}, &Error{Kind: KindInvalid, Code: "payload_unencodable", ZH: "载荷无法编码：" + err.Error(), EN: "the payload cannot be encoded: " + err.Error(), Err: err}
	}
	body := bytes.TrimRight(ev.Payload, " \t\r\n")
	if len(body) < 2 || body[len(body)-1] != '}' {
		return ev, nil
	}
	out := make([]byte, 0, len(body)+len(list)+16)
	out = append(out, body[:len(body)-1]...)
	if len(bytes.TrimSpace(body[1:len(body)-1])) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"findings":`...)
	out = append(out, list...)
	out = append(out, '}')
	ev.Payload = out
	return ev, nil
}

// declarationFindings reads the findings recorded with an O&M
// declaration (see recordDeclarationFindings).
func declarationFindings(payload json.RawMessage) []review.Finding {
	if !bytes.Contains(payload, []byte(`"findings"`)) {
		return nil
	}
	var r struct {
		Findings []review.Finding `json:"findings"`
	}
	if json.Unmarshal(payload, &r) != nil {
		return nil
	}
	return r.Findings
}

// applyYear folds an event of an O&M project into the year it concerns.
func (p *Project) applyYear(e Event, s spec, rec any, m *machine, owned bool) *Error {
	var decl *review.Declaration
	if d, ok := rec.(*review.Declaration); ok {
		decl = d
	}
	r := routeOfValue(rec)
	i := -1
	if p.State != StateNone {
		i = p.yearOf(e.Action, r, decl)
	}
	// The view escapes (the spec's methods take it), so it comes from the
	// machine's pool. Nothing keeps it: keepYear and mirror copy what it
	// holds.
	v := m.views.Get().(*Project)
	defer func() {
		*v = Project{}
		m.views.Put(v)
	}()
	p.viewInto(v, i)
	row, ok := m.row(e.Action, s.outcome(v, rec), v.State)
	if !ok {
		return badHistory(e, fmt.Sprintf("状态“%s”下不能执行“%s”", v.State.ZH(), e.Action.ZH()), fmt.Sprintf("%s cannot be taken from %s", e.Action, v.State))
	}
	if msg := s.precheck(v, rec); msg != "" {
		return badHistory(e, msg, msg)
	}
	contracts, changes := len(p.Contracts), len(p.Changes)
	from := v.State
	s.fold(v, e, rec, owned)
	v.State = row.Dest(from)
	if p.State == StateNone {
		p.ID, p.Kind, p.Unit, p.DeclaredAt, p.FilledOn = v.ID, v.Kind, v.Unit, v.DeclaredAt, v.FilledOn
	}
	year := v.BudgetYear
	p.Contracts, p.Changes, p.Audits, p.Supervision = v.Contracts, v.Changes, v.Audits, v.Supervision
	p.SecurityOpinions = v.SecurityOpinions
	p.AuditsTotal, p.SupervisionTotal, p.SecurityOpinionsTotal = v.AuditsTotal, v.SupervisionTotal, v.SecurityOpinionsTotal
	p.Declarations = v.Declarations
	for k := contracts; k < len(p.Contracts); k++ {
		p.Contracts[k].BudgetYear = year
	}
	for k := changes; k < len(p.Changes); k++ {
		p.Changes[k].BudgetYear = year
	}
	p.keepYear(e, i, v, owned)
	p.mirror()
	p.Version = e.Version
	p.UpdatedAt = e.At
	return nil
}

// keepYear writes the folded view v of year i (-1: a new year) back to
// the year.
func (p *Project) keepYear(e Event, i int, v *Project, owned bool) {
	if i < 0 || !owned {
		p.Years = slices.Clone(p.Years)
	}
	if i < 0 {
		p.Years = append(p.Years, BudgetYear{Year: v.BudgetYear, DeclaredAt: e.At})
		i = len(p.Years) - 1
	}
	y := &p.Years[i]
	y.State = v.State
	y.Year = v.BudgetYear
	y.Declaration = v.Declaration
	y.Requested, y.Approved, y.ChangeBase = v.Requested, v.Approved, v.ChangeBase
	y.ApprovedAt = v.ApprovedAt
	y.OMEvaluation, y.Budgeting, y.Completion = v.OMEvaluation, v.Budgeting, v.Completion
	y.priorFrom = v.priorFrom
	switch e.Action {
	case ActDeclare:
		y.Findings = declarationFindings(e.Payload)
	case ActBudget:
		y.BudgetedAt = e.At
	}
}

// mirror sets the project's own state and per-year fields from its latest
// year not withdrawn (or its latest year, when every year is withdrawn),
// and its approval from its latest approved year: what lists and
// summaries show of an O&M project.
func (p *Project) mirror() {
	if len(p.Years) == 0 {
		return
	}
	h := len(p.Years) - 1
	for i := h; i >= 0; i-- {
		if p.Years[i].State != StateWithdrawn {
			h = i
			break
		}
	}
	y := &p.Years[h]
	p.State = y.State
	p.BudgetYear = y.Year
	p.Declaration = y.Declaration
	p.Name, p.FixedAsset = y.Declaration.Name, y.Declaration.FixedAsset
	p.Requested = y.Requested
	p.OMEvaluation, p.Budgeting, p.Completion = y.OMEvaluation, y.Budgeting, y.Completion
	p.Findings = y.reviewFindings()
	p.Approved, p.ApprovedAt, p.ChangeBase = review.Budget{}, time.Time{}, review.Budget{}
	for i := len(p.Years) - 1; i >= 0; i-- {
		if !p.Years[i].ApprovedAt.IsZero() {
			p.Approved, p.ApprovedAt, p.ChangeBase = p.Years[i].Approved, p.Years[i].ApprovedAt, p.Years[i].ChangeBase
			break
		}
	}
	p.priorFrom = y.priorFrom
}

// permittedYears lists the actions actor may take on an O&M project: those
// permitted on any of its years, and the declaration of a new year when
// its latest year may be followed (see checkNewYear).
func permittedYears(rb *Rulebook, p *Project, actor Actor) []Action {
	var out []Action
	seen := map[Action]bool{}
	for i := range p.Years {
		v := p.yearView(i)
		for _, a := range permittedOne(rb, v, actor) {
			// A year is declared again only to amend it.
			if a != ActDeclare || v.State == StateReturned || v.State == StateRedeclarationRequired {
				seen[a] = true
			}
		}
	}
	if len(eligibleRoles(rb, actor, ActDeclare, p.Unit)) > 0 {
		next := review.Declaration{Unit: p.Unit, Kind: p.Kind, BudgetYear: p.Years[len(p.Years)-1].Year + 1}
		if p.checkNewYear(-1, next, actor) == nil {
			seen[ActDeclare] = true
		}
	}
	for _, a := range machineFor(p.Kind).actions() {
		if seen[a] {
			out = append(out, a)
		}
	}
	return out
}

// checkFilledOn refuses a declaration whose form's 填报时间 (附件1) is after
// the day it is made or before the rulebook took effect (第二十条).
func checkFilledOn(rb *Rulebook, action Action, in input, now time.Time) *Error {
	if action != ActDeclare || (in.json && !bytes.Contains(in.raw, []byte(`"filled_on"`))) {
		return nil
	}
	d, ok := in.declaration()
	if !ok {
		return nil // the decision reports it
	}
	if fs := review.CheckFilledOn(*d, now, rb.Effective); len(fs) > 0 {
		return &Error{Kind: KindInvalid, Code: fs[0].Code, Article: fs[0].Article, ZH: fs[0].ZH, EN: fs[0].EN, Findings: fs}
	}
	return nil
}
