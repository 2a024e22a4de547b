package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// assertProblem checks a problem response: its status, code, and the
// explanation every problem carries.
func assertProblem(t *testing.T, r *reply, status int, code string) Problem {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	p := r.problem()
	assert.Equal(t, code, p.Code)
	assert.Equal(t, "urn:govit:problem:"+code, p.Type)
	assert.Equal(t, http.StatusText(status), p.Title)
	assert.NotEmpty(t, p.ZH, "zh")
	assert.NotEmpty(t, p.EN, "en")
	assert.Equal(t, p.EN, p.Detail)
	assert.Empty(t, r.header.Get("ETag"), "a problem carries no ETag")
	return p
}

// fieldsOf lists the fields of a problem's errors.
func fieldsOf(p Problem) []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

func TestStatus400MalformedInput(t *testing.T) {
	h := newHarness(t, nil)
	id, tag := h.declare(asUnitA, declaration(unitA, "学籍平台"))

	t.Run("not JSON", func(t *testing.T) {
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: `{"unit": `, mode: malformed})
		assertProblem(t, r, 400, "malformed_json")
	})
	t.Run("trailing data", func(t *testing.T) {
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: `{} {}`, mode: malformed})
		assertProblem(t, r, 400, "malformed_json")
	})
	t.Run("unknown field, named with its path", func(t *testing.T) {
		d := declaration(unitA, "学籍平台")
		d["contact"].(obj)["fax"] = "023-1"
		d["budjet"] = obj{}
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: d, mode: malformed})
		p := assertProblem(t, r, 400, "unknown_field")
		assert.Equal(t, []string{"budjet", "contact.fax"}, fieldsOf(p))
	})
	t.Run("a member spelt in another case is unknown", func(t *testing.T) {
		d := declaration(unitA, "学籍平台")
		d["Remarks"] = "无"
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: d, mode: malformed})
		p := assertProblem(t, r, 400, "unknown_field")
		assert.Equal(t, []string{"Remarks"}, fieldsOf(p))
	})
	t.Run("unknown budget source", func(t *testing.T) {
		d := declaration(unitA, "学籍平台")
		d["budget"].(obj)["provincial"] = "1"
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: d, mode: malformed})
		p := assertProblem(t, r, 400, "invalid_input")
		assert.Contains(t, fieldsOf(p), "budget.provincial")
	})
	t.Run("wrong type", func(t *testing.T) {
		d := declaration(unitA, "学籍平台")
		d["fixed_asset"] = "yes"
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: d, mode: malformed})
		p := assertProblem(t, r, 400, "invalid_input")
		assert.Equal(t, []string{"fixed_asset"}, fieldsOf(p))
	})
	t.Run("amount that is not a decimal", func(t *testing.T) {
		d := declaration(unitA, "学籍平台")
		d["budget"].(obj)["district"] = "一百"
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: d, mode: malformed})
		p := assertProblem(t, r, 400, "invalid_input")
		assert.Equal(t, []string{"budget.district"}, fieldsOf(p))
	})
	t.Run("incomplete declaration (附件1)", func(t *testing.T) {
		d := declaration(unitA, "学籍平台")
		delete(d, "content")
		d["budget"].(obj)["total"] = "121"
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: d, mode: malformed})
		p := assertProblem(t, r, 400, "declaration_invalid")
		assert.Contains(t, fieldsOf(p), "content")
		assert.Contains(t, fieldsOf(p), "budget.total")
		for _, e := range p.Errors {
			assert.NotEmpty(t, e.Article, "article of %s", e.Code)
		}
	})
	t.Run("action payload with an unknown field", func(t *testing.T) {
		r := h.send(req{method: "POST", path: "/v1/projects/" + id + "/actions/withdraw", token: asUnitA, body: obj{"reason": "重复", "reasn": "x"},
			header: map[string]string{"If-Match": tag}, mode: malformed})
		p := assertProblem(t, r, 400, "payload_unknown_field")
		assert.Equal(t, []string{"reasn"}, fieldsOf(p))
	})
	t.Run("action payload that is not an object", func(t *testing.T) {
		r := h.send(req{method: "POST", path: "/v1/projects/" + id + "/actions/withdraw", token: asUnitA, body: []string{"x"},
			header: map[string]string{"If-Match": tag}, mode: malformed})
		assertProblem(t, r, 400, "payload_not_object")
	})
	t.Run("unknown action", func(t *testing.T) {
		r := h.send(req{method: "POST", path: "/v1/projects/" + id + "/actions/approve_everything", token: asBDB,
			header: map[string]string{"If-Match": tag}, mode: offSpec})
		assertProblem(t, r, 400, "unknown_action")
	})
	for _, c := range []struct{ name, path, field string }{
		{"bad date", "/v1/projects/" + id + "/obligations?as_of=2026-02-30", "as_of"},
		{"date in another layout", "/v1/calendar/deadline?from=2026/03/02&workdays=7", "from"},
		{"missing parameter", "/v1/calendar/deadline?from=2026-03-02", "workdays"},
		{"negative workdays", "/v1/calendar/deadline?from=2026-03-02&workdays=-1", "workdays"},
		{"limit out of range", "/v1/projects?limit=0", "limit"},
		{"limit not a number", "/v1/projects?limit=ten", "limit"},
		{"unknown state", "/v1/projects?state=finished", "state"},
		{"unknown kind", "/v1/projects?kind=goods", "kind"},
		{"overdue not a boolean", "/v1/projects?overdue=yes", "overdue"},
		{"unknown query parameter", "/v1/projects?stat=declared", "stat"},
		{"repeated query parameter", "/v1/projects?state=declared&state=returned", "state"},
		{"unknown obligation status", "/v1/obligations?status=late", "status"},
		{"bad path date", "/v1/calendar/days/2026-13-01", "date"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := h.send(req{method: "GET", path: c.path, token: asBDB, mode: malformed})
			p := assertProblem(t, r, 400, "invalid_parameter")
			assert.Equal(t, []string{c.field}, fieldsOf(p))
		})
	}
	t.Run("bad Idempotency-Key", func(t *testing.T) {
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: declaration(unitA, "学籍平台"),
			header: map[string]string{"Idempotency-Key": strings.Repeat("k", 256)}, mode: malformed})
		p := assertProblem(t, r, 400, "invalid_parameter")
		assert.Equal(t, []string{"Idempotency-Key"}, fieldsOf(p))
	})
}

func TestStatus401Unauthenticated(t *testing.T) {
	h := newHarness(t, nil)
	for _, c := range []struct{ name, authorization string }{
		{"no credentials", ""},
		{"unknown token", "Bearer not-a-token"},
		{"other scheme", "Basic dW5pdDp1bml0"},
		{"empty bearer", "Bearer "},
	} {
		t.Run(c.name, func(t *testing.T) {
			hdr := map[string]string{}
			if c.authorization != "" {
				hdr["Authorization"] = c.authorization
			}
			r := h.send(req{method: "GET", path: "/v1/projects", header: hdr, mode: malformed})
			assertProblem(t, r, 401, "unauthenticated")
			assert.True(t, strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer"), r.header.Get("WWW-Authenticate"))
		})
	}
	t.Run("before the body is read", func(t *testing.T) {
		r := h.send(req{method: "POST", path: "/v1/projects", body: `not json`, mode: malformed})
		assertProblem(t, r, 401, "unauthenticated")
	})
	t.Run("scheme is case-insensitive", func(t *testing.T) {
		r := h.send(req{method: "GET", path: "/v1/projects", header: map[string]string{"Authorization": "bearer tok-bdb"}, mode: malformed})
		assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
	})
	t.Run("public endpoints need no token", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz", "/openapi.json", "/metrics"} {
			assert.Equal(t, http.StatusOK, h.get(path, anonymous).status, path)
		}
	})
}

func TestStatus403RoleMayNot(t *testing.T) {
	h := newHarness(t, nil)
	id, tag := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	t.Run("a unit may not review its own project (第六条)", func(t *testing.T) {
		r := h.act(id, "preliminary_review", asUnitA, tag, preliminaryPassed())
		p := assertProblem(t, r, 403, "role_not_permitted")
		assert.Contains(t, p.Article, "第三条")
	})
	t.Run("finance may not deliberate (第七条)", func(t *testing.T) {
		r := h.act(id, "deliberate", asFinance, tag, obj{"approved": true})
		assertProblem(t, r, 403, "role_not_permitted")
	})
	t.Run("a bureau may not declare", func(t *testing.T) {
		r := h.send(req{method: "POST", path: "/v1/projects", token: asBDB, body: declaration(unitA, "学籍平台")})
		assert.Equal(t, http.StatusForbidden, r.status, "%s", r.body)
	})
	// Nothing was recorded.
	r := h.get("/v1/projects/"+id, asBDB)
	assert.Equal(t, tag, r.header.Get("ETag"))
}

// TestStatus404NoLeak: a project of another unit is indistinguishable from
// one that does not exist, whatever the endpoint.
func TestStatus404NoLeak(t *testing.T) {
	h := newHarness(t, nil)
	id, tag := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	missing := strings.Repeat("0", len(id))
	same := func(t *testing.T, hidden, absent *reply) {
		t.Helper()
		assertProblem(t, hidden, 404, "project_not_found")
		assertProblem(t, absent, 404, "project_not_found")
		assert.Equal(t, string(bytes.ReplaceAll(absent.body, []byte(missing), []byte(id))), string(hidden.body))
		for _, k := range []string{"Content-Type", "ETag", "Location", "Cache-Control"} {
			assert.Equal(t, absent.header.Values(k), hidden.header.Values(k), k)
		}
	}
	for _, suffix := range []string{"", "/events", "/obligations"} {
		t.Run("GET"+suffix, func(t *testing.T) {
			same(t, h.get("/v1/projects/"+id+suffix, asUnitB), h.get("/v1/projects/"+missing+suffix, asUnitB))
		})
	}
	t.Run("action, even with the right ETag", func(t *testing.T) {
		same(t, h.act(id, "withdraw", asUnitB, tag, nil), h.act(missing, "withdraw", asUnitB, tag, nil))
	})
	t.Run("the owner and the bureaus see it", func(t *testing.T) {
		assert.Equal(t, http.StatusOK, h.get("/v1/projects/"+id, asUnitA).status)
		assert.Equal(t, http.StatusOK, h.get("/v1/projects/"+id, asAudit).status)
	})
}

// TestUnitIsolation: unit B cannot read, list or act on unit A's projects.
func TestUnitIsolation(t *testing.T) {
	h := newHarness(t, nil)
	idA, tagA := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	idB, _ := h.declare(asUnitB, declaration(unitB, "预约挂号平台"))

	ids := func(r *reply) []string {
		t.Helper()
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var l listView
		r.decode(&l)
		var out []string
		for _, s := range l.Items {
			out = append(out, s.ProjectID)
		}
		return out
	}
	assert.Equal(t, []string{idB}, ids(h.get("/v1/projects", asUnitB)))
	assert.Empty(t, ids(h.get("/v1/projects?unit="+url.QueryEscape(unitA), asUnitB)), "a unit filter cannot widen a unit's view")
	assert.ElementsMatch(t, []string{idA, idB}, ids(h.get("/v1/projects", asBDB)))
	assert.Equal(t, []string{idA}, ids(h.get("/v1/projects?unit="+url.QueryEscape(unitA), asBDB)))

	assert.Equal(t, http.StatusNotFound, h.get("/v1/projects/"+idA, asUnitB).status)
	assert.Equal(t, http.StatusNotFound, h.act(idA, "withdraw", asUnitB, tagA, nil).status)
	assert.Equal(t, http.StatusNotFound, h.get("/v1/projects/"+idA+"/events", asUnitB).status)
	assert.Equal(t, http.StatusNotFound, h.get("/v1/projects/"+idA+"/obligations", asUnitB).status)

	t.Run("a unit declares only in its own name", func(t *testing.T) {
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitB, body: declaration(unitA, "冒名申报")})
		assertProblem(t, r, 403, "role_not_permitted")
	})
	// A's project is untouched.
	r := h.get("/v1/projects/"+idA, asUnitA)
	assert.Equal(t, tagA, r.header.Get("ETag"))
	assert.Equal(t, lifecycle.StateDeclared, r.project().Project.State)
}

// conflictStore reports a concurrent append while armed, as a store does
// when another writer appended between the engine's load and its append.
type conflictStore struct {
	lifecycle.Store
	armed atomic.Bool
}

func (s *conflictStore) Append(ctx context.Context, expected int64, events []lifecycle.Event, sum lifecycle.Summary) ([]lifecycle.Event, error) {
	if s.armed.Load() && len(events) > 0 {
		return nil, lifecycle.ConflictError(events[0].ProjectID, expected, expected+1)
	}
	return s.Store.Append(ctx, expected, events, sum)
}

func TestStatus409ConcurrentChange(t *testing.T) {
	store := &conflictStore{Store: lifecycle.NewMemoryStore()}
	h := newHarness(t, store)
	id, tag := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	store.armed.Store(true)
	r := h.act(id, "withdraw", asUnitA, tag, obj{"reason": "重复申报"})
	assertProblem(t, r, 409, "version_conflict")
	store.armed.Store(false)
	h.step(id, "withdraw", asUnitA, tag, obj{"reason": "重复申报"}, lifecycle.StateWithdrawn)
}

// loadCounter counts the histories read from the store.
type loadCounter struct {
	*lifecycle.MemoryStore
	loads atomic.Int32
}

func (s *loadCounter) Load(ctx context.Context, id string) ([]lifecycle.Event, error) {
	s.loads.Add(1)
	return s.MemoryStore.Load(ctx, id)
}

// TestIfMatchOfOneTagIsTheExpectedVersion: If-Match of one tag is handed
// to the engine as the expected version, with no read of its own; the
// engine's fold of the project it declared is current, so the action
// reads nothing. A list is matched against a read of the version.
func TestIfMatchOfOneTagIsTheExpectedVersion(t *testing.T) {
	store := &loadCounter{MemoryStore: lifecycle.NewMemoryStore()}
	h := newHarness(t, store)
	id, v1 := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	store.loads.Store(0)
	v2 := h.step(id, "preliminary_review", asBDB, v1, preliminaryPassed(), lifecycle.StatePreliminaryPassed)
	assert.Zero(t, store.loads.Load())
	h.step(id, "expert_review", asBDB, `"v9", `+v2, expertPassed("100", "20"), lifecycle.StateExpertPassed)
	assert.Equal(t, int32(1), store.loads.Load())
}

func TestStatus412StaleETag(t *testing.T) {
	h := newHarness(t, nil)
	id, v1 := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	v2 := h.step(id, "preliminary_review", asBDB, v1, preliminaryPassed(), lifecycle.StatePreliminaryPassed)
	t.Run("an older version", func(t *testing.T) {
		r := h.act(id, "expert_review", asBDB, v1, expertPassed("100", "20"))
		p := assertProblem(t, r, 412, "precondition_failed")
		assert.Contains(t, p.EN, v2)
	})
	t.Run("a weak tag never matches If-Match", func(t *testing.T) {
		r := h.act(id, "expert_review", asBDB, "W/"+v2, expertPassed("100", "20"))
		assertProblem(t, r, 412, "precondition_failed")
	})
	t.Run("not a tag", func(t *testing.T) {
		r := h.act(id, "expert_review", asBDB, "v2", expertPassed("100", "20"))
		assertProblem(t, r, 412, "precondition_failed")
	})
	t.Run("one of a list, or *", func(t *testing.T) {
		v3 := h.step(id, "expert_review", asBDB, `"v9", `+v2, expertPassed("100", "20"), lifecycle.StateExpertPassed)
		assert.Equal(t, `"v3"`, v3)
		h.step(id, "deliberate", asGovernment, "*", obj{"approved": true}, lifecycle.StateApproved)
	})
}

func TestStatus413BodyTooLarge(t *testing.T) {
	h := newHarness(t, nil, func(_ *lifecycle.Config, c *Config) { c.MaxBodyBytes = 2048 })
	d := declaration(unitA, "学籍平台")
	d["remarks"] = strings.Repeat("备", 1000)
	r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: d})
	assertProblem(t, r, 413, "body_too_large")
	d["remarks"] = "无"
	h.declare(asUnitA, d)
}

func TestStatus415NotJSON(t *testing.T) {
	h := newHarness(t, nil)
	r := h.send(req{method: "POST", path: "/v1/changes/assess", token: asBDB, body: "base=1",
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, mode: malformed})
	assertProblem(t, r, 415, "unsupported_media_type")
}

func TestStatus422Refused(t *testing.T) {
	h := newHarness(t, nil)
	t.Run("out of scope (第二条)", func(t *testing.T) {
		d := declaration(unitA, "办公电脑采购")
		d["items"] = []obj{{"category": "pc", "name": "办公电脑 50 台"}}
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: d})
		p := assertProblem(t, r, 422, "out_of_scope")
		assert.Equal(t, "第二条", p.Article)
		assert.NotEmpty(t, p.Guard)
	})
	t.Run("classified (第十九条)", func(t *testing.T) {
		d := declaration(unitA, "涉密系统")
		d["classified"] = true
		r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: d})
		p := assertProblem(t, r, 422, "classified_project")
		assert.Equal(t, "第十九条", p.Article)
	})
	t.Run("no expert review before the preliminary review passes (第六条)", func(t *testing.T) {
		id, tag := h.declare(asUnitA, declaration(unitA, "学籍平台"))
		r := h.act(id, "expert_review", asBDB, tag, expertPassed("100", "20"))
		p := assertProblem(t, r, 422, "action_not_allowed_in_state")
		assert.Equal(t, "第六条", p.Article)
	})
}

func TestStatus428IfMatchRequired(t *testing.T) {
	h := newHarness(t, nil)
	id, tag := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	r := h.send(req{method: "POST", path: "/v1/projects/" + id + "/actions/withdraw", token: asUnitA, body: obj{}, mode: malformed})
	assertProblem(t, r, 428, "precondition_required")
	assert.Equal(t, tag, h.get("/v1/projects/"+id, asUnitA).header.Get("ETag"), "nothing recorded")
}

func TestUnknownRoutes(t *testing.T) {
	h := newHarness(t, nil)
	r := h.send(req{method: "DELETE", path: "/v1/projects", token: asBDB, mode: offSpec})
	assertProblem(t, r, 405, "method_not_allowed")
	assert.Equal(t, "POST, GET, HEAD", r.header.Get("Allow"))
	r = h.send(req{method: "GET", path: "/v2/projects", token: asBDB, mode: offSpec})
	assertProblem(t, r, 404, "route_not_found")
}

func TestIfNoneMatch(t *testing.T) {
	h := newHarness(t, nil)
	id, tag := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	r := h.send(req{method: "GET", path: "/v1/projects/" + id, token: asUnitA, header: map[string]string{"If-None-Match": tag}})
	assert.Equal(t, http.StatusNotModified, r.status)
	assert.Equal(t, tag, r.header.Get("ETag"))
	assert.Empty(t, r.body)
	r = h.send(req{method: "GET", path: "/v1/projects/" + id, token: asUnitA, header: map[string]string{"If-None-Match": `"v0"`}})
	assert.Equal(t, http.StatusOK, r.status)
}
