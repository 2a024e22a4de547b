package lifecycle

import (
	"fmt"
	"slices"
	"time"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/review"
)

// Rulebook is the measure's parameters as one value: which document, in
// force from when, and every number and list the rules read. A revision of
// the measure is a new Rulebook with a later Effective date, added to the
// Rulebooks set; projects keep the rulebook in force on the day they were
// first declared (第二十条).
//
// The process itself (states, actions, guards) is the transition table of
// this package (Table); a Rulebook parameterises it.
type Rulebook struct {
	// ID names the rulebook in logs and summaries.
	ID string `json:"id"`
	// Document is the measure's document number (第一条).
	Document string `json:"document"`
	// Title is the measure's title.
	Title string `json:"title"`
	// Basis lists the documents the measure is made under (第一条).
	Basis []string `json:"basis"`
	// Effective is the first day the rulebook is in force, midnight
	// Beijing time (第二十条: 自公布之日起施行).
	Effective time.Time `json:"effective"`

	// Change is the reading of the 10% rule (第十一条).
	Change change.Policy `json:"change"`
	// FilingDays is the number of working days after signing within which
	// a copy of a contract is filed with the bureau (第十二条: 7).
	FilingDays int `json:"filing_days"`
	// ArchiveDays is the number of working days after acceptance within
	// which the documents of 第十五条 are filed (第十五条: 10).
	ArchiveDays int `json:"archive_days"`
	// OMDeclaration is when the next year's O&M needs are due (第五条:
	// 每年底, read as 31 December).
	OMDeclaration review.OMPolicy `json:"om_declaration"`
	// RefuseLateOMDeclaration refuses an O&M declaration made after its
	// due day (第五条). The article sets a time but no sanction, so by
	// default a late declaration is accepted and its lateness shows in
	// the obligations.
	RefuseLateOMDeclaration bool `json:"refuse_late_om_declaration"`
	// RefuseOtherBudgetYear refuses an O&M declaration for a budget year
	// after the next (第五条: 申报下一年度…运维需求). By default it is
	// accepted with the finding om_budget_year_not_next recorded with the
	// year.
	RefuseOtherBudgetYear bool `json:"refuse_other_budget_year"`
	// RequireFinanceInMeasures requires the record of 区财政局's part in a
	// rectification order or a suspension (第十三条: 区大数据发展局会同区财政局
	// 可要求…整改或暂停). By default the part is recorded when given.
	RequireFinanceInMeasures bool `json:"require_finance_in_measures"`
	// ArchiveDocuments lists the keys of the documents of 第十五条 that the
	// archive may require; review.RequiredArchive drops those that cannot
	// exist for a project.
	ArchiveDocuments []string `json:"archive_documents"`
	// Roles is the role table: which roles may take each action
	// (第三条, and each action's article).
	Roles map[Action][]Role `json:"roles"`
}

// Articles the rulebook's parameters cite.
const (
	ArticleBasis     = "第一条"
	ArticleEffective = "第二十条"
	ArticleRoles     = "第三条"
)

// Yubei2019 returns the rulebook of 渝北府办发〔2019〕26号, in force from
// 2019-12-12. Each call returns a new value.
func Yubei2019() *Rulebook {
	var docs []string
	for _, d := range review.Documents() {
		docs = append(docs, d.Key)
	}
	return &Rulebook{
		ID:       "yubei-2019-26",
		Document: "渝北府办发〔2019〕26号",
		Title:    "重庆市渝北区政务信息化项目管理暂行办法",
		Basis: []string{
			"《重庆市全面推行“云长制”实施方案》（渝委办发〔2019〕66号）",
			"《重庆市政务数据资源管理暂行办法》（市政府令第328号）",
		},
		Effective:        calendar.Date(2019, time.December, 12),
		Change:           change.Yubei2019(),
		FilingDays:       7,
		ArchiveDays:      10,
		OMDeclaration:    review.DefaultOMPolicy(),
		ArchiveDocuments: docs,
		Roles:            DefaultRoles(),
	}
}

// DefaultRoles is the role table of 渝北府办发〔2019〕26号: the unit declares,
// builds, operates and reports; 区大数据发展局 reviews, supervises and
// evaluates (第三条, 第六条, 第十三条, 第十四条, 第十七条); 区政府 deliberates
// (第七条); 区财政局 budgets (第三条, 第七条); 区发展改革委 approves the 立项 of
// fixed-asset projects and, with the bureau, their changes (第十条,
// 第十一条); 区审计局 audits (第十六条). Each action's spec holds its roles;
// each call returns a new map.
func DefaultRoles() map[Action][]Role {
	out := make(map[Action][]Role, len(specs()))
	for _, s := range specs() {
		out[s.meta().action] = slices.Clone(s.meta().roles)
	}
	return out
}

// Validate reports a rulebook that cannot decide: a missing effective
// date, an invalid change policy or O&M due day, day counts that are not
// positive, an unknown archive document, or an action of the table
// without roles.
func (rb *Rulebook) Validate() error {
	var fs []review.Finding
	add := func(field, article, zh, en string) {
		fs = append(fs, review.Finding{Code: "rulebook_invalid", Article: article, Field: field, ZH: zh, EN: en})
	}
	if rb.Effective.IsZero() {
		add("effective", ArticleEffective, "规则缺少施行日期", "the rulebook has no effective date")
	}
	fs = append(fs, rb.Change.Check()...)
	if err := rb.OMDeclaration.Validate(); err != nil {
		if re, ok := err.(*review.Error); ok {
			fs = append(fs, re.Findings...)
		}
	}
	if rb.FilingDays <= 0 {
		add("filing_days", "第十二条", "合同备案期限须为正的工作日数", "filing_days must be a positive number of working days")
	}
	if rb.ArchiveDays <= 0 {
		add("archive_days", "第十五条", "验收后存档期限须为正的工作日数", "archive_days must be a positive number of working days")
	}
	for _, k := range rb.ArchiveDocuments {
		if _, ok := review.DocumentByKey(k); !ok {
			add("archive_documents", "第十五条", fmt.Sprintf("“%s”不是第十五条所列的项目资料", k), fmt.Sprintf("%q is not a document of 第十五条", k))
		}
	}
	for _, kind := range []review.Kind{review.Construction, review.Operation} {
		for _, a := range machineFor(kind).actions() {
			if len(rb.Roles[a]) == 0 {
				add("roles."+string(a), ArticleRoles, fmt.Sprintf("未规定可执行“%s”的角色", a), fmt.Sprintf("no role may take %s", a))
			}
		}
	}
	if len(fs) > 0 {
		return &Error{Kind: KindInvalid, Code: "rulebook_invalid", Article: ArticleEffective,
			ZH: "规则参数无效", EN: "the rulebook is invalid", Findings: fs}
	}
	return nil
}

// Table returns the transition table of a kind with this rulebook's roles:
// the single source of truth the engine runs, Permitted lists and the
// diagram draws. It returns nil for an unknown kind.
func (rb *Rulebook) Table(kind review.Kind) []Transition {
	m := machineFor(kind)
	if m == nil {
		return nil
	}
	out := make([]Transition, len(m.rows))
	for i, t := range m.rows {
		t.From = slices.Clone(t.From)
		t.Guards = make([]*Guard, len(t.Guards))
		for j, g := range m.rows[i].Guards {
			c := *g
			t.Guards[j] = &c
		}
		t.Roles = slices.Clone(rb.Roles[t.Action])
		out[i] = t
	}
	return out
}

// Rulebooks is the set of rulebooks an engine applies, each in force from
// its Effective date until the next one's.
type Rulebooks struct {
	books []*Rulebook // ascending by Effective
}

// NewRulebooks validates the rulebooks and orders them by effective date.
// Two rulebooks may not take effect on the same day.
func NewRulebooks(books ...*Rulebook) (Rulebooks, error) {
	if len(books) == 0 {
		return Rulebooks{}, &Error{Kind: KindInvalid, Code: "rulebook_missing", Article: ArticleEffective,
			ZH: "至少需要一套规则", EN: "at least one rulebook is needed"}
	}
	out := slices.Clone(books)
	for _, rb := range out {
		if rb == nil {
			return Rulebooks{}, &Error{Kind: KindInvalid, Code: "rulebook_missing", Article: ArticleEffective,
				ZH: "规则不能为空", EN: "a rulebook is nil"}
		}
		if err := rb.Validate(); err != nil {
			return Rulebooks{}, err
		}
	}
	slices.SortStableFunc(out, func(a, b *Rulebook) int { return a.Effective.Compare(b.Effective) })
	for i := 1; i < len(out); i++ {
		if calendar.DateOf(out[i].Effective).Equal(calendar.DateOf(out[i-1].Effective)) {
			return Rulebooks{}, &Error{Kind: KindInvalid, Code: "rulebook_effective_duplicate", Article: ArticleEffective,
				ZH: fmt.Sprintf("规则 %s 与 %s 的施行日期相同", out[i-1].ID, out[i].ID),
				EN: fmt.Sprintf("rulebooks %s and %s take effect on the same day", out[i-1].ID, out[i].ID)}
		}
	}
	return Rulebooks{books: out}, nil
}

// DefaultRulebooks is the set holding Yubei2019 alone.
func DefaultRulebooks() Rulebooks {
	return Rulebooks{books: []*Rulebook{Yubei2019()}}
}

// All returns the rulebooks in order of their effective dates.
func (s Rulebooks) All() []*Rulebook { return slices.Clone(s.books) }

// InForce returns the rulebook in force on the Beijing date of t: the one
// with the latest Effective date not after it. It returns nil when t is
// before every rulebook (the measure was not yet in force).
func (s Rulebooks) InForce(t time.Time) *Rulebook {
	day := calendar.DateOf(t)
	var in *Rulebook
	for _, rb := range s.books {
		if calendar.DateOf(rb.Effective).After(day) {
			break
		}
		in = rb
	}
	return in
}
