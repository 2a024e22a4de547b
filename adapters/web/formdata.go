package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/govit-cn/govit/review"
)

// A form's inputs are named by the JSON path of the payload field they
// fill ("contract.amount", rows numbered: "experts.0.name"), so the
// engine's findings, which name the same paths, land next to their input.

// fieldError is a finding of the console itself (a number that is not a
// number) or of the engine, for one path.
type fieldError struct {
	Path   string
	ZH, EN string
}

// encode builds the payload JSON of a schema from form values. Blank
// inputs are left out, so the engine reports what is required; a number
// that does not parse is a field error and the payload is not sent.
func encode(root *node, vals url.Values) (json.RawMessage, []fieldError) {
	var errs []fieldError
	obj := encodeGroup(root.Children, "", vals, &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return nil, []fieldError{{ZH: "表单无法转换", EN: "the form could not be converted"}}
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}

func encodeGroup(children []*node, prefix string, vals url.Values, errs *[]fieldError) map[string]any {
	obj := map[string]any{}
	for _, c := range children {
		if v, ok := encodeNode(c, join(prefix, c.Key), vals, errs); ok {
			obj[c.Key] = v
		}
	}
	return obj
}

func encodeNode(n *node, path string, vals url.Values, errs *[]fieldError) (any, bool) {
	get := func() string { return strings.TrimSpace(vals.Get(path)) }
	switch n.Widget {
	case wText, wTextarea, wDate, wMonth, wSelect, wDecimal:
		v := get()
		return v, v != ""
	case wInt:
		v := get()
		if v == "" {
			return nil, false
		}
		i, err := strconv.Atoi(v)
		if err != nil {
			*errs = append(*errs, fieldError{Path: path, ZH: "请填写整数", EN: "enter a whole number"})
			return nil, false
		}
		return i, true
	case wCheck:
		return get() == "true", true
	case wYesNo:
		switch get() {
		case "true":
			return true, true
		case "false":
			return false, true
		}
		return nil, false
	case wLines:
		lines := splitLines(vals.Get(path))
		return lines, len(lines) > 0
	case wChoices:
		var out []string
		for _, v := range vals[path] {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out, len(out) > 0
	case wPairs:
		m := map[string]string{}
		for _, l := range splitLines(vals.Get(path)) {
			k, v, ok := cutPair(l)
			if !ok {
				*errs = append(*errs, fieldError{Path: path, ZH: "每行写作 编号=理由", EN: "write each line as key=reason"})
				return nil, false
			}
			m[k] = v
		}
		return m, len(m) > 0
	case wBudget:
		m := map[string]any{}
		for _, s := range review.FundingSources() {
			if v := strings.TrimSpace(vals.Get(path + "." + string(s))); v != "" {
				m[string(s)] = v
			}
		}
		if v := strings.TrimSpace(vals.Get(path + ".total")); v != "" {
			m["total"] = v
		}
		return m, len(m) > 0
	case wGroup:
		obj := encodeGroup(n.Children, path, vals, errs)
		return obj, len(obj) > 0 || !n.Optional
	case wRows:
		var rows []any
		for i := range rowCount(n, path, vals) {
			row := encodeGroup(n.Children, path+"."+strconv.Itoa(i), vals, errs)
			if !blankRow(n.Children, row) {
				rows = append(rows, row)
			}
		}
		return rows, len(rows) > 0
	}
	return nil, false
}

// blankRow reports whether a row holds nothing but unticked boxes.
func blankRow(children []*node, row map[string]any) bool {
	for _, c := range children {
		v, ok := row[c.Key]
		if !ok {
			continue
		}
		if b, isBool := v.(bool); isBool && !b && c.Widget == wCheck {
			continue
		}
		return false
	}
	return true
}

// rowCount is how many rows of a list the values hold, at least the
// schema's.
func rowCount(n *node, path string, vals url.Values) int {
	count := n.Rows
	prefix := path + "."
	for k := range vals {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			idx, _, _ := strings.Cut(rest, ".")
			if i, err := strconv.Atoi(idx); err == nil && i >= count && i < 200 {
				count = i + 1
			}
		}
	}
	return count
}

func splitLines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func cutPair(l string) (k, v string, ok bool) {
	for _, sep := range []string{"=", "：", ":"} {
		if k, v, ok = strings.Cut(l, sep); ok {
			return strings.TrimSpace(k), strings.TrimSpace(v), true
		}
	}
	return "", "", false
}

// decode flattens a payload (as JSON) into form values, to fill a form
// with what is on record.
func decode(root *node, data []byte) url.Values {
	vals := url.Values{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return vals
	}
	decodeGroup(root.Children, "", v, vals)
	return vals
}

func decodeGroup(children []*node, prefix string, obj map[string]any, vals url.Values) {
	for _, c := range children {
		if v, ok := obj[c.Key]; ok && v != nil {
			decodeNode(c, join(prefix, c.Key), v, vals)
		}
	}
}

func decodeNode(n *node, path string, v any, vals url.Values) {
	switch n.Widget {
	case wGroup:
		if m, ok := v.(map[string]any); ok {
			decodeGroup(n.Children, path, m, vals)
		}
	case wRows:
		if a, ok := v.([]any); ok {
			for i, e := range a {
				if m, ok := e.(map[string]any); ok {
					decodeGroup(n.Children, path+"."+strconv.Itoa(i), m, vals)
				}
			}
		}
	case wBudget:
		if m, ok := v.(map[string]any); ok {
			for k, x := range m {
				vals.Set(path+"."+k, scalar(x))
			}
		}
	case wLines:
		if a, ok := v.([]any); ok {
			var lines []string
			for _, e := range a {
				lines = append(lines, scalar(e))
			}
			vals.Set(path, strings.Join(lines, "\n"))
		}
	case wChoices:
		if a, ok := v.([]any); ok {
			for _, e := range a {
				vals.Add(path, scalar(e))
			}
		}
	case wPairs:
		if m, ok := v.(map[string]any); ok {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var lines []string
			for _, k := range keys {
				lines = append(lines, k+"="+scalar(m[k]))
			}
			vals.Set(path, strings.Join(lines, "\n"))
		}
	case wCheck:
		if b, ok := v.(bool); ok && b {
			vals.Set(path, "true")
		}
	default:
		vals.Set(path, scalar(v))
	}
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// Field is one input of a rendered form.
type Field struct {
	ID       string
	Name     string
	Label    string
	Widget   string
	Optional bool
	Value    string
	Options  []Option
	Errors   []string
	Children []*Field
}

// Option is one choice of a select or a set of boxes.
type Option struct {
	Value, Label string
	Selected     bool
}

// view lays out a schema with values and errors for a template. Errors
// whose path names no input are returned for the form's head.
func view(root *node, vals url.Values, errs []fieldError, lang string) (fields []*Field, general []string) {
	fields = viewGroup(root.Children, "", vals, lang)
	index := map[string]*Field{}
	var walk func(fs []*Field)
	walk = func(fs []*Field) {
		for _, f := range fs {
			if f.Name != "" {
				index[f.Name] = f
			}
			walk(f.Children)
		}
	}
	walk(fields)
	for _, e := range errs {
		msg := e.ZH
		if lang == langEN && e.EN != "" {
			msg = e.EN
		}
		if f := findField(index, e.Path); f != nil {
			f.Errors = append(f.Errors, msg)
		} else {
			general = append(general, msg)
		}
	}
	return fields, general
}

var indexRE = regexp.MustCompile(`\[(\d+)\]`)

// findField finds the input a finding's path names: the path itself, an
// input whose path ends with it (a finding relative to a nested payload),
// or else the nearest enclosing path.
func findField(index map[string]*Field, path string) *Field {
	path = indexRE.ReplaceAllString(path, ".$1")
	for p := path; p != ""; {
		if f, ok := index[p]; ok {
			return f
		}
		var best *Field
		for name, f := range index {
			if strings.HasSuffix(name, "."+p) && (best == nil || len(name) < len(best.Name)) {
				best = f
			}
		}
		if best != nil {
			return best
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return nil
}

func viewGroup(children []*node, prefix string, vals url.Values, lang string) []*Field {
	out := make([]*Field, 0, len(children))
	for _, c := range children {
		out = append(out, viewNode(c, join(prefix, c.Key), vals, lang))
	}
	return out
}

func viewNode(n *node, path string, vals url.Values, lang string) *Field {
	f := &Field{Name: path, Label: label(lang, n.Key), Widget: string(n.Widget), Optional: n.Optional, Value: vals.Get(path)}
	if n.Widget == wYesNo && n.Key == "approved" {
		f.Label = label(lang, "approved_yesno")
	}
	switch n.Widget {
	case wYesNo:
		f.Options = []Option{
			{Value: "true", Label: text(lang, "yes"), Selected: f.Value == "true"},
			{Value: "false", Label: text(lang, "no"), Selected: f.Value == "false"},
		}
	case wSelect, wChoices:
		chosen := vals[path]
		for _, o := range n.Options {
			l := o.ZH
			if lang == langEN && o.EN != "" {
				l = o.EN
			}
			f.Options = append(f.Options, Option{Value: o.Value, Label: l, Selected: slices.Contains(chosen, o.Value)})
		}
	case wGroup:
		f.Children = viewGroup(n.Children, path, vals, lang)
	case wRows:
		for i := range rowCount(n, path, vals) {
			rp := path + "." + strconv.Itoa(i)
			f.Children = append(f.Children, &Field{
				Name: rp, Label: fmt.Sprintf(text(lang, "row"), i+1), Widget: string(wGroup),
				Children: viewGroup(n.Children, rp, vals, lang),
			})
		}
	case wBudget:
		for _, s := range review.FundingSources() {
			l := s.ZH()
			if lang == langEN {
				l = s.EN()
			}
			f.Children = append(f.Children, &Field{Name: path + "." + string(s), Label: l, Widget: string(wDecimal),
				Optional: true, Value: vals.Get(path + "." + string(s))})
		}
	}
	return f
}
