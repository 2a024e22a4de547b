package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/lifecycle"
)

// server starts the API over a memory store with one unit token and
// returns its URL and tokens file.
func server(t *testing.T) (string, string, *lifecycle.MemoryStore) {
	t.Helper()
	store := lifecycle.NewMemoryStore()
	eng, err := lifecycle.New(lifecycle.Config{Store: store})
	require.NoError(t, err)
	entries := []httpapi.TokenEntry{
		{Token: "bdb-token", Actor: "bdb", Unit: "渝北区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}},
		{Token: "unit-token", Actor: "unit", Unit: "渝北区教育委员会", Roles: []lifecycle.Role{lifecycle.RoleUnit}},
	}
	auth, err := httpapi.NewTokenAuthenticator(entries)
	require.NoError(t, err)
	api, err := httpapi.New(httpapi.Config{Engine: eng, Auth: auth})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	data, err := json.Marshal(entries)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "tokens.json")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return srv.URL, path, store
}

var row = regexp.MustCompile(`(?m)^\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)ms\s+([\d.]+)ms\s+([\d.]+)ms\s+([\d.]+)ms$`)

func TestRunMeasuresEachLevel(t *testing.T) {
	url, tokens, store := server(t)
	var out bytes.Buffer
	err := run(context.Background(), []string{"-addr", url, "-tokens", tokens, "-clients", "1,4",
		"-duration", "2s", "-max", "40", "-warmup", "4"}, &out)
	require.NoError(t, err, out.String())
	rows := row.FindAllStringSubmatch(out.String(), -1)
	require.Len(t, rows, 2, out.String())
	for i, want := range []string{"1", "4"} {
		r := rows[i]
		assert.Equal(t, want, r[1], "clients")
		actions, _ := strconv.Atoi(r[2])
		assert.Equal(t, 40, actions, "the action limit stops the level")
		assert.Equal(t, "0", r[3], "errors")
		p50, _ := strconv.ParseFloat(r[5], 64)
		p99, _ := strconv.ParseFloat(r[7], 64)
		maxLat, _ := strconv.ParseFloat(r[8], 64)
		assert.LessOrEqual(t, p50, p99)
		assert.LessOrEqual(t, p99, maxLat)
	}
	page, _, err := store.List(context.Background(), lifecycle.Query{State: lifecycle.StateWithdrawn, Limit: 1000})
	require.NoError(t, err)
	assert.Len(t, page, (4+40)/2+(4+40)/2, "each cycle declared and withdrew one project")
}

func TestRunStopsAtTheDuration(t *testing.T) {
	url, tokens, _ := server(t)
	var out bytes.Buffer
	const limit = 10_000_000
	require.NoError(t, run(context.Background(), []string{"-addr", url, "-tokens", tokens, "-clients", "2",
		"-duration", "300ms", "-max", strconv.Itoa(limit), "-warmup", "0"}, &out))
	rows := row.FindAllStringSubmatch(out.String(), -1)
	require.Len(t, rows, 1, out.String())
	actions, err := strconv.Atoi(rows[0][2])
	require.NoError(t, err)
	assert.Positive(t, actions)
	assert.Less(t, actions, limit, "the duration, not the action limit, ended the level")
}

func TestDialsOnlyLoopback(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:8080", "[::1]:8080", "127.1.2.3:1"} {
		assert.NoError(t, loopbackOnly("tcp", ok, nil), ok)
	}
	for _, bad := range []string{"10.0.0.1:8080", "[2001:db8::1]:80", "0.0.0.0:80", "example.com:80", "127.0.0.1"} {
		assert.Error(t, loopbackOnly("tcp", bad, nil), bad)
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080", "http://localhost:8080/", "http://[::1]:8080", "http://127.0.0.2:1"} {
		_, err := loopbackBase(ok)
		assert.NoError(t, err, ok)
	}
	for _, bad := range []string{"http://10.0.0.1:8080", "http://example.com", "https://127.0.0.1:8080", "127.0.0.1:8080", "http://0.0.0.0:8080"} {
		_, err := loopbackBase(bad)
		assert.Error(t, err, bad)
	}
}

func TestArgsAreBounded(t *testing.T) {
	_, tokens, _ := server(t)
	for _, args := range [][]string{
		{"-duration", "1h"},
		{"-duration", "0s"},
		{"-clients", "0"},
		{"-clients", "1,100000"},
		{"-max", "0"},
		{"-max", "10000001"},
		{"-warmup", "-1"},
		{"-warmup", "10001"},
		{"-addr", "http://192.168.1.1:8080"},
		{"-tokens", filepath.Join(t.TempDir(), "missing.json")},
	} {
		_, err := parseArgs(append([]string{"-tokens", tokens}, args...), &bytes.Buffer{})
		assert.Error(t, err, strings.Join(args, " "))
	}
}
