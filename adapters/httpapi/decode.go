package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/review"
)

// readBody reads a JSON request body of at most limit bytes. A body over
// the limit is a 413 problem, a Content-Type other than JSON a 415; an
// absent Content-Type is read as JSON.
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
	return body, nil
}

// malformedJSON is the 400 problem of a body that is not JSON.
func malformedJSON(err error) *Problem {
	var syn *json.SyntaxError
	where := ""
	if errors.As(err, &syn) {
		where = fmt.Sprintf(" (offset %d)", syn.Offset)
	}
	return newProblem(http.StatusBadRequest, "malformed_json",
		"请求体不是有效的 JSON"+where+"："+err.Error(),
		"the request body is not valid JSON"+where+": "+err.Error())
}

// checkJSON verifies that body holds exactly one JSON value, with no NUL
// character in its strings.
func checkJSON(body []byte) *Problem {
	_, p := parseJSON(body, "")
	return p
}

// parseJSON parses body, which must hold exactly one JSON value, as
// json.Unmarshal into any would (numbers kept as json.Number). Malformed
// JSON, and a string holding U+0000 (which no field takes and PostgreSQL
// cannot store), are 400 problems; prefix is the value's JSON path.
func parseJSON(body []byte, prefix string) (any, *Problem) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, malformedJSON(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, malformedJSON(errors.New("unexpected data after the JSON value"))
	}
	if fs := nulStrings(v, prefix); len(fs) > 0 {
		return nil, &Problem{Status: http.StatusBadRequest, Code: "invalid_character",
			ZH: fs[0].ZH, EN: fs[0].EN, Errors: fs}
	}
	return v, nil
}

// nulStrings finds the strings (member names included) of a parsed JSON
// value that hold U+0000, each named by its JSON path.
func nulStrings(v any, path string) []FieldError {
	var out []FieldError
	switch v := v.(type) {
	case string:
		if strings.ContainsRune(v, 0) {
			out = append(out, FieldError{Field: path, Code: "invalid_character",
				ZH: fmt.Sprintf("%s 含有 NUL 字符（U+0000）", orBody(path)),
				EN: fmt.Sprintf("%s holds a NUL character (U+0000)", orBody(path))})
		}
	case []any:
		for i, e := range v {
			out = append(out, nulStrings(e, path+"["+strconv.Itoa(i)+"]")...)
		}
	case map[string]any:
		for _, k := range sortedKeys(v) {
			p := fieldPath(path, k)
			if strings.ContainsRune(k, 0) {
				out = append(out, nulStrings(k, p)...)
				continue
			}
			out = append(out, nulStrings(v[k], p)...)
		}
	}
	return out
}

// objectKeys reads body as a JSON object into its members; anything else
// is a 400 problem.
func objectKeys(body []byte) (map[string]json.RawMessage, *Problem) {
	if p := checkJSON(body); p != nil {
		return nil, p
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return nil, newProblem(http.StatusBadRequest, "malformed_json",
			"请求体须是 JSON 对象", "the request body must be a JSON object")
	}
	return m, nil
}

// fieldPath joins a JSON path prefix and a member name.
func fieldPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// unknownFields walks a parsed JSON value (as json.Unmarshal into any
// gives it) against the Go type it is decoded into and returns a finding
// for each object member the type does not have (names match exactly, not
// case-insensitively as encoding/json would). Types with their own
// UnmarshalJSON decide for themselves, except those in open, whose members
// are checked, plus the extra member names given.
func unknownFields(v any, t reflect.Type, path string, open map[reflect.Type][]string) []FieldError {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	extra, isOpen := open[t]
	unmarshaler := reflect.TypeFor[json.Unmarshaler]()
	if !isOpen && (reflect.PointerTo(t).Implements(unmarshaler) || t.Implements(unmarshaler)) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		fields := jsonFields(t)
		var out []FieldError
		for _, k := range sortedKeys(m) {
			p := fieldPath(path, k)
			ft, ok := fields[k]
			if !ok {
				if !slices.Contains(extra, k) {
					out = append(out, FieldError{Field: p, Code: "unknown_field",
						ZH: fmt.Sprintf("未知字段 %s", p), EN: fmt.Sprintf("unknown field %s", p)})
				}
				continue
			}
			out = append(out, unknownFields(m[k], ft, p, open)...)
		}
		return out
	case reflect.Slice, reflect.Array:
		elems, ok := v.([]any)
		if !ok {
			return nil
		}
		var out []FieldError
		for i, e := range elems {
			out = append(out, unknownFields(e, t.Elem(), path+"["+strconv.Itoa(i)+"]", open)...)
		}
		return out
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		var out []FieldError
		for _, k := range sortedKeys(m) {
			out = append(out, unknownFields(m[k], t.Elem(), fieldPath(path, k), open)...)
		}
		return out
	}
	return nil
}

// jsonFields maps the JSON member names of a struct type (embedded structs
// flattened) to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					out[k] = v
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// unknownProblem is the 400 problem listing unknown members.
func unknownProblem(fs []FieldError) *Problem {
	zh := make([]string, len(fs))
	en := make([]string, len(fs))
	for i, f := range fs {
		zh[i], en[i] = f.ZH, f.EN
	}
	return &Problem{Status: http.StatusBadRequest, Code: "unknown_field",
		ZH: strings.Join(zh, "；"), EN: strings.Join(en, "; "), Errors: fs}
}

// decodeInto decodes one JSON value into v after checking it for unknown
// members and NUL characters; prefix is the value's JSON path, prepended to the fields named
// by errors. Malformed JSON (including data after the value) is a 400
// problem too.
func decodeInto(raw []byte, v any, prefix string, open map[reflect.Type][]string) *Problem {
	generic, p := parseJSON(raw, prefix)
	if p != nil {
		return p
	}
	if fs := unknownFields(generic, reflect.TypeOf(v), prefix, open); len(fs) > 0 {
		return unknownProblem(fs)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return decodeProblem(err, prefix)
	}
	return nil
}

// decodeProblem explains a decoding error as a 400 problem naming the field.
func decodeProblem(err error, prefix string) *Problem {
	var re *review.Error
	if errors.As(err, &re) {
		fs := make([]review.Finding, len(re.Findings))
		for i, f := range re.Findings {
			if prefix != "" {
				old := f.Field
				f.Field = fieldPath(prefix, f.Field)
				if old == "" {
					f.Field = prefix
				}
			}
			fs[i] = f
		}
		return findingsProblem(http.StatusBadRequest, "invalid_input", fs)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := fieldPath(prefix, te.Field)
		p := newProblem(http.StatusBadRequest, "wrong_type",
			fmt.Sprintf("%s 的类型不正确：应为 %s，实为 JSON %s", field, te.Type, te.Value),
			fmt.Sprintf("%s has the wrong type: want %s, got JSON %s", field, te.Type, te.Value))
		p.Errors = []FieldError{{Field: field, Code: "wrong_type", ZH: p.ZH, EN: p.EN}}
		return p
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return malformedJSON(err)
	}
	p := newProblem(http.StatusBadRequest, "invalid_input",
		fmt.Sprintf("%s 无效：%s", orBody(prefix), err.Error()),
		fmt.Sprintf("%s is invalid: %s", orBody(prefix), err.Error()))
	p.Errors = []FieldError{{Field: prefix, Code: "invalid_input", ZH: p.ZH, EN: p.EN}}
	return p
}

func orBody(prefix string) string {
	if prefix == "" {
		return "request body"
	}
	return prefix
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
