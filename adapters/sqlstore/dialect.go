package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"hash/crc64"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations
var migrationFiles embed.FS

// Dialect names the database a Store runs on.
type Dialect string

// The dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// timeLayout is how SQLite keeps an instant: UTC, microseconds, fixed
// width, so that text order is time order. It is also the text of an
// event's time in the hash chain's canonical encoding, for both dialects.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// sqlitePragmas are the pragmas a SQLite DSN gets unless it sets them
// itself (see the package documentation).
func sqlitePragmas() []struct{ name, value string } {
	return []struct{ name, value string }{
		{"busy_timeout", "10000"},
		{"journal_mode", "WAL"},
		{"synchronous", "FULL"},
		{"foreign_keys", "1"},
		{"temp_store", "MEMORY"},
	}
}

// dialectOf decides the dialect of a DSN: postgres:// and postgresql://
// URLs are PostgreSQL, anything else is a SQLite file path or file: URI.
func dialectOf(dsn string) Dialect {
	l := strings.ToLower(dsn)
	if strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// sqliteDSN turns a path or file: URI into the DSN the driver gets: a
// file: URI with the default pragmas the caller did not set, and
// _txlock=immediate so that every transaction takes the write lock when it
// begins (a read-then-write transaction then never fails to upgrade).
func sqliteDSN(dsn string) (string, error) {
	if dsn == "" {
		return "", errors.New("sqlstore: empty DSN")
	}
	if dsn == ":memory:" || strings.Contains(dsn, "mode=memory") || strings.HasPrefix(dsn, "file::memory:") {
		return "", errors.New("sqlstore: an in-memory SQLite database is not supported (each connection would see its own); use a file, or lifecycle.NewMemoryStore")
	}
	var path, rawQuery string
	if rest, ok := strings.CutPrefix(dsn, "file:"); ok {
		path, rawQuery, _ = strings.Cut(rest, "?")
	} else {
		// A plain path: escape what a URI would read as syntax.
		path = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(dsn)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", fmt.Errorf("sqlstore: DSN query: %w", err)
	}
	set := map[string]bool{}
	for _, p := range q["_pragma"] {
		name, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(p)), "(")
		name, _, _ = strings.Cut(name, "=")
		set[strings.TrimSpace(name)] = true
	}
	for _, p := range sqlitePragmas() {
		if !set[p.name] {
			q.Add("_pragma", p.name+"("+p.value+")")
		}
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode(), nil
}

// openDB opens the database; on SQLite its connections have the
// functions of counts.
func openDB(ctx context.Context, d Dialect, dsn string, counts *overlapCounts) (*sql.DB, error) {
	switch d {
	case Postgres:
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: PostgreSQL DSN: %w", err)
		}
		return stdlib.OpenDB(*cfg), nil
	default:
		full, err := sqliteDSN(dsn)
		if err != nil {
			return nil, err
		}
		drv := &sqlite.Driver{}
		if err := counts.register(drv); err != nil {
			return nil, err
		}
		return sql.OpenDB(sqliteConnector{dsn: full, drv: drv}), nil
	}
}

// sqliteConnector opens SQLite connections without going through the
// database/sql driver registry, with the store's own driver (and the
// functions registered on it).
type sqliteConnector struct {
	dsn string
	drv *sqlite.Driver
}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	return c.drv.Open(c.dsn)
}

func (c sqliteConnector) Driver() driver.Driver { return c.drv }

// migrate brings the schema up to date with the embedded migrations of the
// dialect. On PostgreSQL an advisory lock, keyed by the schema, keeps
// concurrent openers from migrating at once.
func migrate(ctx context.Context, d Dialect, db *sql.DB) ([]*goose.MigrationResult, error) {
	p, err := migrations(ctx, d, db)
	if err != nil {
		return nil, err
	}
	return p.Up(ctx)
}

// migrations is the migration provider of the dialect: the embedded SQL
// files and the Go migrations.
func migrations(ctx context.Context, d Dialect, db *sql.DB) (*goose.Provider, error) {
	dir, err := fs.Sub(migrationFiles, "migrations/"+string(d))
	if err != nil {
		return nil, err
	}
	gd := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(blocksMigration(d), gramFirstMigration(d))}
	if d == Postgres {
		gd = goose.DialectPostgres
		var schema string
		if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			return nil, fmt.Errorf("sqlstore: current schema: %w", err)
		}
		id := int64(crc64.Checksum([]byte("govit/sqlstore/"+schema), crc64.MakeTable(crc64.ECMA)) >> 1)
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(gd, db, dir, opts...)
}

// timeArg is t as a query argument of the dialect: fixed-width UTC text
// on SQLite, a time on PostgreSQL; NULL for the zero time.
func (s *Store) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if s.dialect == SQLite {
		return t.UTC().Format(timeLayout)
	}
	return t.UTC()
}

// isUniqueViolation reports whether err is a unique-constraint violation
// of either database.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// dbTime reads a time column of either dialect: time.Time from
// PostgreSQL, timeLayout text from SQLite; NULL is the zero time.
type dbTime struct{ t time.Time }

func (d *dbTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		d.t = time.Time{}
	case time.Time:
		d.t = v.UTC()
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	default:
		return fmt.Errorf("sqlstore: cannot read a time from %T", src)
	}
	return nil
}

func (d *dbTime) parse(s string) error {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return fmt.Errorf("sqlstore: stored time %q: %w", s, err)
	}
	d.t = t.UTC()
	return nil
}
