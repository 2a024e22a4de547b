// Package openapigen writes the OpenAPI document of the HTTP adapter: a
// hand-written base (info, security, problem responses, the routes that
// are not actions) completed with one operation per lifecycle action,
// whose request schema is reflected from the action's Go payload type
// (lifecycle.PayloadType) with github.com/invopop/jsonschema. The types'
// doc comments become the schemas' descriptions.
//
// Run by go generate in adapters/httpapi; a test there fails when the
// committed openapi.json differs from Generate's output.
package openapigen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/invopop/jsonschema"

	"github.com/govit-cn/govit/adapters/webhook"
	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/lifecycle"
)

// schemaRef starts the reference of a component schema.
const schemaRef = "#/components/schemas/"

// module is the module's import path.
const module = "github.com/govit-cn/govit"

// templateKey is the member of the base holding the operation every
// action's operation is made from (parameters, responses, security); it is
// not part of the document written.
const templateKey = "x-action-operation"

// Generate returns the document: base (JSON) completed with the actions'
// operations and schemas. root is the module's root directory, whose
// sources give the descriptions.
func Generate(base []byte, root string) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapigen: the base: %w", err)
	}
	tmpl, ok := doc[templateKey].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapigen: the base has no %s", templateKey)
	}
	delete(doc, templateKey)
	paths := object(doc, "paths")
	schemas := object(object(doc, "components"), "schemas")

	types := map[string]reflect.Type{}
	r, err := reflector(root, types)
	if err != nil {
		return nil, err
	}
	defs := jsonschema.Definitions{}
	for _, a := range lifecycle.Actions() {
		t := lifecycle.PayloadType(a)
		if t == nil {
			return nil, fmt.Errorf("openapigen: %s has no payload type", a)
		}
		name, err := reflectInto(r, defs, t)
		if err != nil {
			return nil, err
		}
		op, err := operation(tmpl, a, name)
		if err != nil {
			return nil, err
		}
		p := "/v1/projects/{id}/actions/" + string(a)
		if _, taken := paths[p]; taken {
			return nil, fmt.Errorf("openapigen: the base already has %s", p)
		}
		paths[p] = map[string]any{"post": op}
	}
	for _, t := range otherTypes {
		if _, err := reflectInto(r, defs, t); err != nil {
			return nil, err
		}
	}
	// Responses are reflected apart: a member the Go type always writes
	// (no omitempty) is required.
	out := jsonschema.Definitions{}
	rr, err := reflector(root, types)
	if err != nil {
		return nil, err
	}
	rr.RequiredFromJSONSchemaTags = false
	requests := maps.Clone(types)
	rr.Mapper = func(t reflect.Type) *jsonschema.Schema {
		// A type a request takes is written as it is read: its schema is
		// the request's. A type the base describes by hand (a document's
		// register, …) keeps that description.
		if s := mapResponseType(t); s != nil {
			return s
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		name := t.Name()
		if n := names[t]; n != "" {
			name = n
		}
		if _, ok := defs[name]; ok && requests[name] == t {
			return &jsonschema.Schema{Ref: schemaRef + name}
		}
		if _, ok := schemas[t.Name()]; ok {
			return &jsonschema.Schema{Ref: schemaRef + t.Name()}
		}
		return nil
	}
	for _, t := range responseTypes {
		if _, err := reflectInto(rr, out, t); err != nil {
			return nil, err
		}
	}
	for k, v := range out {
		if _, ok := defs[k]; ok {
			return nil, fmt.Errorf("openapigen: %s is both a request and a response schema", k)
		}
		defs[k] = v
	}
	for name, s := range defs {
		if t, ok := types[name]; ok && out[name] == nil {
			for _, m := range requiredMembers(t) {
				if !slices.Contains(s.Required, m) && overrides[name][m] == nil {
					s.Required = append(s.Required, m)
				}
			}
			validated(t, s)
		}
		v, err := openAPISchema(s)
		if err != nil {
			return nil, fmt.Errorf("openapigen: %s: %w", name, err)
		}
		if _, taken := schemas[name]; taken {
			return nil, fmt.Errorf("openapigen: the base already has a schema %s, which the Go types give", name)
		}
		if props, ok := v["properties"].(map[string]any); ok {
			for member, o := range overrides[name] {
				if _, ok := props[member]; !ok {
					return nil, fmt.Errorf("openapigen: %s has no member %s to override", name, member)
				}
				props[member] = o
			}
		}
		if out[name] != nil {
			nullable(types[name], v)
		}
		schemas[name] = v
	}
	for name, s := range derivedSchemas() {
		if _, taken := schemas[name]; taken {
			return nil, fmt.Errorf("openapigen: the base already has a schema %s, which the Go types give", name)
		}
		schemas[name] = s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// otherTypes are Go types of other requests whose schemas are reflected
// too, beside the payloads (under the names of names).
var otherTypes = []reflect.Type{reflect.TypeFor[change.Request]()}

// responseTypes are the Go types of responses whose schemas are
// reflected: the project and the portfolio's answers.
var responseTypes = []reflect.Type{
	reflect.TypeFor[lifecycle.Project](),
	reflect.TypeFor[lifecycle.Summary](),
	reflect.TypeFor[lifecycle.Obligation](),
	reflect.TypeFor[lifecycle.Rulebook](),
	reflect.TypeFor[change.Decision](),
	reflect.TypeFor[lifecycle.Stats](),
	reflect.TypeFor[lifecycle.AuditRecord](),
	reflect.TypeFor[lifecycle.FeedPage](),
	reflect.TypeFor[webhook.Hook](),
	reflect.TypeFor[webhook.Delivery](),
}

// names rename the reflected types whose Go names say too little in the
// document.
var names = map[reflect.Type]string{reflect.TypeFor[change.Request](): "ChangeRequest"}

// object returns m[key] as an object, making it when absent.
func object(m map[string]any, key string) map[string]any {
	v, ok := m[key].(map[string]any)
	if !ok {
		v = map[string]any{}
		m[key] = v
	}
	return v
}

// reflectInto reflects t's schema, adding it and the schemas it refers to
// to defs, and returns its name. A name already given to a different
// schema (two Go types of one name) is an error.
func reflectInto(r *jsonschema.Reflector, defs jsonschema.Definitions, t reflect.Type) (string, error) {
	s := r.ReflectFromType(t)
	name, ok := strings.CutPrefix(s.Ref, "#/$defs/")
	if !ok {
		return "", fmt.Errorf("openapigen: %s is not reflected as a named schema", t)
	}
	for k, v := range s.Definitions {
		if old, ok := defs[k]; ok {
			a, _ := json.Marshal(old)
			b, _ := json.Marshal(v)
			if !bytes.Equal(a, b) {
				return "", fmt.Errorf("openapigen: two Go types are named %s", k)
			}
		}
		defs[k] = v
	}
	return name, nil
}

// operation is the action's operation, made from the template.
func operation(tmpl map[string]any, a lifecycle.Action, payload string) (map[string]any, error) {
	var op map[string]any
	data, err := json.Marshal(tmpl)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &op); err != nil {
		return nil, err
	}
	op["operationId"] = camel(string(a))
	op["summary"] = fmt.Sprintf("%s (%s)", a.ZH(), a)
	roles := lifecycle.DefaultRoles()[a]
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	desc, _ := op["description"].(string)
	op["description"] = fmt.Sprintf("Takes %s (%s) on the project. Roles allowed by default (第三条): %s. %s",
		a, a.ZH(), strings.Join(names, ", "), desc)
	op["requestBody"] = map[string]any{
		"required": false,
		"description": "The payload of " + string(a) + "; an empty or absent body reads as {}. " +
			"It is read strictly: an unknown member, a name given twice or differing only in case is refused (400), naming it.",
		"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": schemaRef + payload}}},
	}
	return op, nil
}

// camel writes an action's name in lower camel case: sign_contract is
// signContract.
func camel(s string) string {
	var b strings.Builder
	up := false
	for _, r := range s {
		switch {
		case r == '_':
			up = true
		case up:
			b.WriteRune(unicode.ToUpper(r))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// reflector reflects the module's types: amounts and budgets as the API
// writes them, dates as civil dates, the named string types of the domain
// as enums, a declaration with its budget, and the types' doc comments as
// descriptions.
func reflector(root string, types map[string]reflect.Type) (*jsonschema.Reflector, error) {
	r := &jsonschema.Reflector{
		Mapper:                     mapType,
		AdditionalFields:           additionalFields,
		RequiredFromJSONSchemaTags: true,
		Namer: func(t reflect.Type) string {
			name := t.Name()
			if n, ok := names[t]; ok {
				name = n
			}
			types[name] = t
			return name
		},
	}
	// AddGoComments names a package by joining base with the directory as
	// walked: base is the module's path joined with the working directory
	// relative to root, so that root/lifecycle is …/govit/lifecycle.
	wd, err := filepath.Abs(".")
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(abs, wd)
	if err != nil {
		return nil, err
	}
	base := path.Join(module, filepath.ToSlash(rel))
	for _, dir := range []string{"lifecycle", "review", "change", "adapters/webhook"} {
		if err := r.AddGoComments(base, filepath.Join(root, dir)); err != nil {
			return nil, fmt.Errorf("openapigen: comments of %s: %w", dir, err)
		}
	}
	comments := r.CommentMap
	r.CommentMap = nil
	r.LookupComment = func(t reflect.Type, field string) string {
		return describe(comments, t, field)
	}
	return r, nil
}

// describe is the comment of a type or field, its Go field name replaced
// by its JSON name.
func describe(comments map[string]string, t reflect.Type, field string) string {
	key := t.PkgPath() + "." + t.Name()
	if field != "" {
		key += "." + field
	}
	c := strings.Join(strings.Fields(comments[key]), " ")
	if c == "" {
		return c
	}
	if field == "" {
		// "SignContractPayload is the payload of …" reads "The payload of …".
		if rest, ok := strings.CutPrefix(c, t.Name()+" is "); ok && rest != "" {
			return strings.ToUpper(rest[:1]) + rest[1:]
		}
		return c
	}
	f, ok := t.FieldByName(field)
	if !ok {
		return c
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return c
	}
	if rest, ok := strings.CutPrefix(c, field+" "); ok {
		return name + " " + rest
	}
	return c
}
