package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

// everyStore runs f on the memory, SQLite and PostgreSQL stores.
func everyStore(t *testing.T, f func(t *testing.T, store lifecycle.Store)) {
	for _, st := range []struct {
		name string
		open func(t *testing.T) lifecycle.Store
	}{
		{"memory", func(*testing.T) lifecycle.Store { return lifecycle.NewMemoryStore() }},
		{"sqlite", func(t *testing.T) lifecycle.Store { return openStore(t, filepath.Join(t.TempDir(), "govit.db")) }},
		{"postgres", func(t *testing.T) lifecycle.Store { return openStore(t, sqltest.PostgresDSN(t)) }},
	} {
		t.Run(st.name, func(t *testing.T) { f(t, st.open(t)) })
	}
}

// listed counts the projects the bureau sees.
func (h *harness) listed() int {
	h.t.Helper()
	r := h.get("/v1/projects", asBDB)
	require.Equal(h.t, http.StatusOK, r.status)
	var l listView
	r.decode(&l)
	return len(l.Items)
}

func TestTheServerAssignsProjectIDs(t *testing.T) {
	everyStore(t, func(t *testing.T, store lifecycle.Store) {
		h := newHarness(t, store)
		first, _ := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))

		d := declaration(unitA, "学籍与资助管理平台（二）")
		d["id"] = first
		r := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: d, mode: malformed})
		require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
		p := r.problem()
		assert.Equal(t, "id_assigned_by_server", p.Code)
		require.Len(t, p.Errors, 1)
		assert.Equal(t, "id", p.Errors[0].Field)
		assert.Equal(t, 1, h.listed(), "nothing stored")

		// Through the engine, an ID on the declaration is replaced by the
		// one assigned.
		decl := mustDeclaration(t, declaration(unitA, "校园安全平台"))
		decl.ID = first
		proj, _, err := h.engine.Declare(t.Context(), lifecycle.Actor{ID: "unit-a", Unit: unitA, Roles: []lifecycle.Role{lifecycle.RoleUnit}}, decl)
		require.NoError(t, err)
		assert.NotEqual(t, first, proj.ID)
		assert.Equal(t, proj.ID, proj.Declaration.ID)
	})
}

// toProcuring takes a new project to procurement and returns its ETag.
func toProcuring(h *harness, id, tag string) string {
	tag = h.step(id, "preliminary_review", asBDB, tag, preliminaryPassed(), lifecycle.StatePreliminaryPassed)
	tag = h.step(id, "expert_review", asBDB, tag, expertPassed("100", "20"), lifecycle.StateExpertPassed)
	tag = h.step(id, "deliberate", asGovernment, tag, obj{"approved": true}, lifecycle.StateApproved)
	tag = h.step(id, "budget", asFinance, tag, obj{"year": 2026, "type": "annual"}, lifecycle.StateBudgeted)
	return h.step(id, "start_procurement", asUnitA, tag, obj{"method": "公开招标"}, lifecycle.StateProcuring)
}

func TestOneAmountGrammarEverywhere(t *testing.T) {
	everyStore(t, func(t *testing.T, store lifecycle.Store) {
		h := newHarness(t, store)
		id, tag := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))
		tag = toProcuring(h, id, tag)
		for _, amount := range []any{"+100", "5.", ".5", "1e2", "100 ", "１００", json.Number("1e2"), "0x10"} {
			k := contract("HT-1", "0", "2026-03-02")
			k["contract"].(obj)["amount"] = amount
			r := h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/actions/sign_contract", token: asUnitA, body: k,
				header: map[string]string{"If-Match": tag}, mode: malformed})
			require.Equal(t, http.StatusBadRequest, r.status, "%v: %s", amount, r.body)
			p := r.problem()
			require.NotEmpty(t, p.Errors, "%v", amount)
			assert.Equal(t, "contract.amount", p.Errors[0].Field, "%v", amount)

			d := declaration(unitA, "同一语法")
			d["budget"] = obj{"district": amount}
			r = h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: d, mode: malformed})
			assert.Equal(t, http.StatusBadRequest, r.status, "the budget refuses %v too", amount)
		}
		r := h.get("/v1/projects/"+id, asUnitA)
		assert.Equal(t, tag, r.header.Get("ETag"), "nothing stored")
		assert.Equal(t, 1, h.listed())
		h.step(id, "sign_contract", asUnitA, tag, contract("HT-1", "100.5", "2026-03-02"), lifecycle.StateImplementing)
	})
}

func TestBudgetYearBounds(t *testing.T) {
	everyStore(t, func(t *testing.T, store lifecycle.Store) {
		h := newHarness(t, store)
		// The clock is in 2026: 2029 is the latest budget year
		// (lifecycle.BudgetYearsAhead); 3000 is refused, at the field.
		om := func(year int) obj {
			d := declaration(unitA, fmt.Sprintf("学籍平台 %d 年度运维", year))
			d["kind"] = "operation"
			d["budget_year"] = year
			delete(d, "construction_type")
			return d
		}
		for _, year := range []int{2030, 3000, 9999} {
			r := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: om(year), mode: malformed})
			require.Equal(t, http.StatusBadRequest, r.status, "%d: %s", year, r.body)
			p := r.problem()
			require.NotEmpty(t, p.Errors)
			assert.Equal(t, "budget_year", p.Errors[0].Field)
			assert.Equal(t, "budget_year_invalid", p.Errors[0].Code)
		}
		assert.Zero(t, h.listed())
		h.declare(asUnitA, om(2027))
		h.declare(asUnitA, om(2029))

		id, tag := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))
		tag = h.step(id, "preliminary_review", asBDB, tag, preliminaryPassed(), lifecycle.StatePreliminaryPassed)
		tag = h.step(id, "expert_review", asBDB, tag, expertPassed("100", "20"), lifecycle.StateExpertPassed)
		tag = h.step(id, "deliberate", asGovernment, tag, obj{"approved": true}, lifecycle.StateApproved)
		r := h.act(id, "budget", asFinance, tag, obj{"year": 3000, "type": "annual"})
		require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
		assert.Equal(t, "year", r.problem().Errors[0].Field)
		h.step(id, "budget", asFinance, tag, obj{"year": 2027, "type": "annual"}, lifecycle.StateBudgeted)
	})
}

func TestNamesOfInvisibleCharactersAreRefused(t *testing.T) {
	everyStore(t, func(t *testing.T, store lifecycle.Store) {
		h := newHarness(t, store)
		for _, name := range []string{"\u200b\u200b\u200b", "\u200c\u200d\u2060\ufeff", " \u3000\t", "\u3164\u115f", "\u00ad"} {
			r := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: declaration(unitA, name), mode: malformed})
			require.Equal(t, http.StatusBadRequest, r.status, "%q: %s", name, r.body)
			fields := map[string]bool{}
			for _, e := range r.problem().Errors {
				fields[e.Field] = true
			}
			assert.True(t, fields["name"], "%q: %s", name, r.body)
		}
		assert.Zero(t, h.listed())
		h.declare(asUnitA, declaration(unitA, "\u200b学籍平台"))
	})
}

func TestErrorListsAreCapped(t *testing.T) {
	h := newHarness(t, nil)
	const n = 400
	items := make([]obj, n)
	for i := range items {
		items[i] = obj{"item": fmt.Sprintf("事项%d", i), "source": "district", "old": "x", "new": "y"}
	}
	base := obj{"central": "0", "municipal": "0", "district": "100", "self_funded": "0"}
	r := h.send(req{method: http.MethodPost, path: "/v1/changes/assess", token: asBDB, mode: malformed,
		body: obj{"base": base, "request": obj{"reason": "调整", "items": items}}})
	require.Equal(t, http.StatusBadRequest, r.status, "%.300s", r.body)
	p := r.problem()
	assert.Len(t, p.Errors, MaxProblemErrors)
	assert.Equal(t, "request.items[0].old", p.Errors[0].Field)
	assert.Equal(t, 2*n-MaxProblemErrors, p.ErrorsOmitted, "two findings an item")
	assert.Contains(t, p.EN, fmt.Sprintf("and %d more", 2*n-MaxProblemErrors))
	assert.Contains(t, p.ZH, fmt.Sprintf("另有 %d 条", 2*n-MaxProblemErrors))
	assert.Less(t, len(r.body), 64<<10)

	// Under the cap nothing is said about more.
	r = h.send(req{method: http.MethodPost, path: "/v1/changes/assess", token: asBDB, mode: malformed,
		body: obj{"base": base, "request": obj{"reason": "调整", "items": items[:3]}}})
	p = r.problem()
	assert.Len(t, p.Errors, 6)
	assert.Zero(t, p.ErrorsOmitted)
	assert.NotContains(t, p.EN, "more not listed")
}
