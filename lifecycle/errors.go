package lifecycle

import (
	"errors"
	"fmt"
	"strings"

	"github.com/govit-cn/govit/review"
)

// Kind classifies an Error by what the caller can do about it. Adapters map
// kinds to their own vocabulary (the HTTP adapter maps each to one status).
type Kind string

// The kinds of Error.
const (
	// KindInvalid: the input is malformed or incomplete; fix it and retry.
	KindInvalid Kind = "invalid"
	// KindForbidden: the actor's roles may not take this action.
	KindForbidden Kind = "forbidden"
	// KindNotFound: no such project, or one the actor's unit may not see.
	KindNotFound Kind = "not_found"
	// KindConflict: the project changed since the caller read it (expected
	// version mismatch); reload and retry.
	KindConflict Kind = "conflict"
	// KindRefused: the measure forbids the action now (a guard failed).
	KindRefused Kind = "refused"
	// KindUnavailable: the call could not be completed for a reason
	// outside the measure and the input: the store failed, the context
	// ended, or a deadline needs a year whose holiday schedule is not
	// published. Err holds the cause (errors.Is(err,
	// calendar.ErrYearNotPublished), context.Canceled, …).
	KindUnavailable Kind = "unavailable"
	// KindCorrupt: what the store holds cannot be read back as a history
	// the engine wrote (an event that does not decode or does not fold):
	// the stored data was damaged or edited. Retrying does not help; the
	// operator must look (see CorruptError).
	KindCorrupt Kind = "corrupt"
)

// Error is the one error type the lifecycle package returns for every
// refusal. It names the article of 渝北府办发〔2019〕26号 that decides, carries
// a stable code and a message in Chinese and English, and, where the
// refusal comes from a named guard or from review findings, those too.
type Error struct {
	Kind    Kind   `json:"kind"`
	Code    string `json:"code"`
	Article string `json:"article,omitempty"`
	// Guard is the name of the transition guard that failed, if any.
	Guard string `json:"guard,omitempty"`
	ZH    string `json:"zh"`
	EN    string `json:"en"`
	// Findings are the review findings behind the refusal, each naming
	// its field and article.
	Findings []review.Finding `json:"findings,omitempty"`
	// Err is an underlying cause, if any (not serialised).
	Err error `json:"-"`
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.Article != "" {
		fmt.Fprintf(&b, " (%s)", e.Article)
	}
	if e.EN != "" {
		b.WriteString(": ")
		b.WriteString(e.EN)
	}
	for _, f := range e.Findings {
		b.WriteString("; ")
		b.WriteString(f.String())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches another *Error with the same Kind and Code, or with the same
// Kind when the target's Code is empty, so errors.Is(err, ErrConflict)
// works for every conflict.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return e.Kind == t.Kind && (t.Code == "" || t.Code == e.Code)
}

// Sentinels for errors.Is: each matches every Error of its kind.
var (
	ErrInvalid   = &Error{Kind: KindInvalid}
	ErrForbidden = &Error{Kind: KindForbidden}
	ErrNotFound  = &Error{Kind: KindNotFound}
	ErrConflict  = &Error{Kind: KindConflict}
	ErrRefused   = &Error{Kind: KindRefused}
	// ErrUnavailable matches every Error of KindUnavailable.
	ErrUnavailable = &Error{Kind: KindUnavailable}
	// ErrCorrupt matches every Error of KindCorrupt.
	ErrCorrupt = &Error{Kind: KindCorrupt}
)

// CorruptError is the error for a stored history that cannot be read
// back: project and version name the place, cause says what is wrong.
func CorruptError(projectID string, version int64, cause error) *Error {
	return &Error{
		Kind: KindCorrupt, Code: "history_corrupt", Err: cause,
		ZH: fmt.Sprintf("项目 %s 的存储记录（第 %d 个事件）已损坏，无法读取", projectID, version),
		EN: fmt.Sprintf("the stored history of project %s (event %d) is damaged and cannot be read: %v", projectID, version, cause),
	}
}

// KindOf returns the Kind of err if it is or wraps an *Error, and "" otherwise.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// ConflictError is the error a Store returns when an append's expected
// version is not the project's current version.
func ConflictError(projectID string, expected, actual int64) *Error {
	return &Error{
		Kind: KindConflict, Code: "version_conflict",
		ZH: fmt.Sprintf("项目 %s 已被修改：期望版本 %d，当前版本 %d，请刷新后重试", projectID, expected, actual),
		EN: fmt.Sprintf("project %s has changed: expected version %d, current version %d; reload and retry", projectID, expected, actual),
	}
}

// StaleVersion is the cause (Error.Err) of a conflict found before the
// engine decided: the caller's expected version was not the project's
// version when the engine read it, so the caller's copy was already old.
// A conflict without it was lost to a change appended while the action
// was decided. The HTTP adapter answers the first 412 (If-Match is not
// current) and the second 409.
type StaleVersion struct {
	Expected, Current int64
}

func (s *StaleVersion) Error() string {
	return fmt.Sprintf("expected version %d, current version %d", s.Expected, s.Current)
}

// staleError is ConflictError with its StaleVersion cause.
func staleError(projectID string, expected, actual int64) *Error {
	e := ConflictError(projectID, expected, actual)
	e.Err = &StaleVersion{Expected: expected, Current: actual}
	return e
}

// NotFoundError is the error for a project that does not exist or that the
// actor may not see; the two are deliberately indistinguishable.
func NotFoundError(projectID string) *Error {
	return &Error{
		Kind: KindNotFound, Code: "project_not_found",
		ZH: fmt.Sprintf("项目 %s 不存在", projectID),
		EN: fmt.Sprintf("project %s not found", projectID),
	}
}

// corruptHistory turns a replay's failure over a stored history into a
// KindCorrupt error naming the event that failed (the replay's own error
// says which), or the last one.
func corruptHistory(projectID string, events []Event, err error) error {
	var le *Error
	if errors.As(err, &le) && le.Kind == KindCorrupt {
		return le
	}
	v := int64(0)
	if len(events) > 0 {
		v = events[len(events)-1].Version
	}
	var se *Error
	if errors.As(err, &se) && se.Code == "history_invalid" {
		return &Error{Kind: KindCorrupt, Code: "history_corrupt", Err: err,
			ZH: "项目的存储记录已损坏：" + se.ZH, EN: "the stored history is damaged: " + se.EN}
	}
	return CorruptError(projectID, v, err)
}
