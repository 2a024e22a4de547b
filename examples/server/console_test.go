package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConsoleBesideAPI: the server answers the web console at / and the
// API under /v1; a token of the tokens file signs in, and a project
// declared through the API shows with its hash chain verified by the
// SQLite store.
func TestConsoleBesideAPI(t *testing.T) {
	srv := startServer(t, t.TempDir())
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(method, path, body, token string) (*http.Response, string) {
		req, err := http.NewRequest(method, srv.url+path, strings.NewReader(body))
		require.NoError(t, err)
		if method == http.MethodPost && token == "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(data)
	}

	resp, _ := send(http.MethodGet, "/", "", "")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/login", resp.Header.Get("Location"))
	resp, _ = send(http.MethodGet, "/v1/projects", "", "")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))

	resp, body := send(http.MethodPost, "/v1/projects", `{
		"unit": "渝北区教育委员会", "name": "中小学学籍与资助管理平台",
		"contact": {"name": "李明", "phone": "023-67812345"}, "period": {"start": "2026-03", "end": "2026-12"},
		"kind": "construction", "construction_type": "new", "procurement_category": "service", "fixed_asset": false,
		"budget": {"central": "0", "municipal": "0", "district": "100", "self_funded": "20", "total": "120"},
		"fund_composition": "软件开发", "content": "学籍", "cloud": "政务云", "sharing": "共享", "integration": "整合",
		"items": [{"category": "application", "name": "平台"}]}`, srv.exports["TOKEN_UNIT"])
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	loc := resp.Header.Get("Location")
	id := loc[strings.LastIndex(loc, "/")+1:]

	resp, body = send(http.MethodGet, "/login", "", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")
	csrf := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(body)
	require.NotNil(t, csrf)
	resp, _ = send(http.MethodPost, "/login", url.Values{"_csrf": {csrf[1]}, "token": {srv.exports["TOKEN_BDB"]}}.Encode(), "")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, body = send(http.MethodGet, "/projects/"+id, "", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "中小学学籍与资助管理平台")
	assert.Contains(t, body, `class="chain chain-ok"`)
	assert.Contains(t, body, `id="act-preliminary_review"`)
	resp, _ = send(http.MethodGet, "/static/app.css", "", "")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
