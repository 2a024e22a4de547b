package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
)

// The units and actors of the tests.
const (
	unitA = "渝北区教育委员会"
	unitB = "渝北区卫生健康委员会"
)

// testTokens are the bearer tokens of the tests, by name.
var testTokens = []TokenEntry{
	{Token: "tok-unit-a", Actor: "unit-a", Unit: unitA, Roles: []lifecycle.Role{lifecycle.RoleUnit}},
	{Token: "tok-unit-b", Actor: "unit-b", Unit: unitB, Roles: []lifecycle.Role{lifecycle.RoleUnit}},
	{Token: "tok-bdb", Actor: "bdb", Unit: "渝北区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}},
	{Token: "tok-drc", Actor: "drc", Unit: "渝北区发展和改革委员会", Roles: []lifecycle.Role{lifecycle.RoleDRC}},
	{Token: "tok-finance", Actor: "finance", Unit: "渝北区财政局", Roles: []lifecycle.Role{lifecycle.RoleFinance}},
	{Token: "tok-audit", Actor: "audit", Unit: "渝北区审计局", Roles: []lifecycle.Role{lifecycle.RoleAudit}},
	{Token: "tok-cac", Actor: "cac", Unit: "区委网信办", Roles: []lifecycle.Role{lifecycle.RoleCAC}},
	{Token: "tok-government", Actor: "government", Unit: "渝北区人民政府", Roles: []lifecycle.Role{lifecycle.RoleGovernment}},
}

// Who sends a request: the token of an actor of testTokens.
const (
	asUnitA      = "tok-unit-a"
	asUnitB      = "tok-unit-b"
	asBDB        = "tok-bdb"
	asDRC        = "tok-drc"
	asFinance    = "tok-finance"
	asAudit      = "tok-audit"
	asGovernment = "tok-government"
	anonymous    = ""
)

// testNow is the tests' clock: a Monday morning in Beijing.
var testNow = time.Date(2026, time.March, 2, 10, 0, 0, 0, calendar.Beijing)

// loadSpec parses and validates the embedded OpenAPI document.
func loadSpec(t testing.TB) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPI())
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	return doc
}

// harness is a test server over an engine, and a client whose every
// request and response is validated against the OpenAPI document.
type harness struct {
	t      testing.TB
	srv    *httptest.Server
	api    *Server
	engine *lifecycle.Engine
	client *http.Client
	now    *clock
}

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type harnessOption func(*lifecycle.Config, *Config)

func newHarness(t testing.TB, store lifecycle.Store, opts ...harnessOption) *harness {
	t.Helper()
	if store == nil {
		store = lifecycle.NewMemoryStore()
	}
	clk := &clock{t: testNow}
	lc := lifecycle.Config{Store: store, Clock: clk.Now}
	auth, err := NewTokenAuthenticator(testTokens)
	require.NoError(t, err)
	cfg := Config{Auth: auth, Clock: clk.Now}
	for _, o := range opts {
		o(&lc, &cfg)
	}
	eng, err := lifecycle.New(lc)
	require.NoError(t, err)
	cfg.Engine = eng
	api, err := New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	doc := loadSpec(t)
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	return &harness{
		t: t, srv: srv, api: api, engine: eng, now: clk,
		client: &http.Client{Transport: &validating{t: t, router: router, next: http.DefaultTransport}},
	}
}

// How a request relates to the OpenAPI document.
type specMode int

const (
	// conform: the request must conform; the response must too.
	conform specMode = iota
	// malformed: the request deliberately breaks the document (to
	// provoke a 400, 401, 413, 415 or 428); only the response is checked.
	malformed
	// offSpec: the route is deliberately not in the document (404 or 405
	// of an unknown route); nothing is checked against it.
	offSpec
)

type specModeKey struct{}

// validating is a RoundTripper that checks every request and response
// against the OpenAPI document; an action's request body is checked
// against its own operation's schema, reflected from its payload type.
type validating struct {
	t      testing.TB
	router routers.Router
	next   http.RoundTripper
}

func (v *validating) RoundTrip(req *http.Request) (*http.Response, error) {
	mode, _ := req.Context().Value(specModeKey{}).(specMode)
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	route, params, err := v.router.FindRoute(req)
	if mode == offSpec {
		if err == nil {
			v.t.Errorf("%s %s: marked off-spec but the document describes it", req.Method, req.URL.Path)
		}
		return v.next.RoundTrip(req)
	}
	if err != nil {
		v.t.Errorf("%s %s: not in the OpenAPI document: %v", req.Method, req.URL.Path, err)
		return v.next.RoundTrip(req)
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
			if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
				return openapi3filter.ErrAuthenticationServiceMissing
			}
			return nil
		},
		IncludeResponseStatus: true,
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if mode == conform {
		vreq := req.Clone(req.Context())
		vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
		vin := *in
		vin.Request = vreq
		if err := openapi3filter.ValidateRequest(req.Context(), &vin); err != nil {
			v.t.Errorf("%s %s: request does not conform to the OpenAPI document: %v", req.Method, req.URL.Path, err)
		}
	}
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: opts,
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		v.t.Errorf("%s %s → %d: response does not conform to the OpenAPI document: %v\n%s", req.Method, req.URL.Path, resp.StatusCode, err, body)
	}
	return resp, nil
}

// reply is a response read whole.
type reply struct {
	t      testing.TB
	status int
	header http.Header
	body   []byte
}

// decode reads the body as JSON into v.
func (r *reply) decode(v any) {
	r.t.Helper()
	require.NoError(r.t, json.Unmarshal(r.body, v), "body: %s", r.body)
}

// problem reads the body as a problem, checking its media type.
func (r *reply) problem() Problem {
	r.t.Helper()
	require.Equal(r.t, ProblemContentType, r.header.Get("Content-Type"), "body: %s", r.body)
	var p Problem
	r.decode(&p)
	require.Equal(r.t, r.status, p.Status)
	return p
}

// project reads the body as a project response.
func (r *reply) project() projectView {
	r.t.Helper()
	var v projectView
	r.decode(&v)
	return v
}

// projectView is the client's view of projectJSON and actionJSON.
type projectView struct {
	Project struct {
		ID      string          `json:"id"`
		State   lifecycle.State `json:"state"`
		Version int64           `json:"version"`
		Unit    string          `json:"unit"`
		Name    string          `json:"name"`
	} `json:"project"`
	Event     *lifecycle.Event   `json:"event"`
	Permitted []lifecycle.Action `json:"permitted"`
}

// req is one request to send.
type req struct {
	method, path, token string
	body                any // []byte or string as is, else JSON
	header              map[string]string
	mode                specMode
}

func (h *harness) send(q req) *reply {
	h.t.Helper()
	var body io.Reader
	switch b := q.body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
	case string:
		body = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(h.t, err)
		body = bytes.NewReader(data)
	}
	ctx := context.WithValue(context.Background(), specModeKey{}, q.mode)
	r, err := http.NewRequestWithContext(ctx, q.method, h.srv.URL+q.path, body)
	require.NoError(h.t, err)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if q.token != "" {
		r.Header.Set("Authorization", "Bearer "+q.token)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	resp, err := h.client.Do(r)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	return &reply{t: h.t, status: resp.StatusCode, header: resp.Header, body: data}
}

func (h *harness) get(path, token string) *reply {
	h.t.Helper()
	return h.send(req{method: http.MethodGet, path: path, token: token})
}

// declare declares d as token's unit and returns the project's ID and ETag.
func (h *harness) declare(token string, d any) (string, string) {
	h.t.Helper()
	r := h.send(req{method: http.MethodPost, path: "/v1/projects", token: token, body: d})
	require.Equal(h.t, http.StatusCreated, r.status, "declare: %s", r.body)
	v := r.project()
	require.Equal(h.t, "/v1/projects/"+v.Project.ID, r.header.Get("Location"))
	require.Equal(h.t, etag(v.Project.Version), r.header.Get("ETag"))
	return v.Project.ID, r.header.Get("ETag")
}

// act takes an action with the given ETag and returns the reply.
func (h *harness) act(id, action, token, tag string, payload any) *reply {
	h.t.Helper()
	return h.actAs(conform, id, action, token, tag, payload)
}

// actAs is act with the request's relation to the document.
func (h *harness) actAs(mode specMode, id, action, token, tag string, payload any) *reply {
	h.t.Helper()
	hdr := map[string]string{}
	if tag != "" {
		hdr["If-Match"] = tag
	}
	return h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/actions/" + action, token: token, body: payload, header: hdr, mode: mode})
}

// step takes an action that must succeed and returns the new ETag.
func (h *harness) step(id, action, token, tag string, payload any, want lifecycle.State) string {
	h.t.Helper()
	return h.stepAs(conform, id, action, token, tag, payload, want)
}

// stepAs is step with the request's relation to the document.
func (h *harness) stepAs(mode specMode, id, action, token, tag string, payload any, want lifecycle.State) string {
	h.t.Helper()
	r := h.actAs(mode, id, action, token, tag, payload)
	require.Equal(h.t, http.StatusOK, r.status, "%s: %s", action, r.body)
	v := r.project()
	require.Equal(h.t, want, v.Project.State, "%s", action)
	require.NotNil(h.t, v.Event)
	require.Equal(h.t, lifecycle.Action(action), v.Event.Action)
	require.Equal(h.t, v.Project.Version, v.Event.Version)
	require.Equal(h.t, etag(v.Project.Version), r.header.Get("ETag"))
	return r.header.Get("ETag")
}
