// Command loadgen measures the reference server (examples/server) under
// load: actions per second and latency percentiles at several numbers of
// concurrent clients. It talks only to a server on the loopback interface
// and stops at a time and a count limit.
//
// Each client drives its own projects through the cheapest repeatable
// cycle the process allows: the unit declares a project (POST
// /v1/projects, 第六条) and withdraws it (POST …/actions/withdraw with
// If-Match, 第六条), again and again. Both requests append an event, so
// each is counted as an action; the latency is that of one request.
//
//	go run ./examples/server -db /tmp/bench.db -log-level warn &
//	go run ./examples/loadgen -tokens /tmp/govit-tokens.json -clients 1,16,64 -duration 10s
//
// Flags:
//
//	-addr      the server (http://127.0.0.1:8080); a loopback address only
//	-tokens    the server's tokens file (govit-tokens.json); the first
//	           token with the unit role is used
//	-clients   comma-separated client counts (1,16,64)
//	-duration  time per client count (10s; at most 2m)
//	-max       action limit per client count (200000; at most 10000000)
//	-warmup    actions before each measurement, not counted (200; at most
//	           10000, and within -duration)
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// Limits that keep a run bounded.
const (
	maxDuration = 2 * time.Minute
	maxClients  = 256
	maxActions  = 10_000_000
	maxWarmup   = 10_000
)

// tokenEntry is an entry of the server's tokens file.
type tokenEntry struct {
	Token string   `json:"token"`
	Actor string   `json:"actor"`
	Unit  string   `json:"unit"`
	Roles []string `json:"roles"`
}

// config is a parsed command line.
type config struct {
	base     string
	token    string
	unit     string
	clients  []int
	duration time.Duration
	max      int64
	warmup   int
}

func parseArgs(args []string, out io.Writer) (config, error) {
	fl := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fl.SetOutput(out)
	addr := fl.String("addr", "http://127.0.0.1:8080", "the server's address (loopback only)")
	tokens := fl.String("tokens", "govit-tokens.json", "the server's tokens file")
	clients := fl.String("clients", "1,16,64", "comma-separated numbers of concurrent clients")
	duration := fl.Duration("duration", 10*time.Second, "time per client count")
	limit := fl.Int64("max", 200000, "action limit per client count")
	warmup := fl.Int("warmup", 200, "actions before each measurement, not counted")
	if err := fl.Parse(args); err != nil {
		return config{}, err
	}
	c := config{duration: *duration, max: *limit, warmup: *warmup}
	if c.duration <= 0 || c.duration > maxDuration {
		return c, fmt.Errorf("-duration must be in (0, %s]", maxDuration)
	}
	if c.max <= 0 || c.max > maxActions {
		return c, fmt.Errorf("-max must be in [1, %d]", maxActions)
	}
	if c.warmup < 0 || c.warmup > maxWarmup {
		return c, fmt.Errorf("-warmup must be in [0, %d]", maxWarmup)
	}
	base, err := loopbackBase(*addr)
	if err != nil {
		return c, err
	}
	c.base = base
	for s := range strings.SplitSeq(*clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > maxClients {
			return c, fmt.Errorf("-clients: %q is not a number from 1 to %d", s, maxClients)
		}
		c.clients = append(c.clients, n)
	}
	data, err := os.ReadFile(*tokens)
	if err != nil {
		return c, err
	}
	var entries []tokenEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return c, fmt.Errorf("%s: %w", *tokens, err)
	}
	for _, e := range entries {
		if e.Token != "" && slices.Contains(e.Roles, "unit") {
			c.token, c.unit = e.Token, e.Unit
			break
		}
	}
	if c.token == "" {
		return c, fmt.Errorf("%s: no token with the unit role", *tokens)
	}
	return c, nil
}

// loopbackOnly refuses a connection to anything but a loopback address,
// whatever a host name resolved to.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("loadgen connects only to the loopback interface, not %s", address)
	}
	return nil
}

// loopbackBase checks that addr is an http URL of a loopback host and
// returns it without a trailing slash.
func loopbackBase(addr string) (string, error) {
	u, err := url.Parse(addr)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return "", fmt.Errorf("-addr %q: want http://host:port", addr)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("-addr %q: loadgen only targets the loopback interface (127.0.0.1, ::1, localhost)", addr)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	c, err := parseArgs(args, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "loadgen: %s, declare+withdraw cycles, %s per level, at most %d actions\n", c.base, c.duration, c.max)
	fmt.Fprintf(out, "%8s %9s %7s %10s %9s %9s %9s %9s\n", "clients", "actions", "errors", "actions/s", "p50", "p90", "p99", "max")
	for _, n := range c.clients {
		r, err := measure(ctx, c, n)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%8d %9d %7d %10.0f %9s %9s %9s %9s\n", n, r.actions, r.errors, r.rate(),
			ms(r.percentile(50)), ms(r.percentile(90)), ms(r.percentile(99)), ms(r.percentile(100)))
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + "ms"
}

// result is one level's measurement.
type result struct {
	actions, errors int64
	elapsed         time.Duration
	latencies       []time.Duration
}

func (r result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.actions) / r.elapsed.Seconds()
}

// percentile returns the p-th percentile latency (nearest rank).
func (r result) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	k := int(float64(len(r.latencies))*p/100+0.999999) - 1
	return r.latencies[max(0, min(k, len(r.latencies)-1))]
}

// measure runs n clients until the duration or the action limit is
// reached.
func measure(ctx context.Context, c config, n int) (result, error) {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: loopbackOnly}
	tr := &http.Transport{DialContext: dialer.DialContext, MaxIdleConns: n, MaxIdleConnsPerHost: n, IdleConnTimeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cl := client{http: hc, base: c.base, token: c.token, body: declarationBody(c.unit)}

	// Warm up: connections, the server's caches, the store's pages. The
	// warm-up is bounded by the duration too.
	wctx, wcancel := context.WithTimeout(ctx, c.duration)
	defer wcancel()
	for i := 0; i < c.warmup && wctx.Err() == nil; i += 2 {
		bad, err := cl.cycle(wctx, nil)
		if err != nil && wctx.Err() != nil && ctx.Err() == nil {
			break // the warm-up's time is up; measure anyway
		}
		if err != nil {
			return result{}, fmt.Errorf("warm-up: %w", err)
		}
		if bad > 0 {
			return result{}, errors.New("warm-up: the server refused a declaration or withdrawal; is the token a unit's?")
		}
	}

	ctx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	var budget atomic.Int64
	budget.Store(c.max)
	var wg sync.WaitGroup
	lats := make([][]time.Duration, n)
	errs := make([]int64, n)
	start := time.Now()
	for i := range n {
		wg.Go(func() {
			for ctx.Err() == nil && budget.Add(-2) >= 0 {
				bad, err := cl.cycle(ctx, &lats[i])
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					errs[i]++
				}
				errs[i] += bad
			}
		})
	}
	wg.Wait()
	r := result{elapsed: time.Since(start)}
	for i := range n {
		r.latencies = append(r.latencies, lats[i]...)
		r.errors += errs[i]
	}
	r.actions = int64(len(r.latencies)) - r.errors
	slices.Sort(r.latencies)
	return r, nil
}

// client sends the requests of a cycle.
type client struct {
	http  *http.Client
	base  string
	token string
	body  []byte
}

// cycle declares a project and withdraws it, recording each request's
// latency in lats (when not nil). It returns the number of requests that
// got an unexpected status, and an error when it could not go on.
func (c client) cycle(ctx context.Context, lats *[]time.Duration) (int64, error) {
	resp, lat, err := c.post(ctx, "/v1/projects", "", c.body)
	if err != nil {
		return 0, err
	}
	if lats != nil {
		*lats = append(*lats, lat)
	}
	if resp.status != http.StatusCreated {
		return 1, nil
	}
	resp, lat, err = c.post(ctx, resp.location+"/actions/withdraw", resp.etag, []byte(`{"reason":"压力测试"}`))
	if err != nil {
		return 0, err
	}
	if lats != nil {
		*lats = append(*lats, lat)
	}
	if resp.status != http.StatusOK {
		return 1, nil
	}
	return 0, nil
}

type answer struct {
	status         int
	etag, location string
	body           []byte
}

func (c client) post(ctx context.Context, path, ifMatch string, body []byte) (answer, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return answer{}, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, 0, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	lat := time.Since(start)
	if err != nil {
		return answer{}, 0, err
	}
	return answer{status: resp.StatusCode, etag: resp.Header.Get("ETag"), location: resp.Header.Get("Location"), body: data}, lat, nil
}

// declarationBody is a complete 建设类 declaration (附件1) of unit.
func declarationBody(unit string) []byte {
	d := map[string]any{
		"unit": unit, "name": "负载测试项目",
		"contact":              map[string]string{"name": "测试员", "phone": "023-67812345"},
		"period":               map[string]string{"start": "2026-01", "end": "2026-12"},
		"kind":                 "construction",
		"construction_type":    "new",
		"procurement_category": "service",
		"budget":               map[string]string{"district": "100", "self_funded": "20"},
		"fund_composition":     "软件开发",
		"content":              "负载测试",
		"cloud":                "部署于渝北区政务云",
		"sharing":              "接入政务数据共享交换平台",
		"integration":          "无",
		"items":                []map[string]string{{"category": "application"}},
	}
	data, _ := json.Marshal(d)
	return data
}
