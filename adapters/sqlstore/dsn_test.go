package sqlstore

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

func TestDialectOf(t *testing.T) {
	cases := map[string]Dialect{
		"postgres://u@h/db":             Postgres,
		"postgresql://u@h/db?x=y":       Postgres,
		"POSTGRES://u@h/db":             Postgres,
		"data/govit.db":                 SQLite,
		"/var/lib/govit/govit.db":       SQLite,
		"file:govit.db?_pragma=x(1)":    SQLite,
		"postgres.db":                   SQLite,
		"./postgres://looks-like-a-url": SQLite,
	}
	for dsn, want := range cases {
		assert.Equal(t, want, dialectOf(dsn), dsn)
	}
}

func pragmas(t *testing.T, dsn string) (url.Values, []string) {
	t.Helper()
	full, err := sqliteDSN(dsn)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(full, "file:"), full)
	_, rawQuery, _ := strings.Cut(full, "?")
	q, err := url.ParseQuery(rawQuery)
	require.NoError(t, err)
	return q, q["_pragma"]
}

func TestSQLiteDSNDefaults(t *testing.T) {
	q, ps := pragmas(t, "/tmp/govit.db")
	assert.ElementsMatch(t, []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "temp_store(MEMORY)"}, ps)
	assert.Equal(t, "immediate", q.Get("_txlock"))

	// The caller's pragmas win; _txlock is always immediate.
	q, ps = pragmas(t, "file:/tmp/govit.db?_pragma=synchronous(NORMAL)&_pragma=busy_timeout=500&_txlock=deferred&cache=private")
	assert.ElementsMatch(t, []string{"synchronous(NORMAL)", "busy_timeout=500", "journal_mode(WAL)", "foreign_keys(1)", "temp_store(MEMORY)"}, ps)
	assert.Equal(t, "immediate", q.Get("_txlock"))
	assert.Equal(t, "private", q.Get("cache"), "SQLite's own URI parameters are kept")

	for _, bad := range []string{"", ":memory:", "file::memory:?cache=shared", "file:x.db?mode=memory"} {
		_, err := sqliteDSN(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestOpenSQLiteAppliesPragmas(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		dsn         string
		synchronous int
	}{
		{filepath.Join(dir, "default.db"), 2},
		{"file:" + filepath.Join(dir, "normal.db") + "?_pragma=synchronous(NORMAL)", 1},
	} {
		s := open(t, c.dsn)
		var mode string
		var sync, timeout, fk int
		ctx := t.Context()
		require.NoError(t, s.DB().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
		require.NoError(t, s.DB().QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync))
		require.NoError(t, s.DB().QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout))
		require.NoError(t, s.DB().QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
		assert.Equal(t, "wal", mode, c.dsn)
		assert.Equal(t, c.synchronous, sync, c.dsn)
		assert.Equal(t, 10000, timeout, c.dsn)
		assert.Equal(t, 1, fk, c.dsn)
	}
}

func TestOpenSQLitePathWithURISyntax(t *testing.T) {
	// A plain path is a path, even with characters a URI would read.
	path := filepath.Join(t.TempDir(), "a b?c#d%20.db")
	s := open(t, path)
	_, err := s.Append(t.Context(), 0, testEvents("p", 1, 1), lifecycle.Summary{})
	require.NoError(t, err)
	_, err = os.Stat(path)
	require.NoError(t, err, "the database is the file named")
}

func TestOpenErrors(t *testing.T) {
	_, err := Open(t.Context(), ":memory:")
	assert.Error(t, err)
	_, err = Open(t.Context(), "postgres://%zz")
	assert.Error(t, err)
	_, err = Open(t.Context(), filepath.Join(t.TempDir(), "missing-dir", "x.db"))
	assert.Error(t, err, "SQLite does not create directories")
}
