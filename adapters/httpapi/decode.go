package httpapi

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
)

// readBody reads a JSON request body of at most limit bytes. A body over
// the limit is a 413 problem, a Content-Type other than JSON a 415; an
// absent Content-Type is read as JSON. A body whose shape exceeds the
// bounds of checkShape (array lengths by field, members, depth, tokens)
// is a 400 before anything is decoded.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, newProblem(http.StatusUnsupportedMediaType, "unsupported_media_type",
				fmt.Sprintf("请求体须为 JSON（Content-Type: application/json），收到 %q", ct),
				fmt.Sprintf("the request body must be JSON (Content-Type: application/json), got %q", ct))
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, newProblem(http.StatusRequestEntityTooLarge, "body_too_large",
				fmt.Sprintf("请求体超过 %d 字节的上限", limit),
				fmt.Sprintf("the request body exceeds the limit of %d bytes", limit))
		}
		return nil, newProblem(http.StatusBadRequest, "body_unreadable",
			"无法读取请求体："+err.Error(), "the request body cannot be read: "+err.Error())
	}
	if p := checkShape(body); p != nil {
		return nil, p
	}
	return body, nil
}

// readJSON reads a request body strictly into v with the module's one
// JSON reader (lifecycle.ReadJSON): an unknown member, a name given twice
// or in another case, malformed JSON, data after the value and U+0000 in a
// string are 400 problems naming the member's JSON path.
func readJSON(body []byte, v any) *Problem {
	if err := lifecycle.ReadJSON(body, v); err != nil {
		return bodyProblem(err, true)
	}
	return nil
}

// bodyProblem is the 400 problem of the reader's error. The adapter's own
// codes name what is wrong with a request body (malformed_json,
// unknown_field, invalid_input); an action's payload keeps the engine's
// codes except for malformed JSON.
func bodyProblem(err error, body bool) *Problem {
	var le *lifecycle.Error
	if !errors.As(err, &le) {
		return newProblem(http.StatusBadRequest, "invalid_input", err.Error(), err.Error())
	}
	code := le.Code
	switch {
	case code == "payload_malformed" || code == "payload_trailing_data":
		code = "malformed_json"
	case !body:
	case code == "payload_unknown_field":
		code = "unknown_field"
	case code == "payload_duplicate_field":
		code = "duplicate_field"
	case code == "invalid_payload" || code == "payload_wrong_type" || code == "payload_value_invalid" || code == "payload_not_object":
		code = "invalid_input"
	}
	p := &Problem{Status: http.StatusBadRequest, Code: code, Article: le.Article, ZH: le.ZH, EN: le.EN, Errors: fieldErrors(le.Findings)}
	for i := range p.Errors {
		if p.Errors[i].Code == le.Code {
			p.Errors[i].Code = code
		}
	}
	return p
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// queryDate reads an optional YYYY-MM-DD query parameter as midnight,
// Beijing time.
func queryDate(r *http.Request, name string) (time.Time, bool, *Problem) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, false, nil
	}
	t, err := calendar.ParseDate(v)
	if err != nil {
		return time.Time{}, false, badParam(name,
			fmt.Sprintf("%q 不是有效的 YYYY-MM-DD 日期", v),
			fmt.Sprintf("%q is not a valid YYYY-MM-DD date", v))
	}
	return t, true, nil
}

// queryInt reads an optional integer query parameter within [min, max].
func queryInt(r *http.Request, name string, lo, hi int) (int, bool, *Problem) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, false, badParam(name,
			fmt.Sprintf("%q 须是 %d 至 %d 之间的整数", v, lo, hi),
			fmt.Sprintf("%q must be an integer from %d to %d", v, lo, hi))
	}
	return n, true, nil
}

// queryBool reads an optional boolean query parameter (true or false).
func queryBool(r *http.Request, name string) (bool, *Problem) {
	switch v := r.URL.Query().Get(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, badParam(name, fmt.Sprintf("%q 须是 true 或 false", v), fmt.Sprintf("%q must be true or false", v))
	}
}

// checkQuery refuses query parameters the endpoint does not know, so a
// misspelt filter is not silently ignored.
func checkQuery(r *http.Request, known ...string) *Problem {
	if r.URL.RawQuery == "" {
		return nil
	}
	for _, k := range sortedQueryKeys(r) {
		ok := false
		for _, n := range known {
			ok = ok || n == k
		}
		if !ok {
			return badParam(k, "未知的查询参数", "unknown query parameter")
		}
		if len(r.URL.Query()[k]) > 1 {
			return badParam(k, "参数只能出现一次", "the parameter may appear only once")
		}
	}
	return nil
}

func sortedQueryKeys(r *http.Request) []string {
	return sortedKeys(r.URL.Query())
}
