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

// Pointer returns the RFC 6901 JSON Pointer of a finding's field path:
// "contract.amount" is "/contract/amount", "items[2].old" is
// "/items/2/old", a member named "a/b" or "m~n" is escaped ("/a~1b",
// "/m~0n"). The empty path, the whole input, is "". A member whose name
// holds ".", "[" or "]" cannot be told from the path's separators and is
// split at them.
func Pointer(field string) string {
	if field == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(field) + 4)
	start := 0
	token := func(end int) {
		if end > start {
			b.WriteByte('/')
			b.WriteString(escapePointer.Replace(field[start:end]))
		}
		start = end + 1
	}
	for i := 0; i < len(field); i++ {
		switch field[i] {
		case '.', '[', ']':
			token(i)
		}
	}
	token(len(field))
	return b.String()
}

// escapePointer escapes a reference token of a JSON Pointer (RFC 6901 §3).
var escapePointer = strings.NewReplacer("~", "~0", "/", "~1")

// Pointer returns the JSON Pointer of the finding's field (see Pointer).
func (f Finding) Pointer() string { return Pointer(f.Field) }

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
