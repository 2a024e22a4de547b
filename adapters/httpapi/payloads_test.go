package httpapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// schemaPrefix starts the reference of a component schema.
const schemaPrefix = "#/components/schemas/"

// actionPath is the path of an action's own operation.
func actionPath(a lifecycle.Action) string { return "/v1/projects/{id}/actions/" + string(a) }

// actionPayloadSchemas reads each action's request schema from its own
// operation.
func actionPayloadSchemas(t testing.TB, doc *openapi3.T) map[lifecycle.Action]*openapi3.SchemaRef {
	t.Helper()
	out := map[lifecycle.Action]*openapi3.SchemaRef{}
	for _, a := range lifecycle.Actions() {
		path := doc.Paths.Find(actionPath(a))
		require.NotNil(t, path, "%s: no operation", a)
		require.NotNil(t, path.Post, "%s: no POST", a)
		require.NotNil(t, path.Post.RequestBody, "%s: no request body", a)
		mt := path.Post.RequestBody.Value.Content.Get("application/json")
		require.NotNil(t, mt, "%s: no JSON body", a)
		out[a] = mt.Schema
	}
	return out
}

// validatePayload checks an action's request body against the action's
// schema. An empty body reads as {}, as the engine reads it.
func validatePayload(schemas map[lifecycle.Action]*openapi3.SchemaRef, action lifecycle.Action, body []byte) error {
	s, ok := schemas[action]
	if !ok {
		return fmt.Errorf("no schema for %q", action)
	}
	if strings.TrimSpace(string(body)) == "" {
		body = []byte("{}")
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	if v == nil {
		v = map[string]any{}
	}
	return s.Value.VisitJSON(v)
}

// TestEveryActionHasItsOperation: each action of the registry has its own
// operation, POST /v1/projects/{id}/actions/<action>, with an operationId
// of its own and an object schema for its payload that names every JSON
// member of the action's Go payload type (lifecycle.PayloadType), so that
// an action added without its schema fails here; no other action path is
// documented, and the Action enum lists the same actions.
func TestEveryActionHasItsOperation(t *testing.T) {
	doc := loadSpec(t)
	schemas := actionPayloadSchemas(t, doc)
	ids := map[string]lifecycle.Action{}
	var actions, enum []string
	for _, a := range lifecycle.Actions() {
		actions = append(actions, string(a))
		op := doc.Paths.Find(actionPath(a)).Post
		require.NotEmpty(t, op.OperationID, "%s", a)
		_, dup := ids[op.OperationID]
		assert.False(t, dup, "%s: operationId %s is taken", a, op.OperationID)
		ids[op.OperationID] = a
		s := unwrap(schemas[a]).Value
		require.True(t, s.Type.Is(openapi3.TypeObject), "%s: the payload is not an object", a)
		typ := lifecycle.PayloadType(a)
		require.NotNil(t, typ, "%s", a)
		for member := range jsonFields(typ) {
			assert.Contains(t, s.Properties, member, "%s: the schema does not name %s of %s", a, member, typ)
		}
	}
	for path := range doc.Paths.Map() {
		if name, ok := strings.CutPrefix(path, "/v1/projects/{id}/actions/"); ok {
			assert.Contains(t, actions, name, "%s documents an action the engine does not have", path)
		}
	}
	for _, e := range doc.Components.Schemas["Action"].Value.Enum {
		enum = append(enum, e.(string))
	}
	slices.Sort(actions)
	slices.Sort(enum)
	assert.Equal(t, actions, enum, "the Action enum")
}

// TestActionPayloadSchemasMatchGoTypes: each action's schema has exactly
// the JSON members of the Go type its payload is read into, at every
// level, with matching JSON types, and refuses other members. Types that
// read themselves are walked where their reader takes the members of
// their struct (review.Declaration, change.Request, change.LineItem) and
// mapped to their schemas otherwise (decimal.Decimal to Amount,
// review.Budget to BudgetInput, checked by TestBudgetInputMatchesBudget).
func TestActionPayloadSchemasMatchGoTypes(t *testing.T) {
	doc := loadSpec(t)
	schemas := actionPayloadSchemas(t, doc)
	for _, a := range lifecycle.Actions() {
		typ := lifecycle.PayloadType(a)
		require.NotNil(t, typ, "%s", a)
		s := schemas[a]
		t.Run(string(a), func(t *testing.T) {
			matchSchema(t, string(a), s, typ)
		})
	}
}

// rawMembers are members the engine reads as json.RawMessage and then
// strictly into a type of their own.
var rawMembers = map[string]reflect.Type{
	"preliminary_review.submission": reflect.TypeFor[review.PreliminarySubmission](),
}

// unwrap follows a single-allOf wrapper (a $ref with a description).
func unwrap(s *openapi3.SchemaRef) *openapi3.SchemaRef {
	for s.Ref == "" && len(s.Value.AllOf) == 1 && len(s.Value.Properties) == 0 && s.Value.Type == nil {
		s = s.Value.AllOf[0]
	}
	return s
}

func matchSchema(t *testing.T, path string, s *openapi3.SchemaRef, typ reflect.Type) {
	t.Helper()
	s = unwrap(s)
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ == reflect.TypeFor[json.RawMessage]() {
		inner, ok := rawMembers[path]
		require.True(t, ok, "%s: a raw member the test does not know", path)
		typ = inner
	}
	switch typ {
	case reflect.TypeFor[decimal.Decimal]():
		assert.Equal(t, schemaPrefix+"Amount", s.Ref, "%s: an amount", path)
		return
	case reflect.TypeFor[review.Budget]():
		assert.Equal(t, schemaPrefix+"BudgetInput", s.Ref, "%s: a budget", path)
		return
	}
	v := s.Value
	switch typ.Kind() {
	case reflect.String:
		assert.True(t, v.Type.Is(openapi3.TypeString), "%s: want a string", path)
	case reflect.Bool:
		assert.True(t, v.Type.Is(openapi3.TypeBoolean), "%s: want a boolean", path)
	case reflect.Int, reflect.Int64, reflect.Int32:
		assert.True(t, v.Type.Is(openapi3.TypeInteger), "%s: want an integer", path)
	case reflect.Slice:
		if assert.True(t, v.Type.Is(openapi3.TypeArray), "%s: want an array", path) && assert.NotNil(t, v.Items, "%s", path) {
			matchSchema(t, path+"[]", v.Items, typ.Elem())
		}
	case reflect.Map:
		require.Equal(t, reflect.String, typ.Key().Kind(), "%s", path)
		if assert.True(t, v.Type.Is(openapi3.TypeObject), "%s: want an object", path) &&
			assert.NotNil(t, v.AdditionalProperties.Schema, "%s: the members' schema", path) {
			matchSchema(t, path+"{}", v.AdditionalProperties.Schema, typ.Elem())
		}
	case reflect.Struct:
		fields := jsonFields(typ)
		if typ == reflect.TypeFor[review.Declaration]() || typ == reflect.TypeFor[lifecycle.DeclarePayload]() {
			// Read apart from the form's other members (see
			// review.Declaration.UnmarshalJSON).
			fields["budget"] = reflect.TypeFor[review.Budget]()
		}
		want := slices.Sorted(maps.Keys(fields))
		assert.Equal(t, want, slices.Sorted(maps.Keys(v.Properties)), "%s: the members", path)
		assert.True(t, v.Type.Is(openapi3.TypeObject), "%s: want an object", path)
		if assert.NotNil(t, v.AdditionalProperties.Has, "%s: additionalProperties", path) {
			assert.False(t, *v.AdditionalProperties.Has, "%s: an unknown member is refused", path)
		}
		for name, ft := range fields {
			ps := v.Properties[name]
			if ps == nil {
				continue
			}
			if typ == reflect.TypeFor[review.PreliminarySubmission]() && name == "declaration" {
				// The declaration on record is reviewed: the member
				// must stay empty.
				if assert.NotNil(t, ps.Value.MaxProps, "%s.declaration", path) {
					assert.Zero(t, *ps.Value.MaxProps, "%s.declaration", path)
				}
				continue
			}
			matchSchema(t, path+"."+name, ps, ft)
		}
	default:
		t.Errorf("%s: Go kind %s not compared", path, typ.Kind())
	}
}

// TestEveryActionPayloadOverHTTP takes over HTTP the actions the other
// walks do not, each with a real payload, so that the harness checks
// every action's payload against its operation's schema and the
// engine accepts it: the initiation of a fixed-asset project (第十条),
// issues, rectification and suspension (第十三条), a minor change approved
// and one rejected (第十一条), and an O&M project from its evaluation to
// its completion (第五条, 第十三条).
func TestEveryActionPayloadOverHTTP(t *testing.T) {
	h := newHarness(t, nil)
	t.Run("construction, fixed asset", func(t *testing.T) {
		d := declaration(unitA, "智慧校园基础设施")
		d["fixed_asset"] = true
		id, tag := h.declare(asUnitA, d)
		tag = h.step(id, "preliminary_review", asBDB, tag, preliminaryPassed(), lifecycle.StatePreliminaryPassed)
		tag = h.step(id, "expert_review", asBDB, tag, expertPassed("100", "20"), lifecycle.StateExpertPassed)
		tag = h.step(id, "deliberate", asGovernment, tag, obj{"approved": true}, lifecycle.StateApproved)
		tag = h.step(id, "budget", asFinance, tag, obj{"year": 2026, "type": "annual", "document": "渝北财预〔2026〕3号"}, lifecycle.StateBudgeted)
		tag = h.step(id, "apply_initiation", asUnitA, tag, obj{"note": "申请立项"}, lifecycle.StateInitiationApplied)
		tag = h.step(id, "approve_initiation", asDRC, tag, obj{"approved": true, "number": "渝北发改投〔2026〕12号", "opinion": "同意立项"}, lifecycle.StateInitiated)
		tag = h.step(id, "start_procurement", asUnitA, tag, obj{"method": "公开招标", "note": "委托代理机构"}, lifecycle.StateProcuring)
		// An amount may be a JSON number, read exactly, though the
		// document asks for a string (so the request is off the contract).
		k := contract("HT-2026-101", "0", "2026-03-02")
		k["contract"].(obj)["amount"] = json.Number("100.5")
		k["contract"].(obj)["supervision"] = false
		tag = h.stepAs(malformed, id, "sign_contract", asUnitA, tag, k, lifecycle.StateImplementing)
		tag = h.step(id, "report_issue", asUnitA, tag, obj{"kind": "serious_delay", "description": "机房改造延误两个月"}, lifecycle.StateImplementing)
		tag = h.step(id, "order_rectification", asBDB, tag, obj{"reason": "限期整改进度"}, lifecycle.StateRectifying)
		tag = h.step(id, "suspend", asBDB, tag, obj{"reason": "整改未到位"}, lifecycle.StateSuspended)
		tag = h.step(id, "resume", asBDB, tag, obj{"reason": "整改完成"}, lifecycle.StateImplementing)
		minor := obj{"reason": "等保测评费用调整", "items": []obj{{"item": "等保测评", "source": "district", "old": "20", "new": "25"}}}
		tag = h.step(id, "request_change", asUnitA, tag, minor, lifecycle.StateImplementing)
		tag = h.step(id, "approve_change", asBDB, tag, obj{"opinion": "同意"}, lifecycle.StateImplementing)
		tag = h.step(id, "approve_change", asDRC, tag, nil, lifecycle.StateImplementing)
		again := obj{"reason": "监理费用调整", "items": []obj{{"item": "监理", "source": "self_funded", "old": json.Number("20"), "new": json.Number("22")}}}
		tag = h.stepAs(malformed, id, "request_change", asUnitA, tag, again, lifecycle.StateImplementing)
		h.step(id, "reject_change", asBDB, tag, obj{"opinion": "理由不充分"}, lifecycle.StateImplementing)
	})
	t.Run("operation and maintenance", func(t *testing.T) {
		d := declaration(unitA, "学籍平台年度运维")
		d["kind"] = "operation"
		d["budget_year"] = 2026
		delete(d, "construction_type")
		d["budget"] = obj{"district": "50"}
		d["items"] = []obj{{"category": "application", "name": "学籍平台运维"}}
		id, tag := h.declare(asUnitA, d)
		tag = h.step(id, "om_evaluation", asBDB, tag, obj{
			"budget_year": 2026, "organisers": []string{"bdb", "finance"},
			"experts": []obj{{"name": "王强", "specialty": "运维"}}, "agency": "某评估机构",
			"grade": "good", "opinion": "运维内容合理", "requested": obj{"district": "50"}, "recommended": obj{"district": "45"},
		}, lifecycle.StateOMEvaluated)
		tag = h.step(id, "budget", asFinance, tag, obj{"year": 2026, "type": "additional"}, lifecycle.StateBudgeted)
		tag = h.step(id, "sign_contract", asUnitA, tag, contract("YW-2026-1", "20", "2026-03-02"), lifecycle.StateOperating)
		tag = h.step(id, "sign_contract", asUnitA, tag, contract("YW-2026-2", "20", "2026-03-02"), lifecycle.StateOperating)
		tag = h.step(id, "terminate_contract", asUnitA, tag, obj{"contract_id": "YW-2026-1", "reason": "供应商服务不达标，书面通知终止"}, lifecycle.StateOperating)
		h.step(id, "complete", asUnitA, tag, obj{"final": true, "note": "系统下线"}, lifecycle.StateCompleted)
	})
}

// TestActionPayloadSchemasRefuseWhatTheEngineRefuses: payloads that break
// their action's schema (an unknown member, a missing required field, a
// value of the wrong type or outside its enum) are refused by the schema
// and by the server alike, the server naming the field. Each is sent in
// the state where the action is allowed, so the refusal is the payload's.
func TestActionPayloadSchemasRefuseWhatTheEngineRefuses(t *testing.T) {
	h := newHarness(t, nil)
	doc := loadSpec(t)
	schemas := actionPayloadSchemas(t, doc)
	type bad struct {
		name   string
		body   obj
		status int
		field  string
	}
	refuse := func(t *testing.T, id, tag, action, token string, cases []bad) {
		t.Helper()
		for _, c := range cases {
			t.Run(action+"/"+c.name, func(t *testing.T) {
				data, err := json.Marshal(c.body)
				require.NoError(t, err)
				assert.Error(t, validatePayload(schemas, lifecycle.Action(action), data), "the schema accepts %s", data)
				r := h.send(req{method: "POST", path: "/v1/projects/" + id + "/actions/" + action, token: token, body: data,
					header: map[string]string{"If-Match": tag}, mode: malformed})
				require.Equal(t, c.status, r.status, "body: %s", r.body)
				p := r.problem()
				assert.Contains(t, fieldsOf(p), c.field, "%+v", p)
				if strings.HasPrefix(c.name, "unknown member") {
					// The engine names the unknown members of its payloads;
					// inside a change request (第十一条) package change does.
					want := []string{"payload_unknown_field"}
					if action == string(lifecycle.ActRequestChange) {
						want = append(want, change.CodeFieldUnknown)
					}
					var codes []string
					for _, e := range p.Errors {
						if e.Field == c.field {
							codes = append(codes, e.Code)
						}
					}
					require.Len(t, codes, 1, "one error names %s", c.field)
					assert.Contains(t, want, codes[0], "the code of the unknown member %s", c.field)
				}
				assert.Equal(t, tag, h.get("/v1/projects/"+id, token).header.Get("ETag"), "nothing recorded")
			})
		}
	}
	id, tag := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))
	tag = h.step(id, "preliminary_review", asBDB, tag, preliminaryPassed(), lifecycle.StatePreliminaryPassed)
	refuse(t, id, tag, "expert_review", asBDB, []bad{
		{"a budget member not of 附件1", mergeObj(expertPassed("100", "20"), obj{"approved": obj{"district": "100", "provincial": "1"}}), http.StatusBadRequest, "approved.provincial"},
		{"aspect not of 第七条", mergeObj(expertPassed("100", "20"), obj{"opinions": []obj{{"aspect": "beauty", "passed": true, "opinion": "好"}}}), http.StatusUnprocessableEntity, "opinions[0].aspect"},
	})
	tag = h.step(id, "expert_review", asBDB, tag, expertPassed("100", "20"), lifecycle.StateExpertPassed)
	refuse(t, id, tag, "deliberate", asGovernment, []bad{
		{"approved missing", obj{"meeting": "常务会议"}, http.StatusBadRequest, "approved"},
		{"approved not a boolean", obj{"approved": "yes"}, http.StatusBadRequest, "approved"},
		{"unknown member", obj{"approved": true, "approve": true}, http.StatusBadRequest, "approve"},
	})
	tag = h.step(id, "deliberate", asGovernment, tag, obj{"approved": true}, lifecycle.StateApproved)
	refuse(t, id, tag, "budget", asFinance, []bad{
		{"year as a string", obj{"year": "2026", "type": "annual"}, http.StatusBadRequest, "year"},
		{"type missing", obj{"year": 2026}, http.StatusBadRequest, "type"},
		{"type outside the enum", obj{"year": 2026, "type": "special"}, http.StatusBadRequest, "type"},
	})
	tag = h.step(id, "budget", asFinance, tag, obj{"year": 2026, "type": "annual"}, lifecycle.StateBudgeted)
	tag = h.step(id, "start_procurement", asUnitA, tag, nil, lifecycle.StateProcuring)
	unknown := contract("HT-2026-001", "110", "2026-03-02")
	unknown["contract"].(obj)["currency"] = "CNY"
	noSupplier := contract("HT-2026-001", "110", "2026-03-02")
	delete(noSupplier["contract"].(obj), "supplier")
	refuse(t, id, tag, "sign_contract", asUnitA, []bad{
		{"unknown member of the contract", unknown, http.StatusBadRequest, "contract.currency"},
		{"supplier missing", noSupplier, http.StatusUnprocessableEntity, "contract.supplier"},
		{"contract missing", obj{}, http.StatusUnprocessableEntity, "contract.id"},
	})
	tag = h.step(id, "sign_contract", asUnitA, tag, contract("HT-2026-001", "110", "2026-03-02"), lifecycle.StateImplementing)
	refuse(t, id, tag, "file_contract", asUnitA, []bad{
		{"contract_id missing", obj{}, http.StatusBadRequest, "contract_id"},
		{"contract_id not a string", obj{"contract_id": 1}, http.StatusBadRequest, "contract_id"},
	})
	refuse(t, id, tag, "report_issue", asUnitA, []bad{
		{"kind outside the enum", obj{"kind": "delay", "description": "逾期"}, http.StatusBadRequest, "kind"},
		{"description missing", obj{"kind": "other"}, http.StatusBadRequest, "description"},
	})
	refuse(t, id, tag, "request_change", asUnitA, []bad{
		{"unknown member", obj{"reason": "调整", "items": []obj{{"item": "监理", "source": "district", "old": "20", "new": "21"}}, "urgent": true}, http.StatusBadRequest, "urgent"},
		{"unknown member of an item", obj{"reason": "调整", "items": []obj{{"item": "监理", "source": "district", "old": "20", "new": "21", "note": "x"}}}, http.StatusBadRequest, "items[0].note"},
	})
	t.Run("request_change/unknown member/the role is checked first", func(t *testing.T) {
		r := h.send(req{method: "POST", path: "/v1/projects/" + id + "/actions/request_change", token: asBDB,
			body: obj{"reason": "调整", "urgent": true}, header: map[string]string{"If-Match": tag}, mode: malformed})
		assertProblem(t, r, http.StatusForbidden, "role_not_permitted")
	})
	refuse(t, id, tag, "audit", asAudit, []bad{
		{"findings not a list", obj{"summary": "合规", "findings": "无"}, http.StatusBadRequest, "findings"},
	})
}

// mergeObj returns a copy of a with the members of b.
func mergeObj(a, b obj) obj {
	out := obj{}
	maps.Copy(out, a)
	maps.Copy(out, b)
	return out
}

// TestBudgetInputMatchesBudget: review.Budget reads itself, so its members
// are compared by sample payloads: each member of BudgetInput is read, an
// unknown one is refused, and the members Budget writes are BudgetInput's.
// An amount (Amount) is a decimal string in the document; review.Budget
// and decimal.Decimal also read a JSON number exactly, which the document
// leaves out so that generated clients send strings.
func TestBudgetInputMatchesBudget(t *testing.T) {
	doc := loadSpec(t)
	s := doc.Components.Schemas["BudgetInput"].Value
	props := slices.Sorted(maps.Keys(s.Properties))
	for _, k := range props {
		var b review.Budget
		assert.NoError(t, json.Unmarshal([]byte(`{"`+k+`":"1.5"}`), &b), "%s is read", k)
	}
	var b review.Budget
	assert.Error(t, json.Unmarshal([]byte(`{"provincial":"1"}`), &b), "an unknown member is refused")
	assert.Error(t, s.VisitJSON(map[string]any{"provincial": "1"}), "and so is it by the schema")

	written, err := json.Marshal(review.MustBudget("1", "2", "3", "4"))
	require.NoError(t, err)
	var members map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(written, &members))
	assert.Equal(t, props, slices.Sorted(maps.Keys(members)))

	amount := doc.Components.Schemas["Amount"].Value
	for _, c := range []struct {
		json         string
		v            any
		goOK, schema bool
	}{
		{`"120.5"`, "120.5", true, true}, {`"-3"`, "-3", true, true},
		{`120.5`, 120.5, true, false},
		{`true`, true, false, false}, {`["1"]`, []any{"1"}, false, false}, {`"1,5"`, "1,5", false, false},
	} {
		var d decimal.Decimal
		goErr := json.Unmarshal([]byte(c.json), &d)
		budgetErr := json.Unmarshal([]byte(`{"district":`+c.json+`}`), &b)
		schemaErr := amount.VisitJSON(c.v)
		assert.Equal(t, c.goOK, goErr == nil, "decimal.Decimal reads %s: %v", c.json, goErr)
		assert.Equal(t, c.goOK, budgetErr == nil, "review.Budget reads %s: %v", c.json, budgetErr)
		assert.Equal(t, c.schema, schemaErr == nil, "Amount takes %s: %v", c.json, schemaErr)
	}
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
