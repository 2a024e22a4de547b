package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/integrity"
	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
)

// call sends a request with a bearer token and returns status and body.
func call(t testing.TB, method, url, token, body string, header ...string) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, data
}

// declare declares a project on srv and returns its ID.
func declare(t testing.TB, srv *running, token, name string) string {
	t.Helper()
	status, _, body := call(t, http.MethodPost, srv.url+"/v1/projects", token, declarationBody(name))
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var v struct {
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
	}
	require.NoError(t, json.Unmarshal(body, &v))
	return v.Project.ID
}

func TestFlagsFromTheEnvironment(t *testing.T) {
	newSet := func() (*flag.FlagSet, *string, *string, *time.Duration) {
		fl := flag.NewFlagSet("x", flag.ContinueOnError)
		fl.SetOutput(io.Discard)
		return fl, fl.String("db", "govit.db", ""), fl.String("log-level", "info", ""), fl.Duration("shutdown-timeout", time.Second, "")
	}
	env := map[string]string{"GOVIT_DB": "postgres://u:secret@h/db", "GOVIT_LOG_LEVEL": "debug", "GOVIT_SHUTDOWN_TIMEOUT": "3s"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }

	fl, db, level, timeout := newSet()
	require.NoError(t, parseFlagsEnv(fl, nil, lookup))
	assert.Equal(t, "postgres://u:secret@h/db", *db)
	assert.Equal(t, "debug", *level)
	assert.Equal(t, 3*time.Second, *timeout)

	fl, db, level, _ = newSet()
	require.NoError(t, parseFlagsEnv(fl, []string{"-db", "x.db"}, lookup))
	assert.Equal(t, "x.db", *db, "the command line wins")
	assert.Equal(t, "debug", *level)

	env["GOVIT_SHUTDOWN_TIMEOUT"] = "soon-secret"
	fl, _, _, _ = newSet()
	err := parseFlagsEnv(fl, nil, lookup)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "GOVIT_SHUTDOWN_TIMEOUT")
	assert.NotContains(t, err.Error(), "soon-secret", "a value from the environment is not echoed")

	assert.Equal(t, "GOVIT_VERIFY_EVERY", envName("verify-every"))
}

func TestServerReadsEveryFlagFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "from-env.db")
	t.Setenv("GOVIT_DB", db)
	t.Setenv("GOVIT_LOG_LEVEL", "warn")
	t.Setenv("GOVIT_SUITE", string(integrity.SM3SM2))
	t.Setenv("GOVIT_KEYS", filepath.Join(dir, "keys.json"))
	srv := startServerArgs(t, []string{"-addr", "127.0.0.1:0"})
	assert.Contains(t, srv.stdout.String(), db)
	_, err := os.Stat(db)
	require.NoError(t, err)
	kr, err := integrity.Load(filepath.Join(dir, "keys.json"))
	require.NoError(t, err)
	assert.Equal(t, integrity.SM3SM2, kr.CurrentKey().Suite)
}

// mainChild: when set, the test binary runs main with these arguments
// (a JSON array) instead of the tests, so that a test can see main's
// exit status.
const mainChild = "GOVIT_SERVER_TEST_MAIN_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(mainChild); ok {
		var a []string
		if err := json.Unmarshal([]byte(args), &a); err != nil {
			panic(err)
		}
		os.Args = append([]string{"server"}, a...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs main in a child process and returns its exit code and
// standard output.
func runMain(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	enc, err := json.Marshal(args)
	require.NoError(t, err)
	cmd.Env = append(os.Environ(), mainChild+"="+string(enc))
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return code, out.String() + errs.String()
}

func TestVerifyCommandNamesEachBrokenProject(t *testing.T) {
	for _, d := range []struct {
		name string
		dsn  func(testing.TB, string) string
	}{
		{"sqlite", func(_ testing.TB, dir string) string { return filepath.Join(dir, "govit.db") }},
		{"postgres", func(t testing.TB, _ string) string { return sqltest.PostgresDSN(t) }},
	} {
		t.Run(d.name, func(t *testing.T) {
			dir := t.TempDir()
			dsn := d.dsn(t, dir)
			tokens := filepath.Join(dir, "tokens.json")
			srv := startServer(t, dir, "-db", dsn, "-tokens", tokens)
			tok := srv.exports["TOKEN_UNIT"]
			edited := declare(t, srv, tok, "学籍平台")
			moved := declare(t, srv, tok, "资助平台")
			removed := declare(t, srv, tok, "校车平台")
			intact := declare(t, srv, tok, "食堂平台")

			status, _, head := call(t, http.MethodGet, srv.url+"/integrity/head", tok, "")
			require.Equal(t, http.StatusOK, status, "%s", head)
			headFile := filepath.Join(dir, "head.json")
			require.NoError(t, os.WriteFile(headFile, head, 0o600))
			status, _, _ = call(t, http.MethodGet, srv.url+"/integrity/head", "", "")
			assert.Equal(t, http.StatusUnauthorized, status)
			status, _, keys := call(t, http.MethodGet, srv.url+"/integrity/keys", tok, "")
			require.Equal(t, http.StatusOK, status)
			var ks struct {
				Keys []publicKey `json:"keys"`
			}
			require.NoError(t, json.Unmarshal(keys, &ks))
			require.Len(t, ks.Keys, 1)
			var h integrity.Head
			require.NoError(t, json.Unmarshal(head, &h))
			require.NoError(t, integrity.VerifyHead(h, ks.Keys[0].Public), "an auditor checks the head with the published key")
			assert.EqualValues(t, 4, h.Projects)
			require.NoError(t, srv.stop())

			code, out := runMain(t, "verify", "-db", dsn, "-tokens", tokens, "-head", headFile)
			require.Equal(t, 0, code, out)
			assert.Contains(t, out, "0 broken projects")

			s, err := sqlstore.Open(t.Context(), dsn)
			require.NoError(t, err)
			ctx := t.Context()
			for _, q := range []struct {
				sql string
				arg []any
			}{
				{`UPDATE events SET payload = $1 WHERE project_id = $2`, []any{[]byte(strings.Replace(`{"x":1}`, "1", "2", 1)), edited}},
				{`UPDATE projections SET unit = '渝北区卫生健康委员会' WHERE project_id = $1`, []any{moved}},
				{`DELETE FROM events WHERE project_id = $1`, []any{removed}},
				{`DELETE FROM projections WHERE project_id = $1`, []any{removed}},
			} {
				_, err := s.DB().ExecContext(ctx, q.sql, q.arg...)
				require.NoError(t, err, q.sql)
			}
			require.NoError(t, s.Close())

			code, out = runMain(t, "verify", "-db", dsn, "-tokens", tokens, "-head", headFile)
			assert.Equal(t, 1, code, out)
			assert.Regexp(t, regexp.MustCompile(`BROKEN project `+edited+`: chain: .*edited`), out)
			assert.Regexp(t, regexp.MustCompile(`BROKEN project `+moved+`: projection: .*unit`), out)
			assert.Regexp(t, regexp.MustCompile(`BROKEN head `+regexp.QuoteMeta(headFile)), out, "the removal with its projection shows against the kept head")
			assert.NotContains(t, out, "project "+intact)
			assert.NotContains(t, out, "postgres://", "the DSN is not printed")
		})
	}
}

func TestBackgroundVerificationRaisesTheMetric(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir, "-verify-every", "50ms")
	tok := srv.exports["TOKEN_UNIT"]
	id := declare(t, srv, tok, "学籍平台")
	metric := func() string {
		_, _, body := call(t, http.MethodGet, srv.url+"/metrics", "", "")
		m := regexp.MustCompile(`(?m)^govit_integrity_broken_projects (\S+)$`).FindSubmatch(body)
		if m == nil {
			return ""
		}
		return string(m[1])
	}
	require.Eventually(t, func() bool { return metric() == "0" }, 10*time.Second, 20*time.Millisecond)

	s, err := sqlstore.Open(t.Context(), filepath.Join(dir, "govit.db"))
	require.NoError(t, err)
	_, err = s.DB().ExecContext(t.Context(), `UPDATE events SET actor_unit = '渝北区卫生健康委员会' WHERE project_id = $1`, id)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.Eventually(t, func() bool { return metric() == "1" }, 10*time.Second, 20*time.Millisecond)
	assert.Eventually(t, func() bool {
		return strings.Contains(srv.stderr.String(), `"level":"ERROR","msg":"integrity broken","project":"`+id+`"`)
	}, 5*time.Second, 20*time.Millisecond)
}

func TestRotateKeyKeepsOldRowsVerifiable(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir)
	tok := srv.exports["TOKEN_UNIT"]
	declare(t, srv, tok, "学籍平台")
	require.NoError(t, srv.stop())

	var out, errs bytes.Buffer
	require.NoError(t, runRotateKey([]string{"-db", filepath.Join(dir, "govit.db"), "-suite", string(integrity.SM3SM2)}, &out, &errs))
	assert.Contains(t, out.String(), "k2")

	again := startServer(t, dir)
	declare(t, again, tok, "资助平台")
	require.NoError(t, again.stop())
	kr, err := integrity.Load(filepath.Join(dir, keysFileName))
	require.NoError(t, err)
	assert.Equal(t, "k2", kr.Current)
	require.NotNil(t, kr.Key("k1"))
	out.Reset()
	require.NoError(t, runVerify(context.Background(), []string{"-db", filepath.Join(dir, "govit.db")}, &out, &errs), out.String())
	assert.Contains(t, out.String(), "checked 2 projects")
}

func TestAnUnkeyedDatabaseIsSealedAtStart(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "govit.db")
	plain, err := sqlstore.Open(t.Context(), db)
	require.NoError(t, err)
	require.NoError(t, plain.Close())
	srv := startServer(t, dir)
	declare(t, srv, srv.exports["TOKEN_UNIT"], "学籍平台")
	require.NoError(t, srv.stop())
	var out, errs bytes.Buffer
	require.NoError(t, runVerify(context.Background(), []string{"-db", db}, &out, &errs), out.String())
}
