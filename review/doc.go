// Package review holds what the bureaus check at each gate of
// 渝北府办发〔2019〕26号, as pure, explained functions: the declaration form
// (附件1) with its budget by funding source in exact decimal 万元, the scope of
// the measure (第二条) and its exclusions, the requirement-specification
// outline (附件2), the preliminary review (第四条, 第六条), the expert review
// (第七条), the annual O&M declaration and evaluation (第五条), the acceptance
// prerequisites (第十四条), archive completeness (第十五条) and the refusal of
// classified projects (第十九条).
//
// Every check returns Findings: a stable code, the article, the JSON field
// and a message in Chinese and English. Refusals come as *Error, which
// carries all findings at once.
//
// # Where to find each rule
//
//   - 附件1 (the form), 第二条 (kind, construction type), 第五条 (budget
//     year), 第八条 (phases): Declaration, ParseDeclaration,
//     NewValidator and (*Validator).Declaration; Budget and CheckAmount for
//     amounts (non-negative, at most MaxScale decimal places, the declared
//     合计 equal to the sum).
//   - 第二条 and 第十九条: CheckScope ((*Validator).Admit runs it before the
//     form).
//   - 第四条 duplicate investment: Overlaps and OverlapPolicy (warnings).
//   - 附件2 and 第六条第（一）项: Outline, CheckOutline.
//   - 第六条 (with 第四条): Preliminary.
//   - 第七条: Expert.
//   - 第五条: OMPolicy, OMDeclarationDue, CheckOMDeclaration, OMEvaluate.
//   - 第十四条: CheckAcceptance; 第十五条: Documents, RequiredArchive,
//     CheckArchive.
//
// # Readings of the text
//
// Where the measure is silent or ambiguous this package reads it so, and
// the doc comment of each function says so again:
//
//   - Scope (第二条) is judged on declared item categories (Item,
//     ItemCategory), not on free text: a declaration whose items are all
//     excluded office purchases is out of scope; one that lists no items is
//     left to the reviewer.
//   - A blank amount is zero; a blank 合计 is absent; amounts are written in
//     plain decimal notation; a budget that is zero in every source is
//     refused (the form asks for the project's budget).
//   - The earliest budget year is MinBudgetYear (2020), the first year-end
//     declaration under the measure (第二十条, 第五条).
//   - 附件2 lets only 4.9 土建及配套工程 be marked not applicable (不涉及,
//     不适用 or 无); it must still be listed. Other gaps may be accepted by the
//     reviewer as adjustments (附件2 注), with a reason.
//   - The exemptions of 第四条 (law, regulation or central or Chongqing
//     policy) excuse 政务云 and the sharing platform, not a new 业务专网.
//   - 第十五条: 立项批复 exists only for fixed-asset projects, 变更说明 only
//     after a change, 监理报告 only under a supervision contract, and a
//     数据结构设计说明书 not for a project that designs no data structures.
//   - O&M evaluation grades are 优/良/中/差 (OMGrade); a 差 with funding
//     recommended is inconsistent.
//
// The package keeps no mutable package state: a Validator is built by
// NewValidator and kept by the caller, and every other function is pure.
package review
