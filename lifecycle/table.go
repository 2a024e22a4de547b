package lifecycle

import (
	"slices"
	"sync"

	"github.com/govit-cn/govit/review"
)

// Outcome tells apart the rows of one action whose destination depends on
// what was decided: a review that passed or failed, a change below or above
// the threshold, the last contract terminated or not. Most rows have no
// outcome.
type Outcome string

// The outcomes.
const (
	OutcomeNone      Outcome = ""
	OutcomePassed    Outcome = "passed"
	OutcomeFailed    Outcome = "failed"
	OutcomeApproved  Outcome = "approved"
	OutcomeRejected  Outcome = "rejected"
	OutcomeMinor     Outcome = "minor"
	OutcomeMajor     Outcome = "major"
	OutcomeLast      Outcome = "last"
	OutcomeRemaining Outcome = "remaining"
	// OutcomeRejectedBeforeBudget: the DRC refused a 立项 applied for
	// before the budget (第十条); the project is back to approved.
	OutcomeRejectedBeforeBudget Outcome = "rejected_before_budget"
	// OutcomeArchived and OutcomeEvaluated: the step after acceptance
	// that completes delivery and archive, or all three with the
	// evaluation (第十四条, 第十五条, 第十七条).
	OutcomeArchived  Outcome = "archived"
	OutcomeEvaluated Outcome = "evaluated"
)

// Transition is one row of the transition table: an action (with the
// outcome that selects this row, if the action has several), the states it
// may be taken from, the state it leads to, the roles that may take it and
// the named guards that must hold. The table is the single source of truth
// for the engine, for Permitted and for the diagram.
type Transition struct {
	Action  Action  `json:"action"`
	Outcome Outcome `json:"outcome,omitempty"`
	From    []State `json:"from"`
	// To is the destination; it is StateNone when Stay is set.
	To State `json:"to,omitempty"`
	// Stay marks a row that leaves the state as it is (a self-loop from
	// each state of From): the action is recorded, the state unchanged.
	Stay bool `json:"stay,omitempty"`
	// Roles that may take the action, from the rulebook's role table.
	Roles []Role `json:"roles"`
	// Guards are the conditions beyond the state (see Guards), written
	// in JSON by name.
	Guards []*Guard `json:"guards,omitempty"`
	// Article cites the provision the row carries out.
	Article string `json:"article"`
}

// Dest returns the state the row leads to from state from.
func (t Transition) Dest(from State) State {
	if t.Stay {
		return from
	}
	return t.To
}

// event is the name of the row in the state machine that runs the table:
// the action, and its outcome after a colon when it has one.
func (t Transition) event() string {
	if t.Outcome == OutcomeNone {
		return string(t.Action)
	}
	return string(t.Action) + ":" + string(t.Outcome)
}

// Kinds of project (第二条): 建设类 and 运维类.
const (
	Construction = review.Construction
	Operation    = review.Operation
)

// States lists the states of a kind in the order of the table (StateNone
// excluded).
func States(kind review.Kind) []State {
	m := machineFor(kind)
	if m == nil {
		return nil
	}
	return slices.Clone(m.states)
}

// rows returns the structure of the transition table of a kind: every row
// without its roles, which the rulebook supplies. The order is the order of
// the path, and the order of the diagram.
func rows(kind review.Kind) []Transition {
	switch kind {
	case review.Construction:
		return constructionRows()
	case review.Operation:
		return operationRows()
	}
	return nil
}

// specs lists the spec of every action, construction path first: the
// registry of the actions (see doc.go, "Adding an action").
func specs() []spec {
	return []spec{specDeclare, specWithdraw, specPreliminaryReview, specExpertReview, specDeliberate, specBudget,
		specApplyInitiation, specApproveInitiation, specStartProcurement, specSignContract, specFileContract,
		specReportIssue, specOrderRectification, specSuspend, specResume, specRequestChange, specApproveChange,
		specRejectChange, specApplyAcceptance, specAccept, specDeliver, specArchive, specEvaluate, specAudit,
		specOMEvaluation, specTerminateContract, specComplete, specSecurityOpinion}
}

// constructionChangeStates are the states after approval in which a change
// may be requested and decided (第十一条).
func constructionChangeStates() []State {
	return []State{StateApproved, StateBudgeted, StateInitiationApplied, StateInitiated,
		StateProcuring, StateImplementing, StateRectifying, StateSuspended}
}

// operationChangeStates are the O&M states after approval in which a change
// may be requested and decided (第十一条): from the evaluation that approves
// the year's needs (第五条), as a construction change from the
// deliberation's approval.
func operationChangeStates() []State {
	return []State{StateOMEvaluated, StateBudgeted, StateProcuring, StateOperating}
}

// constructionStates are the states of 建设类, in the order of the path.
func constructionStates() []State {
	return []State{StateDeclared, StateReturned, StatePreliminaryPassed, StateExpertPassed, StateRejected,
		StateApproved, StateBudgeted, StateInitiationApplied, StateInitiated, StateProcuring, StateImplementing,
		StateRectifying, StateSuspended, StateRedeclarationRequired, StateAcceptanceApplied, StateAccepted,
		StateDelivered, StateArchived, StateEvaluated, StateWithdrawn}
}

// operationStates are the states of 运维类, in the order of the path.
func operationStates() []State {
	return []State{StateDeclared, StateReturned, StateOMEvaluated, StateBudgeted, StateProcuring, StateOperating,
		StateRedeclarationRequired, StateTerminated, StateCompleted, StateWithdrawn}
}

func constructionRows() []Transition {
	changeStates := constructionChangeStates()
	beforeApproval := []State{StateDeclared, StateReturned, StatePreliminaryPassed, StateExpertPassed, StateRedeclarationRequired}
	all := constructionStates()
	return slices.Concat([]Transition{
		{Action: ActDeclare, From: []State{StateNone, StateReturned, StateRedeclarationRequired}, To: StateDeclared,
			Guards: []*Guard{guardNotClassified, guardInScope, guardDeclaration, guardSameProject}, Article: "第六条"},
		{Action: ActPreliminaryReview, Outcome: OutcomePassed, From: []State{StateDeclared}, To: StatePreliminaryPassed,
			Guards: []*Guard{guardPrelimRecord}, Article: "第六条"},
		{Action: ActPreliminaryReview, Outcome: OutcomeFailed, From: []State{StateDeclared}, To: StateReturned,
			Guards: []*Guard{guardPrelimRecord}, Article: "第六条"},
		{Action: ActExpertReview, Outcome: OutcomePassed, From: []State{StatePreliminaryPassed}, To: StateExpertPassed,
			Guards: []*Guard{guardPrelimPassed, guardExpertPanel}, Article: "第七条"},
		{Action: ActExpertReview, Outcome: OutcomeFailed, From: []State{StatePreliminaryPassed}, To: StateReturned,
			Guards: []*Guard{guardPrelimPassed, guardExpertPanel}, Article: "第七条"},
		{Action: ActDeliberate, Outcome: OutcomeApproved, From: []State{StateExpertPassed}, To: StateApproved,
			Guards: []*Guard{guardExpertPassed}, Article: "第七条"},
		{Action: ActDeliberate, Outcome: OutcomeRejected, From: []State{StateExpertPassed}, To: StateRejected,
			Guards: []*Guard{guardExpertPassed}, Article: "第七条"},
	}, initiationRows(), []Transition{
		{Action: ActStartProcurement, From: []State{StateBudgeted, StateInitiated}, To: StateProcuring,
			Guards: []*Guard{guardInitiated, guardBudgeted, guardNoChange}, Article: "第十条"},
		{Action: ActSignContract, From: []State{StateProcuring, StateImplementing}, To: StateImplementing,
			Guards: []*Guard{guardApproved, guardNoChange, guardContract, guardInvestment}, Article: "第十八条"},
		{Action: ActFileContract, From: all, Stay: true,
			Guards: []*Guard{guardUnfiled}, Article: "第十二条"},
		{Action: ActReportIssue, From: []State{StateImplementing, StateRectifying, StateSuspended}, Stay: true,
			Article: "第十三条"},
		{Action: ActOrderRectification, From: []State{StateImplementing}, To: StateRectifying, Article: "第十三条"},
		{Action: ActSuspend, From: []State{StateImplementing, StateRectifying}, To: StateSuspended, Article: "第十三条"},
		{Action: ActResume, From: []State{StateRectifying, StateSuspended}, To: StateImplementing, Article: "第十三条"},
	}, changeRows(changeStates), []Transition{
		{Action: ActApplyAcceptance, From: []State{StateImplementing}, To: StateAcceptanceApplied,
			Guards: []*Guard{guardNoChange, guardAcceptance}, Article: "第十四条"},
		{Action: ActAccept, Outcome: OutcomePassed, From: []State{StateAcceptanceApplied}, To: StateAccepted, Article: "第十四条"},
		{Action: ActAccept, Outcome: OutcomeFailed, From: []State{StateAcceptanceApplied}, To: StateImplementing, Article: "第十四条"},
	}, afterAcceptanceRows(), []Transition{
		{Action: ActAudit, From: all, Stay: true, Article: "第十六条"},
		{Action: ActSecurityOpinion, From: all, Stay: true, Article: "第三条"},
		{Action: ActWithdraw, From: beforeApproval, To: StateWithdrawn, Article: "第六条"},
	})
}

// initiationRows are the budget and the 立项 of a construction project
// (第七条, 第十条). 第十条 places the 立项 after the deliberation, not after
// the budget: a fixed-asset project applies from approval, and the budget
// may come while the 立项 is pending or after it; a refused 立项 returns the
// project where it was.
func initiationRows() []Transition {
	return []Transition{
		{Action: ActBudget, From: []State{StateApproved}, To: StateBudgeted, Article: "第七条"},
		{Action: ActBudget, From: []State{StateInitiationApplied, StateInitiated}, Stay: true,
			Guards: []*Guard{guardNotBudgeted}, Article: "第七条"},
		{Action: ActApplyInitiation, From: []State{StateApproved, StateBudgeted}, To: StateInitiationApplied,
			Guards: []*Guard{guardFixedAsset}, Article: "第十条"},
		{Action: ActApproveInitiation, Outcome: OutcomeApproved, From: []State{StateInitiationApplied}, To: StateInitiated,
			Article: "第十条"},
		{Action: ActApproveInitiation, Outcome: OutcomeRejected, From: []State{StateInitiationApplied}, To: StateBudgeted,
			Article: "第十条"},
		{Action: ActApproveInitiation, Outcome: OutcomeRejectedBeforeBudget, From: []State{StateInitiationApplied}, To: StateApproved,
			Article: "第十条"},
	}
}

// afterAcceptanceRows are delivery (第十四条), the archive (第十五条, due
// from acceptance) and the evaluation (第十七条, of a built project): each
// is taken once, in any order; the project is accepted until delivered,
// archived once delivered and archived, evaluated once all three are done.
func afterAcceptanceRows() []Transition {
	return []Transition{
		{Action: ActDeliver, From: []State{StateAccepted}, To: StateDelivered, Article: "第十四条"},
		{Action: ActDeliver, Outcome: OutcomeArchived, From: []State{StateAccepted}, To: StateArchived, Article: "第十四条"},
		{Action: ActDeliver, Outcome: OutcomeEvaluated, From: []State{StateAccepted}, To: StateEvaluated, Article: "第十四条"},
		{Action: ActArchive, From: []State{StateAccepted}, Stay: true,
			Guards: []*Guard{guardNotArchived, guardArchive}, Article: "第十五条"},
		{Action: ActArchive, From: []State{StateDelivered}, To: StateArchived,
			Guards: []*Guard{guardNotArchived, guardArchive}, Article: "第十五条"},
		{Action: ActArchive, Outcome: OutcomeEvaluated, From: []State{StateDelivered}, To: StateEvaluated,
			Guards: []*Guard{guardNotArchived, guardArchive}, Article: "第十五条"},
		{Action: ActEvaluate, From: []State{StateAccepted, StateDelivered}, Stay: true,
			Guards: []*Guard{guardNotEvaluated}, Article: "第十七条"},
		{Action: ActEvaluate, From: []State{StateArchived}, To: StateEvaluated,
			Guards: []*Guard{guardNotEvaluated}, Article: "第十七条"},
	}
}

func operationRows() []Transition {
	changeStates := operationChangeStates()
	all := operationStates()
	return slices.Concat([]Transition{
		{Action: ActDeclare, From: []State{StateNone, StateReturned, StateRedeclarationRequired},
			To: StateDeclared, Guards: []*Guard{guardNotClassified, guardInScope, guardDeclaration, guardSameProject, guardBudgetYear},
			Article: "第五条"},
		{Action: ActOMEvaluation, Outcome: OutcomePassed, From: []State{StateDeclared}, To: StateOMEvaluated,
			Guards: []*Guard{guardOMRecord}, Article: "第五条"},
		{Action: ActOMEvaluation, Outcome: OutcomeFailed, From: []State{StateDeclared}, To: StateReturned,
			Guards: []*Guard{guardOMRecord}, Article: "第五条"},
		{Action: ActBudget, From: []State{StateOMEvaluated}, To: StateBudgeted, Article: "第五条"},
		{Action: ActStartProcurement, From: []State{StateBudgeted}, To: StateProcuring,
			Guards: []*Guard{guardNoChange}, Article: "第九条"},
		{Action: ActSignContract, From: []State{StateBudgeted, StateProcuring, StateOperating}, To: StateOperating,
			Guards: []*Guard{guardApproved, guardNoChange, guardContract, guardInvestment}, Article: "第十八条"},
		{Action: ActFileContract, From: all, Stay: true, Guards: []*Guard{guardUnfiled}, Article: "第十二条"},
	}, changeRows(changeStates), []Transition{
		{Action: ActTerminateContract, Outcome: OutcomeRemaining, From: []State{StateOperating}, Stay: true,
			Guards: []*Guard{guardActiveContract, guardWrittenReason}, Article: "第十三条"},
		{Action: ActTerminateContract, Outcome: OutcomeLast, From: []State{StateOperating}, To: StateTerminated,
			Guards: []*Guard{guardActiveContract, guardWrittenReason}, Article: "第十三条"},
		{Action: ActComplete, From: []State{StateOperating}, To: StateCompleted,
			Guards: []*Guard{guardNoChange}, Article: "第五条"},
		{Action: ActAudit, From: all, Stay: true, Article: "第十六条"},
		{Action: ActSecurityOpinion, From: all, Stay: true, Article: "第三条"},
		{Action: ActWithdraw, From: []State{StateDeclared, StateReturned, StateOMEvaluated, StateRedeclarationRequired},
			To: StateWithdrawn, Article: "第五条"},
	})
}

// changeRows are the rows of the change procedure of 第十一条, the same in
// both tables: a request is assessed, a minor change (第十一条第（一）项)
// waits for its approvers, a major one (第十一条第（二）项) requires a new
// declaration; each approver approves or rejects a pending change.
func changeRows(changeStates []State) []Transition {
	return []Transition{
		{Action: ActRequestChange, Outcome: OutcomeMinor, From: changeStates, Stay: true,
			Guards: []*Guard{guardNoChange, guardChangeAssessed}, Article: "第十一条第（一）项"},
		{Action: ActRequestChange, Outcome: OutcomeMajor, From: changeStates, To: StateRedeclarationRequired,
			Guards: []*Guard{guardNoChange, guardChangeAssessed}, Article: "第十一条第（二）项"},
		{Action: ActApproveChange, From: changeStates, Stay: true,
			Guards: []*Guard{guardChangePending, guardChangeApprover}, Article: "第十一条"},
		{Action: ActRejectChange, From: changeStates, Stay: true,
			Guards: []*Guard{guardChangePending, guardChangeApprover}, Article: "第十一条"},
	}
}

// machine is the compiled table of one kind: the rows, the states in
// order, and the lookups the engine and the fold use.
type machine struct {
	kind   review.Kind
	rows   []Transition
	states []State
	// byAction holds the indices of the rows of each action.
	byAction map[Action][]int
	// run moves states with looplab/fsm.
	run *runner
	// views keeps the year views an O&M replay folds each event into
	// (applyYear): a project is over a kilobyte, and a replay takes one
	// view per event.
	views sync.Pool
}

// machines compiles both tables once; the result is never modified.
var machines = sync.OnceValue(func() map[review.Kind]*machine {
	return map[review.Kind]*machine{
		review.Construction: compile(review.Construction),
		review.Operation:    compile(review.Operation),
	}
})

func machineFor(kind review.Kind) *machine { return machines()[kind] }

func compile(kind review.Kind) *machine {
	m := &machine{kind: kind, rows: rows(kind), byAction: map[Action][]int{}}
	m.views.New = func() any { return new(Project) }
	switch kind {
	case review.Construction:
		m.states = constructionStates()
	case review.Operation:
		m.states = operationStates()
	}
	for i, t := range m.rows {
		m.byAction[t.Action] = append(m.byAction[t.Action], i)
	}
	m.run = newRunner(m)
	return m
}

// row returns the row of action with outcome that may be taken from state
// from, if any.
func (m *machine) row(action Action, outcome Outcome, from State) (Transition, bool) {
	if i := m.rowIndex(action, outcome, from); i >= 0 {
		return m.rows[i], true
	}
	return Transition{}, false
}

// rowIndex returns the index of the row of action with outcome that may be
// taken from state from, or -1.
func (m *machine) rowIndex(action Action, outcome Outcome, from State) int {
	for _, i := range m.byAction[action] {
		if t := &m.rows[i]; t.Outcome == outcome && slices.Contains(t.From, from) {
			return i
		}
	}
	return -1
}

// firstFrom returns the index of the first row of action that may be
// taken from state from, whatever its outcome, or -1. The rows of one
// action from one state share their guards.
func (m *machine) firstFrom(action Action, from State) int {
	for _, i := range m.byAction[action] {
		if slices.Contains(m.rows[i].From, from) {
			return i
		}
	}
	return -1
}

// fromState returns the rows of action that may be taken from state from
// (one per outcome).
func (m *machine) fromState(action Action, from State) []Transition {
	var out []Transition
	for _, i := range m.byAction[action] {
		if slices.Contains(m.rows[i].From, from) {
			out = append(out, m.rows[i])
		}
	}
	return out
}

// actions lists the distinct actions of the table in order.
func (m *machine) actions() []Action {
	var out []Action
	for _, t := range m.rows {
		if !slices.Contains(out, t.Action) {
			out = append(out, t.Action)
		}
	}
	return out
}
