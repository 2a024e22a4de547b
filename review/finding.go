package review

import (
	"fmt"
	"strings"
)

// Finding is one explained result of a check: a stable machine-readable
// code, the article of 渝北府办发〔2019〕26号 that the check enforces, the
// JSON field it concerns (if any), and a message in Chinese and English.
//
// Findings are values: they are compared, stored and rendered as they are.
type Finding struct {
	// Code is stable across releases, snake_case, e.g. "budget_total_mismatch".
	Code string `json:"code"`
	// Article cites the rule, e.g. "附件1" or "第十一条第（一）项".
	Article string `json:"article"`
	// Field is the JSON path of the input the finding is about, e.g.
	// "budget.total"; empty when the finding concerns the whole submission.
	Field string `json:"field,omitempty"`
	// ZH is the message in Chinese.
	ZH string `json:"zh"`
	// EN is the message in English.
	EN string `json:"en"`
}

// String renders the finding as "code (article) field: en".
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(f.Code)
	if f.Article != "" {
		fmt.Fprintf(&b, " (%s)", f.Article)
	}
	if f.Field != "" {
		fmt.Fprintf(&b, " %s", f.Field)
	}
	if f.EN != "" {
		fmt.Fprintf(&b, ": %s", f.EN)
	}
	return b.String()
}

// Error is returned by review functions when input is refused. It carries
// every finding that caused the refusal, so a caller can show all of them at
// once rather than one per round trip.
type Error struct {
	// Findings are the reasons for the refusal, in the order the checks
	// found them; never empty in an error this package returns.
	Findings []Finding
}

// Error implements error with the English messages of all findings.
func (e *Error) Error() string {
	parts := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		parts[i] = f.String()
	}
	return strings.Join(parts, "; ")
}

// Codes lists the codes of the findings in order, which is convenient in
// tests and logs.
func (e *Error) Codes() []string {
	codes := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		codes[i] = f.Code
	}
	return codes
}

// errorOf returns nil for no findings and an *Error otherwise.
func errorOf(fs []Finding) error {
	if len(fs) == 0 {
		return nil
	}
	return &Error{Findings: fs}
}
