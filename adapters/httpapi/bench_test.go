package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// benchStores are the stores the benchmarks compare.
func benchStores(b *testing.B) map[string]func() lifecycle.Store {
	return map[string]func() lifecycle.Store{
		"memory": func() lifecycle.Store { return lifecycle.NewMemoryStore() },
		"sqlite": func() lifecycle.Store { return openStore(b, filepath.Join(b.TempDir(), "bench.db")) },
	}
}

// BenchmarkAction measures one action over HTTP (a real loopback
// connection through httptest), alternating the two of the load
// generator's cycle: declare, then withdraw with If-Match. One op is one
// action.
func BenchmarkAction(b *testing.B) {
	for _, name := range []string{"memory", "sqlite"} {
		b.Run(name, func(b *testing.B) {
			srv, body := benchServer(b, benchStores(b)[name]())
			post := func(path, ifMatch string, data []byte, want int) *http.Response {
				resp, err := benchPost(srv, path, ifMatch, data, want)
				if err != nil {
					b.Fatal(err)
				}
				return resp
			}
			withdraw := []byte(`{"reason":"压力测试"}`)
			var loc, tag string
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if i%2 == 0 {
					resp := post("/v1/projects", "", body, http.StatusCreated)
					loc, tag = resp.Header.Get("Location"), resp.Header.Get("ETag")
				} else {
					post(loc+"/actions/withdraw", tag, withdraw, http.StatusOK)
				}
			}
		})
	}
}

// BenchmarkEngineAction is BenchmarkAction's cycle on the engine directly,
// in-process: the ratio of the two is the cost of HTTP, JSON and the
// adapter's checks. The "+read" variants add the read the adapter makes
// before an action to compare If-Match with the current version.
func BenchmarkEngineAction(b *testing.B) {
	for _, name := range []string{"memory", "memory+read", "sqlite", "sqlite+read"} {
		store, read, _ := strings.Cut(name, "+")
		b.Run(name, func(b *testing.B) {
			eng, err := lifecycle.New(lifecycle.Config{Store: benchStores(b)[store]()})
			require.NoError(b, err)
			actor := lifecycle.Actor{ID: "unit-a", Unit: unitA, Roles: []lifecycle.Role{lifecycle.RoleUnit}}
			d := mustDeclaration(b, declaration(unitA, "负载测试项目"))
			withdraw := json.RawMessage(`{"reason":"压力测试"}`)
			ctx := context.Background()
			var p *lifecycle.Project
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if i%2 == 0 {
					p, _, err = eng.Declare(ctx, actor, d)
				} else {
					if read != "" {
						if _, err := eng.Get(ctx, actor, p.ID); err != nil {
							b.Fatal(err)
						}
					}
					_, _, err = eng.DoJSON(ctx, p.ID, p.Version, actor, lifecycle.ActWithdraw, withdraw)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkActionClients16 is BenchmarkAction's cycle by 16 concurrent
// clients over HTTP on SQLite (group commit): one op is one action. Its
// cpu-µs/op, the whole process's CPU time per action (server, store and
// the clients), is what bounds the actions per second on a machine of few
// cores, and it moves little with the machine's other load, unlike the
// wall time.
func BenchmarkActionClients16(b *testing.B) {
	srv, body := benchServer(b, openStore(b, filepath.Join(b.TempDir(), "bench.db")))
	srv.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = 16
	withdraw := []byte(`{"reason":"压力测试"}`)
	clients := 16
	b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	report := cpuPerOp(b)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var loc, tag string
		for i := 0; pb.Next(); i++ {
			if i%2 == 0 {
				resp, err := benchPost(srv, "/v1/projects", "", body, http.StatusCreated)
				if err != nil {
					b.Error(err)
					return
				}
				loc, tag = resp.Header.Get("Location"), resp.Header.Get("ETag")
			} else if _, err := benchPost(srv, loc+"/actions/withdraw", tag, withdraw, http.StatusOK); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "actions/s")
	report()
}

// benchServer serves an engine over store through httptest, closed when b
// ends, and gives the body of the declaration the benchmarks file.
func benchServer(b *testing.B, store lifecycle.Store) (*httptest.Server, []byte) {
	eng, err := lifecycle.New(lifecycle.Config{Store: store})
	require.NoError(b, err)
	auth, err := NewTokenAuthenticator(testTokens)
	require.NoError(b, err)
	api, err := New(Config{Engine: eng, Auth: auth})
	require.NoError(b, err)
	srv := httptest.NewServer(api)
	b.Cleanup(srv.Close)
	body, err := json.Marshal(declaration(unitA, "负载测试项目"))
	require.NoError(b, err)
	return srv, body
}

// benchPost posts data to path as unit A (with If-Match when given),
// reads the answer, and fails unless its status is want.
func benchPost(srv *httptest.Server, path, ifMatch string, data []byte, want int) (*http.Response, error) {
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+asUnitA)
	req.Header.Set("Content-Type", "application/json")
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s: %d", path, resp.StatusCode)
	}
	return resp, nil
}
