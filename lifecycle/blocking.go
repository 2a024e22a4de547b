package lifecycle

import "github.com/govit-cn/govit/review"

// blockingRule returns the provision that blocks action in state s of a
// project of kind, where it is not the one that orders the action in
// general: an action refused because its state does not allow it cites
// the step the project still lacks (or the measure that holds it), not
// 第十八条 for every "too early to spend".
//
//   - Procurement or a contract of an approved project before its budget:
//     第七条 (纳入财政预算或新增预算), for 运维类 第五条 (评价结果将作为年度
//     预算的重要依据).
//   - While the DRC's 立项 is pending or not yet applied for: 第十条.
//   - A contract before procurement has started: 第十条 (按规定程序组织采购),
//     for 运维类 第九条.
//   - A contract while rectification is ordered or construction suspended:
//     第十三条.
//   - A contract while the project must be declared again after a change
//     above the threshold: 第十一条第（二）项.
//   - A contract of a year whose O&M is terminated or complete: 第五条 (the
//     next year is declared).
//
// ok is false where the action's own provision (orderRule) is the one.
func blockingRule(kind review.Kind, action Action, s State) (article, zh, en string, ok bool) {
	if action != ActStartProcurement && action != ActSignContract {
		return "", "", "", false
	}
	switch s {
	case StateApproved:
		return "第七条", "审议通过的项目纳入财政预算或新增预算后，方可组织采购、签订合同",
			"an approved project procures and signs contracts once it is in the budget (annual or additional)", true
	case StateOMEvaluated:
		return "第五条", "运维需求的评价结果作为年度预算的依据，纳入年度预算后方可采购、签订合同",
			"O&M needs are procured and contracted once their evaluation has entered the annual budget", true
	case StateInitiationApplied:
		return "第十条", "属于固定资产投资建设的项目，须经区发展改革委审批通过、下达立项通知后，方可组织采购",
			"a fixed-asset project procures only once the DRC has approved its 立项", true
	case StateRectifying, StateSuspended:
		return "第十三条", "区大数据发展局会同区财政局要求整改或暂停项目建设期间，不得签订合同",
			"no contract is signed while rectification or suspension ordered by bdb with finance is in force", true
	case StateRedeclarationRequired:
		return "第十一条第（二）项", "变更所涉及金额超过项目投资额10%，须重新编制项目方案并按程序重新申报，批准前不得实施",
			"a change above 10% of the investment is re-planned and declared again, and may not be carried out before approval", true
	case StateTerminated, StateCompleted:
		if kind == review.Operation {
			return "第五条", "本年度运维已终止或完成；下一年度运维需求须另行申报", "this year's O&M is terminated or complete; the next year is declared anew", true
		}
	case StateBudgeted, StateInitiated:
		if action != ActSignContract {
			return "", "", "", false
		}
		if kind == review.Operation {
			return "第九条", "运维类项目按审核通过的项目方案、按规定程序组织采购后签订合同",
				"an O&M project signs contracts after procuring under the approved plan", true
		}
		return "第十条", "按审议通过的项目方案、按规定程序组织采购后方可签订合同",
			"contracts are signed after procurement under the approved plan", true
	}
	return "", "", "", false
}
