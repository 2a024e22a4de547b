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
// synchronous(FULL), foreign_keys(1) and temp_store(MEMORY) (the
// savepoint journals of group commit stay in memory); and always
// _txlock=immediate, so that a transaction takes the write lock when it
// begins and a read-then-write append never fails half-way to upgrade its
// lock.
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
// Within one process, appends to SQLite go to one writer goroutine
// (group commit, below) rather than into SQLite's busy handler; other
// processes on the same file are kept out by SQLite's lock and wait up to
// the busy timeout. Reads never wait for writes (WAL).
//
// # Write path and group commit
//
// Every append — Store.Append, lifecycle.RequestAppender's AppendRequest
// and AppendWith — writes, in one transaction: read the project's
// head (version and last hash), check the expected version, insert the
// events with their chain hashes, upsert the projection, then, when the
// request carries them, the kept fold (AppendRequest.Snapshot, table
// snapshots) and the 第四条 features (AppendRequest.Overlap, tables
// overlap_*), the project's row of the statistics' figures, then the
// joined writes: those of WithWrite (every append) and the extra Writes of
// AppendWith (this append). On SQLite, last come the rows every append
// shares: the feed head (positions in commit order), the running totals
// of the statistics and the webhook deliveries. On PostgreSQL no append
// writes a row another append writes: its last writes (sqlTail) put
// the project's figures and mark its events pending, the first mark with
// what the append changes in the running totals (pgchange.go); the
// sequencer (pgfeed.go), one at a time under the feed head's row lock,
// later gives committed events their feed positions and webhook
// deliveries and folds the marks' changes into the totals. Feed, Claim
// and Deliveries run it first when events are pending, and Stats adds the
// changes of the marks still pending. A Write gets
// the transaction (Tx, $n placeholders on both dialects), the dialect,
// the request and the events as stored (with Seq), so that other data —
// an idempotency key, an outbox row per event, a global sequence — commits
// or rolls back with the events. New per-append data goes in new fields of
// lifecycle.AppendRequest, read by a Write, or written by appendOne and,
// on PostgreSQL, by queueAppend with its sub-statement in
// pgRestStatements.
//
// On PostgreSQL, without joined writes of the embedder's (WithWrite,
// AppendWith), appends go to two batch writers (pgbatch.go), each of
// which takes the appends queued behind one another and writes them in
// one transaction: the heads of their projects read at once (none for a
// new project, nor for one whose head the store keeps from its own last
// append: pgheads.go), then every write sent as one pgx batch, each
// append of one event as one statement, of more as one per event and one
// for the rest (pgRestStatements). A failed
// batch commits nothing, and each of its appends runs again alone
// (pgAppend, pgappend.go), as does an append that commits an idempotency
// key, which commits after checking that the key's row changed. With
// joined writes an append runs appendOne statement by statement, in its
// own transaction.
// On SQLite the statements an append runs every time are prepared once
// when the store opens (the driver keeps no statement cache). On SQLite,
// which has one writer at a time, one goroutine (writer) takes an append and every append already queued
// behind it, up to 256, and runs them in one transaction, each within a
// savepoint: an append whose version check, insert or joined write fails
// is rolled back to its savepoint alone, and the others go on; a later
// append of the batch to the same project sees the earlier one. The batch
// commits once — one fsync of the WAL for all its appends — and only then
// is each append acknowledged, with its own outcome, or with the commit's
// error for all. An append still queued when its context ends is
// withdrawn; once the writer has begun it, it runs to the end with the
// caller's values but without its cancellation (a cancelled statement
// would roll back the whole batch), so an append is never reported failed
// when it may have committed. WriterStats counts the transactions and the
// appends they held.
//
// # Schema
//
// The schema is created and migrated at Open by embedded goose
// migrations (migrations/sqlite and migrations/postgres; on PostgreSQL
// under an advisory lock, so concurrent openers do not race). The log and
// its projection:
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
//     next_duty, updated_at and the budget years (budget_year of the
//     declaration in force, budget_entry_year of the latest budget entry;
//     migration 00018), with indexes for List by unit, state, kind and
//     unit and state, and for the overdue query and ListDue (next_due;
//     unit and next_due for one unit's). ListBefore reads List's indexes
//     backwards.
//
// and what makes reads independent of the size of the history and of the
// portfolio (migration 00003):
//
//   - snapshots: the project folded at its latest version
//     (lifecycle.EncodeSnapshot), replaced in each append's transaction;
//     LoadSnapshot returns it with the projection's version in one row,
//     and nothing when it is older (an append without a fold).
//   - overlap_features, overlap_postings, overlap_df, overlap_pending:
//     the 第四条 index.
//     The declaration in force of each project (unit, name, content,
//     parent) with its distinct character bigrams and their number; an
//     inverted index from bigram to project, in blocks of 1,024 internal
//     IDs, one row per (bigram, block) holding each project's offset and
//     size (migrations 00012, 00013 and 00017, which replaced the one row
//     per posting of overlap_grams and overlap_sizes); the number of
//     projects holding each bigram. The append that changes the
//     declaration in force writes its features and marks the project
//     pending (migration 00019); the postings and counts follow when the
//     pending projects are folded in (FoldOverlap), by the store's folder
//     goroutine after declarations and by every check before it reads, so
//     that the rows every declaration shares are not written in each
//     append. OverlapCandidates looks up the rarest part of a declaration's
//     bigrams that any project reaching the threshold must share
//     (lifecycle.OverlapProbe), counts them a window of 32 blocks at a
//     time, and returns the texts of the projects that may reach it, for
//     review.Overlaps to score exactly.
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
