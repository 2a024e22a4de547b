package lifecycle

// Action is the name of something a party does to a project. The names are
// the contract with embedders and the HTTP API (see the specification).
type Action string

// State is the name of a project's state. States are listed with the
// transition table and drawn from it.
type State string

// The actions of the construction (建设类) path.
const (
	ActDeclare            Action = "declare"
	ActWithdraw           Action = "withdraw"
	ActPreliminaryReview  Action = "preliminary_review"
	ActExpertReview       Action = "expert_review"
	ActDeliberate         Action = "deliberate"
	ActBudget             Action = "budget"
	ActApplyInitiation    Action = "apply_initiation"
	ActApproveInitiation  Action = "approve_initiation"
	ActStartProcurement   Action = "start_procurement"
	ActSignContract       Action = "sign_contract"
	ActFileContract       Action = "file_contract"
	ActReportIssue        Action = "report_issue"
	ActOrderRectification Action = "order_rectification"
	ActSuspend            Action = "suspend"
	ActResume             Action = "resume"
	ActRequestChange      Action = "request_change"
	ActApproveChange      Action = "approve_change"
	ActRejectChange       Action = "reject_change"
	ActApplyAcceptance    Action = "apply_acceptance"
	ActAccept             Action = "accept"
	ActDeliver            Action = "deliver"
	ActArchive            Action = "archive"
	ActEvaluate           Action = "evaluate"
	ActAudit              Action = "audit"
)

// The actions of the operation and maintenance (运维类) path that the
// construction path does not share.
const (
	ActOMEvaluation      Action = "om_evaluation"
	ActTerminateContract Action = "terminate_contract"
	ActComplete          Action = "complete"
)
