package lifecycle

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/review"
)

// The duties Obligations reports.
const (
	// DutyContractFiling: file a copy of each contract with the bureau
	// within FilingDays working days of signing (第十二条).
	DutyContractFiling = "contract_filing"
	// DutyArchive: file the documents of 第十五条 within ArchiveDays
	// working days of acceptance.
	DutyArchive = "archive"
	// DutyOMDeclaration: declare the next budget year's O&M needs by the
	// year-end due day (第五条).
	DutyOMDeclaration = "om_declaration"
)

// ObligationStatus is where a duty stands as of a date.
type ObligationStatus string

// The statuses.
const (
	ObligationPending   ObligationStatus = "pending"
	ObligationMetOnTime ObligationStatus = "met_on_time"
	ObligationMetLate   ObligationStatus = "met_late"
	ObligationOverdue   ObligationStatus = "overdue"
)

// Obligation is one duty of a project with its deadline. Dates are civil
// dates at midnight, Beijing time.
type Obligation struct {
	Duty    string `json:"duty"`
	Article string `json:"article"`
	// Ref names what the duty is about: the contract ID (第十二条), the
	// budget year declared (第五条); empty for the archive.
	Ref string `json:"ref,omitempty"`
	// ZH and EN describe the duty.
	ZH string `json:"zh"`
	EN string `json:"en"`
	// Trigger is the day the duty arose (day 0 of a count in working
	// days): the contract's signing date, the acceptance, the budget.
	Trigger time.Time `json:"trigger"`
	// Due is the last day on which meeting the duty is on time.
	Due time.Time `json:"due"`
	// Met is the day the duty was met; zero while it is not.
	Met    time.Time        `json:"met,omitzero"`
	Status ObligationStatus `json:"status"`
	// LateBy is the number of working days after Due on which the duty
	// was met (met_late), or that have passed since Due as of the date
	// asked about (overdue); zero otherwise.
	LateBy int `json:"late_by,omitempty"`
	// Missing lists, for the archive of 第十五条 not yet filed by an
	// engine that keeps electronic documents, the keys of the documents
	// still to be filed (or whose current version failed a check).
	Missing []string `json:"missing,omitempty"`
}

// Obligations lists the duties a project's history gives rise to and where
// each stands as of the Beijing date of asOf, under rulebook rb, counting
// working days with cal:
//
//   - 第十二条: for each contract, a copy filed within rb.FilingDays working
//     days of its signing date (the contract's signed_on, day 0), met by
//     file_contract;
//   - 第十五条: after a passed acceptance, the archive within
//     rb.ArchiveDays working days, met by archive;
//   - 第五条: for each O&M budget year Y entered in the budget, the
//     declaration of year Y+1 by review.OMDeclarationDue(Y+1), met by the
//     first declaration of Y+1; no longer listed while unmet once year Y
//     is withdrawn, its last contract terminated or its O&M completed as
//     final, or a year after Y+1 is declared.
//
// They are ordered by due date. A deadline in a year whose holiday
// schedule cal does not have is an error of KindUnavailable wrapping the
// calendar's error (calendar.ErrYearNotPublished): no deadline is guessed.
func Obligations(rb *Rulebook, cal *calendar.Calendar, events []Event, asOf time.Time) ([]Obligation, error) {
	if rb == nil || cal == nil {
		return nil, &Error{Kind: KindInvalid, Code: "obligations_arguments", ZH: "缺少规则或日历", EN: "the rulebook or the calendar is missing"}
	}
	p, err := Replay(events)
	if err != nil {
		return nil, err
	}
	return obligationsOf(rb, cal, p, asOf)
}

// obligationsOf lists the duties of the folded project p (see Obligations).
func obligationsOf(rb *Rulebook, cal *calendar.Calendar, p *Project, asOf time.Time) ([]Obligation, error) {
	out, err := filingDuties(rb, cal, p)
	if err != nil {
		return nil, err
	}
	archive, err := archiveDuty(rb, cal, p)
	if err != nil {
		return nil, err
	}
	out = append(out, archive...)
	out = append(out, omDeclarationDuties(rb, p)...)
	today := calendar.DateOf(asOf)
	for i := range out {
		if err := out[i].settle(cal, today); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(a, b Obligation) int { return a.Due.Compare(b.Due) })
	return out, nil
}

// filingDuties are the filings of 第十二条, one per contract.
func filingDuties(rb *Rulebook, cal *calendar.Calendar, p *Project) ([]Obligation, error) {
	var out []Obligation
	for _, k := range p.Contracts {
		signed, err := k.SignedOn.Time()
		if err != nil {
			return nil, &Error{Kind: KindInvalid, Code: "history_invalid", ZH: "合同签订日期无效：" + string(k.SignedOn), EN: "invalid signing date " + string(k.SignedOn), Err: err}
		}
		due, err := cal.AddWorkdays(signed, rb.FilingDays)
		if err != nil {
			return nil, calendarError(err)
		}
		out = append(out, Obligation{
			Duty: DutyContractFiling, Article: "第十二条", Ref: k.ID,
			ZH:      fmt.Sprintf("合同 %s 签订后 %d 个工作日内将复印件报区大数据发展局备案", k.ID, rb.FilingDays),
			EN:      fmt.Sprintf("file a copy of contract %s with the bureau within %d working days of signing", k.ID, rb.FilingDays),
			Trigger: signed, Due: due, Met: dayOrZero(k.FiledAt),
		})
	}
	return out, nil
}

// archiveDuty is the archive of 第十五条 after the first passed acceptance.
func archiveDuty(rb *Rulebook, cal *calendar.Calendar, p *Project) ([]Obligation, error) {
	if !p.AcceptedAt.IsZero() {
		day := calendar.DateOf(p.AcceptedAt)
		due, err := cal.AddWorkdays(day, rb.ArchiveDays)
		if err != nil {
			return nil, calendarError(err)
		}
		return []Obligation{{
			Duty: DutyArchive, Article: "第十五条",
			ZH:      fmt.Sprintf("验收后 %d 个工作日内将项目资料电子文档报送区大数据发展局存档", rb.ArchiveDays),
			EN:      fmt.Sprintf("file the project documents with the bureau within %d working days of acceptance", rb.ArchiveDays),
			Trigger: day, Due: due, Met: dayOrZero(p.ArchivedAt),
		}}, nil
	}
	return nil, nil
}

// omDeclarationDuties are the year-end declarations of 第五条, one for
// each budgeted O&M year whose next year can still be declared.
func omDeclarationDuties(rb *Rulebook, p *Project) []Obligation {
	var out []Obligation
	for _, y := range p.Years {
		if y.BudgetedAt.IsZero() {
			continue
		}
		next := y.Year + 1
		o := Obligation{
			Duty: DutyOMDeclaration, Article: "第五条", Ref: strconv.Itoa(next),
			ZH:      fmt.Sprintf("年底前向区大数据发展局申报 %d 年度运维需求", next),
			EN:      fmt.Sprintf("declare the O&M needs for %d to the bureau by year-end", next),
			Trigger: calendar.DateOf(y.BudgetedAt), Due: calendar.DateOf(review.OMDeclarationDue(next, rb.OMDeclaration)),
		}
		met, later := p.declaredYear(next)
		if !met.IsZero() {
			o.Met = calendar.DateOf(met)
		} else if later || y.ended() {
			// No action can meet it any more: a later year is declared,
			// or this year's O&M ended for good.
			continue
		}
		out = append(out, o)
	}
	return out
}

// declaredYear returns when budget year y was first declared (zero if
// never), and whether a year after it is declared.
func (p *Project) declaredYear(y int) (met time.Time, later bool) {
	for _, z := range p.Years {
		if z.Year == y && (met.IsZero() || z.DeclaredAt.Before(met)) {
			met = z.DeclaredAt
		}
		later = later || z.Year > y
	}
	return met, later
}

// ended reports whether an O&M year ended with no next year due: withdrawn,
// its last contract terminated, or completed as final (第五条).
func (y BudgetYear) ended() bool {
	return y.State == StateWithdrawn || y.State == StateTerminated ||
		(y.State == StateCompleted && y.Completion != nil && y.Completion.Final)
}

// dayOrZero is the Beijing date of t, or zero for the zero time.
func dayOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return calendar.DateOf(t)
}

// settle sets the status of an obligation as of today.
func (o *Obligation) settle(cal *calendar.Calendar, today time.Time) error {
	switch {
	case !o.Met.IsZero() && !o.Met.After(o.Due):
		o.Status = ObligationMetOnTime
	case !o.Met.IsZero():
		n, err := cal.WorkdaysBetween(o.Due, o.Met)
		if err != nil {
			return calendarError(err)
		}
		o.Status, o.LateBy = ObligationMetLate, n
	case !today.After(o.Due):
		o.Status = ObligationPending
	default:
		n, err := cal.WorkdaysBetween(o.Due, today)
		if err != nil {
			return calendarError(err)
		}
		o.Status, o.LateBy = ObligationOverdue, n
	}
	return nil
}

// calendarError wraps an error of the calendar.
func calendarError(err error) *Error {
	e := &Error{Kind: KindUnavailable, Code: "calendar_unavailable", Err: err,
		ZH: "无法计算工作日期限：" + err.Error(), EN: "cannot count working days: " + err.Error()}
	var ce *calendar.Error
	if errors.As(err, &ce) {
		e.Code = "calendar_" + ce.Code
		e.ZH = "无法计算工作日期限：" + ce.MessageZh
		e.EN = "cannot count working days: " + ce.MessageEn
	}
	return e
}

// NextDue returns the earliest obligation not yet met (pending or
// overdue), if any.
func NextDue(obs []Obligation) (Obligation, bool) {
	for _, o := range obs {
		if o.Status == ObligationPending || o.Status == ObligationOverdue {
			return o, true
		}
	}
	return Obligation{}, false
}
