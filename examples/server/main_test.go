package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
)

// syncBuffer is a buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// running is a server started by run.
type running struct {
	url     string
	exports map[string]string
	stdout  *syncBuffer
	stderr  *syncBuffer
	stop    func() error
}

var listening = regexp.MustCompile(`govit listening on (http://\S+)`)
var exportLine = regexp.MustCompile(`(?m)^export ([A-Z0-9_]+)=(\S+)$`)

// startServer runs the server on a free loopback port with its database
// in dir (or at the DSN given in extra args), waits until it listens, and
// stops it when the test ends.
func startServer(t testing.TB, dir string, extra ...string) *running {
	t.Helper()
	return startServerArgs(t, append([]string{"-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "govit.db"), "-log-level", "warn"}, extra...))
}

// startServerArgs runs the server with exactly args, as startServer does.
func startServerArgs(t testing.TB, args []string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: &syncBuffer{}, stderr: &syncBuffer{}, exports: map[string]string{}}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, r.stdout, r.stderr) }()
	var once sync.Once
	var runErr error
	r.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(15 * time.Second):
				runErr = context.DeadlineExceeded
			}
		})
		return runErr
	}
	t.Cleanup(func() { _ = r.stop() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(r.stdout.String()); m != nil && strings.Contains(r.stdout.String(), "API description") {
			r.url = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the server stopped: %v\nstderr: %s", err, r.stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	require.NotEmpty(t, r.url, "the server did not say where it listens; stdout: %s", r.stdout)
	for _, m := range exportLine.FindAllStringSubmatch(r.stdout.String(), -1) {
		r.exports[m[1]] = m[2]
	}
	return r
}

func TestRunCreatesTokensAndStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir)
	for _, v := range []string{"TOKEN_UNIT", "TOKEN_UNIT2", "TOKEN_BDB", "TOKEN_DRC", "TOKEN_FINANCE", "TOKEN_AUDIT", "TOKEN_CAC", "TOKEN_GOVERNMENT"} {
		assert.NotEmpty(t, srv.exports[v], v)
	}
	assert.Equal(t, srv.url, srv.exports["GOVIT"])
	assert.True(t, strings.HasPrefix(srv.url, "http://127.0.0.1:"), srv.url)

	path := filepath.Join(dir, tokensFileName)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the tokens file is private")
	var entries []httpapi.TokenEntry
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &entries))
	require.Len(t, entries, len(demoActors()))
	seen := map[string]bool{}
	for _, e := range entries {
		assert.Len(t, e.Token, len("govit_")+26, "128 random bits in base32")
		assert.False(t, seen[e.Token], "tokens are distinct")
		seen[e.Token] = true
	}

	get := func(url, token string) int {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, get(srv.url+"/readyz", ""))
	assert.Equal(t, http.StatusOK, get(srv.url+"/v1/projects", srv.exports["TOKEN_BDB"]))
	assert.Equal(t, http.StatusUnauthorized, get(srv.url+"/v1/projects", "guess"))

	require.NoError(t, srv.stop(), "a cancelled context shuts the server down cleanly")
	logs := srv.stderr.String()
	for line := range strings.SplitSeq(strings.TrimSpace(logs), "\n") {
		if line != "" {
			assert.True(t, json.Valid([]byte(line)), "logs are JSON: %s", line)
		}
	}

	t.Run("a second start reuses the tokens and the database and prints no token", func(t *testing.T) {
		again := startServer(t, dir)
		out := again.stdout.String()
		for _, e := range entries {
			assert.NotContains(t, out, e.Token, "a later start prints no token")
		}
		assert.NotContains(t, again.stderr.String(), entries[0].Token, "nor logs one")
		assert.Contains(t, out, path, "it names the tokens file")
		assert.Empty(t, again.exports["TOKEN_BDB"])
		assert.Equal(t, http.StatusOK, get(again.url+"/v1/projects", srv.exports["TOKEN_BDB"]))
	})
}

func TestRunOnPostgres(t *testing.T) {
	dsn := sqltest.PostgresDSN(t)
	dir := t.TempDir()
	srv := startServer(t, dir, "-db", dsn, "-tokens", filepath.Join(dir, "tokens.json"))
	assert.Contains(t, srv.stdout.String(), "PostgreSQL")
	assert.NotContains(t, srv.stdout.String(), dsn, "the DSN may hold a password")
	req, err := http.NewRequest(http.MethodGet, srv.url+"/readyz", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestRunRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	var out, errs bytes.Buffer
	ctx := context.Background()
	assert.Error(t, run(ctx, []string{"-no-such-flag"}, &out, &errs))
	assert.Error(t, run(ctx, []string{"-log-level", "loud"}, &out, &errs))
	assert.Error(t, run(ctx, []string{"extra"}, &out, &errs))

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"token":"x"}`), 0o600))
	assert.ErrorContains(t, run(ctx, []string{"-tokens", bad, "-db", filepath.Join(dir, "x.db")}, &out, &errs), "bad.json")

	norole := filepath.Join(dir, "norole.json")
	require.NoError(t, os.WriteFile(norole, []byte(`[{"token":"x","actor":"a","unit":"u","roles":["mayor"]}]`), 0o600))
	assert.ErrorContains(t, run(ctx, []string{"-tokens", norole, "-db", filepath.Join(dir, "x.db")}, &out, &errs), "mayor")

	busy := startServer(t, dir)
	addr := strings.TrimPrefix(busy.url, "http://")
	assert.Error(t, run(ctx, []string{"-addr", addr, "-db", filepath.Join(dir, "y.db")}, &out, &errs), "address in use")
}

func TestTokenVar(t *testing.T) {
	assert.Equal(t, "TOKEN_UNIT", tokenVar("unit"))
	assert.Equal(t, "TOKEN_UNIT2", tokenVar("unit2"))
	assert.Equal(t, "TOKEN_LI_MING", tokenVar("li.ming"))
}

// TestShutdownLetsRequestsFinish: a request in flight when the server is
// told to stop still gets its answer, and the server then stops cleanly.
func TestShutdownLetsRequestsFinish(t *testing.T) {
	srv := startServer(t, t.TempDir())
	body := declarationBody("学籍平台")
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, srv.url+"/v1/projects", pr)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.exports["TOKEN_UNIT"])
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = int64(len(body))
	type result struct {
		status int
		err    error
	}
	answered := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- result{err: err}
			return
		}
		resp.Body.Close()
		answered <- result{status: resp.StatusCode}
	}()
	half := len(body) / 2
	_, err = pw.Write([]byte(body[:half]))
	require.NoError(t, err)
	time.Sleep(100 * time.Millisecond) // the server is reading the body

	stopped := make(chan error, 1)
	go func() { stopped <- srv.stop() }()
	time.Sleep(200 * time.Millisecond) // Shutdown has begun and waits
	select {
	case err := <-stopped:
		t.Fatalf("the server stopped with a request in flight: %v", err)
	default:
	}
	_, err = pw.Write([]byte(body[half:]))
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	r := <-answered
	require.NoError(t, r.err)
	assert.Equal(t, http.StatusCreated, r.status)
	require.NoError(t, <-stopped)
}

// declarationBody is a complete declaration of the demo unit's, named name.
func declarationBody(name string) string {
	return `{"unit":"渝北区教育委员会","name":"` + name + `","contact":{"name":"李明","phone":"023-67812345"},` +
		`"period":{"start":"2026-03","end":"2026-12"},"kind":"construction","construction_type":"new",` +
		`"procurement_category":"service","budget":{"district":"100"},"fund_composition":"软件开发",` +
		`"content":"学籍管理","cloud":"政务云","sharing":"共享交换平台","integration":"整合"}`
}
