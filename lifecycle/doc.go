// Package lifecycle is the project aggregate of 渝北府办发〔2019〕26号
// (《重庆市渝北区政务信息化项目管理暂行办法》): the states a government IT
// project passes through, the actions that move it and who may take them,
// the guards each action must pass with the article behind each, the
// events that record every accepted action, the deadlines that follow
// from them, the rulebook of the measure's parameters, and the Engine that
// embedders call.
//
// # The transition table
//
// One table per kind of project (第二条: 建设类 Construction, 运维类
// Operation) is the single source of truth: (*Rulebook).Table lists its
// rows (action, outcome, from-states, to-state, roles, named guards,
// article); Decide runs it, with github.com/looplab/fsm moving the state
// once the roles and guards have passed (every accepted action is fired
// through the machine, and Decide takes the state it reached); Permitted
// lists from it; Mermaid
// draws it (see DIAGRAM.md, kept current by a test). An action whose
// outcome is decided by its payload (a review passed or failed, a change
// minor or major, the last O&M contract terminated or not) has one row per
// outcome.
//
// # States
//
// Both kinds: declared 已申报, returned 已退回修改, withdrawn 已撤回,
// redeclaration_required 须重新申报, budgeted 已纳入预算, procuring 采购中.
//
// 建设类: preliminary_passed 初步审核通过, expert_passed 专家评审通过,
// rejected 审议未通过, approved 审议通过, initiation_applied 已申请立项,
// initiated 已立项, implementing 建设实施中, rectifying 整改中, suspended
// 已暂停, acceptance_applied 已申请验收, accepted 已验收, delivered 已交付使用,
// archived 已归档, evaluated 已综合评价.
//
// 运维类: om_evaluated 运维评价通过, operating 运维中, terminated 运维合同已终止,
// completed 运维已完成.
//
// # Actions, roles and payloads
//
// The names are those of the specification; the roles are those of
// DefaultRoles (第三条). Every payload type names its action (the Payload
// interface), so Engine.Do and Decide take the typed value alone:
//
//	declare             unit        DeclarePayload (review.Declaration, 附件1)  第五条, 第六条, 第八条
//	withdraw            unit        WithdrawPayload                  before approval
//	preliminary_review  bdb         PreliminaryReviewPayload → review.Preliminary   第四条, 第六条
//	expert_review       bdb         ExpertReviewPayload → review.Expert      第七条
//	deliberate          government  DeliberatePayload                第七条
//	budget              finance     BudgetPayload                    第五条, 第七条
//	apply_initiation    unit        ApplyInitiationPayload           第十条 (fixed-asset only)
//	approve_initiation  drc         ApproveInitiationPayload         第十条
//	start_procurement   unit        StartProcurementPayload          第九条, 第十条
//	sign_contract       unit        SignContractPayload              第十八条
//	file_contract       unit        FileContractPayload              第十二条
//	report_issue        unit        ReportIssuePayload               第十三条
//	order_rectification bdb         OrderRectificationPayload (with finance's part)  第十三条
//	suspend, resume     bdb         SuspendPayload (with finance's part), ResumePayload  第十三条
//	request_change      unit        RequestChangePayload (change.Request) → change.Assess   第十一条
//	approve_change      bdb, drc    ApproveChangePayload             第十一条
//	reject_change       bdb, drc    RejectChangePayload (opinion required)   第十一条
//	apply_acceptance    unit        ApplyAcceptancePayload → review.CheckAcceptance  第十四条
//	accept              bdb         AcceptPayload                    第十四条
//	deliver             unit        DeliverPayload                   第十四条
//	archive             unit        ArchivePayload → review.CheckArchive  第十五条
//	evaluate            bdb         EvaluatePayload                  第十七条
//	audit               audit       AuditPayload                     第十六条
//	om_evaluation       bdb         OMEvaluationPayload (review.OMEvaluation) → review.OMEvaluate  第五条
//	terminate_contract  unit        TerminateContractPayload         第十三条
//	complete            unit        CompletePayload                  第五条
//	security_opinion    cac         SecurityOpinionPayload           第三条
//
// # Typed values in, JSON for adapters
//
// An embedder builds payloads in Go and calls
//
//	p, ev, err := eng.Do(ctx, id, version, actor, lifecycle.SignContractPayload{Contract: …})
//
// Declare and Do both return the project after the action and the event
// stored, and a nil project on error. An adapter that holds JSON calls
// Engine.DoJSON (or DecideJSON) with the action's name; ReadPayload reads
// a payload ahead of time, and ReadJSON any other request body. All three
// use one strict reader on github.com/go-json-experiment/json (see
// jsonread.go): an unknown member, a member spelt in another case and a
// name given twice are refused as KindInvalid with the member's JSON path
// (e.g. "contract.amount"), as are malformed JSON and U+0000 in a string.
// The engine reads a JSON payload only once the actor's roles and the
// project's state allow the action, so the order of the checks of Decide
// holds for both entry points.
//
// # Electronic documents
//
// With Config.Documents (a document.Ingester over a BlobStore) the engine
// keeps the files the measure asks for: FileDocument streams one in,
// checks it on arrival and records it; WithdrawDocument withdraws a
// version; Documents, OpenDocument and VerifyDocuments (fixity) read them.
// Filing and withdrawing are events of the project's history
// (file_document, withdraw_document) carrying the file's record — slot,
// version, name, size, sniffed media type, digest with its algorithm, the
// checks' results — so the hash chain covers the contents. They are not
// actions of the transition table: they move no state, may happen in any
// state but withdrawn, and their record is what the engine found in the
// file, never a caller's payload, so Do refuses them. Project.Documents
// is their fold. Who files what is DocumentFiler (the expert opinion bdb,
// 第七条; everything else the unit); once the archive of 第十五条 is filed
// its documents are neither replaced nor withdrawn.
//
// With documents, two actions read the files: archive counts the
// documents of 第十五条 whose current version passed its checks (and the
// contracts when each has its copy), recording the versions and digests
// it counted, whatever names the payload lists; preliminary_review takes
// the table of contents read from the filed requirement specification
// when the submission brings none (第六条第（一）项), recording its source.
// The archive duty lists the documents still missing (Obligation.Missing).
//
// # Adding an action
//
// Each action is one spec value, and each guard one *Guard value; the
// table's rows hold guards by value, so a misspelt guard does not compile.
// Adding an action touches three files:
//
//  1. a file of its own (or the actions_*.go file of its stage): the
//     Action constant, the payload type with its Action method, and the
//     spec — an *actionSpec[P, R] naming the action, its Chinese name,
//     its default roles of 第三条, the provision that orders it after
//     earlier steps, and the functions that derive its record from the
//     payload (derive), choose its row when it has several outcomes
//     (choose), find what a stored record refers to (refers) and fold the
//     record into the Project (apply). A guard it needs is a new *Guard in
//     guards.go with its check in guards_check.go (two more files only
//     when a new guard is needed);
//  2. table.go: the spec in specs, and the action's rows in the table of
//     each kind that has it, with their guards and article;
//  3. doc.go: the line in the list above, and the rule served.
//
// An action of 运维类 whose payload names the budget year it concerns (or a
// contract) gives its payload type a route method (omyears.go), and, when
// its default year is not the latest, a case in yearCandidates.
//
// The engine, Permitted, Replay, DefaultRoles and the diagram
// (DIAGRAM.md, go test ./lifecycle -update) follow from these. The tests
// that must grow with it: a guard's refusal (guards_test.go) and the path
// tests.
//
// A unit acts on and sees only its own projects: another unit's project
// is not found (KindNotFound), so its existence does not leak. A bureau
// sees every project and may take only its roles' actions (KindForbidden,
// citing 第三条 and the action's article).
//
// # Rules served
//
//   - 第一条, 第二十条: Rulebook names the document and its basis and is
//     in force from its effective date; Rulebooks picks the one in force
//     on a project's first declaration, so a revision does not change
//     earlier projects' outcomes.
//   - 第二条, 第十九条: a declaration out of scope or classified is
//     refused; the two kinds have their own tables.
//   - 第三条: the role table (Rulebook.Roles); 区委网信办 records its
//     network-security guidance and supervision opinions on any project at
//     any time (security_opinion).
//   - 第五条: O&M declared per budget year, evaluated, budgeted; the next
//     year's declaration is due by the rulebook's year-end
//     (DutyOMDeclaration).
//   - 第六条, 第七条: preliminary review, then expert review (only after a
//     passed preliminary review), deliberation, budget; a failed review
//     returns the project to its unit to amend and declare again.
//   - 第八条: a later phase names its earlier phase and goes through the
//     same path; its acceptance names the contracts it covers (第十四条).
//   - 第九条, 第十条, 第十八条: procurement and contracts only after approval
//     and budget, and for a fixed-asset project only after the DRC's 立项,
//     which is applied for once the deliberation approves (before or after
//     the budget); no contract signed before the approval date. A step
//     refused for its state cites the provision that blocks it there
//     (blockingRule): the budget (第七条, 第五条), the 立项 (第十条), a
//     suspension (第十三条), a re-declaration (第十一条第（二）项).
//   - 第十一条: changes are assessed by package change under the
//     rulebook's policy; a minor change waits for every approver (bdb, and
//     drc for a fixed-asset project) and then moves the approved
//     investment; a major change sends the project to
//     redeclaration_required, its contracts staying on record, and the
//     approval of the re-declaration resets the base of the next change.
//   - 第十二条, 第十五条: Obligations counts the filing of each contract (7
//     working days from its signing date) and the archive (10 working days
//     from acceptance) in Chinese working days with package calendar. A
//     signed contract is filed in every state after its signing, and the
//     archive from acceptance, so no duty listed is one no action can meet.
//   - 第十三条: issues, rectification, suspension (bdb with 区财政局, whose
//     part is recorded, and required under
//     Rulebook.RequireFinanceInMeasures); an O&M contract is terminated
//     only with a written reason, notified to bdb and finance.
//   - 第十四条: acceptance only with the prerequisites of
//     review.CheckAcceptance, recording the units and experts; only an
//     accepted project is delivered.
//   - 第十五条: the archive must hold the documents review.CheckArchive
//     requires, from facts derived from the history (fixed asset, an
//     approved change, a supervision contract).
//   - 第十六条: the audit bureau records findings on any project at any
//     time.
//   - 第十七条: the comprehensive evaluation of a built project, once it is
//     accepted, with its experts or entrusted agency. Delivery, archive
//     and evaluation follow acceptance in any order, each once; the
//     project is archived once delivered and archived, evaluated once all
//     three are done.
//
// # Events and the fold
//
// Every accepted action becomes an Event; a project is the fold of its
// events (Replay, (*Project).Apply), so replaying a history rebuilds the
// project exactly, and a refused action changes nothing. Decide is pure;
// the Engine loads, replays, decides and appends with the expected version.
//
// # Choices where the measure is silent
//
//   - A failed expert review returns the project to its unit like a failed
//     preliminary review; a deliberation that does not approve ends it.
//   - The DRC may refuse a 立项; the unit may apply again.
//   - A change may be requested from approval until acceptance is applied
//     for; while one awaits approval, no procurement, contract or
//     acceptance proceeds (第十一条: 批准后才能实施).
//   - After a major change, the re-declared project procures again under
//     its new plan (start_procurement, then sign_contract).
//   - A project keeps the rulebook of its first declaration, also through
//     a re-declaration.
//   - An O&M project runs year after year, each budget year its own cycle
//     of the 运维类 table (Project.Years; see omyears.go): the money of a
//     year is its own approved budget, and the running year goes on while
//     the next is declared, evaluated, refused or withdrawn. The
//     declaration of the next year meets the running year's year-end duty
//     of 第五条. A late declaration, or one for a year after the next, is
//     accepted with its finding recorded with the year unless
//     Rulebook.RefuseLateOMDeclaration or Rulebook.RefuseOtherBudgetYear.
//   - Contracts may not together exceed the approved investment (a larger
//     investment is a change under 第十一条).
//   - Permitted evaluates every guard as far as the project's state decides
//     it; guards that read the payload (Guard.Payload) are checked in
//     full by Decide.
package lifecycle
