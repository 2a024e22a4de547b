package httpapi

import (
	"net/http"
)

// NewProblem builds a problem of an embedder's own endpoint, in the
// server's format.
func NewProblem(status int, code, zh, en string) *Problem {
	return newProblem(status, code, zh, en)
}

// BadParameter is the 400 problem for a query or path parameter that
// cannot be read; it names the parameter.
func BadParameter(name, zh, en string) *Problem { return badParam(name, zh, en) }

// CheckQuery refuses query parameters other than known (a misspelt filter
// is not silently ignored) and parameters given twice.
func CheckQuery(r *http.Request, known ...string) *Problem { return checkQuery(r, known...) }

// WriteError answers err as the server's own endpoints do: a *Problem as
// it is, a lifecycle error by its kind, anything else as a 500 whose cause
// is not shown. It reports whether err was a failure of the server (a
// 5xx), which the caller should log.
func WriteError(w http.ResponseWriter, err error) (failure bool) {
	p, genuine := problemOf(err)
	writeProblem(w, p)
	return genuine
}

// WriteJSON answers v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }

// Unauthenticated is the 401 problem of a request without valid
// credentials, with its WWW-Authenticate header set on w.
func Unauthenticated(w http.ResponseWriter) *Problem {
	w.Header().Set("WWW-Authenticate", `Bearer realm="govit"`)
	return newProblem(http.StatusUnauthorized, "unauthenticated",
		"缺少或无效的身份凭证：请在 Authorization 头中提供 Bearer 令牌",
		"missing or invalid credentials: send Authorization: Bearer <token>")
}
