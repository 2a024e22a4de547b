package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
	"github.com/govit-cn/govit/review/corpus"
)

// server is the reference API over a seeded store, in this process, and
// a client with a token per party.
type server struct {
	base   string
	client *http.Client
	close  func()
}

var tokens = []httpapi.TokenEntry{
	{Token: "bdb", Actor: "bdb", Unit: bdb.Unit, Roles: bdb.Roles},
	{Token: "audit", Actor: "audit", Unit: auditor.Unit, Roles: auditor.Roles},
	{Token: "history", Actor: "history", Unit: historyUnit, Roles: []lifecycle.Role{lifecycle.RoleUnit}},
	{Token: "quiet", Actor: "quiet", Unit: quietUnit, Roles: []lifecycle.Role{lifecycle.RoleUnit}},
}

func newServer(store lifecycle.Store) (*server, error) {
	e, err := lifecycle.New(lifecycle.Config{Store: store})
	if err != nil {
		return nil, err
	}
	auth, err := httpapi.NewTokenAuthenticator(tokens)
	if err != nil {
		return nil, err
	}
	api, err := httpapi.New(httpapi.Config{Engine: e, Auth: auth})
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(api)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	return &server{base: ts.URL, client: &http.Client{Transport: tr, Timeout: time.Minute}, close: func() { tr.CloseIdleConnections(); ts.Close() }}, nil
}

type answer struct {
	status   int
	etag     string
	location string
	body     []byte
}

func (s *server) do(ctx context.Context, method, path, token, ifMatch string, body any) (answer, time.Duration, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case json.RawMessage: // encoded once by the caller, for a body sent again and again
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(body)
		if err != nil {
			return answer{}, 0, err
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, rd)
	if err != nil {
		return answer{}, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	t0 := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return answer{}, 0, err
	}
	b, err := readAnswer(resp)
	resp.Body.Close()
	el := time.Since(t0)
	if err != nil {
		return answer{}, 0, err
	}
	return answer{status: resp.StatusCode, etag: resp.Header.Get("ETag"), location: resp.Header.Get("Location"), body: b}, el, nil
}

// readAnswer reads a response's body into a buffer of its announced
// length, where io.ReadAll would grow one from 512 bytes: the clients'
// garbage is the server's garbage collector's work in this process.
func readAnswer(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n >= 0 && n <= 1<<20 {
		b := make([]byte, n)
		_, err := io.ReadFull(resp.Body, b)
		return b, err
	}
	return io.ReadAll(resp.Body)
}

// timings summarises latencies.
type timings []time.Duration

func (t timings) pct(p float64) time.Duration {
	if len(t) == 0 {
		return 0
	}
	s := slices.Clone(t)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// ratio is the p50 of t over the p50 of base.
func ratio(t, base timings) float64 { return float64(t.pct(0.5)) / float64(base.pct(0.5)) }

func msf(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// repeat times n calls of fn after warm untimed ones.
func repeat(warm, n int, fn func() (time.Duration, error)) (timings, error) {
	var ts timings
	for i := range warm + n {
		d, err := fn()
		if err != nil {
			return nil, err
		}
		if i >= warm {
			ts = append(ts, d)
		}
	}
	return ts, nil
}

func expect(a answer, status int, what string) error {
	if a.status != status {
		return fmt.Errorf("%s: %d %s", what, a.status, strings.TrimSpace(string(a.body)))
	}
	return nil
}

// measure times the reads and lists of the task on a seeded store.
// plainStore hides the optional interfaces of the store it wraps, so that
// an engine over it reads as before them: replaying histories, walking
// every project for 第四条, reading the project for If-Match. It is the
// baseline of the same run.
type plainStore struct{ lifecycle.Store }

func measure(ctx context.Context, out io.Writer, dsn string, n int, histories []int, seedValue uint64, baseline bool) error {
	store, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	srv, err := newServer(store)
	if err != nil {
		return err
	}
	defer srv.close()
	var projects int
	if err := store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM projections`).Scan(&projects); err != nil {
		return err
	}
	fmt.Fprintf(out, "store %s: %d projects\n", store.Dialect(), projects)

	var plain *server
	if baseline {
		if plain, err = newServer(plainStore{store}); err != nil {
			return err
		}
		defer plain.close()
	}
	// The histories are measured in interleaved rounds — each round reads
	// and acts on every history, and reads each as before kept folds — so
	// that a busy machine weighs on every figure alike.
	type hist struct {
		id, tag                     string
		get, act, page, bget, bpage timings
	}
	hs := make([]*hist, len(histories))
	for k, h := range histories {
		hs[k] = &hist{id: fmt.Sprintf("H%d", h)}
		a, _, err := srv.do(ctx, "GET", "/v1/projects/"+hs[k].id, "history", "", nil)
		if err == nil {
			err = expect(a, 200, "GET "+hs[k].id)
		}
		if err != nil {
			return err
		}
		hs[k].tag = a.etag
	}
	timed := func(into *timings, r int, s *server, method, path, token, ifMatch string, body any, status int) (answer, error) {
		a, d, err := s.do(ctx, method, path, token, ifMatch, body)
		if err == nil {
			err = expect(a, status, method+" "+path)
		}
		if r >= 2 {
			*into = append(*into, d)
		}
		return a, err
	}
	for r := range 2 + n {
		for _, x := range hs {
			if _, err := timed(&x.get, r, srv, "GET", "/v1/projects/"+x.id, "history", "", nil, 200); err != nil {
				return err
			}
			a, err := timed(&x.act, r, srv, "POST", "/v1/projects/"+x.id+"/actions/audit", "audit", x.tag, map[string]any{"summary": "资金使用检查"}, 200)
			if err != nil {
				return err
			}
			x.tag = a.etag
			if _, err := timed(&x.page, r, srv, "GET", "/v1/projects/"+x.id+"/events?limit=100", "history", "", nil, 200); err != nil {
				return err
			}
			if plain == nil || r >= 2+max(3, n/4) {
				continue
			}
			if _, err := timed(&x.bget, r, plain, "GET", "/v1/projects/"+x.id, "history", "", nil, 200); err != nil {
				return err
			}
			if _, err := timed(&x.bpage, r, plain, "GET", "/v1/projects/"+x.id+"/events", "history", "", nil, 200); err != nil {
				return err
			}
		}
	}
	for _, x := range hs {
		fmt.Fprintf(out, "history %6s: GET project p50 %s (%.1f× %s); action p50 %s (%.1f× %s); events page of 100 p50 %s",
			x.id[1:], msf(x.get.pct(0.5)), ratio(x.get, hs[0].get), hs[0].id, msf(x.act.pct(0.5)), ratio(x.act, hs[0].act), hs[0].id, msf(x.page.pct(0.5)))
		if plain != nil {
			fmt.Fprintf(out, "; as before (replay): GET project p50 %s, whole history p50 %s", msf(x.bget.pct(0.5)), msf(x.bpage.pct(0.5)))
		}
		fmt.Fprintln(out)
	}

	// 第四条: near-duplicates of seeded projects and new texts.
	gen := corpus.New(seedValue)
	var seeded []corpus.Project
	for range min(projects, 5000) {
		seeded = append(seeded, gen.Next())
	}
	fresh := corpus.New(seedValue + 1)
	rng := rand.New(rand.NewPCG(seedValue, 7))
	probe := func(i int) any {
		var p corpus.Project
		if i%2 == 0 {
			p = seeded[rng.IntN(len(seeded))]
			p.Content = strings.Replace(p.Content, "建设", "新建", 1)
		} else {
			p = fresh.Next()
		}
		return declarationOf(p)
	}
	var findings atomic.Int64
	check := func(body any) (time.Duration, error) {
		a, d, err := srv.do(ctx, "POST", "/v1/declarations/overlaps", "bdb", "", body)
		if err == nil {
			err = expect(a, 200, "overlaps")
		}
		var fs struct {
			Findings []json.RawMessage `json:"findings"`
		}
		if err == nil {
			err = json.Unmarshal(a.body, &fs)
		}
		findings.Add(int64(len(fs.Findings)))
		return d, err
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	i := 0
	ov, err := repeat(4, 4*n, func() (time.Duration, error) { i++; return check(probe(i)) })
	if err != nil {
		return err
	}
	runtime.ReadMemStats(&after)
	perCheck := float64(after.TotalAlloc-before.TotalAlloc) / float64(4*n+4)
	fmt.Fprintf(out, "overlaps (第四条), bureau: p50 %s, p95 %s, max %s; %.0f KiB allocated per check (client and server); %d findings\n",
		msf(ov.pct(0.5)), msf(ov.pct(0.95)), msf(ov.pct(1)), perCheck/1024, findings.Load())
	// The heap while 8 checks run: sampled every millisecond, against the
	// heap before the rounds (client, server and store together).
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	runtime.GC()
	metrics.Read(heap)
	heapBefore := heap[0].Value.Uint64()
	var heapPeak atomic.Uint64
	sampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: heap[0].Name}}
		for {
			select {
			case <-sampling:
				return
			case <-time.After(time.Millisecond):
			}
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > heapPeak.Load() {
				heapPeak.Store(v)
			}
		}
	}()
	stopSampling := sync.OnceFunc(func() { close(sampling); <-sampled })
	defer stopSampling()
	var worst time.Duration
	for range 5 {
		var wg sync.WaitGroup
		var mu sync.Mutex
		var errs []error
		bodies := make([]any, 8)
		for k := range bodies {
			i++
			bodies[k] = probe(i)
		}
		t0 := time.Now()
		for k := range 8 {
			wg.Go(func() {
				_, err := check(bodies[k])
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				}
			})
		}
		wg.Wait()
		if len(errs) > 0 {
			return errs[0]
		}
		worst = max(worst, time.Since(t0))
	}
	stopSampling()
	fmt.Fprintf(out, "overlaps (第四条), 8 at once: all 8 answered within %s (worst of 5 rounds); heap peak %.1f MiB, %.1f MiB before\n",
		msf(worst), float64(heapPeak.Load())/(1<<20), float64(heapBefore)/(1<<20))
	// The store's part alone, one check at a time: its time, the bytes
	// it allocates (a bound on what its heap holds at once) and the
	// candidates it returns for exact scoring.
	var st timings
	var allocSum, allocMax uint64
	var cands int
	for range 2 * n {
		i++
		d := probe(i).(review.Declaration)
		q := lifecycle.OverlapQuery{Grams: review.Bigrams(d.Name, d.Content), MinPercent: review.DefaultOverlapPolicy().MinPercent}
		runtime.ReadMemStats(&before)
		t0 := time.Now()
		cs, err := store.OverlapCandidates(ctx, q)
		el := time.Since(t0)
		runtime.ReadMemStats(&after)
		if err != nil {
			return err
		}
		a := after.TotalAlloc - before.TotalAlloc
		allocSum += a
		allocMax = max(allocMax, a)
		cands += len(cs)
		st = append(st, el)
	}
	fmt.Fprintf(out, "overlaps (第四条), store alone: p50 %s, p95 %s; allocated per check %.0f KiB mean, %.0f KiB max; %.1f candidates per check\n",
		msf(st.pct(0.5)), msf(st.pct(0.95)), float64(allocSum)/float64(2*n)/1024, float64(allocMax)/1024, float64(cands)/float64(2*n))
	if baseline {
		walk := timings{}
		for range 3 {
			i++
			a, d, err := plain.do(ctx, "POST", "/v1/declarations/overlaps", "bdb", "", probe(i))
			if err == nil {
				err = expect(a, 200, "overlaps (walk)")
			}
			if err != nil {
				return err
			}
			walk = append(walk, d)
		}
		fmt.Fprintf(out, "baseline (walk) overlaps (第四条), bureau: p50 %s of 3; index p50 is %.4f of it\n", msf(walk.pct(0.5)),
			float64(ov.pct(0.5))/float64(walk.pct(0.5)))
	}

	for _, c := range []struct{ name, path, token string }{
		{"overdue, unit with nothing overdue", "/v1/projects?overdue=true", "quiet"},
		{"overdue, unit with most overdue", "/v1/projects?overdue=true", "history"},
		{"overdue, bureau (all units)", "/v1/projects?overdue=true", "bdb"},
		{"obligations overdue, bureau, page of 50", "/v1/obligations?status=overdue", "bdb"},
	} {
		items := 0
		ts, err := repeat(3, n, func() (time.Duration, error) {
			a, d, err := srv.do(ctx, "GET", c.path, c.token, "", nil)
			if err == nil {
				err = expect(a, 200, c.name)
			}
			var page struct {
				Items []json.RawMessage `json:"items"`
			}
			if err == nil {
				err = json.Unmarshal(a.body, &page)
			}
			items = len(page.Items)
			return d, err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: p50 %s (%d items)\n", c.name, msf(ts.pct(0.5)), items)
	}
	if baseline {
		// The obligation page as before the duties were kept with the
		// projections: each listed project's kept fold read.
		folds, err := newServer(keptFoldsOnly{store, store, store, store, store})
		if err != nil {
			return err
		}
		defer folds.close()
		path := "/v1/obligations?status=overdue"
		var kept, loaded timings
		for r := range 2 + n {
			for _, x := range []struct {
				s    *server
				into *timings
			}{{srv, &kept}, {folds, &loaded}} {
				a, d, err := x.s.do(ctx, "GET", path, "bdb", "", nil)
				if err == nil {
					err = expect(a, 200, "obligations")
				}
				if err != nil {
					return err
				}
				if r >= 2 {
					*x.into = append(*x.into, d)
				}
			}
		}
		fmt.Fprintf(out, "obligations overdue, bureau, page of 50, interleaved: from the rows p50 %s; each project's kept fold read (as before) p50 %s; %.3f of it\n",
			msf(kept.pct(0.5)), msf(loaded.pct(0.5)), ratio(kept, loaded))
	}
	return nil
}

// keptFoldsOnly is the store with kept folds but without the duties kept
// with the projections (no lifecycle.DutyReader): the obligation page
// reads each listed project's fold.
type keptFoldsOnly struct {
	lifecycle.Store
	lifecycle.SnapshotStore
	lifecycle.RequestAppender
	lifecycle.SummaryReader
	lifecycle.EventPager
}
