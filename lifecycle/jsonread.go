package lifecycle

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/review"
)

// The one strict JSON reader of the module, on github.com/go-json-experiment/json
// (the prototype of encoding/json/v2): the engine reads every payload with
// it and the HTTP adapter every request body. It refuses, naming the JSON
// path of the member (e.g. "contract.amount", "facts.contracts[0]"):
//   - a member the Go type does not have, and a member whose name differs
//     from the field's only in case ({"APPROVED": true} is not approved);
//   - a name given twice in one object ({"reason":"a","reason":"b"});
//   - malformed JSON, data after the value, invalid UTF-8, and a string
//     holding U+0000 (which no field takes and PostgreSQL cannot store).
// Types that read themselves (review.Budget, review.Declaration,
// change.Request) report their own findings, prefixed with the path; a
// declaration's members are checked strictly like any other.

// ReadJSON reads data, one JSON value, strictly into v (a pointer). Its
// error is a *Error of KindInvalid whose findings name the member.
func ReadJSON(data []byte, v any) error {
	if err := readJSON(data, v); err != nil {
		return err
	}
	return nil
}

// strictOptions are the options of the reader, built once.
var strictOptions = sync.OnceValue(func() json.Options {
	return json.JoinOptions(
		json.RejectUnknownMembers(true),
		json.WithUnmarshalers(json.JoinUnmarshalers(
			json.UnmarshalFromFunc(func(dec *jsontext.Decoder, d *review.Declaration) error { return readDeclaration(dec, d) }),
			json.UnmarshalFromFunc(func(dec *jsontext.Decoder, d *DeclarePayload) error {
				return readDeclaration(dec, &d.Declaration)
			}),
			json.UnmarshalFromFunc(readAmount),
		)),
	)
})

func readJSON(data []byte, v any) *Error {
	if hasNUL(data) {
		return nulError(data)
	}
	if err := json.Unmarshal(data, v, strictOptions()); err != nil {
		e := jsonError(err)
		if e.Code == "payload_unknown_field" {
			return everyUnknown(data, reflect.TypeOf(v), e)
		}
		return e
	}
	return nil
}

// everyUnknown lists every unknown member of data, not only the first the
// reader met: it drops each member found from a copy of data and reads the
// copy again, until the copy has none left (or up to 64).
func everyUnknown(data []byte, t reflect.Type, first *Error) *Error {
	var generic any
	if json.Unmarshal(data, &generic) != nil {
		return first
	}
	fields := []string{first.Findings[0].Field}
	for range 64 {
		if !dropMember(generic, fields[len(fields)-1]) {
			break
		}
		copied, err := json.Marshal(generic)
		if err != nil {
			break
		}
		err = json.Unmarshal(copied, reflect.New(t.Elem()).Interface(), strictOptions())
		if err == nil || jsonError(err).Code != "payload_unknown_field" {
			break
		}
		fields = append(fields, jsonError(err).Findings[0].Field)
	}
	if len(fields) == 1 {
		return first
	}
	slices.Sort(fields)
	e := &Error{Kind: KindInvalid, Code: "payload_unknown_field",
		ZH: "载荷含有未知字段 " + strings.Join(fields, "、"), EN: "the payload has unknown fields " + strings.Join(fields, ", ")}
	for _, f := range fields {
		e.Findings = append(e.Findings, review.Finding{Code: "payload_unknown_field", Field: f,
			ZH: "未知字段 " + f, EN: "unknown field " + f})
	}
	return e
}

// dropMember removes the member at a field path (a.b[2].c) from a value
// read into any.
func dropMember(v any, path string) bool {
	parts := strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
	for i, part := range parts {
		switch x := v.(type) {
		case map[string]any:
			if i == len(parts)-1 {
				_, ok := x[part]
				delete(x, part)
				return ok
			}
			v = x[part]
		case []any:
			n, err := strconv.Atoi(part)
			if err != nil || n < 0 || n >= len(x) {
				return false
			}
			v = x[n]
		default:
			return false
		}
	}
	return false
}

// readPayload reads an action's payload: one JSON object, an empty payload
// or null reading as {}.
func readPayload(data []byte, v any) *Error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		data = []byte("{}")
	}
	if data[0] != '{' {
		return invalid("payload", "payload_not_object", "载荷须是 JSON 对象", "the payload must be a JSON object")
	}
	return readJSON(data, v)
}

// readDeclarationJSON reads the payload of declare.
func readDeclarationJSON(raw []byte) (*review.Declaration, *Error) {
	d := new(review.Declaration)
	if err := readPayload(raw, d); err != nil {
		return nil, err
	}
	return d, nil
}

// readDeclaration reads a declaration in one parse: its members strictly
// into declarationShape (an unknown, duplicate or case-variant member is
// refused, naming it), copied into d, and the budget, kept raw by the
// shape, by the declaration's own budget reader.
func readDeclaration(dec *jsontext.Decoder, d *review.Declaration) error {
	shape := reflect.New(declarationShape())
	if err := json.UnmarshalDecode(dec, shape.Interface()); err != nil {
		return err
	}
	var out review.Declaration
	src, dst := shape.Elem(), reflect.ValueOf(&out).Elem()
	for i := range src.NumField() - 1 {
		dst.FieldByIndex(declarationIndex()[i]).Set(src.Field(i))
	}
	budget := src.Field(src.NumField() - 1).Interface().(jsontext.Value)
	if err := out.ReadBudget(budget); err != nil {
		return err
	}
	*d = out
	return nil
}

// declarationShape is a struct type with the JSON members of a declaration
// and no methods, so that the strict reader reads its members itself; its
// last field keeps the budget raw, for review.Declaration.ReadBudget.
var declarationShape = sync.OnceValue(func() reflect.Type {
	t := reflect.TypeFor[review.Declaration]()
	var fields []reflect.StructField
	for _, index := range declarationIndex() {
		f := t.FieldByIndex(index)
		fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
	}
	fields = append(fields, reflect.StructField{Name: "BudgetJSON", Type: reflect.TypeFor[jsontext.Value](), Tag: `json:"budget"`})
	return reflect.StructOf(fields)
})

// declarationIndex are the indexes of the declaration's fields read from
// JSON by name: the exported ones but the budget and its total.
var declarationIndex = sync.OnceValue(func() [][]int {
	t := reflect.TypeFor[review.Declaration]()
	var out [][]int
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && f.Tag.Get("json") != "-" {
			out = append(out, f.Index)
		}
	}
	return out
})

// readRecord reads a stored record: leniently, as the module wrote it.
func readRecord(data []byte, v any) error {
	return json.Unmarshal(data, v, recordOptions())
}

// recordOptions read the amounts and budgets of stored records (decimal
// strings, as the module writes them, or numbers) token by token, without
// the decimal package's and the budget's own UnmarshalJSON and the copies
// of the value they need; a declaration in one parse (readDeclaration).
var recordOptions = sync.OnceValue(func() json.Options {
	return json.WithUnmarshalers(json.JoinUnmarshalers(
		json.UnmarshalFromFunc(readDecimal),
		json.UnmarshalFromFunc(readBudget),
		json.UnmarshalFromFunc(readDeclaration),
	))
})

// readBudget reads a stored budget: its four sources, the total written
// beside them skipped (a budget's total is always their sum).
func readBudget(dec *jsontext.Decoder, b *review.Budget) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*b = review.Budget{}
		return nil
	case '{':
	default:
		return fmt.Errorf("a budget must be an object, not %s", tok.Kind())
	}
	var out review.Budget
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		src := review.FundingSource(name.String())
		var d decimal.Decimal
		if err := readDecimal(dec, &d); err != nil {
			return err
		}
		switch {
		case src.Valid():
			out = out.With(src, d)
		case src != "total":
			return fmt.Errorf("%q is not a column of a budget", src)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	*b = out
	return nil
}

func readDecimal(dec *jsontext.Decoder, d *decimal.Decimal) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case '"', '0':
		if tok.Kind() == '"' && tok.String() == "" {
			*d = decimal.Decimal{} // a blank cell of the form
			return nil
		}
		v, err := decimal.NewFromString(tok.String())
		if err != nil {
			return err
		}
		*d = v
		return nil
	case 'n':
		*d = decimal.Decimal{}
		return nil
	}
	return fmt.Errorf("an amount must be a decimal string or a number, not %s", tok.Kind())
}

// jsonError explains an error of the reader as a *Error naming the member.
func jsonError(err error) *Error {
	var le *Error
	var re *review.Error
	var se *json.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.As(err, &le) && !errors.As(err, &se):
		return le
	case errors.As(err, &syn):
		return syntaxError(syn)
	case errors.As(err, &se) && errors.As(se.Err, &le):
		return le.within(pointerPath(se.JSONPointer))
	case errors.As(err, &re):
		e := &Error{Kind: KindInvalid, Code: "invalid_payload", Article: firstArticle(re.Findings),
			ZH: "载荷有误", EN: "the payload is invalid", Findings: re.Findings, Err: err}
		if se != nil {
			e = e.within(pointerPath(se.JSONPointer))
		}
		return e
	case se != nil:
		return semanticError(se)
	}
	return invalid("payload", "payload_malformed", "载荷不是有效的 JSON："+err.Error(), "the payload is not valid JSON: "+err.Error())
}

func syntaxError(syn *jsontext.SyntacticError) *Error {
	field := pointerPath(syn.JSONPointer)
	msg := syn.Err.Error()
	switch {
	case errors.Is(syn.Err, jsontext.ErrDuplicateName):
		return invalid(field, "payload_duplicate_field",
			fmt.Sprintf("载荷的成员 %s 出现了不止一次", field), fmt.Sprintf("the payload gives the member %s more than once", field))
	case strings.Contains(msg, "after top-level value"):
		return invalid("payload", "payload_trailing_data", "载荷在 JSON 值之后还有多余内容", "the payload has data after its JSON value")
	}
	return invalid("payload", "payload_malformed", "载荷不是有效的 JSON："+msg, "the payload is not valid JSON: "+msg)
}

func semanticError(se *json.SemanticError) *Error {
	field := pointerPath(se.JSONPointer)
	if errors.Is(se, json.ErrUnknownName) {
		return invalid(field, "payload_unknown_field",
			fmt.Sprintf("载荷含有未知字段 %s", field), fmt.Sprintf("the payload has an unknown field %s", field))
	}
	if se.Err == nil && se.GoType != nil && se.JSONKind != 0 {
		return invalid(orPayload(field), "payload_wrong_type",
			fmt.Sprintf("%s 的类型不正确：应为 %s，实为 JSON %s", orPayload(field), se.GoType, kindName(se.JSONKind)),
			fmt.Sprintf("%s has the wrong type: want %s, got JSON %s", orPayload(field), se.GoType, kindName(se.JSONKind)))
	}
	msg := se.Error()
	if se.Err != nil {
		msg = se.Err.Error()
	}
	return invalid(orPayload(field), "payload_value_invalid", fmt.Sprintf("%s 的值无效：%s", orPayload(field), msg),
		fmt.Sprintf("%s is invalid: %s", orPayload(field), msg))
}

// kindName names a JSON kind as encoding/json does.
func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return k.String()
}

func orPayload(field string) string {
	if field == "" {
		return "payload"
	}
	return field
}

// pointerPath writes a JSON pointer as the module names fields:
// /facts/contracts/0 is facts.contracts[0].
func pointerPath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// hasNUL reports whether a JSON text escapes U+0000 in a string (a raw NUL
// byte is malformed JSON anyway).
func hasNUL(data []byte) bool {
	for i := bytes.Index(data, []byte(`\u0000`)); i >= 0; {
		n := 0
		for j := i - 1; j >= 0 && data[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return true
		}
		k := bytes.Index(data[i+1:], []byte(`\u0000`))
		if k < 0 {
			return false
		}
		i += 1 + k
	}
	return false
}

// nulError names the first string holding U+0000.
func nulError(data []byte) *Error {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	field := ""
	for {
		tok, err := dec.ReadToken()
		if err != nil {
			break
		}
		if tok.Kind() == '"' && strings.ContainsRune(tok.String(), 0) {
			field = pointerPath(dec.StackPointer())
			break
		}
	}
	return invalid(orPayload(field), "invalid_character",
		fmt.Sprintf("%s 含有 NUL 字符（U+0000）", orPayload(field)), fmt.Sprintf("%s holds a NUL character (U+0000)", orPayload(field)))
}

// compactJSON is raw without insignificant space; nothing is {}.
func compactJSON(raw []byte) []byte {
	var b bytes.Buffer
	if len(bytes.TrimSpace(raw)) == 0 || stdjson.Compact(&b, raw) != nil {
		return []byte("{}")
	}
	return b.Bytes()
}

// submissionJSON is a submission as recorded: as given in JSON (raw), or
// as marshalled when typed, without its (empty) declaration.
func submissionJSON(sub review.PreliminarySubmission, raw []byte) ([]byte, error) {
	if raw == nil {
		var err error
		if raw, err = stdjson.Marshal(sub); err != nil {
			return nil, err
		}
	}
	var members map[string]stdjson.RawMessage
	if err := stdjson.Unmarshal(raw, &members); err != nil {
		return nil, err
	}
	if _, ok := members["declaration"]; !ok {
		return raw, nil
	}
	delete(members, "declaration")
	return stdjson.Marshal(members)
}

func firstArticle(fs []review.Finding) string {
	for _, f := range fs {
		if f.Article != "" {
			return f.Article
		}
	}
	return ""
}

// within prefixes the fields of the error's findings with the JSON path of
// the object they were read from.
func (e *Error) within(path string) *Error {
	if path == "" {
		return e
	}
	for i := range e.Findings {
		if f := e.Findings[i].Field; f == "" || f == "payload" {
			e.Findings[i].Field = path
		} else {
			e.Findings[i].Field = path + "." + f
		}
	}
	return e
}

// invalid is the error of one bad field.
func invalid(field, code, zh, en string) *Error {
	return &Error{Kind: KindInvalid, Code: code, ZH: zh, EN: en,
		Findings: []review.Finding{{Code: code, Field: field, ZH: zh, EN: en}}}
}

// required is the error of a missing or blank field.
func required(field, article string) *Error {
	e := invalid(field, "field_required", field+" 不能为空", field+" is required")
	e.Article = article
	e.Findings[0].Article = article
	return e
}

// blank reports whether s shows nothing (review.IsBlank): empty, white
// space, or only invisible characters such as zero-width spaces.
func blank(s string) bool { return review.IsBlank(s) }
