package review

import (
	"fmt"
	"slices"
	"time"
)

// beijing is the time zone of every civil date of the measure (UTC+8, no
// daylight saving).
func beijing() *time.Location { return time.FixedZone("CST", 8*3600) }

// OMPolicy is when the annual O&M declaration is due (第五条: 运维类项目每年
// 底由各部门向区大数据发展局申报下一年度政务信息化项目运维需求). The
// measure says "year-end"; the day is a parameter of the rulebook.
type OMPolicy struct {
	// DueMonth and DueDay are the last day, in the year before the budget
	// year, on which the declaration is on time.
	DueMonth time.Month `json:"due_month"`
	DueDay   int        `json:"due_day"`
}

// DefaultOMPolicy reads "每年底" as the last day of the year: 31 December.
func DefaultOMPolicy() OMPolicy { return OMPolicy{DueMonth: time.December, DueDay: 31} }

// Validate reports a policy whose day cannot exist: the month must be 1–12
// and the day within that month (29 February is allowed and falls on the
// 28th in common years).
func (p OMPolicy) Validate() error {
	var fs []Finding
	if p.DueMonth < time.January || p.DueMonth > time.December {
		fs = append(fs, Finding{
			Code: "om_policy_invalid", Article: "第五条", Field: "due_month",
			ZH: fmt.Sprintf("运维需求申报截止月份须为 1 至 12，而不是 %d", int(p.DueMonth)),
			EN: fmt.Sprintf("due_month must be 1 to 12, not %d", int(p.DueMonth)),
		})
	} else if last := daysIn(2024, p.DueMonth); p.DueDay < 1 || p.DueDay > last {
		fs = append(fs, Finding{
			Code: "om_policy_invalid", Article: "第五条", Field: "due_day",
			ZH: fmt.Sprintf("运维需求申报截止日须为 1 至 %d，而不是 %d", last, p.DueDay),
			EN: fmt.Sprintf("due_day must be 1 to %d for month %d, not %d", last, int(p.DueMonth), p.DueDay),
		})
	}
	return errorOf(fs)
}

// daysIn is the number of days of a month.
func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// OMDeclarationDue returns the last day on which the O&M declaration for
// budgetYear is on time (第五条): DueMonth/DueDay of budgetYear−1, as
// midnight at the start of that day in Beijing time. The day is inclusive.
//
// A zero month or day is read as the default's (December, 31); a day past
// the end of its month (e.g. 29 February in a common year) falls on the
// month's last day. Use OMPolicy.Validate to refuse such a policy up front.
func OMDeclarationDue(budgetYear int, p OMPolicy) time.Time {
	def := DefaultOMPolicy()
	if p.DueMonth < time.January || p.DueMonth > time.December {
		p.DueMonth = def.DueMonth
	}
	year := budgetYear - 1
	last := daysIn(year, p.DueMonth)
	day := p.DueDay
	switch {
	case day == 0:
		day = last
	case day < 1:
		day = 1
	case day > last:
		day = last
	}
	return time.Date(year, p.DueMonth, day, 0, 0, 0, 0, beijing())
}

// OMDeclarationOnTime reports whether a declaration made at the instant at
// is on time for budgetYear: its Beijing civil date is not after the due
// day (第五条).
func OMDeclarationOnTime(budgetYear int, at time.Time, p OMPolicy) bool {
	return at.Before(OMDeclarationDue(budgetYear, p).AddDate(0, 0, 1))
}

// CheckOMDeclaration checks an annual O&M declaration made at the instant
// at (第五条): it is 运维类, names its budget year, and is made by the due
// day of the year before. A late declaration gives "om_declaration_late";
// the embedder's rulebook decides whether lateness refuses it.
func CheckOMDeclaration(d Declaration, at time.Time, p OMPolicy) []Finding {
	if d.Kind != Operation {
		return []Finding{{
			Code: "om_not_operation", Article: "第五条", Field: "kind",
			ZH: fmt.Sprintf("年度运维需求申报只适用于运维类项目，本项目类别为“%s”", d.Kind.ZH()),
			EN: fmt.Sprintf("the annual O&M declaration is for operation projects; this one is %q", string(d.Kind)),
		}}
	}
	if d.BudgetYear == 0 {
		return []Finding{{
			Code: "field_required", Article: "第五条", Field: "budget_year",
			ZH: "运维类项目须填写申报的预算年度（budget_year）",
			EN: "budget_year is required for an operation project",
		}}
	}
	if !OMDeclarationOnTime(d.BudgetYear, at, p) {
		due := OMDeclarationDue(d.BudgetYear, p)
		return []Finding{{
			Code: "om_declaration_late", Article: "第五条", Field: "budget_year",
			ZH: fmt.Sprintf("%d 年度运维需求应于 %s 前申报，申报日期 %s 已逾期", d.BudgetYear, due.Format("2006-01-02"), at.In(beijing()).Format("2006-01-02")),
			EN: fmt.Sprintf("the O&M needs for %d were due by %s; declared on %s, late", d.BudgetYear, due.Format("2006-01-02"), at.In(beijing()).Format("2006-01-02")),
		}}
	}
	return nil
}

// OMGrade is the grade of an O&M evaluation (第五条 综合评价).
type OMGrade string

// The four grades, best first.
const (
	OMExcellent OMGrade = "excellent" // 优
	OMGood      OMGrade = "good"      // 良
	OMFair      OMGrade = "fair"      // 中
	OMPoor      OMGrade = "poor"      // 差
)

// OMGrades lists the grades, best first.
func OMGrades() []OMGrade { return []OMGrade{OMExcellent, OMGood, OMFair, OMPoor} }

// Valid reports whether g is one of the four grades.
func (g OMGrade) Valid() bool { return slices.Contains(OMGrades(), g) }

// ZH returns 优, 良, 中 or 差.
func (g OMGrade) ZH() string {
	switch g {
	case OMExcellent:
		return "优"
	case OMGood:
		return "良"
	case OMFair:
		return "中"
	case OMPoor:
		return "差"
	}
	return string(g)
}

// OMEvaluation is the record of the evaluation of an annual O&M
// declaration (第五条: 区大数据发展局会同有关部门组织专家或委托相关机构对
// 申报运维类项目进行综合评价).
type OMEvaluation struct {
	// BudgetYear is the year the declaration is for.
	BudgetYear int `json:"budget_year"`
	// Organisers are the bureaus that organised the evaluation, by role;
	// bdb must be one of them.
	Organisers []string `json:"organisers"`
	// Experts evaluated the declaration, or
	Experts []Panelist `json:"experts,omitempty"`
	// Agency is the institution entrusted with the evaluation.
	Agency string `json:"agency,omitempty"`
	// Grade is the result.
	Grade OMGrade `json:"grade"`
	// Opinion is the written evaluation.
	Opinion string `json:"opinion"`
	// Requested is the declared O&M budget.
	Requested Budget `json:"requested"`
	// Recommended is the budget the evaluation recommends, at most
	// Requested per source and in total.
	Recommended Budget `json:"recommended"`
}

// OMResult is the outcome of an O&M evaluation; it feeds the annual budget
// (第五条: 评价结果将作为年度预算的重要依据).
type OMResult struct {
	// Complete: the record is complete and consistent and may go to the
	// budget.
	Complete bool `json:"complete"`
	// Grade is the evaluation's grade.
	Grade OMGrade `json:"grade"`
	// Funded: the evaluation recommends some funding.
	Funded bool `json:"funded"`
	// Recommended is the recommended budget by source.
	Recommended Budget `json:"recommended"`
	// Reduction is Requested − Recommended by source.
	Reduction Budget `json:"reduction"`
	// Findings say what is missing or inconsistent.
	Findings []Finding `json:"findings,omitempty"`
}

// OMEvaluate checks the record of an O&M evaluation (第五条) and gives its
// outcome: organised by bdb, by experts or an entrusted agency, graded
// (优/良/中/差), with a written opinion and a recommended budget that is
// valid and not more than requested per source or in total.
//
// A poor grade (差) with funding recommended is reported as inconsistent:
// the measure makes the result the basis of the budget, and this library
// reads 差 as "the need is not supported".
func OMEvaluate(e OMEvaluation) OMResult {
	const art = "第五条"
	var fs []Finding
	if e.BudgetYear < MinBudgetYear {
		fs = append(fs, Finding{
			Code: "budget_year_invalid", Article: art, Field: "budget_year",
			ZH: fmt.Sprintf("评价记录的预算年度须为 %d 年或以后，而不是 %d", MinBudgetYear, e.BudgetYear),
			EN: fmt.Sprintf("budget_year must be %d or later, not %d", MinBudgetYear, e.BudgetYear),
		})
	}
	if !slices.Contains(e.Organisers, string(RoleBDB)) {
		fs = append(fs, Finding{
			Code: "om_organiser_missing", Article: art, Field: "organisers",
			ZH: "运维类项目综合评价应由区大数据发展局会同有关部门组织",
			EN: "the O&M evaluation must be organised by bdb with the bureaus concerned",
		})
	}
	hasExpert := slices.ContainsFunc(e.Experts, func(x Panelist) bool { return !isBlank(x.Name) })
	if !hasExpert && isBlank(e.Agency) {
		fs = append(fs, Finding{
			Code: "om_evaluator_missing", Article: art, Field: "experts",
			ZH: "综合评价应由专家进行或委托相关机构进行，记录中两者皆无",
			EN: "the evaluation must be made by experts or an entrusted agency; the record names neither",
		})
	}
	if !e.Grade.Valid() {
		fs = append(fs, Finding{
			Code: "om_grade_invalid", Article: art, Field: "grade",
			ZH: fmt.Sprintf("评价等级须为优（excellent）、良（good）、中（fair）或差（poor），而不是“%s”", e.Grade),
			EN: fmt.Sprintf("grade must be excellent, good, fair or poor, not %q", string(e.Grade)),
		})
	}
	if isBlank(e.Opinion) {
		fs = append(fs, Finding{
			Code: "om_opinion_missing", Article: art, Field: "opinion",
			ZH: "综合评价缺少书面评价意见", EN: "the evaluation has no written opinion",
		})
	}
	fs = append(fs, checkApproved(art, e.Requested, e.Recommended, "requested", "recommended")...)
	if e.Grade == OMPoor && !e.Recommended.IsZero() {
		fs = append(fs, Finding{
			Code: "om_poor_grade_funded", Article: art, Field: "recommended",
			ZH: fmt.Sprintf("评价等级为差，却建议安排运维资金 %s 万元", e.Recommended.Total().String()),
			EN: fmt.Sprintf("the grade is poor yet %s 万元 of O&M funding is recommended", e.Recommended.Total().String()),
		})
	}
	return OMResult{
		Complete:    len(fs) == 0,
		Grade:       e.Grade,
		Funded:      e.Recommended.Total().IsPositive(),
		Recommended: e.Recommended,
		Reduction:   e.Requested.Sub(e.Recommended),
		Findings:    fs,
	}
}
