package openapigen

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// amountPattern is an amount as the API writes it and asks it: a decimal
// string in plain notation, never a float.
const amountPattern = `^-?[0-9]+(\.[0-9]+)?$`

// enum is a named string type of the domain and its values, listed by its
// package where it can (review.Roles, lifecycle.Actions, …), else by its
// constants.
type enum struct {
	name, description string
	values            func() []string
}

func strs[T ~string](vs ...T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// enums are the named string types written as enum schemas, so that a
// generated client has a type for each.
var enums = map[reflect.Type]enum{
	reflect.TypeFor[lifecycle.Role]():   {"Role", "A role of 第三条.", func() []string { return strs(lifecycle.Roles()...) }},
	reflect.TypeFor[lifecycle.Action](): {"Action", "An action of the lifecycle.", func() []string { return strs(lifecycle.Actions()...) }},
	reflect.TypeFor[lifecycle.State](): {"State", "A state of a project.", func() []string {
		var out []lifecycle.State
		for _, k := range []review.Kind{review.Construction, review.Operation} {
			for _, s := range lifecycle.States(k) {
				if !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
		return strs(out...)
	}},
	reflect.TypeFor[review.Kind](): {"ProjectKind", "项目类别 (第二条): 建设类 or 运维类.", func() []string {
		return strs(review.Construction, review.Operation)
	}},
	reflect.TypeFor[review.ConstructionType](): {"ConstructionType", "建设类型 (第二条): 新建, 改建, 扩建 or 续建.", func() []string {
		return strs(review.NewBuild, review.Rebuild, review.Expand, review.Continue)
	}},
	reflect.TypeFor[review.ProcurementCategory](): {"ProcurementCategory", "采购类别: 工程类, 服务类 or 货物类.", func() []string {
		return strs(review.Engineering, review.Service, review.Goods)
	}},
	reflect.TypeFor[review.FundingSource](): {"FundingSource", "A funding column of 附件1.", func() []string { return strs(review.FundingSources()...) }},
	reflect.TypeFor[review.ItemCategory](): {"ItemCategory", "A category of what a project consists of (第二条).", func() []string {
		return strs(review.ItemCategories()...)
	}},
	reflect.TypeFor[review.Aspect]():  {"Aspect", "An aspect the expert review covers (第七条).", func() []string { return strs(review.Aspects()...) }},
	reflect.TypeFor[review.OMGrade](): {"OMGrade", "The grade of an O&M evaluation (第五条).", func() []string { return strs(review.OMGrades()...) }},
	reflect.TypeFor[lifecycle.IssueKind](): {"IssueKind", "The kind of an issue reported (第十三条).", func() []string {
		return strs(lifecycle.IssueSeriousDelay, lifecycle.IssueMajorLoss, lifecycle.IssueOther)
	}},
	reflect.TypeFor[lifecycle.BudgetType](): {"BudgetType", "How the budget is arranged (第七条): the annual budget or an additional one.", func() []string {
		return strs(lifecycle.BudgetAnnual, lifecycle.BudgetAdditional)
	}},
	reflect.TypeFor[lifecycle.SecurityOpinionKind](): {"SecurityOpinionKind", "指导 or 监督 (第三条).", func() []string {
		return strs(lifecycle.SecurityGuidance, lifecycle.SecuritySupervision)
	}},
	reflect.TypeFor[document.Alg](): {"DigestAlg", "A digest's algorithm: sha256, or sm3 under the 国密 suite.", func() []string {
		return strs(document.SHA256, document.SM3)
	}},
	reflect.TypeFor[change.Kind](): {"ChangeKind", "The procedure a change follows (第十一条): minor or major.", func() []string {
		return strs(change.Minor, change.Major)
	}},
}

// mapType gives the schema of the types that are not reflected field by
// field.
func mapType(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[decimal.Decimal]():
		return &jsonschema.Schema{Ref: schemaRef + "Amount"}
	case reflect.TypeFor[review.Budget]():
		return &jsonschema.Schema{Ref: schemaRef + "BudgetInput"}
	case reflect.TypeFor[lifecycle.Date]():
		return &jsonschema.Schema{Type: "string", Format: "date"}
	}
	if e, ok := enums[t]; ok {
		return &jsonschema.Schema{Ref: schemaRef + e.name}
	}
	return nil
}

// mapResponseType gives the schema of the types a response writes in a
// form of their own: a budget with all its members, and the actor.
func mapResponseType(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[review.Budget]():
		return &jsonschema.Schema{Ref: schemaRef + "Budget"}
	case reflect.TypeFor[lifecycle.Actor]():
		return &jsonschema.Schema{Ref: schemaRef + "Actor"}
	case reflect.TypeFor[time.Time]():
		return &jsonschema.Schema{Type: "string", Format: "date-time"}
	}
	return mapType(t)
}

// additionalFields are the JSON members a type reads itself beside its
// fields: a declaration's budget (json:"-" on the field).
func additionalFields(t reflect.Type) []reflect.StructField {
	if t == reflect.TypeFor[review.Declaration]() {
		return []reflect.StructField{{Name: "Budget", Type: reflect.TypeFor[review.Budget](), Tag: `json:"budget" jsonschema:"required"`}}
	}
	return nil
}

// derivedSchemas are the schemas the mapped types refer to: the amounts,
// the budgets (by review.FundingSources) and the enums.
func derivedSchemas() map[string]any {
	amount := map[string]any{"$ref": schemaRef + "Amount"}
	members := map[string]any{}
	var required []string
	for _, s := range review.FundingSources() {
		members[string(s)] = amount
		required = append(required, string(s))
	}
	members["total"] = amount
	required = append(required, "total")
	out := map[string]any{
		"Amount": map[string]any{"type": "string", "pattern": amountPattern, "example": "120.5",
			"description": "An amount in 万元 as a decimal string in plain notation (exact; never a float). The server also reads a JSON number exactly, but writes strings."},
		"BudgetInput": map[string]any{"type": "object", "properties": members, "additionalProperties": false,
			"description": "资金预算 by funding source of 附件1, in 万元; an absent source is zero. total (合计) is optional and, when given, must equal the sum exactly."},
		"Budget": map[string]any{"type": "object", "properties": members, "required": required, "additionalProperties": false,
			"description": "Investment by funding source of 附件1 (中央财政资金, 市财政资金, 区财政资金, 自有资金) and their total (合计)."},
	}
	for _, e := range enums {
		out[e.name] = map[string]any{"type": "string", "enum": e.values(), "description": e.description}
	}
	return out
}

// overrides replace a member's schema where the Go type says less than the
// engine: the declaration of a preliminary submission must stay empty, the
// one on record being reviewed.
var overrides = map[string]map[string]any{
	"PreliminarySubmission": {
		"declaration": map[string]any{"type": "object", "maxProperties": 0, "nullable": true,
			"description": "Not expected: the declaration on record is reviewed; any non-empty declaration is refused (400 declaration_not_expected)."},
	},
}

// openAPISchema writes a JSON Schema (2020-12, as reflected) as an OpenAPI
// 3.0 schema: references to the components, a reference with a
// description wrapped in allOf.
func openAPISchema(s *jsonschema.Schema) (map[string]any, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	out, ok := convert(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not an object schema")
	}
	return out, nil
}

func convert(v any) any {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "$schema")
		delete(x, "$id")
		if p, ok := x["patternProperties"].(map[string]any); ok {
			// OpenAPI 3.0 has no patternProperties: a map keyed by
			// numbers is a map.
			for _, s := range p {
				x["additionalProperties"] = s
			}
			delete(x, "patternProperties")
		}
		for k, e := range x {
			if k == "properties" {
				props := e.(map[string]any)
				for name, p := range props {
					props[name] = convert(p)
				}
				continue
			}
			x[k] = convert(e)
		}
		if ref, ok := x["$ref"].(string); ok {
			if name, ok := strings.CutPrefix(ref, "#/$defs/"); ok {
				ref = schemaRef + name
			}
			if len(x) == 1 {
				return map[string]any{"$ref": ref}
			}
			delete(x, "$ref")
			x["allOf"] = []any{map[string]any{"$ref": ref}}
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = convert(e)
		}
	}
	return v
}

// requiredAlso are members a payload requires that its Go type cannot tag:
// reject_change reads approve_change's OpinionPayload, whose opinion is
// optional when approving but required when rejecting (第十一条).
var requiredAlso = map[reflect.Type][]string{
	reflect.TypeFor[lifecycle.RejectChangePayload](): {"opinion"},
}

// requiredMembers are the members of t that the reflector's tags
// (jsonschema:"required") do not name but the Go type requires: those
// whose validation (go-playground/validator tags of package review) starts
// with required or notblank, and a struct member whose own members are so
// required (the validator checks them when the member is absent too).
func requiredMembers(t reflect.Type) []string {
	out := slices.Clone(requiredAlso[t])
	if t.Kind() != reflect.Struct {
		return out
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			out = append(out, requiredMembers(f.Type)...)
			continue
		}
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		rule, _, _ := strings.Cut(f.Tag.Get("validate"), ",")
		if rule == "required" || rule == "notblank" ||
			f.Type.Kind() == reflect.Struct && f.Tag.Get("validate") == "" && len(requiredMembers(f.Type)) > 0 && hasValidation(f.Type) {
			out = append(out, name)
		}
	}
	return out
}

// hasValidation reports whether a struct type's fields carry validator
// tags.
func hasValidation(t reflect.Type) bool {
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("validate") != "" {
			return true
		}
	}
	return false
}

// validated completes the schema of t from the validator's rules of its
// fields (package review): a civil date (civildate) has format date, a
// month (yearmonth) the pattern YYYY-MM.
func validated(t reflect.Type, s *jsonschema.Schema) {
	if t.Kind() != reflect.Struct || s.Properties == nil {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			validated(f.Type, s)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		p, ok := s.Properties.Get(name)
		if !ok {
			continue
		}
		for _, rule := range strings.Split(f.Tag.Get("validate"), ",") {
			switch rule {
			case "civildate":
				p.Format = "date"
			case "yearmonth":
				p.Pattern = `^[1-9][0-9]{3}-(0[1-9]|1[0-2])$`
			}
		}
	}
}

// nullable marks the members of a response schema that its Go type may
// write as null: a pointer, slice or map without omitempty or omitzero.
func nullable(t reflect.Type, s map[string]any) {
	props, ok := s["properties"].(map[string]any)
	if t == nil || t.Kind() != reflect.Struct || !ok {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			nullable(f.Type, s)
			continue
		}
		if strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
			continue
		}
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		default:
			continue
		}
		if f.Type == reflect.TypeFor[json.RawMessage]() {
			continue
		}
		p, ok := props[name].(map[string]any)
		if !ok {
			continue
		}
		if ref, ok := p["$ref"]; ok && len(p) == 1 {
			p = map[string]any{"allOf": []any{map[string]any{"$ref": ref}}}
		}
		p["nullable"] = true
		props[name] = p
	}
}
