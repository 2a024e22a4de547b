package portfolio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/govit-cn/govit/adapters/export"
	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/adapters/portfolio"
	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/adapters/webhook"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/lifecycle/storetest"
)

type fixture struct {
	srv   *httptest.Server
	eng   *lifecycle.Engine
	store *sqlstore.Store
	clock *storetest.Clock
	ids   []string
}

// Tokens of the fixture: each names its actor.
const (
	tokBDB   = "tok-bdb-0123456789"
	tokEdu   = "tok-edu-0123456789"
	tokOther = "tok-hlt-0123456789"
)

func newFixture(t *testing.T, projects int) *fixture {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), sqltest.SQLitePath(t))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	c := storetest.NewClock(storetest.PortfolioStart())
	e, err := lifecycle.New(lifecycle.Config{Store: s, Clock: c.Now})
	require.NoError(t, err)
	ids := storetest.Portfolio(t, e, c, projects, 3)
	entry := func(tok string, a lifecycle.Actor) httpapi.TokenEntry {
		return httpapi.TokenEntry{Token: tok, Actor: a.ID, Unit: a.Unit, Roles: a.Roles}
	}
	auth, err := httpapi.NewTokenAuthenticator([]httpapi.TokenEntry{
		entry(tokBDB, storetest.BDB), entry(tokEdu, storetest.PortfolioUnits[0]), entry(tokOther, storetest.PortfolioUnits[1]),
	})
	require.NoError(t, err)
	h, err := portfolio.New(portfolio.Config{Engine: e, Auth: auth, Webhooks: s, WebhookHosts: webhook.Hosts{"127.0.0.1"}, Clock: c.Now})
	require.NoError(t, err)
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, eng: e, store: s, clock: c, ids: ids}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (f *fixture) do(t *testing.T, method, path, token string, body any) reply {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	conforms(t, req, resp, b)
	return reply{resp.StatusCode, resp.Header, b}
}

func (f *fixture) get(t *testing.T, path, token string) reply {
	return f.do(t, "GET", path, token, nil)
}

// problem checks a problem response and returns its code.
func problem(t *testing.T, r reply, status int) string {
	t.Helper()
	require.Equal(t, status, r.status, "%s", r.body)
	assert.Equal(t, httpapi.ProblemContentType, r.header.Get("Content-Type"))
	var p httpapi.Problem
	require.NoError(t, json.Unmarshal(r.body, &p))
	assert.NotEmpty(t, p.ZH)
	assert.NotEmpty(t, p.EN)
	return p.Code
}

func TestStatsOverHTTP(t *testing.T) {
	f := newFixture(t, 30)
	r := f.get(t, "/v1/stats", tokBDB)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var got map[string]any
	require.NoError(t, json.Unmarshal(r.body, &got))
	want, err := f.eng.Stats(context.Background(), storetest.BDB, lifecycle.StatsQuery{})
	require.NoError(t, err)
	assert.Equal(t, float64(want.Projects), got["projects"])
	requested := got["requested"].(map[string]any)
	assert.Equal(t, want.Requested.Total().String(), requested["total"], "exact decimal strings")
	assert.IsType(t, "", requested["district"])

	// A unit sees its own figures, whatever it asks for.
	own := f.get(t, "/v1/stats", tokEdu)
	asked := f.get(t, "/v1/stats?unit="+url.QueryEscape(storetest.PortfolioUnits[0].Unit), tokBDB)
	require.Equal(t, http.StatusOK, own.status)
	assert.JSONEq(t, string(asked.body), string(own.body))
	other := f.get(t, "/v1/stats?unit="+url.QueryEscape(storetest.PortfolioUnits[1].Unit), tokEdu)
	require.Equal(t, http.StatusOK, other.status)
	assert.Contains(t, string(other.body), `"projects":0`)

	for _, q := range []string{"?year=2026", "?budget_year=abc", "?budget_year=1999", "?kind=both", "?format=pdf", "?unit=a&unit=b"} {
		assert.Equal(t, "invalid_parameter", problem(t, f.get(t, "/v1/stats"+q, tokBDB), 400), q)
	}
	assert.Equal(t, "unauthenticated", problem(t, f.get(t, "/v1/stats", ""), 401))

	csv := f.get(t, "/v1/stats?format=csv&kind=operation", tokBDB)
	require.Equal(t, http.StatusOK, csv.status)
	assert.Equal(t, export.ContentTypeCSV, csv.header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(string(csv.body), export.BOM))
	assert.Contains(t, csv.header.Get("Content-Disposition"), "attachment")
	x := f.get(t, "/v1/stats?format=xlsx&budget_year=2026", tokBDB)
	require.Equal(t, http.StatusOK, x.status)
	wb, err := excelize.OpenReader(bytes.NewReader(x.body))
	require.NoError(t, err)
	wb.Close()
}

func TestProjectExports(t *testing.T) {
	f := newFixture(t, 12)
	r := f.get(t, "/v1/exports/projects", tokBDB)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(r.body), export.BOM)), "\r\n")
	assert.Len(t, lines, len(f.ids)+1)
	own := f.get(t, "/v1/exports/projects?format=xlsx", tokEdu)
	require.Equal(t, http.StatusOK, own.status)
	wb, err := excelize.OpenReader(bytes.NewReader(own.body))
	require.NoError(t, err)
	rows, err := wb.GetRows("项目清单")
	require.NoError(t, err)
	wb.Close()
	for _, row := range rows[1:] {
		assert.Equal(t, storetest.PortfolioUnits[0].Unit, row[2], "a unit exports its own projects only")
	}
	for _, q := range []string{"?format=json", "?state=flying", "?limit=3"} {
		assert.Equal(t, "invalid_parameter", problem(t, f.get(t, "/v1/exports/projects"+q, tokBDB), 400), q)
	}
}

func TestFormAndAudit(t *testing.T) {
	f := newFixture(t, 4)
	id := f.ids[0]
	p, err := f.eng.Get(context.Background(), storetest.BDB, id)
	require.NoError(t, err)
	owner, stranger := tokEdu, tokOther
	if p.Unit != storetest.PortfolioUnits[0].Unit {
		owner, stranger = stranger, owner
	}
	if p.Unit != storetest.PortfolioUnits[0].Unit && p.Unit != storetest.PortfolioUnits[1].Unit {
		owner, stranger = tokBDB, ""
	}
	r := f.get(t, "/v1/projects/"+id+"/declaration-form", owner)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, export.ContentTypeXLSX, r.header.Get("Content-Type"))
	wb, err := excelize.OpenReader(bytes.NewReader(r.body))
	require.NoError(t, err)
	v, err := wb.GetCellValue(export.FormSheet, "C5")
	require.NoError(t, err)
	assert.Equal(t, p.Declaration.Name, v)
	wb.Close()
	if stranger != "" {
		assert.Equal(t, "project_not_found", problem(t, f.get(t, "/v1/projects/"+id+"/declaration-form", stranger), 404))
	}
	assert.Equal(t, "project_not_found", problem(t, f.get(t, "/v1/projects/nope/audit", tokBDB), 404))

	a := f.get(t, "/v1/projects/"+id+"/audit", tokBDB)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	var rec lifecycle.AuditRecord
	require.NoError(t, json.Unmarshal(a.body, &rec))
	assert.True(t, rec.Chain)
	assert.True(t, rec.Verified)
	assert.Equal(t, "sha256", rec.Algorithm)
	require.Len(t, rec.Events, int(p.Version))
	for _, e := range rec.Events {
		assert.Len(t, e.Hash, 64)
	}
	x := f.get(t, "/v1/projects/"+id+"/audit?format=xlsx", tokBDB)
	require.Equal(t, http.StatusOK, x.status)

	// An edit behind the store's back shows in the audit record.
	_, err = f.store.DB().Exec(`UPDATE events SET article = '第九十九条' WHERE project_id = $1 AND version = 1`, id)
	require.NoError(t, err)
	a = f.get(t, "/v1/projects/"+id+"/audit", tokBDB)
	require.NoError(t, json.Unmarshal(a.body, &rec))
	assert.False(t, rec.Verified)
	assert.Contains(t, rec.Break, "edited")
}

func TestEventsOverHTTP(t *testing.T) {
	f := newFixture(t, 6)
	var page lifecycle.FeedPage
	r := f.get(t, "/v1/events?limit=1000", tokBDB)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.NoError(t, json.Unmarshal(r.body, &page))
	require.NotEmpty(t, page.Events)
	for i, e := range page.Events {
		assert.Equal(t, int64(i+1), e.Position)
	}
	head := page.Next

	var own lifecycle.FeedPage
	require.NoError(t, json.Unmarshal(f.get(t, "/v1/events?limit=1000", tokEdu).body, &own))
	for _, e := range own.Events {
		p, err := f.eng.Get(context.Background(), storetest.BDB, e.ProjectID)
		require.NoError(t, err)
		assert.Equal(t, storetest.PortfolioUnits[0].Unit, p.Unit)
	}

	for _, q := range []string{"?after=elsewhere.3", "?after=" + url.QueryEscape(head+"9"), "?after=abc"} {
		assert.Equal(t, "invalid_cursor", problem(t, f.get(t, "/v1/events"+q, tokBDB), 400), q)
	}
	for _, q := range []string{"?limit=0", "?limit=1001", "?wait=31s", "?wait=-1s", "?wait=soon", "?cursor=x"} {
		assert.Equal(t, "invalid_parameter", problem(t, f.get(t, "/v1/events"+q, tokBDB), 400), q)
	}

	// A long poll returns as soon as an event is appended.
	go func() {
		time.Sleep(300 * time.Millisecond)
		_, _, err := f.eng.Declare(context.Background(), storetest.PortfolioUnits[0], storetest.Declaration(storetest.PortfolioUnits[0].Unit))
		assert.NoError(t, err)
	}()
	start := time.Now()
	r = f.get(t, "/v1/events?wait=10s&after="+url.QueryEscape(head), tokBDB)
	elapsed := time.Since(start)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.NoError(t, json.Unmarshal(r.body, &page))
	require.Len(t, page.Events, 1)
	assert.Equal(t, lifecycle.ActDeclare, page.Events[0].Action)
	assert.Less(t, elapsed, 2*time.Second, "the client learns of the event within a second of it")

	// With nothing new, it waits out the wait and returns the same cursor.
	start = time.Now()
	r = f.get(t, "/v1/events?wait=1&after="+url.QueryEscape(page.Next), tokBDB)
	require.Equal(t, http.StatusOK, r.status)
	assert.GreaterOrEqual(t, time.Since(start), time.Second)
	var empty lifecycle.FeedPage
	require.NoError(t, json.Unmarshal(r.body, &empty))
	assert.Empty(t, empty.Events)
	assert.Equal(t, page.Next, empty.Next)
}

func TestWebhookRegistration(t *testing.T) {
	f := newFixture(t, 2)
	ok := map[string]any{"url": "http://127.0.0.1:9/hook", "secret": "0123456789abcdef"}
	r := f.do(t, "POST", "/v1/webhooks", tokEdu, ok)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	var hook map[string]any
	require.NoError(t, json.Unmarshal(r.body, &hook))
	id := hook["id"].(string)
	assert.Equal(t, "/v1/webhooks/"+id, r.header.Get("Location"))
	assert.NotContains(t, string(r.body), "0123456789abcdef", "the secret is not shown again")

	for _, tc := range []struct {
		body   any
		status int
		code   string
	}{
		{map[string]any{"url": "ftp://127.0.0.1/x", "secret": "0123456789abcdef"}, 400, "invalid_webhook_url"},
		{map[string]any{"url": "127.0.0.1/x", "secret": "0123456789abcdef"}, 400, "invalid_webhook_url"},
		{map[string]any{"url": "https://oa.example.com/x", "secret": "0123456789abcdef"}, 403, "webhook_host_not_allowed"},
		{map[string]any{"url": "http://127.0.0.1/x", "secret": "short"}, 400, "invalid_webhook_secret"},
		{map[string]any{"url": "http://127.0.0.1/x", "secret": "0123456789abcdef", "events": "all"}, 400, "invalid_body"},
		{[]string{"x"}, 400, "invalid_body"},
	} {
		assert.Equal(t, tc.code, problem(t, f.do(t, "POST", "/v1/webhooks", tokEdu, tc.body), tc.status), "%v", tc.body)
	}

	appendDeclaration(t, f)
	d := f.get(t, "/v1/webhooks/"+id+"/deliveries", tokEdu)
	require.Equal(t, http.StatusOK, d.status, "%s", d.body)
	var list struct{ Items []webhook.Delivery }
	require.NoError(t, json.Unmarshal(d.body, &list))
	require.Len(t, list.Items, 1, "the unit's new event is in its outbox")
	assert.Equal(t, webhook.StatusPending, list.Items[0].Status)
	assert.Equal(t, "webhook_not_found", problem(t, f.get(t, "/v1/webhooks/"+id+"/deliveries", tokOther), 404), "another actor's webhook")
	assert.Equal(t, "webhook_not_found", problem(t, f.get(t, "/v1/webhooks/nope/deliveries", tokEdu), 404))
	assert.Equal(t, "invalid_parameter", problem(t, f.get(t, "/v1/webhooks/"+id+"/deliveries?after=x", tokEdu), 400))
}

func appendDeclaration(t *testing.T, f *fixture) {
	t.Helper()
	_, _, err := f.eng.Declare(context.Background(), storetest.PortfolioUnits[0], storetest.Declaration(storetest.PortfolioUnits[0].Unit))
	require.NoError(t, err)
}
