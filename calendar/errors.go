package calendar

import (
	"errors"
	"strconv"
	"strings"
)

// Stable error codes carried by *Error.
const (
	// CodeYearNotPublished: the answer needs a year for which no State
	// Council schedule is known (and, on a projecting calendar, which
	// lies outside the projection's range).
	CodeYearNotPublished = "year_not_published"
	// CodeInvalidSchedule: a schedule given to the calendar or read by a
	// loader is malformed or contradicts itself or another year.
	CodeInvalidSchedule = "invalid_schedule"
	// CodeInvalidDate: a civil date is not written YYYY-MM-DD or does not
	// exist.
	CodeInvalidDate = "invalid_date"
)

// Sentinels for errors.Is; every *Error matches the sentinel of its Code.
var (
	// ErrYearNotPublished matches every *Error with CodeYearNotPublished.
	// Use errors.As with *Error to learn which year (Error.Year).
	ErrYearNotPublished = errors.New("calendar: year not published")
	// ErrInvalidSchedule matches every *Error with CodeInvalidSchedule.
	ErrInvalidSchedule = errors.New("calendar: invalid schedule")
	// ErrInvalidDate matches every *Error with CodeInvalidDate.
	ErrInvalidDate = errors.New("calendar: invalid date")
)

// Error is the error every function of this package returns: a stable Code,
// what it concerns, and a message in Chinese and in English.
//
// Calendar errors are not refusals under an article of the measure: a
// deadline rule (第十二条, 第十五条, 第五条) that meets one passes it on with
// its own article.
type Error struct {
	// Code is one of the Code constants.
	Code string
	// Year is the year concerned: the unpublished year, or the year of
	// the schedule being read. Zero when none.
	Year int
	// Date is the date concerned as written (YYYY-MM-DD when valid).
	Date string
	// Field locates the problem in JSON input, e.g. "days[3].date".
	Field string
	// Line is the 1-based line of CSV input holding the problem; 0 when
	// the input was not CSV.
	Line int
	// MessageZh and MessageEn say what is wrong and what to do.
	MessageZh, MessageEn string
}

// Error renders the code, the location and the English and Chinese
// messages.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("calendar: ")
	b.WriteString(e.Code)
	if where := e.where(); where != "" {
		b.WriteString(": ")
		b.WriteString(where)
	}
	b.WriteString(": ")
	b.WriteString(e.MessageEn)
	b.WriteString(" (")
	b.WriteString(e.MessageZh)
	b.WriteString(")")
	return b.String()
}

// where names the input position: a CSV line or a JSON field.
func (e *Error) where() string {
	switch {
	case e.Line > 0 && e.Field != "":
		return "line " + strconv.Itoa(e.Line) + " (" + e.Field + ")"
	case e.Line > 0:
		return "line " + strconv.Itoa(e.Line)
	default:
		return e.Field
	}
}

// Is reports whether target is the sentinel of e's Code.
func (e *Error) Is(target error) bool {
	switch e.Code {
	case CodeYearNotPublished:
		return target == ErrYearNotPublished
	case CodeInvalidSchedule:
		return target == ErrInvalidSchedule
	case CodeInvalidDate:
		return target == ErrInvalidDate
	}
	return false
}

// notPublished is the error for a question that needs the unknown year y.
func notPublished(y int, projecting bool) *Error {
	ys := strconv.Itoa(y)
	e := &Error{
		Code:      CodeYearNotPublished,
		Year:      y,
		MessageZh: "尚无国务院办公厅关于" + ys + "年部分节假日安排的通知，无法计算该年的工作日；发布后请加载该年安排",
		MessageEn: "no State Council holiday schedule is known for " + ys + ", so its working days cannot be counted; load the year's schedule once it is published",
	}
	if projecting {
		e.MessageZh = ys + "年既无已发布的国务院节假日安排，也不在推算范围（" + strconv.Itoa(projectionFirstYear) + "—" + strconv.Itoa(projectionLastYear) + "年）内"
		e.MessageEn = "no State Council holiday schedule is known for " + ys + " and it is outside the projection range (" + strconv.Itoa(projectionFirstYear) + "–" + strconv.Itoa(projectionLastYear) + ")"
	}
	return e
}

// quote wraps s in double quotes, escaping as Go does.
func quote(s string) string {
	return strconv.Quote(s)
}
