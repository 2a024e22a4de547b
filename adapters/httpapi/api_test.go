package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/lifecycle"
)

// TestRoutesMatchDocument: every route the server registers is described
// in the OpenAPI document, and every operation of the document is served,
// the route of the actions by one operation per action. The operations
// tagged portfolio are served by adapters/portfolio, whose tests hold them
// to its routes.
func TestRoutesMatchDocument(t *testing.T) {
	doc := loadSpec(t)
	var described []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !slices.Contains(op.Tags, "portfolio") {
				described = append(described, method+" "+path)
			}
		}
	}
	h := newHarness(t, nil)
	var served []string
	for _, p := range h.api.Patterns() {
		if p != "POST /v1/projects/{id}/actions/{action}" {
			served = append(served, p)
			continue
		}
		for _, a := range lifecycle.Actions() {
			served = append(served, "POST /v1/projects/{id}/actions/"+string(a))
		}
	}
	slices.Sort(described)
	slices.Sort(served)
	assert.Equal(t, described, served)
	require.NotEmpty(t, served)

	// And the mux really routes each described operation to its pattern:
	// none falls through to the 404 or 405 fallbacks.
	for _, p := range h.api.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		path = strings.NewReplacer("{id}", "x", "{action}", "withdraw", "{date}", "2026-03-02").Replace(path)
		r := httptest.NewRequest(method, path, nil)
		_, pattern := h.api.mux.Handler(r)
		assert.Equal(t, p, pattern)
	}
}

// TestValidatorCatchesDrift proves the validating client fails a test when
// a response leaves the document: a handler that answers a project without
// its "permitted" member, and a problem of an undocumented status.
func TestValidatorCatchesDrift(t *testing.T) {
	doc := loadSpec(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/projects/x" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"project":{"id":"x"}}`))
			return
		}
		writeProblem(w, newProblem(http.StatusTeapot, "teapot", "茶壶", "teapot"))
	}))
	defer srv.Close()
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	for _, path := range []string{"/v1/projects/x", "/v1/rulebook"} {
		rec := &recordingT{TB: t}
		client := &http.Client{Transport: &validating{t: rec, router: router, next: http.DefaultTransport}}
		r, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		r.Header.Set("Authorization", "Bearer x")
		resp, err := client.Do(r)
		require.NoError(t, err)
		resp.Body.Close()
		assert.True(t, rec.failed, "%s: the drift went unnoticed", path)
	}
}

// recordingT records failures instead of failing.
type recordingT struct {
	testing.TB
	failed bool
}

func (r *recordingT) Errorf(string, ...any) { r.failed = true }

func TestIdempotencyKey(t *testing.T) {
	h := newHarness(t, nil)
	post := func(token, key string, body any) *reply {
		return h.send(req{method: "POST", path: "/v1/projects", token: token, body: body,
			header: map[string]string{"Idempotency-Key": key}})
	}
	d := declaration(unitA, "学籍平台")
	first := post(asUnitA, "k-1", d)
	require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
	assert.Empty(t, first.header.Get("Idempotent-Replayed"))

	t.Run("a retry replays the stored response", func(t *testing.T) {
		again := post(asUnitA, "k-1", d)
		assert.Equal(t, first.status, again.status)
		assert.Equal(t, string(first.body), string(again.body))
		assert.Equal(t, first.header.Get("Location"), again.header.Get("Location"))
		assert.Equal(t, first.header.Get("ETag"), again.header.Get("ETag"))
		assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
		var l listView
		h.get("/v1/projects", asUnitA).decode(&l)
		assert.Len(t, l.Items, 1, "declared once")
	})
	t.Run("the same key with another body is refused", func(t *testing.T) {
		r := post(asUnitA, "k-1", declaration(unitA, "另一个平台"))
		assertProblem(t, r, 422, "idempotency_key_reused")
	})
	t.Run("keys are per actor", func(t *testing.T) {
		r := post(asUnitB, "k-1", declaration(unitB, "预约挂号平台"))
		assert.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	})
	t.Run("an action retried after it succeeded replays, not 412", func(t *testing.T) {
		id := first.project().Project.ID
		tag := first.header.Get("ETag")
		act := func() *reply {
			return h.send(req{method: "POST", path: "/v1/projects/" + id + "/actions/withdraw", token: asUnitA,
				body: obj{"reason": "重复申报"}, header: map[string]string{"If-Match": tag, "Idempotency-Key": "w-1"}})
		}
		a := act()
		require.Equal(t, http.StatusOK, a.status, "%s", a.body)
		b := act()
		assert.Equal(t, http.StatusOK, b.status)
		assert.Equal(t, string(a.body), string(b.body))
		assert.Equal(t, `"v2"`, b.header.Get("ETag"))
		var evs struct{ Items []lifecycle.Event }
		h.get("/v1/projects/"+id+"/events", asUnitA).decode(&evs)
		assert.Len(t, evs.Items, 2, "withdrawn once")
	})
	t.Run("refusals that depend on timing are not kept", func(t *testing.T) {
		id, tag := h.declare(asUnitA, declaration(unitA, "第三个平台"))
		send := func(ifMatch string) *reply {
			hdr := map[string]string{"Idempotency-Key": "w-2"}
			mode := conform
			if ifMatch != "" {
				hdr["If-Match"] = ifMatch
			} else {
				mode = malformed
			}
			return h.send(req{method: "POST", path: "/v1/projects/" + id + "/actions/withdraw", token: asUnitA,
				body: obj{}, header: hdr, mode: mode})
		}
		assert.Equal(t, http.StatusPreconditionRequired, send("").status)
		assert.Equal(t, http.StatusPreconditionFailed, send(`"v7"`).status)
		assert.Equal(t, http.StatusOK, send(tag).status)
	})
}

func TestMetrics(t *testing.T) {
	h := newHarness(t, nil)
	id, tag := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	h.act(id, "preliminary_review", asUnitA, tag, preliminaryPassed())
	h.step(id, "withdraw", asUnitA, tag, obj{"reason": "重复"}, lifecycle.StateWithdrawn)
	r := h.get("/metrics", anonymous)
	require.Equal(t, http.StatusOK, r.status)
	assert.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "text/plain"), r.header.Get("Content-Type"))
	text := string(r.body)
	has := func(text, want string) {
		t.Helper()
		assert.True(t, strings.Contains(text, want), "metrics lack %s", want)
	}
	for _, want := range []string{
		`govit_http_requests_total{code="201",method="POST",route="POST /v1/projects"} 1`,
		`govit_http_requests_total{code="200",method="POST",route="POST /v1/projects/{id}/actions/{action}"} 1`,
		`govit_http_requests_total{code="403",method="POST",route="POST /v1/projects/{id}/actions/{action}"} 1`,
		`govit_actions_total{action="preliminary_review",outcome="forbidden"} 1`,
		`govit_actions_total{action="withdraw",outcome="ok"} 1`,
		`govit_http_request_duration_seconds_bucket{code="201",method="POST",route="POST /v1/projects",le="+Inf"} 1`,
		`go_goroutines`,
	} {
		has(text, want)
	}
	t.Run("unknown action names do not become labels", func(t *testing.T) {
		h.send(req{method: "POST", path: "/v1/projects/" + id + "/actions/x-" + strings.Repeat("y", 20), token: asBDB,
			header: map[string]string{"If-Match": tag}, mode: offSpec})
		text := string(h.get("/metrics", anonymous).body)
		has(text, `govit_actions_total{action="unknown",outcome="invalid"} 1`)
		assert.False(t, strings.Contains(text, "yyyy"))
	})
	t.Run("servers do not share metrics", func(t *testing.T) {
		other := newHarness(t, nil)
		other.get("/healthz", anonymous)
		text := string(other.get("/metrics", anonymous).body)
		assert.False(t, strings.Contains(text, `route="POST /v1/projects"`))
		has(text, `route="GET /healthz"`)
	})
	t.Run("an embedder's registry", func(t *testing.T) {
		reg := prometheus.NewRegistry()
		newHarness(t, nil, func(_ *lifecycle.Config, c *Config) { c.Registry = reg }).get("/healthz", anonymous)
		mfs, err := reg.Gather()
		require.NoError(t, err)
		var names []string
		for _, mf := range mfs {
			names = append(names, mf.GetName())
		}
		assert.Contains(t, names, "govit_http_requests_total")
	})
}

func TestHealthAndReadiness(t *testing.T) {
	var down error
	var mu sync.Mutex
	h := newHarness(t, nil, func(_ *lifecycle.Config, c *Config) {
		c.Ready = func(ctx context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			return down
		}
	})
	assert.Equal(t, http.StatusOK, h.get("/healthz", anonymous).status)
	assert.Equal(t, http.StatusOK, h.get("/readyz", anonymous).status)
	mu.Lock()
	down = errors.New("connection refused")
	mu.Unlock()
	r := h.get("/readyz", anonymous)
	assertProblem(t, r, 503, "not_ready")
	assert.NotContains(t, string(r.body), "connection refused", "the cause is logged, not shown")
	assert.Equal(t, http.StatusOK, h.get("/healthz", anonymous).status, "alive while not ready")
}

func TestOpenAPIServed(t *testing.T) {
	h := newHarness(t, nil)
	r := h.get("/openapi.json", anonymous)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	assert.Equal(t, string(OpenAPI()), string(r.body))
}

func TestPanicIsA500Problem(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	h := newHarness(t, nil, func(_ *lifecycle.Config, c *Config) {
		c.Auth = AuthenticatorFunc(func(r *http.Request) (lifecycle.Actor, error) {
			if r.URL.Path == "/v1/rulebook" {
				panic("authenticator bug")
			}
			return lifecycle.Actor{}, errors.New("session store down")
		})
		c.Logger = slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logs}, nil))
	})
	r := h.get("/v1/rulebook", asBDB)
	p := assertProblem(t, r, 500, "internal_error")
	assert.NotContains(t, p.EN, "authenticator bug")
	r = h.get("/v1/projects", asBDB)
	assertProblem(t, r, 503, "authentication_unavailable")
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, logs.String(), "authenticator bug")
	assert.Contains(t, logs.String(), `"stack"`)
	assert.Contains(t, logs.String(), "session store down")
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestCalendarEndpoints(t *testing.T) {
	h := newHarness(t, nil)
	t.Run("deadline across National Day 2025", func(t *testing.T) {
		// 2025: 1–8 October off; Saturday 11 October a makeup working
		// day. Seven working days from Tuesday 30 September: 9, 10, 11,
		// 13, 14, 15, 16 October.
		r := h.get("/v1/calendar/deadline?from=2025-09-30&workdays=7", asUnitA)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var d deadlineJSON
		r.decode(&d)
		assert.Equal(t, "2025-10-16", d.Due)
		assert.Equal(t, "Thursday", d.DueWeekday)
		require.NotEmpty(t, d.Holidays)
		assert.Equal(t, "2025-10-01", d.Holidays[0].First)
		assert.Equal(t, "2025-10-08", d.Holidays[0].Last)
		require.Len(t, d.MakeupDays, 1)
		assert.Equal(t, "2025-10-11", d.MakeupDays[0].Date)
		assert.NotEmpty(t, d.ZH)
	})
	t.Run("day 0 is the day itself", func(t *testing.T) {
		var d deadlineJSON
		h.get("/v1/calendar/deadline?from=2026-03-02&workdays=0", asUnitA).decode(&d)
		assert.Equal(t, "2026-03-02", d.Due)
	})
	t.Run("a makeup Saturday", func(t *testing.T) {
		var d dayJSON
		r := h.get("/v1/calendar/days/2025-10-11", asUnitA)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		r.decode(&d)
		assert.True(t, d.Workday)
		assert.Equal(t, "makeup", d.Kind)
		assert.Equal(t, "Saturday", d.Weekday)
		assert.Equal(t, "星期六", d.WeekdayZH)
	})
	t.Run("a holiday", func(t *testing.T) {
		var d dayJSON
		h.get("/v1/calendar/days/2025-10-01", asUnitA).decode(&d)
		assert.False(t, d.Workday)
		assert.Equal(t, "holiday", d.Kind)
		assert.NotEmpty(t, d.Holiday)
	})
	t.Run("a year without a published schedule is never guessed", func(t *testing.T) {
		first, last, ok := calendar.China().Years()
		require.True(t, ok)
		r := h.get(fmt.Sprintf("/v1/calendar/days/%d-06-01", last+3), asUnitA)
		assertProblem(t, r, 422, "calendar_year_not_published")
		r = h.get(fmt.Sprintf("/v1/calendar/deadline?from=%d-12-20&workdays=30", last), asUnitA)
		assertProblem(t, r, 422, "calendar_year_not_published")
		assert.Less(t, first, last)
	})
}

func TestAssessChange(t *testing.T) {
	h := newHarness(t, nil)
	assess := func(body any, mode ...specMode) *reply {
		q := req{method: "POST", path: "/v1/changes/assess", token: asBDB, body: body}
		if len(mode) > 0 {
			q.mode = mode[0]
		}
		return h.send(q)
	}
	base := obj{"central": "0", "municipal": "0", "district": "100", "self_funded": "20"}
	item := func(oldAmt, newAmt string) obj {
		return obj{"reason": "增加数据接口", "items": []obj{{"item": "数据接口开发", "source": "district", "old": oldAmt, "new": newAmt}}}
	}
	decision := func(r *reply) change.Decision {
		t.Helper()
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var d change.Decision
		r.decode(&d)
		return d
	}
	// 第十一条: not exceeding 10% of the investment (120 万元) is minor,
	// exceeding it is major.
	t.Run("第十一条第（一）项/exactly 10%", func(t *testing.T) {
		d := decision(assess(obj{"base": base, "request": item("0", "12")}))
		assert.Equal(t, change.Minor, d.Kind)
		assert.Equal(t, "第十一条第（一）项", d.Article)
		assert.True(t, d.Involved.Equal(decimal.RequireFromString("12")), d.Involved.String())
		assert.Equal(t, []string{"bdb"}, d.Approvers)
	})
	t.Run("第十一条第（一）项/just under 10%", func(t *testing.T) {
		d := decision(assess(obj{"base": base, "request": item("0", "11.999999")}))
		assert.Equal(t, change.Minor, d.Kind)
	})
	t.Run("第十一条第（二）项/just over 10%", func(t *testing.T) {
		d := decision(assess(obj{"base": base, "request": item("0", "12.000001")}))
		assert.Equal(t, change.Major, d.Kind)
		assert.Equal(t, "第十一条第（二）项", d.Article)
	})
	t.Run("第十一条/fixed-asset changes also go to drc", func(t *testing.T) {
		d := decision(assess(obj{"base": base, "fixed_asset": true, "request": item("0", "5")}))
		assert.Equal(t, []string{"bdb", "drc"}, d.Approvers)
	})
	t.Run("第十一条/prior minor changes accumulate", func(t *testing.T) {
		first := assess(obj{"base": base, "request": item("0", "7")})
		require.Equal(t, http.StatusOK, first.status)
		body := fmt.Sprintf(`{"base":{"district":"100","self_funded":"20"},"prior":[%s],"request":{"reason":"再增加","items":[{"item":"报表","source":"district","old":"0","new":"6"}]}}`, bytes.TrimSpace(first.body))
		d := decision(assess(body))
		assert.Equal(t, change.Major, d.Kind, "7 + 6 = 13 > 12")
		assert.True(t, d.Cumulative.Equal(decimal.RequireFromString("13")), d.Cumulative.String())
	})
	t.Run("bad input names the field", func(t *testing.T) {
		r := assess(obj{"base": base, "request": obj{"reason": "", "items": []obj{{"item": "x", "source": "district", "old": "0", "new": "abc"}}}}, malformed)
		p := assertProblem(t, r, 400, "invalid_input")
		assert.Contains(t, fieldsOf(p), "request.items[0].new")
	})
	t.Run("a blank reason is refused (书面, 第十一条)", func(t *testing.T) {
		r := assess(obj{"base": base, "request": obj{"reason": " ", "items": item("0", "1")["items"]}})
		p := assertProblem(t, r, 400, "invalid_change")
		assert.Contains(t, fieldsOf(p), "reason")
	})
	t.Run("unknown and missing members", func(t *testing.T) {
		r := h.send(req{method: "POST", path: "/v1/changes/assess", token: asBDB, body: obj{"base": base, "request": item("0", "1"), "approved": true}, mode: malformed})
		p := assertProblem(t, r, 400, "unknown_field")
		assert.Equal(t, []string{"approved"}, fieldsOf(p))
		bad := item("0", "1")
		bad["urgent"] = true
		bad["items"].([]obj)[0]["note"] = "x"
		r = h.send(req{method: "POST", path: "/v1/changes/assess", token: asBDB, body: obj{"base": base, "request": bad}, mode: malformed})
		p = assertProblem(t, r, 400, "invalid_input")
		assert.ElementsMatch(t, []string{"request.items[0].note", "request.urgent"}, fieldsOf(p), "inside the change request too")
		for _, e := range p.Errors {
			assert.Equal(t, change.CodeFieldUnknown, e.Code, "the change package refuses its unknown members (第十一条)")
			assert.Equal(t, change.Article, e.Article)
		}
		r = h.send(req{method: "POST", path: "/v1/changes/assess", token: asBDB, body: obj{"base": base}, mode: malformed})
		p = assertProblem(t, r, 400, "field_required")
		assert.Equal(t, []string{"request"}, fieldsOf(p))
	})
}

func TestRulebookEndpoint(t *testing.T) {
	h := newHarness(t, nil)
	r := h.get("/v1/rulebook", asUnitA)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var rb struct {
		Document    string                                `json:"document"`
		FilingDays  int                                   `json:"filing_days"`
		ArchiveDays int                                   `json:"archive_days"`
		Roles       map[lifecycle.Action][]lifecycle.Role `json:"roles"`
		Effective   time.Time                             `json:"effective"`
	}
	r.decode(&rb)
	assert.Equal(t, "渝北府办发〔2019〕26号", rb.Document)
	assert.Equal(t, 7, rb.FilingDays, "第十二条: 7个工作日")
	assert.Equal(t, 10, rb.ArchiveDays, "第十五条: 10个工作日")
	assert.Equal(t, []lifecycle.Role{lifecycle.RoleGovernment}, rb.Roles[lifecycle.ActDeliberate])
	assert.Equal(t, "2019-12-12", rb.Effective.In(calendar.Beijing).Format(time.DateOnly), "第二十条")
	assert.Equal(t, http.StatusOK, h.get("/v1/rulebook?on=2019-12-12", asUnitA).status)
}

func TestObligationLists(t *testing.T) {
	h := newHarness(t, nil)
	id, tag := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	tag = h.step(id, "preliminary_review", asBDB, tag, preliminaryPassed(), lifecycle.StatePreliminaryPassed)
	tag = h.step(id, "expert_review", asBDB, tag, expertPassed("100", "20"), lifecycle.StateExpertPassed)
	tag = h.step(id, "deliberate", asGovernment, tag, obj{"approved": true}, lifecycle.StateApproved)
	tag = h.step(id, "budget", asFinance, tag, obj{"year": 2026, "type": "annual"}, lifecycle.StateBudgeted)
	tag = h.step(id, "start_procurement", asUnitA, tag, nil, lifecycle.StateProcuring)
	h.step(id, "sign_contract", asUnitA, tag, contract("HT-1", "100", "2026-03-02"), lifecycle.StateImplementing)
	other, _ := h.declare(asUnitB, declaration(unitB, "预约挂号平台"))

	type list struct {
		AsOf  string                  `json:"as_of"`
		Items []projectObligationJSON `json:"items"`
	}
	get := func(path, token string) list {
		t.Helper()
		r := h.get(path, token)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var l list
		r.decode(&l)
		return l
	}
	// 第十二条: due 2026-03-11, 7 working days after Monday 2 March.
	l := get("/v1/obligations?status=pending", asBDB)
	require.Len(t, l.Items, 1)
	assert.Equal(t, id, l.Items[0].ProjectID)
	assert.Equal(t, "学籍平台", l.Items[0].ProjectName)
	assert.Equal(t, "2026-03-11", l.Items[0].Due.Format(time.DateOnly))
	assert.Empty(t, get("/v1/obligations?status=overdue", asBDB).Items)
	assert.Empty(t, get("/v1/obligations", asUnitB).Items, "unit B sees none of unit A's duties")

	t.Run("on the due day it is still on time", func(t *testing.T) {
		h.now.Set(time.Date(2026, 3, 11, 23, 0, 0, 0, calendar.Beijing))
		assert.Empty(t, get("/v1/obligations?status=overdue", asBDB).Items)
		var pl listView
		h.get("/v1/projects?overdue=true", asBDB).decode(&pl)
		assert.Empty(t, pl.Items)
	})
	t.Run("the day after, overdue", func(t *testing.T) {
		// 16:30 UTC on 11 March is 00:30 on 12 March in Beijing.
		h.now.Set(time.Date(2026, 3, 11, 16, 30, 0, 0, time.UTC))
		l := get("/v1/obligations?status=overdue", asBDB)
		assert.Equal(t, "2026-03-12", l.AsOf, "today is the Beijing date")
		require.Len(t, l.Items, 1)
		assert.Equal(t, lifecycle.ObligationOverdue, l.Items[0].Status)
		assert.Equal(t, 1, l.Items[0].LateBy)
		var pl listView
		h.get("/v1/projects?overdue=true", asBDB).decode(&pl)
		require.Len(t, pl.Items, 1)
		assert.Equal(t, id, pl.Items[0].ProjectID)
		assert.Empty(t, get("/v1/obligations?status=overdue&due_before=2026-03-11", asBDB).Items, "due_before is strict")
		assert.Len(t, get("/v1/obligations?status=overdue&due_before=2026-03-12", asBDB).Items, 1)
		assert.Empty(t, get("/v1/obligations?status=overdue", asUnitB).Items)
		assert.Len(t, get("/v1/obligations?status=overdue", asUnitA).Items, 1)
	})
	t.Run("as_of looks at another day", func(t *testing.T) {
		l := get("/v1/projects/"+id+"/obligations?as_of=2026-03-05", asUnitA)
		assert.Equal(t, "2026-03-05", l.AsOf)
		var p struct{ Items []lifecycle.Obligation }
		h.get("/v1/projects/"+id+"/obligations?as_of=2026-03-05", asUnitA).decode(&p)
		require.Len(t, p.Items, 1)
		assert.Equal(t, lifecycle.ObligationPending, p.Items[0].Status)
	})
	assert.NotEmpty(t, other)
}

func TestListPagination(t *testing.T) {
	h := newHarness(t, nil)
	var want []string
	for i := range 5 {
		id, _ := h.declare(asUnitA, declaration(unitA, fmt.Sprintf("平台%d", i)))
		want = append(want, id)
	}
	slices.Sort(want)
	var got []string
	cursor := ""
	for range 10 {
		path := "/v1/projects?limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		var l listView
		h.get(path, asBDB).decode(&l)
		assert.LessOrEqual(t, len(l.Items), 2)
		for _, s := range l.Items {
			got = append(got, s.ProjectID)
		}
		if l.NextCursor == "" {
			break
		}
		cursor = l.NextCursor
	}
	assert.Equal(t, want, got)
}

func TestNewRequiresEngineAndAuth(t *testing.T) {
	eng, err := lifecycle.New(lifecycle.Config{Store: lifecycle.NewMemoryStore()})
	require.NoError(t, err)
	auth, err := NewTokenAuthenticator(testTokens)
	require.NoError(t, err)
	_, err = New(Config{Auth: auth})
	assert.Error(t, err)
	_, err = New(Config{Engine: eng})
	assert.Error(t, err)
	_, err = New(Config{Engine: eng, Auth: auth, MaxBodyBytes: -1})
	assert.Error(t, err)
	reg := prometheus.NewRegistry()
	_, err = New(Config{Engine: eng, Auth: auth, Registry: reg})
	require.NoError(t, err)
	_, err = New(Config{Engine: eng, Auth: auth, Registry: reg})
	assert.Error(t, err, "the same collectors twice on one registry")
}
