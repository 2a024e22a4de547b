package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/adapters/integrity"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// Store is a lifecycle.Store on SQLite or PostgreSQL. It is safe for
// concurrent use; Close it when done.
type Store struct {
	db      *sql.DB
	dialect Dialect
	logger  *slog.Logger
	newHash func() hash.Hash
	// keys seals the chain with HMAC when set (see WithKeyring).
	keys *integrity.Keyring
	// queue hands this process's appends to the one writer of a SQLite
	// store (see writer.go); nil on PostgreSQL, whose batch writers take
	// them from pgq.
	queue   chan *appendOp
	quit    chan struct{}
	stopped chan struct{}
	// writes is held by the SQLite writer while it commits a batch, and
	// by whatever must keep this process's appends out for a while (Head,
	// SealUnkeyed, FoldOverlap: holdWrites); it waits here, respecting its context, rather than in
	// SQLite's busy handler. Other processes are kept out by SQLite's lock.
	writes chan struct{}
	// joined are the writes of WithWrite.
	joined []Write
	// changed wakes this process's feed long polls after an append.
	changed signal
	// commits and committed count the writers' transactions (SQLite's
	// writer, PostgreSQL's batch writers and appends alone) and the
	// appends they held.
	commits, committed atomic.Int64
	// prepared are the statements of an append and of the reads of every
	// request, prepared once on SQLite (prepared.go).
	prepared map[string]*sql.Stmt
	// overlapBits and overlapWindow, if not 0, replace overlapBlockBits
	// (tests only, on a new database) and overlapWindowBlocks.
	overlapBits   uint
	overlapWindow int
	// counts are the window counts of the 第四条 checks (overlapcount.go).
	counts *overlapCounts
	// The 第四条 folder (overlappending.go): foldWake wakes it after a
	// declaration, folderQuit stops it, folderDone is closed when it has.
	foldWake               chan struct{}
	folderQuit, folderDone chan struct{}
	// The feed's sequencer on PostgreSQL (pgfeed.go): seqWake wakes it
	// after an append, seqQuit stops it, seqDone is closed when it has.
	seqWake          chan struct{}
	seqQuit, seqDone chan struct{}
	// pgq hands this process's appends to the batch writers of a
	// PostgreSQL store (pgbatch.go); pgDone waits for them to stop.
	pgq    chan *appendOp
	pgDone sync.WaitGroup
	// pgRest are the forms of an append's statement after its events
	// (pgRestStatements).
	pgRest [8]string
	// heads are the heads this PostgreSQL store's appends left
	// (pgheads.go); nil on SQLite.
	heads *lru.Cache[string, head]
}

var _ lifecycle.Store = (*Store)(nil)

// Option configures Open.
type Option func(*config)

type config struct {
	logger   *slog.Logger
	newHash  func() hash.Hash
	keys     *integrity.Keyring
	maxConns int
	writes   []Write
}

// WithLogger sets the logger (silent by default). Appends and conflicts
// are logged at debug level, migrations at info level.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithHash sets the hash function of the hash chain (SHA-256 by default),
// for a buyer who requires another, such as SM3. A store must always be
// opened with the hash that wrote it, or Verify reports every project as
// edited.
func WithHash(newHash func() hash.Hash) Option {
	return func(c *config) { c.newHash = newHash }
}

// WithKeyring seals the hash chain with the keyring's current key: each
// new row's chain value is an HMAC under that key, with the key's ID
// stored beside it, so that no one without the key can recompute the
// chain after an edit. Rows sealed by an older key of the keyring verify
// with it. Without a keyring the chain is the plain hash of WithHash,
// which shows accidents but not a deliberate edit. With a keyring the
// chain's MAC uses the hash of the key's suite, and Head signs heads with
// the current key. Rows chained before the keyring was given are sealed
// by SealUnkeyed.
func WithKeyring(kr *integrity.Keyring) Option {
	return func(c *config) { c.keys = kr }
}

// WithMaxConns caps the connections to the database (default: 8 on
// SQLite, 16 on PostgreSQL).
func WithMaxConns(n int) Option {
	return func(c *config) { c.maxConns = n }
}

// Open opens the store at dsn and brings its schema up to date with the
// embedded migrations. A dsn starting postgres:// or postgresql:// is a
// PostgreSQL URL (runtime parameters such as search_path may be given in
// its query); anything else is a SQLite file path or file: URI, created if
// missing (see the package documentation for the pragmas it gets).
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	c := config{}
	for _, o := range opts {
		o(&c)
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if c.newHash == nil {
		c.newHash = sha256.New
	}

	d := dialectOf(dsn)
	if c.maxConns <= 0 {
		c.maxConns = 8
		if d == Postgres {
			c.maxConns = 16
		}
	}
	counts := &overlapCounts{}
	db, err := openDB(ctx, d, dsn, counts)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(c.maxConns)
	db.SetMaxIdleConns(c.maxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: open %s: %w", d, err)
	}
	results, err := migrate(ctx, d, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: migrate %s: %w", d, err)
	}
	for _, r := range results {
		c.logger.InfoContext(ctx, "sqlstore: migration applied", "dialect", string(d), "version", r.Source.Version, "duration", r.Duration)
	}
	s := &Store{db: db, dialect: d, logger: c.logger, newHash: c.newHash, keys: c.keys, joined: c.writes, counts: counts}
	if d == SQLite {
		s.writes = make(chan struct{}, 1)
	}
	if err := s.prepareAppendStatements(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlstore: prepare: %w", err)
	}
	s.foldWake = make(chan struct{}, 1)
	s.folderQuit, s.folderDone = make(chan struct{}), make(chan struct{})
	go s.folder()
	if d == Postgres {
		s.seqWake = make(chan struct{}, 1)
		s.seqQuit, s.seqDone = make(chan struct{}), make(chan struct{})
		go s.sequencer()
		s.pgRest = pgRestStatements()
		s.heads = newHeads()
		s.pgq = make(chan *appendOp)
		s.quit = make(chan struct{})
		for range pgWriters {
			s.pgDone.Go(s.pgWriter)
		}
	}
	if d == SQLite {
		s.queue = make(chan *appendOp)
		s.quit = make(chan struct{})
		s.stopped = make(chan struct{})
		go s.writer()
	}
	return s, nil
}

// holdWrites keeps this process's appends out until release is called,
// waiting for the SQLite writer's batch under way; on PostgreSQL it holds
// nothing. An ended ctx stops the wait.
func (s *Store) holdWrites(ctx context.Context) (release func(), err error) {
	if s.writes == nil {
		return func() {}, nil
	}
	select {
	case s.writes <- struct{}{}:
		return func() { <-s.writes }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close stops the writer and closes the database. Appends still waiting
// for the writer fail; appends it has taken are committed or rolled back
// first.
func (s *Store) Close() error {
	s.stopBackground()
	if s.quit != nil {
		select {
		case <-s.quit:
		default:
			close(s.quit)
			if s.stopped != nil {
				<-s.stopped
			}
			s.pgDone.Wait()
		}
	}
	s.closePrepared()
	return s.db.Close()
}

// stopBackground stops the sequencer and the 第四条 folder, waiting for
// a run under way to end.
func (s *Store) stopBackground() {
	for _, g := range []struct{ quit, done chan struct{} }{{s.seqQuit, s.seqDone}, {s.folderQuit, s.folderDone}} {
		if g.quit == nil {
			continue
		}
		select {
		case <-g.quit:
		default:
			close(g.quit)
			<-g.done
		}
	}
}

// Dialect returns the database the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB returns the database, for queries of the embedder's own (reports,
// backups). Writing to the store's tables behind its back breaks the hash
// chain, which Verify then reports.
func (s *Store) DB() *sql.DB { return s.db }

// fail wraps a database error; when the context is done, the context's
// error is what the caller gets to match.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("sqlstore: %s: %w (%w)", op, cerr, err)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

const (
	sqlHead   = `SELECT version, hash FROM events WHERE project_id = $1 ORDER BY version DESC LIMIT 1`
	sqlInsert = `INSERT INTO events (project_id, version, action, actor_id, actor_unit, actor_roles, role, at, article, payload, hash, key_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq`
	// sqlProjection replaces the project's projection row, with its
	// duties (dutiesArg).
	sqlProjection = `INSERT INTO projections (` + projectionColumns + `, duties)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		ON CONFLICT (project_id) DO UPDATE SET
		  name = excluded.name, unit = excluded.unit, kind = excluded.kind, state = excluded.state,
		  version = excluded.version,
		  approved_central = excluded.approved_central, approved_municipal = excluded.approved_municipal,
		  approved_district = excluded.approved_district, approved_self_funded = excluded.approved_self_funded,
		  next_due = excluded.next_due, next_duty = excluded.next_duty, updated_at = excluded.updated_at,
		  budget_year = excluded.budget_year, budget_entry_year = excluded.budget_entry_year, duties = excluded.duties`
)

const eventColumns = `seq, project_id, version, action, actor_id, actor_unit, actor_roles, role, at, article, payload`

// Load implements lifecycle.Store.
func (s *Store) Load(ctx context.Context, projectID string) ([]lifecycle.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !storable(projectID) {
		// No stored project has such an ID, and PostgreSQL would refuse
		// the query rather than find nothing.
		return nil, lifecycle.NotFoundError(projectID)
	}
	out, err := s.queryEvents(ctx, "load", `SELECT `+eventColumns+` FROM events WHERE project_id = $1 ORDER BY version`, projectID)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, lifecycle.NotFoundError(projectID)
	}
	return out, nil
}

// storable reports whether s can be kept as text by both databases:
// valid UTF-8 without NUL (PostgreSQL refuses anything else).
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// cursorText is the List cursor as a query argument. Stored IDs never hold
// NUL, and IDs are ordered by bytes, so "after a\x00b" is "after a": the
// cursor is cut at its first NUL. A cursor that is not UTF-8 is refused.
func cursorText(after string) (string, bool) {
	after, _, _ = strings.Cut(after, "\x00")
	return after, utf8.ValidString(after)
}

func invalidCursor() error {
	return &lifecycle.Error{
		Kind: lifecycle.KindInvalid, Code: "invalid_cursor",
		ZH: "分页游标无效：须是上一页返回的 next_cursor",
		EN: "the page cursor is invalid: it must be the next_cursor of the previous page",
	}
}

// checkText refuses an append whose text the database cannot keep (NUL,
// or bytes that are not UTF-8), so that it is an invalid request rather
// than a failure of the store. It names the first such field.
func (s *Store) checkText(events []lifecycle.Event, sum lifecycle.Summary) error {
	type text struct{ name, value string }
	fields := []text{
		{"name", sum.Name}, {"unit", sum.Unit}, {"kind", sum.Kind},
		{"state", string(sum.State)}, {"next_duty", sum.NextDuty},
	}
	for _, e := range events {
		fields = append(fields, text{"project_id", e.ProjectID}, text{"action", string(e.Action)},
			text{"actor.id", e.Actor.ID}, text{"actor.unit", e.Actor.Unit}, text{"article", e.Article})
	}
	for _, f := range fields {
		if !storable(f.value) {
			return unstorable(f.name)
		}
	}
	return nil
}

func unstorable(name string) error {
	return &lifecycle.Error{
		Kind: lifecycle.KindInvalid, Code: "unstorable_text",
		ZH: fmt.Sprintf("%s 含有无法保存的字符（NUL 或非 UTF-8 字节）", name),
		EN: fmt.Sprintf("%s holds characters that cannot be stored (NUL or bytes that are not UTF-8)", name),
	}
}

// amount is the exact decimal text of d, never a float.
func amount(d decimal.Decimal) string { return d.String() }

func (s *Store) currentVersion(ctx context.Context, id string) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM events WHERE project_id = $1`, id).Scan(&v)
	return v, err
}

const projectionColumns = `project_id, name, unit, kind, state, version,
	approved_central, approved_municipal, approved_district, approved_self_funded,
	next_due, next_duty, updated_at, budget_year, budget_entry_year`

// List implements lifecycle.Store. Every filter is served by an index:
// (unit, project_id), (state, project_id), (kind, project_id),
// (next_due, project_id) and, for one unit's overdue, (unit, next_due,
// project_id).
func (s *Store) List(ctx context.Context, q lifecycle.Query) ([]lifecycle.Summary, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if !storable(q.Unit) || !storable(string(q.State)) || !storable(q.Kind) {
		// No stored project matches a filter that cannot be stored.
		return nil, "", nil
	}
	after, ok := cursorText(q.After)
	if !ok {
		return nil, "", invalidCursor()
	}
	limit := q.Limit
	if limit <= 0 {
		limit = lifecycle.DefaultListLimit
	}
	query, args := s.listQuery(q, "project_id > $1", after, "project_id", limit)
	page, err := s.querySummaries(ctx, "list", query, args...)
	if err != nil {
		return nil, "", err
	}
	if len(page) > limit {
		page = page[:limit]
		return page, page[limit-1].ProjectID, nil
	}
	return page, "", nil
}

// listQuery is the query of a page of List: the projections matching q
// and the key condition on $1 (key), in order, limit+1 of them.
func (s *Store) listQuery(q lifecycle.Query, keyCond, key, order string, limit int) (string, []any) {
	var (
		where = []string{keyCond}
		args  = []any{key}
	)
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if q.Unit != "" {
		add("unit = ?", q.Unit)
	}
	if q.State != "" {
		add("state = ?", string(q.State))
	}
	if q.Kind != "" {
		add("kind = ?", q.Kind)
	}
	if q.BudgetYear != 0 {
		add("? IN (budget_year, budget_entry_year)", q.BudgetYear)
	}
	if !q.DueBefore.IsZero() {
		add("next_due < ?", s.dueCut(q.DueBefore))
	}
	args = append(args, limit+1)
	from := `projections`
	if s.dialect == SQLite && q.Unit != "" && !q.DueBefore.IsZero() {
		// One unit's overdue: the range of (unit, next_due) holds exactly
		// the hits, sorted after; SQLite's planner would rather walk the
		// unit's projects in ID order, reading every one of them when few
		// or none are overdue.
		from = `projections INDEXED BY projections_unit_next_due`
	}
	return `SELECT ` + projectionColumns + ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + ` LIMIT $` + strconv.Itoa(len(args)), args
}

// dueCut is the stored time "next_due < t" compares with: stored times
// are whole microseconds, so "before t" is "before t rounded up to the
// microsecond".
func (s *Store) dueCut(t time.Time) any {
	cut := lifecycle.StoreTime(t)
	if cut.Before(t) {
		cut = cut.Add(lifecycle.StoreTimePrecision)
	}
	return s.timeArg(cut)
}

// querySummaries runs query, whose rows are projectionColumns, and reads
// them; op names the call in errors.
func (s *Store) querySummaries(ctx context.Context, op, query string, args ...any) ([]lifecycle.Summary, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var page []lifecycle.Summary
	for rows.Next() {
		sum, err := scanSummary(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		page = append(page, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, op, err)
	}
	return page, nil
}

// scanSummary reads a row of projectionColumns.
func scanSummary(sc interface{ Scan(...any) error }) (lifecycle.Summary, error) {
	var (
		sum              lifecycle.Summary
		state            string
		a                review.Budget
		nextDue, updated dbTime
	)
	if err := sc.Scan(&sum.ProjectID, &sum.Name, &sum.Unit, &sum.Kind, &state, &sum.Version,
		&a.Central, &a.Municipal, &a.District, &a.SelfFunded,
		&nextDue, &sum.NextDuty, &updated, &sum.BudgetYear, &sum.BudgetEntryYear); err != nil {
		return lifecycle.Summary{}, err
	}
	sum.State = lifecycle.State(state)
	sum.Approved = a
	sum.NextDue, sum.UpdatedAt = nextDue.t, updated.t
	return sum, nil
}
