// Package sqlstore keeps the projects of 渝北府办发〔2019〕26号 in SQL: an
// event store implementing lifecycle.Store on SQLite (embedded, the
// default) and PostgreSQL, with one code path for both. It holds no rule
// of the measure: it stores the events and summaries the engine gives it,
// and guarantees what the lifecycle.Store contract asks (optimistic
// concurrency, all-or-nothing appends, exact round trips), proven by the
// suite of lifecycle/storetest. What it adds is durability and tamper
// evidence: the filing (备案) of 第十二条, the archive kept for inspection
// (存档备查) of 第十五条 and the audit of 第十六条, which must be able to
// rely on the truthfulness (真实性) of the record, all read a history that
// cannot be rewritten without Verify noticing.
//
// # DSNs
//
// Open decides the database from the DSN:
//
//   - postgres://… or postgresql://… is PostgreSQL, through
//     github.com/jackc/pgx/v5 (database/sql). Runtime parameters go in the
//     query, e.g. postgres://govit@db/govit?sslmode=disable&search_path=govit.
//   - anything else is SQLite, through the pure-Go modernc.org/sqlite:
//     a file path ("data/govit.db") or a file: URI ("file:data/govit.db?…").
//     The file is created if missing. In-memory SQLite is refused (each
//     connection would see its own database); use lifecycle.NewMemoryStore.
//
// A SQLite DSN gets these pragmas unless it sets them itself with
// _pragma=name(value): journal_mode(WAL), busy_timeout(10000),
// synchronous(FULL) and foreign_keys(1); and always _txlock=immediate, so
// that a transaction takes the write lock when it begins and a
// read-then-write append never fails half-way to upgrade its lock.
//
// # Durability
//
// An append returns only after its transaction has committed. On SQLite,
// WAL with synchronous(FULL) syncs the log on every commit: an
// acknowledged append survives the process being killed (SIGKILL; a test
// kills a process appending 10,000 events and finds every acknowledged
// one) and, as far as the disk honours fsync, a power loss. With
// _pragma=synchronous(NORMAL) appends are faster and still survive a
// killed process, but the last appends before a power loss may be rolled
// back (never torn: the database stays consistent). On PostgreSQL,
// durability is the server's (synchronous_commit).
//
// Within one process, appends to SQLite wait their turn in Go, respecting
// their context, rather than in SQLite's busy handler; other processes on
// the same file are kept out by SQLite's lock and wait up to the busy
// timeout. Reads never wait for writes (WAL).
//
// # Schema
//
// The schema is created and migrated at Open by embedded goose
// migrations (migrations/sqlite and migrations/postgres; on PostgreSQL
// under an advisory lock, so concurrent openers do not race). Two tables:
//
//   - events: one row per event, appended and never updated: seq (the
//     global order: INTEGER PRIMARY KEY AUTOINCREMENT on SQLite, an
//     identity column on PostgreSQL), project_id, version, action,
//     actor_id, actor_unit, actor_roles (a JSON array), role, at, article,
//     payload (bytes, exactly as given) and hash. (project_id, version) is
//     unique: two appends of the same version cannot both commit, and the
//     loser gets lifecycle.ErrConflict.
//   - projections: one row per project, the lifecycle.Summary written in
//     the same transaction as the events: name, unit, kind, state,
//     version, the approved amounts by funding source, next_due,
//     next_duty and updated_at, with indexes for List by unit, state and
//     kind, and for the overdue query (next_due).
//
// Project IDs order by their bytes (the "C" collation on PostgreSQL), as
// in every store. Amounts are exact: decimal TEXT on SQLite, NUMERIC on
// PostgreSQL, read back as text, never through a float. Times are kept to
// the microsecond (see lifecycle.StoreTime) and read back in UTC: as
// fixed-width UTC text (2006-01-02T15:04:05.000000Z) on SQLite, so that
// they sort as they compare, and as timestamptz on PostgreSQL.
//
// Text is what both databases can keep: UTF-8 without NUL (PostgreSQL
// refuses anything else). An append with other text is refused with
// lifecycle.ErrInvalid (code unstorable_text) before it reaches the
// database; an ID or filter with such text finds nothing, and a List
// cursor that is not UTF-8 is lifecycle.ErrInvalid (code invalid_cursor).
//
// # Hash chain
//
// Each project's events form a hash chain. The hash of version n is
//
//	H(hash of version n−1 ‖ canonical(row n) ‖ project_id ‖ n as 8-byte big-endian)
//
// with H.Size() zero bytes before version 1. canonical(row) is a
// length-prefixed encoding of every stored column of the row except seq
// and hash (see the doc comment of canonical for its exact bytes). The
// chain is per project, so that projects can be verified, exported or
// archived one by one, and appends to different projects never wait on
// one another's hashes; the global order is checked separately, by seq.
//
// Verify walks one project's chain, or every project's, and reports the
// first break: an edited row (whatever column, including the hash),
// a missing version, rows out of sequence, or a projection that disagrees
// with the log. The hash is SHA-256 unless WithHash gives another (SM3,
// say, where a buyer requires it); a store must always be opened with the
// hash that wrote it.
package sqlstore
