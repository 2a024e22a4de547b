package web

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

func sessionCookieOf(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			return ck
		}
	}
	t.Fatal("no session cookie")
	return nil
}

// TestSignInCookie: the session cookie is HttpOnly and SameSite=Strict,
// and Secure over TLS but not over plain HTTP (where a browser would
// drop it).
func TestSignInCookie(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	_, body := c.get("/login")
	resp := c.postRaw("/login", url.Values{"_csrf": {csrfOf(t, body)}, "token": {"tok-unit"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	ck := sessionCookieOf(t, resp)
	assert.True(t, ck.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, ck.SameSite)
	assert.False(t, ck.Secure)
	assert.Equal(t, "/todo", resp.Header.Get("Location"))

	tlsSrv := httptest.NewTLSServer(f.console)
	t.Cleanup(tlsSrv.Close)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	hc := tlsSrv.Client()
	hc.Jar = jar
	hc.Transport.(*http.Transport).TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the test server's own certificate
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	tc := &client{t: t, f: &fixture{t: t, srv: tlsSrv}, http: hc}
	_, body = tc.get("/login")
	resp = tc.postRaw("/login", url.Values{"_csrf": {csrfOf(t, body)}, "token": {"tok-unit"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	ck = sessionCookieOf(t, resp)
	assert.True(t, ck.Secure)
	assert.True(t, ck.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, ck.SameSite)
}

// TestSignInRefusals: a wrong token, and a sign-in form without its
// double-submit token, give no session.
func TestSignInRefusals(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	_, body := c.get("/login")
	resp := c.postRaw("/login", url.Values{"_csrf": {csrfOf(t, body)}, "token": {"tok-nobody"}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	for _, ck := range resp.Cookies() {
		assert.NotEqual(t, sessionCookie, ck.Name)
	}
	resp = c.postRaw("/login", url.Values{"_csrf": {"forged"}, "token": {"tok-unit"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	fresh := f.client()
	resp = fresh.postRaw("/login", url.Values{"_csrf": {csrfOf(t, body)}, "token": {"tok-unit"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a token without its cookie")
}

// TestSessionExpiry: idle for the idle timeout, or past the maximum age,
// a session ends; a signed-out session cannot be used again.
func TestSessionExpiry(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.IdleTimeout, c.MaxAge = 30*time.Minute, 2*time.Hour })
	c := f.signIn("tok-unit")
	status, _ := c.get("/todo")
	require.Equal(t, http.StatusOK, status)
	f.clock.advance(29 * time.Minute)
	status, _ = c.get("/todo")
	require.Equal(t, http.StatusOK, status, "used within the idle timeout")
	f.clock.advance(30 * time.Minute)
	status, _ = c.get("/todo")
	require.Equal(t, http.StatusSeeOther, status, "idle too long")

	c = f.signIn("tok-unit")
	for range 4 {
		f.clock.advance(25 * time.Minute)
		status, _ = c.get("/todo")
		require.Equal(t, http.StatusOK, status)
	}
	f.clock.advance(25 * time.Minute)
	status, _ = c.get("/todo")
	assert.Equal(t, http.StatusSeeOther, status, "past the maximum age")

	c = f.signIn("tok-unit")
	status, body := c.post("/logout", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `id="token"`)
	status, _ = c.get("/todo")
	assert.Equal(t, http.StatusSeeOther, status)
}

// TestCSRF: every form of the console carries the CSRF token; a POST
// without it, with another session's, or from another origin is refused
// and changes nothing.
func TestCSRF(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", "学籍平台")
	bdb := f.signIn("tok-bdb")
	other := f.signIn("tok-bdb")
	_, page := bdb.get("/projects/" + p.ID)
	forms := regexp.MustCompile(`(?s)<form method="post".*?</form>`).FindAllString(page, -1)
	require.NotEmpty(t, forms)
	for _, form := range forms {
		assert.Contains(t, form, `name="_csrf" value="`+bdb.csrf+`"`)
	}
	vals := url.Values{"version": {"1"}, "reason": {"不符合要求"}}
	for name, token := range map[string]string{"none": "", "another session's": other.csrf} {
		v := url.Values{"version": {"1"}, "submission.uses_gov_cloud": {"true"}}
		v.Set("_csrf", token)
		resp := bdb.postRaw("/projects/"+p.ID+"/actions/preliminary_review", v)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, name)
	}
	// A browser's cross-site POST with the right token is refused too.
	v := url.Values{"_csrf": {bdb.csrf}}
	for k, x := range vals {
		v[k] = x
	}
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/projects/"+p.ID+"/actions/preliminary_review", strings.NewReader(v.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	resp, _ := bdb.do(req)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	got, err := f.engine.Get(context.Background(), actorOf(t, "tok-bdb"), p.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version, "nothing happened")
}

var (
	inlineScript  = regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]`)
	scriptTag     = regexp.MustCompile(`(?i)<script[^>]*>`)
	eventHandler  = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	styleAttr     = regexp.MustCompile(`(?i)\sstyle\s*=`)
	externalURL   = regexp.MustCompile(`(?i)(?:src|href|action)="(?:https?:)?//`)
	xssName       = `<script>alert(1)</script>`
	xssNameInHTML = `&lt;script&gt;alert(1)&lt;/script&gt;`
)

// pagesOf lists the console's pages for a signed-in client.
func pagesOf(id string) []string {
	return []string{"/todo", "/projects", "/projects/" + id, "/declare", "/deadline?from=2026-09-30&days=7",
		"/projects?state=declared&kind=construction&year=2026", "/nowhere"}
}

// TestHeadersAndNoInlineScript: every page carries the CSP and the other
// security headers, and holds no inline script, event handler or style
// attribute (which the CSP would block) and no address of another origin.
func TestHeadersAndNoInlineScript(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", "学籍平台")
	c := f.signIn("tok-unit")
	for _, path := range append(pagesOf(p.ID), "/login") {
		req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
		require.NoError(t, err)
		resp, body := c.do(req)
		h := resp.Header
		assert.Equal(t, contentSecurityPolicy, h.Get("Content-Security-Policy"), path)
		assert.Contains(t, h.Get("Content-Security-Policy"), "script-src 'self'")
		assert.NotContains(t, h.Get("Content-Security-Policy"), "unsafe-inline")
		assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), path)
		assert.Equal(t, "DENY", h.Get("X-Frame-Options"), path)
		assert.Equal(t, "no-store", h.Get("Cache-Control"), path)
		assert.False(t, inlineScript.MatchString(body), "%s: inline script", path)
		for _, tag := range scriptTag.FindAllString(body, -1) {
			assert.Contains(t, tag, `src="/static/`, path)
		}
		assert.False(t, eventHandler.MatchString(body), "%s: event handler attribute", path)
		assert.False(t, styleAttr.MatchString(body), "%s: style attribute", path)
		assert.False(t, externalURL.MatchString(body), "%s: another origin", path)
	}
}

// TestXSSEscaped: a project named <script>alert(1)</script> is shown as
// text on every page that names it.
func TestXSSEscaped(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", xssName)
	for tok, paths := range map[string][]string{
		"tok-unit": {"/projects", "/projects/" + p.ID},
		"tok-bdb":  {"/todo", "/projects", "/projects/" + p.ID},
	} {
		c := f.signIn(tok)
		for _, path := range paths {
			_, body := c.get(path)
			assert.Contains(t, body, xssNameInHTML, "%s %s", tok, path)
			assert.NotContains(t, body, xssName, "%s %s", tok, path)
		}
	}
	// Typed back into a refused form, it stays escaped.
	unit := f.signIn("tok-unit")
	form := declarationForm("渝北区教育委员会", xssName)
	form.Set("budget.total", "1")
	status, body := unit.post("/declare", withIntent(form, "check"))
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, body, xssName)
	assert.Contains(t, body, xssNameInHTML)
}

// TestUnitIsolation: a unit sees neither another unit's project nor its
// name, on any page, and cannot act on it; a bureau sees it.
func TestUnitIsolation(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", "教委的学籍平台")
	other := f.signIn("tok-unit2")
	status, body := other.get("/projects/" + p.ID)
	assert.Equal(t, http.StatusNotFound, status)
	assert.NotContains(t, body, "教委的学籍平台")
	for _, path := range []string{"/todo", "/projects", "/projects?unit=" + url.QueryEscape("渝北区教育委员会")} {
		_, body := other.get(path)
		assert.NotContains(t, body, "教委的学籍平台", path)
		assert.NotContains(t, body, p.ID, path)
	}
	status, _ = other.act(p.ID, lifecycle.ActWithdraw, url.Values{"reason": {"x"}})
	assert.Equal(t, http.StatusNotFound, status)
	got, err := f.engine.Get(context.Background(), actorOf(t, "tok-unit"), p.ID)
	require.NoError(t, err)
	assert.Equal(t, lifecycle.StateDeclared, got.State)

	_, body = f.signIn("tok-audit").get("/projects")
	assert.Contains(t, body, "教委的学籍平台")
	// A bureau is refused an action of another role by the engine, as the
	// API would refuse it (第三条).
	fin := f.signIn("tok-finance")
	status, body = fin.act(p.ID, lifecycle.ActPreliminaryReview, constructionPath()[0].Values)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, visible(body), "第")
}

// TestRedirectsStayLocal: the sign-in's next and the language switch's
// back never send the browser to another site.
func TestRedirectsStayLocal(t *testing.T) {
	for _, p := range []string{"//evil.example/x", "https://evil.example", "/\\evil.example", "evil", "/ok\r\nX: y"} {
		assert.Equal(t, "/", localPath(p, "/"), p)
	}
	assert.Equal(t, "/projects?x=1", localPath("/projects?x=1", "/"))
	f := newFixture(t)
	c := f.client()
	resp := c.postRaw("/lang?to=en&back="+url.QueryEscape("//evil.example"), nil)
	assert.NotEqual(t, http.StatusSeeOther, resp.StatusCode, "the switch is a GET")
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+"/lang?to=en&back="+url.QueryEscape("//evil.example"), nil)
	require.NoError(t, err)
	resp, _ = c.do(req)
	assert.Equal(t, "/", resp.Header.Get("Location"))
}

// TestEnglish: the language switch turns the console's own words into
// English and keeps the measure's names.
func TestEnglish(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", "学籍平台")
	c := f.signIn("tok-bdb")
	status, _ := c.get("/lang?to=en&back=/projects/" + p.ID)
	require.Equal(t, http.StatusSeeOther, status)
	_, body := c.get("/projects/" + p.ID)
	text := visible(body)
	assert.Contains(t, text, "Preliminary review")
	assert.Contains(t, text, "Duties and deadlines")
	assert.Contains(t, text, "第六条")
	assert.Contains(t, body, `<html lang="en">`)
}

// TestChainStatus shows the store's verification of the hash chain,
// trusted for VerifyEvery at the same version and done again after it.
func TestChainStatus(t *testing.T) {
	f := newFixture(t)
	calls := 0
	broken := false
	f.verify = func(context.Context, string) (bool, string, error) {
		calls++
		if broken {
			return false, "project x version 1: edited", nil
		}
		return true, "", nil
	}
	p := f.declare("tok-unit", "学籍平台")
	c := f.signIn("tok-audit")
	_, body := c.get("/projects/" + p.ID)
	assert.Contains(t, body, `class="chain chain-ok"`)
	require.Equal(t, 1, calls)
	broken = true
	_, body = c.get("/projects/" + p.ID)
	assert.Contains(t, body, `class="chain chain-ok"`, "within a minute at the same version")
	assert.Equal(t, 1, calls)
	f.clock.advance(time.Minute)
	_, body = c.get("/projects/" + p.ID)
	assert.Contains(t, body, `class="chain chain-broken"`)
	assert.Contains(t, body, "version 1: edited")
	assert.Equal(t, 2, calls)

	f2 := newFixture(t, func(c *Config) { c.VerifyEvery = -1 })
	n := 0
	f2.verify = func(context.Context, string) (bool, string, error) { n++; return true, "", nil }
	p2 := f2.declare("tok-unit", "学籍平台")
	c2 := f2.signIn("tok-audit")
	c2.get("/projects/" + p2.ID)
	c2.get("/projects/" + p2.ID)
	assert.Equal(t, 2, n, "every view when VerifyEvery is negative")
}
