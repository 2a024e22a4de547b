package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// ProblemContentType is the media type of every error response (RFC 9457).
const ProblemContentType = "application/problem+json"

// problemTypePrefix prefixes the stable code to form the problem's type URI.
const problemTypePrefix = "urn:govit:problem:"

// Problem is an error response in the format of RFC 9457 (problem details
// for HTTP APIs), with the explanation the library gives every refusal as
// extension members: a stable code, the article of 渝北府办发〔2019〕26号
// that decides, the message in Chinese and English, the failed guard and
// the field errors.
type Problem struct {
	// Type is a URI naming the problem: "urn:govit:problem:" + Code.
	Type string `json:"type"`
	// Title is the HTTP status text.
	Title string `json:"title"`
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Detail is the English explanation of this occurrence.
	Detail string `json:"detail,omitempty"`
	// Code is stable across releases, snake_case.
	Code string `json:"code"`
	// Article cites the provision that decides, if any.
	Article string `json:"article,omitempty"`
	// ZH is the explanation in Chinese.
	ZH string `json:"zh,omitempty"`
	// EN is the explanation in English.
	EN string `json:"en,omitempty"`
	// Guard names the transition guard that refused, if any.
	Guard string `json:"guard,omitempty"`
	// Errors lists the findings behind the problem, each naming its field:
	// at most MaxProblemErrors of them.
	Errors []FieldError `json:"errors,omitempty"`
	// ErrorsOmitted counts the findings beyond MaxProblemErrors that are
	// not listed (zero when all are).
	ErrorsOmitted int `json:"errors_omitted,omitempty"`
}

// MaxProblemErrors caps the field errors a problem lists, and
// maxProblemText the runes of its messages: a request with thousands of
// failing items gets the first ones and the count of the rest, not a
// response many times its size.
const (
	MaxProblemErrors = 50
	maxProblemText   = 4000
)

// capped returns p with at most MaxProblemErrors errors and messages of at
// most maxProblemText runes, saying how many more errors there were.
func (p Problem) capped() Problem {
	if n := len(p.Errors) - MaxProblemErrors; n > 0 {
		p.Errors = p.Errors[:MaxProblemErrors:MaxProblemErrors]
		p.ErrorsOmitted += n
	}
	more := p.ErrorsOmitted
	p.ZH = cutText(p.ZH, fmt.Sprintf("……（另有 %d 条未列出）", more), more > 0)
	p.EN = cutText(p.EN, fmt.Sprintf("… (and %d more not listed)", more), more > 0)
	p.Detail = cutText(p.Detail, fmt.Sprintf("… (and %d more not listed)", more), more > 0)
	return p
}

// cutText cuts s to maxProblemText runes, ending it with tail when it was
// cut or when always is set.
func cutText(s, tail string, always bool) string {
	if utf8.RuneCountInString(s) > maxProblemText {
		r := []rune(s)
		return string(r[:maxProblemText]) + tail
	}
	if always && s != "" {
		return s + tail
	}
	return s
}

// FieldError is one finding of a Problem: the JSON field (or query
// parameter) it concerns, a stable code, the article and the messages.
type FieldError struct {
	// Field is the JSON path of the field (e.g. "budget.central",
	// "items[0].category") or the name of the query parameter or header.
	Field string `json:"field,omitempty"`
	// Pointer is the RFC 6901 JSON Pointer of the member of the request
	// body the finding concerns (e.g. "/budget/central",
	// "/items/0/category"), derived from Field by review.Pointer; absent
	// for a query or path parameter, a header, and the body as a whole.
	Pointer string `json:"pointer,omitempty"`
	// Code is stable, snake_case.
	Code string `json:"code"`
	// Article cites the provision the finding enforces, if any.
	Article string `json:"article,omitempty"`
	// ZH and EN explain the finding.
	ZH string `json:"zh,omitempty"`
	EN string `json:"en,omitempty"`
}

// Error implements error, so handlers can return a Problem.
func (p *Problem) Error() string {
	return fmt.Sprintf("%d %s: %s", p.Status, p.Code, p.EN)
}

// newProblem builds a Problem of the adapter's own (not the domain's).
func newProblem(status int, code, zh, en string) *Problem {
	return &Problem{Status: status, Code: code, ZH: zh, EN: en}
}

// badParam is the 400 problem for a query parameter, path parameter or
// header that cannot be read; it names the parameter.
func badParam(name, zh, en string) *Problem {
	p := newProblem(http.StatusBadRequest, "invalid_parameter",
		fmt.Sprintf("参数 %s 无效：%s", name, zh),
		fmt.Sprintf("parameter %s is invalid: %s", name, en))
	p.Errors = []FieldError{{Field: name, Code: "invalid_parameter", ZH: p.ZH, EN: p.EN}}
	return p
}

// kindStatus is the HTTP status of each lifecycle.Kind: the one map from
// the domain's kinds of refusal to HTTP. The adapter's own problems
// (authentication, request format, preconditions, idempotency) carry their
// status where they are made; the package documentation has the whole
// table.
func kindStatus(k lifecycle.Kind) (int, bool) {
	switch k {
	case lifecycle.KindInvalid:
		return http.StatusBadRequest, true // 400: fix the input
	case lifecycle.KindForbidden:
		return http.StatusForbidden, true // 403: the role may not
	case lifecycle.KindNotFound:
		return http.StatusNotFound, true // 404: missing or not visible
	case lifecycle.KindConflict:
		return http.StatusConflict, true // 409: a concurrent change won
	case lifecycle.KindRefused:
		return http.StatusUnprocessableEntity, true // 422: the measure refuses
	case lifecycle.KindUnavailable:
		// 503: the store failed or the request was cut short; a calendar
		// year not published is told apart (422) in problemOf.
		return http.StatusServiceUnavailable, true
	case lifecycle.KindCorrupt:
		// 500: the stored history is damaged; a retry meets it again.
		return http.StatusInternalServerError, true
	}
	return 0, false
}

// problemOf translates any error a handler meets into a Problem; the bool
// reports whether the error is a genuine failure (a 5xx) to be logged.
func problemOf(err error) (*Problem, bool) {
	var p *Problem
	if errors.As(err, &p) {
		return p, p.Status >= 500
	}
	if errors.Is(err, calendar.ErrYearNotPublished) {
		// A deadline needs a year whose State Council holiday schedule is
		// not published: the request cannot be answered until it is.
		p := newProblem(http.StatusUnprocessableEntity, "calendar_year_not_published",
			"所需年度的国务院节假日安排尚未公布，无法计算工作日",
			"the State Council holiday schedule of a year this needs is not published, so working days cannot be counted")
		var ce *calendar.Error
		if errors.As(err, &ce) {
			p.ZH, p.EN = ce.MessageZh, ce.MessageEn
		}
		return p, false
	}
	var le *lifecycle.Error
	if errors.As(err, &le) {
		status, ok := kindStatus(le.Kind)
		if !ok {
			return internalProblem(), true
		}
		if le.Kind == lifecycle.KindCorrupt {
			// Logged with its cause; the client learns only that the
			// server cannot read what it holds.
			return newProblem(status, le.Code, "服务器存储的记录已损坏，已记录错误，请联系管理员",
				"the server's stored records are damaged; the error is logged, contact the operator"), true
		}
		if status >= 500 {
			// The cause (a store's error text) is logged, not shown.
			return newProblem(status, le.Code, "服务暂不可用，请稍后重试", "the service is unavailable; retry later"), true
		}
		return &Problem{
			Status: status, Code: le.Code, Article: le.Article, Guard: le.Guard,
			ZH: le.ZH, EN: le.EN, Errors: fieldErrors(le.Findings),
		}, false
	}
	var re *review.Error
	if errors.As(err, &re) {
		// Input a domain function refused, finding by finding.
		return findingsProblem(http.StatusBadRequest, "invalid_input", re.Findings), false
	}
	return internalProblem(), true
}

// findingsProblem is a problem made of review findings: the first finding's
// article and messages lead, every finding is listed.
func findingsProblem(status int, code string, fs []review.Finding) *Problem {
	p := &Problem{Status: status, Code: code, Errors: fieldErrors(fs)}
	zh := make([]string, 0, min(len(fs), MaxProblemErrors))
	en := make([]string, 0, min(len(fs), MaxProblemErrors))
	for _, f := range fs[:min(len(fs), MaxProblemErrors)] {
		zh = append(zh, f.ZH)
		en = append(en, f.EN)
	}
	if len(fs) > 0 {
		p.Article = fs[0].Article
	}
	p.ZH = strings.Join(zh, "；")
	p.EN = strings.Join(en, "; ")
	return p
}

func fieldErrors(fs []review.Finding) []FieldError {
	if len(fs) == 0 {
		return nil
	}
	out := make([]FieldError, len(fs))
	for i, f := range fs {
		out[i] = memberError(f.Field, f.Code, f.ZH, f.EN)
		out[i].Article = f.Article
	}
	return out
}

// memberError is the error of a member of the request body, with its JSON
// Pointer. The engine names the body as a whole "payload": it has no
// pointer of its own.
func memberError(field, code, zh, en string) FieldError {
	e := FieldError{Field: field, Code: code, ZH: zh, EN: en}
	if field != "payload" {
		e.Pointer = review.Pointer(field)
	}
	return e
}

func internalProblem() *Problem {
	return newProblem(http.StatusInternalServerError, "internal_error",
		"服务器内部错误，已记录日志", "internal server error; it has been logged")
}

// writeProblem writes p as application/problem+json.
func writeProblem(w http.ResponseWriter, p *Problem) {
	out := *p
	out.Type = problemTypePrefix + out.Code
	out.Title = http.StatusText(out.Status)
	if out.Detail == "" {
		out.Detail = out.EN
	}
	out = out.capped()
	body, err := json.Marshal(out)
	if err != nil {
		body = []byte(`{"type":"urn:govit:problem:internal_error","title":"Internal Server Error","status":500,"code":"internal_error"}`)
		out.Status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Content-Type", ProblemContentType)
	h.Set("Cache-Control", "no-store")
	h.Del("ETag")
	h.Del("Location")
	if out.Status == http.StatusServiceUnavailable && h.Get("Retry-After") == "" {
		// Every 503 is for a cause that passes: say when to retry.
		h.Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	w.WriteHeader(out.Status)
	_, _ = w.Write(append(body, '\n'))
}
