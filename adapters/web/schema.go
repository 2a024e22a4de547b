package web

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// payloadType is the Go type the engine reads an action's payload into,
// asked of the engine itself (lifecycle.ReadPayload of an empty payload):
// the one source of the console's forms, as of the API's payload schemas.
// An unknown action has none.
func payloadType(a lifecycle.Action) (reflect.Type, bool) {
	if t, ok := payloadTypes.Load(a); ok {
		return t.(reflect.Type), true
	}
	p, err := lifecycle.ReadPayload(a, nil)
	if err != nil || p == nil {
		return nil, false
	}
	t := reflect.TypeOf(p)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	payloadTypes.Store(a, t)
	return t, true
}

var payloadTypes sync.Map // lifecycle.Action → reflect.Type

// derived are the payload paths the engine fills from the project, so the
// forms leave them out (it refuses a value that disagrees).
var derived = map[string]bool{
	"requested": true, "facts.fixed_asset": true, "facts.phased": true, "submission.declaration": true,
}

// widget is how a node is entered.
type widget string

const (
	wText     widget = "text"
	wTextarea widget = "textarea"
	wInt      widget = "number"
	wDecimal  widget = "decimal"
	wDate     widget = "date"
	wMonth    widget = "month"
	wCheck    widget = "check"  // bool
	wYesNo    widget = "yesno"  // *bool: required yes or no
	wSelect   widget = "select" // enumerated string
	wLines    widget = "lines"  // []string, one a line
	wChoices  widget = "choices"
	wGroup    widget = "group"  // struct
	wRows     widget = "rows"   // []struct
	wBudget   widget = "budget" // review.Budget
	wPairs    widget = "pairs"  // map[string]string, key=value a line
)

// node is one field of a payload's schema.
type node struct {
	Key      string // JSON name; paths join keys with dots, rows numbered: "experts.0.name"
	Widget   widget
	Optional bool
	Options  []option // wSelect, wChoices
	Children []*node  // wGroup; for wRows the element's fields (paths relative)
	Rows     int      // wRows: how many rows the form offers
}

type option struct {
	Value  string
	ZH, EN string
}

var schemaCache sync.Map // reflect.Type → *node

// schemaOf builds (once) the schema of a payload type.
func schemaOf(t reflect.Type) *node {
	if n, ok := schemaCache.Load(t); ok {
		return n.(*node)
	}
	n := &node{Widget: wGroup, Children: fieldsOf(t, "")}
	schemaCache.Store(t, n)
	return n
}

var (
	tDecimal  = reflect.TypeFor[decimal.Decimal]()
	tBudget   = reflect.TypeFor[review.Budget]()
	tRaw      = reflect.TypeFor[json.RawMessage]()
	tDate     = reflect.TypeFor[lifecycle.Date]()
	tDecl     = reflect.TypeFor[review.Declaration]()
	tBoolPtr  = reflect.TypeFor[*bool]()
	tDecimalP = reflect.TypeFor[*decimal.Decimal]()
)

// fieldsOf lists the JSON fields of struct t as nodes.
func fieldsOf(t reflect.Type, prefix string) []*node {
	var out []*node
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, fieldsOf(f.Type, prefix)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			if t == tDecl && f.Type == tBudget {
				out = append(out, &node{Key: "budget", Widget: wBudget})
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		path := join(prefix, name)
		if derived[path] || (t == tDecl && name == "id") {
			continue
		}
		n := nodeOf(f.Type, name, path)
		if n == nil {
			continue
		}
		n.Optional = strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") || n.Widget == wCheck
		out = append(out, n)
	}
	return out
}

// nodeOf is the node of one field of type t.
func nodeOf(t reflect.Type, key, path string) *node {
	n := &node{Key: key}
	if opts := enumOptions(t, key); opts != nil {
		n.Options = opts
		if t.Kind() == reflect.Slice {
			n.Widget = wChoices
		} else {
			n.Widget = wSelect
		}
		return n
	}
	switch {
	case t == tRaw:
		return nil
	case t == tDecimal || t == tDecimalP:
		n.Widget = wDecimal
	case t == tBudget:
		n.Widget = wBudget
	case t == tDate:
		n.Widget = wDate
	case t == tBoolPtr:
		n.Widget = wYesNo
	case t.Kind() == reflect.Bool:
		n.Widget = wCheck
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		n.Widget = wInt
	case t.Kind() == reflect.String:
		n.Widget = wText
		if longText[key] {
			n.Widget = wTextarea
		}
		if t == reflect.TypeFor[string]() && (key == "start" || key == "end") {
			n.Widget = wMonth
		}
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.String:
		n.Widget = wPairs
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		n.Widget = wLines
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		n.Widget, n.Children, n.Rows = wRows, fieldsOf(t.Elem(), ""), rowsOf(key)
	case t.Kind() == reflect.Struct:
		n.Widget, n.Children = wGroup, fieldsOf(t, path)
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
		n.Widget, n.Children = wGroup, fieldsOf(t.Elem(), path)
	default:
		return nil
	}
	return n
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// longText are the keys of free text that gets a text area.
var longText = map[string]bool{
	"reason": true, "opinion": true, "description": true, "summary": true, "note": true,
	"content": true, "fund_composition": true, "cloud": true, "sharing": true, "integration": true,
	"remarks": true, "cryptography_plan": true, "security_plan": true, "open_data_statement": true,
}

// rowsOf is how many rows a list of records offers.
func rowsOf(key string) int {
	switch key {
	case "opinions":
		return len(review.Aspects())
	case "experts", "items":
		return 3
	}
	return 2
}

// enumOptions lists the values of an enumerated field, nil for others.
func enumOptions(t reflect.Type, key string) []option {
	if t.Kind() == reflect.Slice && key == "organisers" {
		var out []option
		for _, r := range review.ExpertOrganisers() {
			out = append(out, option{Value: r, ZH: lifecycle.Role(r).ZH(), EN: roleEN[lifecycle.Role(r)]})
		}
		return out
	}
	if t.Kind() == reflect.Slice && key == "documents" {
		var out []option
		for _, d := range review.Documents() {
			out = append(out, option{Value: d.Key, ZH: d.ZH, EN: d.EN})
		}
		return out
	}
	switch t {
	case reflect.TypeFor[review.Aspect]():
		var out []option
		for _, a := range review.Aspects() {
			out = append(out, option{Value: string(a), ZH: a.ZH(), EN: a.EN()})
		}
		return out
	case reflect.TypeFor[review.FundingSource]():
		var out []option
		for _, s := range review.FundingSources() {
			out = append(out, option{Value: string(s), ZH: s.ZH(), EN: s.EN()})
		}
		return out
	case reflect.TypeFor[review.OMGrade]():
		var out []option
		for _, g := range review.OMGrades() {
			out = append(out, option{Value: string(g), ZH: g.ZH(), EN: string(g)})
		}
		return out
	case reflect.TypeFor[review.Kind]():
		return []option{
			{string(review.Construction), review.Construction.ZH(), review.Construction.EN()},
			{string(review.Operation), review.Operation.ZH(), review.Operation.EN()},
		}
	case reflect.TypeFor[review.ConstructionType]():
		var out []option
		for _, c := range []review.ConstructionType{review.NewBuild, review.Rebuild, review.Expand, review.Continue} {
			out = append(out, option{Value: string(c), ZH: c.ZH(), EN: string(c)})
		}
		return out
	case reflect.TypeFor[review.ProcurementCategory]():
		var out []option
		for _, c := range []review.ProcurementCategory{review.Engineering, review.Service, review.Goods} {
			out = append(out, option{Value: string(c), ZH: c.ZH(), EN: string(c)})
		}
		return out
	case reflect.TypeFor[review.ItemCategory]():
		var out []option
		for _, c := range review.ItemCategories() {
			out = append(out, option{Value: string(c), ZH: c.ZH(), EN: c.EN()})
		}
		return out
	case reflect.TypeFor[lifecycle.BudgetType]():
		return []option{
			{string(lifecycle.BudgetAnnual), "纳入年度财政预算", "Annual budget"},
			{string(lifecycle.BudgetAdditional), "新增预算", "Additional budget"},
		}
	case reflect.TypeFor[lifecycle.IssueKind]():
		return []option{
			{string(lifecycle.IssueSeriousDelay), "工程严重逾期", "Serious delay"},
			{string(lifecycle.IssueMajorLoss), "投资重大损失", "Major loss of investment"},
			{string(lifecycle.IssueOther), "其他", "Other"},
		}
	}
	return nil
}
