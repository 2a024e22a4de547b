package httpapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// TestRefusalsNameTheJSONPointer: the strict reader's refusals of an
// unknown member, a member given twice and a member differing from a field
// only in case name the member both ways in the problem: field, the
// dotted path the console maps to its form, and pointer, its RFC 6901
// JSON Pointer. A query parameter has no pointer. Nothing is recorded.
func TestRefusalsNameTheJSONPointer(t *testing.T) {
	h := newHarness(t, nil)
	id, tag := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))
	tag = h.step(id, "preliminary_review", asBDB, tag, preliminaryPassed(), lifecycle.StatePreliminaryPassed)
	tag = h.step(id, "expert_review", asBDB, tag, expertPassed("100", "20"), lifecycle.StateExpertPassed)
	tag = h.step(id, "deliberate", asGovernment, tag, obj{"approved": true}, lifecycle.StateApproved)
	tag = h.step(id, "budget", asFinance, tag, obj{"year": 2026, "type": "annual"}, lifecycle.StateBudgeted)
	tag = h.step(id, "start_procurement", asUnitA, tag, nil, lifecycle.StateProcuring)

	const good = `"id":"HT-1","title":"平台开发","signed_on":"2026-03-02","supplier":"某公司"`
	for _, c := range []struct {
		name, action, token, body string
		code, field, pointer      string
	}{
		{"a case variant", "sign_contract", asUnitA, `{"contract":{` + good + `,"amount":"1","AMOUNT":"2"}}`,
			"payload_unknown_field", "contract.AMOUNT", "/contract/AMOUNT"},
		{"a duplicate", "sign_contract", asUnitA, `{"contract":{` + good + `,"amount":"1","amount":"2"}}`,
			"payload_duplicate_field", "contract.amount", "/contract/amount"},
		{"an unknown member", "sign_contract", asUnitA, `{"contract":{` + good + `,"amount":"1","currency":"CNY"}}`,
			"payload_unknown_field", "contract.currency", "/contract/currency"},
		{"a case variant at the top", "sign_contract", asUnitA, `{"Contract":{}}`,
			"payload_unknown_field", "Contract", "/Contract"},
		{"a duplicate in an array's element", "request_change", asUnitA,
			`{"reason":"调整","items":[{"item":"监理","source":"district","old":"20","new":"21","new":"22"}]}`,
			"payload_duplicate_field", "items[0].new", "/items/0/new"},
		{"an unknown member of an element", "request_change", asUnitA,
			`{"reason":"调整","items":[{"item":"监理","source":"district","old":"20","new":"21"},{"item":"x","source":"district","old":"1","new":"2","note":"x"}]}`,
			"", "items[1].note", "/items/1/note"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/actions/" + c.action, token: c.token,
				body: c.body, header: map[string]string{"If-Match": tag}, mode: malformed})
			require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
			p := r.problem()
			var hit *FieldError
			for i := range p.Errors {
				if p.Errors[i].Field == c.field {
					hit = &p.Errors[i]
				}
			}
			require.NotNil(t, hit, "no error names %s: %+v", c.field, p.Errors)
			assert.Equal(t, c.pointer, hit.Pointer)
			if c.code != "" {
				assert.Equal(t, c.code, hit.Code)
			}
			assert.Equal(t, tag, h.get("/v1/projects/"+id, asUnitA).header.Get("ETag"), "nothing recorded")
		})
	}
	t.Run("a declaration's budget", func(t *testing.T) {
		d := declaration(unitA, "另一平台")
		d["budget"].(obj)["District"] = "1"
		r := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: d, mode: malformed})
		require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
		p := r.problem()
		require.NotEmpty(t, p.Errors)
		assert.Equal(t, "budget.District", p.Errors[0].Field)
		assert.Equal(t, "/budget/District", p.Errors[0].Pointer)
	})
	t.Run("a query parameter has none", func(t *testing.T) {
		r := h.send(req{method: http.MethodGet, path: "/v1/projects?limit=x", token: asBDB, mode: malformed})
		p := assertProblem(t, r, http.StatusBadRequest, "invalid_parameter")
		require.Len(t, p.Errors, 1)
		assert.Equal(t, "limit", p.Errors[0].Field)
		assert.Empty(t, p.Errors[0].Pointer)
	})
}
