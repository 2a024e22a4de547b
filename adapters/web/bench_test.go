package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// benchProjects is the portfolio of the page benchmarks: the size the
// console's speed goal names.
const benchProjects = 10_000

// benchUnits are the declaring units of the portfolio; the first is the
// unit actor's, so a unit sees a tenth of it.
var benchUnits = []string{
	"渝北区教育委员会", "渝北区卫生健康委员会", "渝北区公安分局", "渝北区民政局", "渝北区交通局",
	"渝北区农业农村委员会", "渝北区城市管理局", "渝北区应急管理局", "渝北区市场监督管理局", "渝北区人力资源和社会保障局",
}

// seedPortfolio declares n projects on eng, spread over the units, and
// takes each along the 建设类 path to one of five stages: declared,
// expert-reviewed, budgeted, a contract signed and not filed (overdue by
// the benchmark's clock), or filed.
func seedPortfolio(tb testing.TB, eng *lifecycle.Engine, n int) []string {
	tb.Helper()
	ctx := context.Background()
	path := constructionPath()
	stages := []int{0, 2, 4, 6, 7}
	ids := make([]string, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				unit := benchUnits[i%len(benchUnits)]
				vals := declarationForm(unit, fmt.Sprintf("政务信息化项目 %05d", i))
				vals.Set("content", fmt.Sprintf("第 %d 号业务系统的建设，编号 %d", i, i*7919%100000))
				payload, fe := encode(declarationSchema(), vals)
				if len(fe) > 0 {
					errs <- fmt.Errorf("%v", fe)
					return
				}
				d, err := review.ParseDeclaration(payload)
				if err != nil {
					errs <- err
					return
				}
				actor := lifecycle.Actor{ID: "unit", Unit: unit, Roles: []lifecycle.Role{lifecycle.RoleUnit}}
				p, _, err := eng.Declare(ctx, actor, d)
				if err != nil {
					errs <- err
					return
				}
				ids[i] = p.ID
				for _, s := range path[:stages[i%len(stages)]] {
					t, _ := payloadType(s.Action)
					payload, _ := encode(schemaOf(t), s.Values)
					who := actorOf(tb, s.Token)
					if who.Has(lifecycle.RoleUnit) {
						who = actor
					}
					if _, _, err := eng.DoJSON(ctx, p.ID, lifecycle.AnyVersion, who, s.Action, payload); err != nil {
						errs <- fmt.Errorf("%s: %w", s.Action, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(tb, err)
	}
	return ids
}

// prevID is a cursor just before id: id with its last byte decremented.
func prevID(id string) string {
	b := []byte(id)
	b[len(b)-1]--
	return string(b)
}

// copyPortfolio copies every project of an in-memory fixture into store,
// as stored: events, summary and, when the store keeps them, the fold.
func copyPortfolio(tb testing.TB, from *fixture, store lifecycle.Store) {
	tb.Helper()
	ctx := context.Background()
	q := lifecycle.Query{Limit: 1000}
	for {
		page, next, err := from.engine.List(ctx, actorOf(tb, "tok-audit"), q)
		require.NoError(tb, err)
		for _, sum := range page {
			events, err := from.engine.Events(ctx, actorOf(tb, "tok-audit"), sum.ProjectID)
			require.NoError(tb, err)
			for i := range events {
				events[i].Seq = 0
			}
			// As the server's store holds them: with the fold of the
			// latest version, which every append through the engine keeps.
			req := lifecycle.AppendRequest{Events: events, Summary: sum}
			if ra, ok := store.(lifecycle.RequestAppender); ok {
				p, err := lifecycle.Replay(events)
				require.NoError(tb, err)
				req.Snapshot, err = lifecycle.EncodeSnapshot(p)
				require.NoError(tb, err)
				_, err = ra.AppendRequest(ctx, req)
				require.NoError(tb, err)
				continue
			}
			_, err = store.Append(ctx, 0, events, sum)
			require.NoError(tb, err)
		}
		if next == "" {
			return
		}
		q.After = next
	}
}

// BenchmarkPages measures the server time of each page of the console
// over a SQLite store holding 10,000 projects (the goal: at most 50 ms a
// page), and reports each page's size in bytes (the goal: at most
// 200 KB with its stylesheet and script).
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	// The portfolio is built in memory, then copied into a SQLite file
	// (synchronous off only to copy faster; the pages only read).
	mem := newFixture(b)
	seeded := time.Now()
	ids := seedPortfolio(b, mem.engine, benchProjects)
	// One project with a long history: 10,000 events, audits appended in
	// one batch after the copy, then one more through the engine so that
	// the store keeps the fold of the latest version.
	long := ids[3]
	_, audit, err := mem.engine.DoJSON(ctx, long, lifecycle.AnyVersion, actorOf(b, "tok-audit"), lifecycle.ActAudit, []byte(`{"summary":"例行审计"}`))
	require.NoError(b, err)
	store, err := sqlstore.Open(ctx, "file:"+filepath.Join(b.TempDir(), "bench.db")+"?_pragma=synchronous(OFF)")
	require.NoError(b, err)
	b.Cleanup(func() { store.Close() })
	copyPortfolio(b, mem, store)
	sums, _, err := mem.engine.List(ctx, actorOf(b, "tok-audit"), lifecycle.Query{After: prevID(long), Limit: 1})
	require.NoError(b, err)
	require.Equal(b, long, sums[0].ProjectID)
	var more []lifecycle.Event
	for v := audit.Version + 1; v < 10_000; v++ {
		e := audit
		e.Version, e.Seq = v, 0
		more = append(more, e)
	}
	sum := sums[0]
	sum.Version = more[len(more)-1].Version
	_, err = store.Append(ctx, audit.Version, more, sum)
	require.NoError(b, err)
	b.Logf("seeded %d projects in %v", len(ids), time.Since(seeded))
	f := &fixture{t: b, clock: mem.clock}
	f.with(store, func(c *Config) {
		// As the server wires it: the chain checked in one streaming
		// read, and from the last point reached for a newer version.
		c.VerifyAfter = verifyAfterOf(store, nil)
	})
	_, _, err = f.engine.DoJSON(ctx, long, lifecycle.AnyVersion, actorOf(b, "tok-audit"), lifecycle.ActAudit, []byte(`{"summary":"例行审计"}`))
	require.NoError(b, err)

	// Three weeks on, the unfiled contracts are overdue.
	f.clock.advance(21 * 24 * time.Hour)

	sessions := map[string]*session{}
	for _, tok := range []string{"tok-unit", "tok-bdb", "tok-finance"} {
		sessions[tok] = f.console.sessions.create(actorOf(b, tok))
	}
	pages := []struct{ name, token, path string }{
		{"todo/bdb", "tok-bdb", "/todo"},
		{"todo/finance", "tok-finance", "/todo"},
		{"todo/unit", "tok-unit", "/todo"},
		{"list/bdb", "tok-bdb", "/projects"},
		{"list/bdb-state", "tok-bdb", "/projects?state=implementing"},
		{"list/bdb-overdue", "tok-bdb", "/projects?overdue=1"},
		{"list/bdb-year", "tok-bdb", "/projects?year=2026"},
		{"list/unit", "tok-unit", "/projects"},
		{"project/declared", "tok-bdb", "/projects/" + ids[0]},
		{"project/implementing", "tok-bdb", "/projects/" + ids[13]},
		{"project/10000-events", "tok-bdb", "/projects/" + long},
		{"declare", "tok-unit", "/declare"},
		{"deadline", "tok-unit", "/deadline?from=2026-09-30&days=7"},
	}
	assets := 0
	for _, a := range []string{"/static/app.css", "/static/app.js"} {
		rec := httptest.NewRecorder()
		f.console.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, a, nil))
		require.Equal(b, http.StatusOK, rec.Code)
		assets += rec.Body.Len()
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			s := sessions[pg.token]
			get := func() int {
				req := httptest.NewRequest(http.MethodGet, pg.path, nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: s.id})
				rec := httptest.NewRecorder()
				f.console.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", pg.path, rec.Code)
				}
				return rec.Body.Len()
			}
			// The first view (the chain verified, the folds read from the
			// store) is reported apart from the views that follow.
			began := time.Now()
			size := get()
			first := time.Since(began)
			for b.Loop() {
				size = get()
			}
			b.ReportMetric(float64(first.Microseconds())/1000, "first-view-ms")
			b.ReportMetric(float64(size), "page-bytes")
			b.ReportMetric(float64(size+assets), "with-assets-bytes")
		})
	}
}

// TestPageSizes: every page of a busy project, and the lists, stay within
// 200 KB with the stylesheet and the script.
func TestPageSizes(t *testing.T) {
	f := newFixture(t)
	var ids []string
	for i := range 120 {
		ids = append(ids, f.declare("tok-unit", fmt.Sprintf("项目 %03d", i)).ID)
	}
	f.runPath(ids[0], 6)
	for range 300 {
		_, _, err := f.engine.DoJSON(context.Background(), ids[0], lifecycle.AnyVersion, actorOf(t, "tok-audit"), lifecycle.ActAudit, []byte(`{"summary":"例行审计"}`))
		require.NoError(t, err)
	}
	assets := 0
	c := f.signIn("tok-unit")
	for _, a := range []string{"/static/app.css", "/static/app.js", "/static/favicon.svg"} {
		status, body := c.get(a)
		require.Equal(t, http.StatusOK, status)
		assets += len(body)
	}
	for tok, paths := range map[string][]string{
		"tok-unit": {"/todo", "/projects", "/projects/" + ids[0], "/declare", "/deadline?from=2026-09-30&days=7"},
		"tok-bdb":  {"/todo", "/projects", "/projects/" + ids[1], "/projects/" + ids[0] + "?ev=50"},
	} {
		c := f.signIn(tok)
		for _, p := range paths {
			status, body := c.get(p)
			require.Equal(t, http.StatusOK, status, p)
			require.LessOrEqual(t, len(body)+assets, 200_000, "%s %s: %d bytes with the assets", tok, p, len(body)+assets)
		}
	}
}
