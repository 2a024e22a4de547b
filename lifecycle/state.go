package lifecycle

// The states of a project. A project has no state before its declaration
// (StateNone); every other state is a state of the transition table of its
// kind (see Table), and the table's diagram (Mermaid, DIAGRAM.md) draws
// them. Both kinds share the states of declaration, return, re-declaration
// and withdrawal.
const (
	// StateNone is the state of a project not yet declared: the source of
	// the first declaration. It is drawn as the diagram's start [*].
	StateNone State = ""

	// StateDeclared: declared by the unit, awaiting the bureau's
	// preliminary review (建设类, 第六条) or O&M evaluation (运维类, 第五条).
	StateDeclared State = "declared"
	// StateReturned: a review or evaluation did not pass; the unit amends
	// the declaration and declares again, or withdraws.
	StateReturned State = "returned"
	// StateWithdrawn: withdrawn by the unit before approval. Terminal.
	StateWithdrawn State = "withdrawn"
	// StateRedeclarationRequired: a change above the threshold of
	// 第十一条第（二）项 was requested; the unit re-prepares the plan and
	// declares again through the whole path. Contracts stay on record.
	StateRedeclarationRequired State = "redeclaration_required"
	// StateBudgeted: in the budget (第七条, 第五条); for a fixed-asset project
	// the unit next applies for 立项 (第十条).
	StateBudgeted State = "budgeted"
	// StateProcuring: procurement under the approved plan has started
	// (第九条, 第十条).
	StateProcuring State = "procuring"

	// StatePreliminaryPassed: passed the preliminary review (第六条),
	// awaiting the expert review (第七条).
	StatePreliminaryPassed State = "preliminary_passed"
	// StateExpertPassed: passed the expert review (第七条), awaiting the
	// district government's deliberation.
	StateExpertPassed State = "expert_passed"
	// StateRejected: the deliberation did not approve the project
	// (第七条). Terminal.
	StateRejected State = "rejected"
	// StateApproved: approved by the deliberation (第七条), awaiting the
	// budget.
	StateApproved State = "approved"
	// StateInitiationApplied: a fixed-asset project has applied to the
	// DRC for 立项 (第十条).
	StateInitiationApplied State = "initiation_applied"
	// StateInitiated: the DRC approved the 立项 (第十条); procurement may
	// start.
	StateInitiated State = "initiated"
	// StateImplementing: contracts signed, construction under way.
	StateImplementing State = "implementing"
	// StateRectifying: the bureau ordered rectification (第十三条).
	StateRectifying State = "rectifying"
	// StateSuspended: the bureau suspended construction (第十三条).
	StateSuspended State = "suspended"
	// StateAcceptanceApplied: the unit applied for acceptance (第十四条).
	StateAcceptanceApplied State = "acceptance_applied"
	// StateAccepted: accepted (第十四条); the archive is due within 10
	// working days (第十五条).
	StateAccepted State = "accepted"
	// StateDelivered: delivered for use, which only an accepted project
	// may be (第十四条).
	StateDelivered State = "delivered"
	// StateArchived: the documents of 第十五条 are on file; awaiting the
	// comprehensive evaluation (第十七条).
	StateArchived State = "archived"
	// StateEvaluated: the comprehensive evaluation is recorded (第十七条).
	// Terminal.
	StateEvaluated State = "evaluated"

	// StateOMEvaluated: the O&M declaration passed the bureau's
	// evaluation (第五条), awaiting the budget.
	StateOMEvaluated State = "om_evaluated"
	// StateOperating: O&M contracts signed, operation and maintenance
	// under way.
	StateOperating State = "operating"
	// StateTerminated: the last O&M contract was terminated with a written
	// notice to the bureau and the finance bureau (第十三条). The unit may
	// declare the next budget year.
	StateTerminated State = "terminated"
	// StateCompleted: the budget year's O&M is complete. The unit may
	// declare the next budget year (第五条).
	StateCompleted State = "completed"
)

// stateNames are the Chinese names of the states.
var stateNames = map[State]string{
	StateNone: "未申报", StateDeclared: "已申报", StateReturned: "已退回修改", StateWithdrawn: "已撤回",
	StateRedeclarationRequired: "须重新申报", StateBudgeted: "已纳入预算", StateProcuring: "采购中",
	StatePreliminaryPassed: "初步审核通过", StateExpertPassed: "专家评审通过", StateRejected: "审议未通过",
	StateApproved: "审议通过", StateInitiationApplied: "已申请立项", StateInitiated: "已立项",
	StateImplementing: "建设实施中", StateRectifying: "整改中", StateSuspended: "已暂停",
	StateAcceptanceApplied: "已申请验收", StateAccepted: "已验收", StateDelivered: "已交付使用",
	StateArchived: "已归档", StateEvaluated: "已综合评价", StateOMEvaluated: "运维评价通过",
	StateOperating: "运维中", StateTerminated: "运维合同已终止", StateCompleted: "运维已完成",
}

// ZH returns the Chinese name of the state.
func (s State) ZH() string {
	if zh, ok := stateNames[s]; ok {
		return zh
	}
	return string(s)
}

// label names a state in messages: its Chinese name and its code.
func (s State) label() string {
	if s == StateNone {
		return "未申报 (none)"
	}
	return s.ZH() + " (" + string(s) + ")"
}
