package lifecycle

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/review"
)

// The actions of 立项, procurement and contracts: apply_initiation,
// approve_initiation, start_procurement, sign_contract, file_contract and
// terminate_contract.

// Date is a civil date in Beijing time, written YYYY-MM-DD.
type Date string

// Time returns midnight, Beijing time, of the date.
func (d Date) Time() (time.Time, error) { return calendar.ParseDate(string(d)) }

// DateOf returns the Beijing civil date of the instant t.
func DateOf(t time.Time) Date { return Date(calendar.DateOf(t).Format(time.DateOnly)) }

// stateBeforeSpending is the order of 第十八条 for the actions that spend.
var stateBeforeSpending = ruleText{"第十八条", "未审核通过的信息化项目，各单位不得投入资金开展建设或运维", "a project not approved may not spend on construction or operation"}

// stateBeforeInitiation is the order of 第十条 for the 立项.
var stateBeforeInitiation = ruleText{"第十条", "属于固定资产投资建设的项目经审议通过后，由建设单位向区发展改革委申请立项", "a fixed-asset project applies to the DRC for 立项 once the deliberation approves it"}

// ApplyInitiationPayload is the payload of apply_initiation (第十条).
type ApplyInitiationPayload struct {
	Note string `json:"note,omitempty"`
}

// Action returns ActApplyInitiation.
func (ApplyInitiationPayload) Action() Action { return ActApplyInitiation }

var specApplyInitiation = &actionSpec[ApplyInitiationPayload, ApplyInitiationPayload]{
	specMeta: specMeta{action: ActApplyInitiation, zh: "申请立项", roles: []Role{RoleUnit}, order: stateBeforeInitiation},
	derive:   keep[ApplyInitiationPayload],
	apply: func(p *Project, e Event, r *ApplyInitiationPayload, _ bool) {
		p.Initiation = &Initiation{Applied: *r, AppliedAt: e.At}
	},
}

// ApproveInitiationPayload is the payload of approve_initiation (第十条):
// the DRC's decision on the 立项.
type ApproveInitiationPayload struct {
	// Approved is required.
	Approved *bool `json:"approved" jsonschema:"required"`
	// Number is the 立项 notice's number, required when approved.
	Number  string `json:"number,omitempty"`
	Opinion string `json:"opinion,omitempty"`
}

// Action returns ActApproveInitiation.
func (ApproveInitiationPayload) Action() Action { return ActApproveInitiation }

var specApproveInitiation = &actionSpec[ApproveInitiationPayload, ApproveInitiationPayload]{
	specMeta: specMeta{action: ActApproveInitiation, zh: "审批立项", roles: []Role{RoleDRC}, order: stateBeforeInitiation},
	derive: func(_ *call, in *ApproveInitiationPayload) (*ApproveInitiationPayload, *Error) {
		if in.Approved == nil {
			return nil, required("approved", "第十条")
		}
		if *in.Approved && blank(in.Number) {
			return nil, required("number", "第十条")
		}
		return in, nil
	},
	choose: func(p *Project, r *ApproveInitiationPayload) Outcome {
		if !isTrue(r.Approved) && p.Budgeting == nil {
			return OutcomeRejectedBeforeBudget
		}
		return pass(isTrue(r.Approved), OutcomeApproved, OutcomeRejected)
	},
	refers: func(p *Project, _ *ApproveInitiationPayload) string {
		if p.Initiation == nil {
			return "no initiation applied for"
		}
		return ""
	},
	apply: func(p *Project, e Event, r *ApproveInitiationPayload, _ bool) {
		if !isTrue(r.Approved) {
			p.Initiation = nil // refused: the unit may apply again
			return
		}
		in := *p.Initiation
		in.Decision, in.DecidedAt = r, e.At
		p.Initiation = &in
	},
}

// StartProcurementPayload is the payload of start_procurement (第九条,
// 第十条).
type StartProcurementPayload struct {
	// Method is the procurement method, e.g. 公开招标 (optional).
	Method string `json:"method,omitempty"`
	Note   string `json:"note,omitempty"`
	// BudgetYear names, for 运维类, the budget year procured for; by
	// default the latest.
	BudgetYear int `json:"budget_year,omitempty"`
}

// Action returns ActStartProcurement.
func (StartProcurementPayload) Action() Action { return ActStartProcurement }

var specStartProcurement = &actionSpec[StartProcurementPayload, StartProcurementPayload]{
	specMeta: specMeta{action: ActStartProcurement, zh: "启动采购", roles: []Role{RoleUnit}, order: stateBeforeSpending},
	derive:   keep[StartProcurementPayload],
}

// ContractInput is a contract as the unit records it at signing.
type ContractInput struct {
	ID    string `json:"id" jsonschema:"required"`
	Title string `json:"title" jsonschema:"required"`
	// Amount is the contract amount in 万元.
	Amount decimal.Decimal `json:"amount" jsonschema:"required"`
	// SignedOn is the signing date; the filing deadline of 第十二条
	// counts from it.
	SignedOn Date   `json:"signed_on" jsonschema:"required"`
	Supplier string `json:"supplier" jsonschema:"required"`
	// Supervision marks a supervision (监理) contract: the archive then
	// requires the 监理报告 (第十五条).
	Supervision bool `json:"supervision,omitempty"`
}

// SignContractPayload is the payload of sign_contract (第十八条, 第十二条).
type SignContractPayload struct {
	Contract ContractInput `json:"contract" jsonschema:"required"`
	// BudgetYear names, for 运维类, the budget year the contract spends;
	// by default the latest year that may spend.
	BudgetYear int `json:"budget_year,omitempty"`
}

// Action returns ActSignContract.
func (SignContractPayload) Action() Action { return ActSignContract }

var specSignContract = &actionSpec[SignContractPayload, SignContractPayload]{
	specMeta: specMeta{action: ActSignContract, zh: "签订合同", roles: []Role{RoleUnit}, order: stateBeforeSpending},
	derive:   keep[SignContractPayload],
	apply: func(p *Project, _ Event, r *SignContractPayload, _ bool) {
		p.Contracts = append(p.Contracts, Contract{ContractInput: r.Contract, Declaration: p.Declarations})
	},
}

// FileContractPayload is the payload of file_contract (第十二条): the
// contract whose copy is filed with the bureau.
type FileContractPayload struct {
	ContractID string `json:"contract_id" jsonschema:"required"`
}

// Action returns ActFileContract.
func (FileContractPayload) Action() Action { return ActFileContract }

// ContractRef is the former name of FileContractPayload.
//
// Deprecated: use FileContractPayload.
type ContractRef = FileContractPayload

var specFileContract = &actionSpec[FileContractPayload, FileContractPayload]{
	specMeta: specMeta{action: ActFileContract, zh: "合同备案", roles: []Role{RoleUnit}},
	derive: func(_ *call, in *FileContractPayload) (*FileContractPayload, *Error) {
		if blank(in.ContractID) {
			return nil, required("contract_id", "第十二条")
		}
		return in, nil
	},
	refers: func(p *Project, r *FileContractPayload) string { return unknownContract(p, r.ContractID) },
	apply: func(p *Project, e Event, r *FileContractPayload, owned bool) {
		if !owned {
			p.Contracts = slices.Clone(p.Contracts)
		}
		p.Contracts[p.contract(r.ContractID)].FiledAt = e.At
	},
}

// TerminateContractPayload is the payload of terminate_contract
// (第十三条): the written notice with its reason.
type TerminateContractPayload struct {
	ContractID string `json:"contract_id" jsonschema:"required"`
	Reason     string `json:"reason" jsonschema:"required"`
}

// Action returns ActTerminateContract.
func (TerminateContractPayload) Action() Action { return ActTerminateContract }

var specTerminateContract = &actionSpec[TerminateContractPayload, TerminateContractPayload]{
	specMeta: specMeta{action: ActTerminateContract, zh: "终止运维合同", roles: []Role{RoleUnit}},
	derive: func(_ *call, in *TerminateContractPayload) (*TerminateContractPayload, *Error) {
		if blank(in.ContractID) {
			return nil, required("contract_id", "第十三条")
		}
		return in, nil
	},
	choose: func(p *Project, r *TerminateContractPayload) Outcome {
		active := 0
		for _, k := range p.Contracts {
			if k.Active() && k.ID != r.ContractID && (p.Kind != review.Operation || k.BudgetYear == p.BudgetYear) {
				active++
			}
		}
		return pass(active == 0, OutcomeLast, OutcomeRemaining)
	},
	refers: func(p *Project, r *TerminateContractPayload) string { return unknownContract(p, r.ContractID) },
	apply: func(p *Project, e Event, r *TerminateContractPayload, owned bool) {
		if !owned {
			p.Contracts = slices.Clone(p.Contracts)
		}
		k := &p.Contracts[p.contract(r.ContractID)]
		k.Termination = &Termination{TerminateContractPayload: *r, Notified: []Role{RoleBDB, RoleFinance}, At: e.At}
	},
}

// unknownContract reports a contract a stored record names that the
// project does not hold.
func unknownContract(p *Project, id string) string {
	if p.contract(id) < 0 {
		return "unknown contract " + id
	}
	return ""
}
