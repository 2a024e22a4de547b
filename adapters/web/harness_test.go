package web

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// clock is a settable clock shared by the engine and the console.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// The test actors' tokens: one unit, another unit, and each bureau.
var testTokens = []httpapi.TokenEntry{
	{Token: "tok-unit", Actor: "unit", Unit: "渝北区教育委员会", Roles: []lifecycle.Role{lifecycle.RoleUnit}},
	{Token: "tok-unit2", Actor: "unit2", Unit: "渝北区卫生健康委员会", Roles: []lifecycle.Role{lifecycle.RoleUnit}},
	{Token: "tok-bdb", Actor: "bdb", Unit: "渝北区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}},
	{Token: "tok-drc", Actor: "drc", Unit: "渝北区发展和改革委员会", Roles: []lifecycle.Role{lifecycle.RoleDRC}},
	{Token: "tok-finance", Actor: "finance", Unit: "渝北区财政局", Roles: []lifecycle.Role{lifecycle.RoleFinance}},
	{Token: "tok-government", Actor: "government", Unit: "渝北区人民政府", Roles: []lifecycle.Role{lifecycle.RoleGovernment}},
	{Token: "tok-audit", Actor: "audit", Unit: "渝北区审计局", Roles: []lifecycle.Role{lifecycle.RoleAudit}},
}

func actorOf(t testing.TB, token string) lifecycle.Actor {
	t.Helper()
	for _, e := range testTokens {
		if e.Token == token {
			return lifecycle.Actor{ID: e.Actor, Unit: e.Unit, Roles: e.Roles}
		}
	}
	t.Fatalf("no token %s", token)
	return lifecycle.Actor{}
}

// fixture is a console over an in-memory engine, served by httptest.
type fixture struct {
	t       testing.TB
	clock   *clock
	engine  *lifecycle.Engine
	console *Console
	srv     *httptest.Server
	verify  func(ctx context.Context, id string) (bool, string, error)
}

type fixtureOpt func(*Config)

// start is Monday 28 September 2026, 10:00 Beijing time: the National Day
// holiday follows, so the deadlines of 第十二条 cross it.
var start = time.Date(2026, 9, 28, 10, 0, 0, 0, calendar.Beijing)

func newFixture(t testing.TB, opts ...fixtureOpt) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: &clock{t: start}}
	return f.with(lifecycle.NewMemoryStore(), opts...)
}

func (f *fixture) with(store lifecycle.Store, opts ...fixtureOpt) *fixture {
	t := f.t
	eng, err := lifecycle.New(lifecycle.Config{Store: store, Clock: f.clock.now})
	require.NoError(t, err)
	auth, err := httpapi.NewTokenAuthenticator(testTokens)
	require.NoError(t, err)
	cfg := Config{Engine: eng, Auth: auth, Clock: f.clock.now, Verify: func(ctx context.Context, id string) (bool, string, error) {
		if f.verify != nil {
			return f.verify(ctx, id)
		}
		return true, "", nil
	}}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	f.engine, f.console = eng, c
	f.srv = httptest.NewServer(c)
	t.Cleanup(f.srv.Close)
	return f
}

// client is one browser: a cookie jar and the CSRF token of its session.
type client struct {
	t    testing.TB
	f    *fixture
	http *http.Client
	csrf string
}

func (f *fixture) client() *client {
	jar, err := cookiejar.New(nil)
	require.NoError(f.t, err)
	return &client{t: f.t, f: f, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn signs a client in with a token.
func (f *fixture) signIn(token string) *client {
	c := f.client()
	status, body := c.get("/login")
	require.Equal(c.t, http.StatusOK, status)
	resp := c.postRaw("/login", url.Values{"_csrf": {csrfOf(c.t, body)}, "token": {token}})
	require.Equal(c.t, http.StatusSeeOther, resp.StatusCode, "sign-in with %s", token)
	_, body = c.get("/todo")
	c.csrf = csrfOf(c.t, body)
	return c
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func csrfOf(t testing.TB, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	require.NotNil(t, m, "no CSRF token in the page")
	return m[1]
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp, string(data)
}

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.f.srv.URL+path, nil)
	require.NoError(c.t, err)
	resp, body := c.do(req)
	return resp.StatusCode, body
}

// follow gets a path and follows redirects within the console.
func (c *client) follow(path string) (int, string) {
	c.t.Helper()
	for range 5 {
		req, err := http.NewRequest(http.MethodGet, c.f.srv.URL+path, nil)
		require.NoError(c.t, err)
		resp, body := c.do(req)
		if resp.StatusCode != http.StatusSeeOther {
			return resp.StatusCode, body
		}
		path = resp.Header.Get("Location")
	}
	c.t.Fatal("too many redirects")
	return 0, ""
}

func (c *client) postRaw(path string, vals url.Values) *http.Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.f.srv.URL+path, strings.NewReader(vals.Encode()))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ := c.do(req)
	return resp
}

// post submits a form with the session's CSRF token; a redirect is
// followed.
func (c *client) post(path string, vals url.Values) (int, string) {
	c.t.Helper()
	v := url.Values{}
	for k, x := range vals {
		v[k] = x
	}
	v.Set("_csrf", c.csrf)
	req, err := http.NewRequest(http.MethodPost, c.f.srv.URL+path, strings.NewReader(v.Encode()))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := c.do(req)
	if resp.StatusCode == http.StatusSeeOther {
		return c.follow(resp.Header.Get("Location"))
	}
	return resp.StatusCode, body
}

// act submits an action's form at the project's current version.
func (c *client) act(id string, a lifecycle.Action, vals url.Values) (int, string) {
	c.t.Helper()
	p, err := c.f.engine.Get(context.Background(), lifecycle.Actor{ID: "t", Unit: "t", Roles: []lifecycle.Role{lifecycle.RoleAudit}}, id)
	require.NoError(c.t, err)
	v := url.Values{"version": {fmt.Sprint(p.Version)}}
	for k, x := range vals {
		v[k] = x
	}
	return c.post("/projects/"+id+"/actions/"+string(a), v)
}

// text is a page's visible text, roughly: tags dropped, entities decoded.
var tagRE = regexp.MustCompile(`<[^>]*>`)

func visible(body string) string {
	return html.UnescapeString(tagRE.ReplaceAllString(body, " "))
}

// declarationForm is what a unit types into the declaration form.
func declarationForm(unit, name string) url.Values {
	return url.Values{
		"unit": {unit}, "name": {name},
		"contact.name": {"李明"}, "contact.phone": {"023-67812345"},
		"period.start": {"2026-03"}, "period.end": {"2026-12"},
		"kind": {"construction"}, "construction_type": {"new"}, "procurement_category": {"service"},
		"budget.central": {"0"}, "budget.municipal": {"0"}, "budget.district": {"100"}, "budget.self_funded": {"20.50"},
		"budget.total":     {"120.50"},
		"fund_composition": {"软件开发 80 万元，等保测评 20 万元，监理 20.5 万元"},
		"content":          {"建设全区中小学学籍与资助管理平台，实现学籍变动、资助申请的网上办理"},
		"cloud":            {"部署于渝北区政务云"}, "sharing": {"学籍数据通过政务数据共享交换平台共享"},
		"integration":      {"整合原有学籍管理系统，不再单独运维"},
		"items.0.category": {"application"}, "items.0.name": {"学籍与资助管理平台"},
	}
}

// tableOfContents is a complete table of contents after 附件2.
func tableOfContents() string {
	var toc []string
	for _, c := range review.Outline() {
		toc = append(toc, fmt.Sprintf("第%d章 %s", c.Number, c.Title))
		for _, s := range c.Sections {
			toc = append(toc, fmt.Sprintf("%d.%d %s", s.Chapter, s.Number, s.Title))
		}
	}
	return strings.Join(toc, "\n")
}

// declare files a declaration through the engine (for tests about other
// pages) and returns the project.
func (f *fixture) declare(token, name string) *lifecycle.Project {
	f.t.Helper()
	vals := declarationForm(actorOf(f.t, token).Unit, name)
	payload, errs := encode(declarationSchema(), vals)
	require.Empty(f.t, errs)
	d, err := review.ParseDeclaration(payload)
	require.NoError(f.t, err)
	p, _, err := f.engine.Declare(context.Background(), actorOf(f.t, token), d)
	require.NoError(f.t, err)
	return p
}
