package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/govit-cn/govit/lifecycle"
)

// Tx is the transaction an append writes in, as a Write gets it: a
// *sql.Tx. Queries take $1, $2, … placeholders on both dialects.
type Tx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Write is a write joined to an append's transaction, after the append's
// own rows (events, projection, snapshot, 第四条 features): stored are the
// events with their Seq. It runs once per append, in the transaction the
// append commits in; an error undoes that append alone (its events and
// every write joined to it) and is what Append returns. Its context
// carries the caller's values but not its cancellation: once the writer
// has begun an append, the append runs to its end.
type Write func(ctx context.Context, tx Tx, d Dialect, req *lifecycle.AppendRequest, stored []lifecycle.Event) error

// WithWrite joins w to the transaction of every append (an outbox row per
// event, say). Writes run in the order given.
func WithWrite(w Write) Option {
	return func(c *config) { c.writes = append(c.writes, w) }
}

// maxBatch caps the appends one SQLite transaction commits.
const maxBatch = 256

// errClosed is the error of an append to a closed store.
var errClosed = errors.New("sqlstore: store closed")

// appendOp is one append on its way to the database.
type appendOp struct {
	ctx   context.Context
	req   *lifecycle.AppendRequest
	rows  []row
	extra []Write
	done  chan error
	// duties is the projection's duties as stored, encoded by the caller
	// (prepareOp); stored are the events as
	// stored, once the writer has written them.
	duties any
	stored []lifecycle.Event
}

// Append implements lifecycle.Store: AppendWith with the events and
// summary alone.
func (s *Store) Append(ctx context.Context, expected int64, events []lifecycle.Event, summary lifecycle.Summary) ([]lifecycle.Event, error) {
	return s.AppendWith(ctx, lifecycle.AppendRequest{Expected: expected, Events: events, Summary: summary})
}

// AppendRequest implements lifecycle.RequestAppender.
func (s *Store) AppendRequest(ctx context.Context, req lifecycle.AppendRequest) ([]lifecycle.Event, error) {
	return s.AppendWith(ctx, req)
}

// AppendWith appends req, with the writes of WithWrite and then extra
// joined to its transaction. It checks the append's shape
// (lifecycle.CheckAppend), then, in one transaction, checks the project's
// current version, inserts the events with their chain hashes, replaces
// the projection, the snapshot (req.Snapshot) and the 第四条 features
// (req.Overlap), and runs the writes. A unique violation on (project_id,
// version), which is how a concurrent append at the same version shows on
// PostgreSQL, is a conflict like a version mismatch. It returns once the
// transaction has committed (or failed).
func (s *Store) AppendWith(ctx context.Context, req lifecycle.AppendRequest, extra ...Write) ([]lifecycle.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := lifecycle.CheckAppend(req.Expected, req.Events, req.Summary); err != nil {
		return nil, err
	}
	id := req.Events[0].ProjectID
	if err := s.checkText(req.Events, req.Summary); err != nil {
		return nil, err
	}
	if f := req.Overlap; f != nil {
		for _, t := range []string{f.Unit, f.Name, f.Content, f.ParentID} {
			if !storable(t) {
				return nil, unstorable("declaration")
			}
		}
	}
	op := &appendOp{ctx: ctx, req: &req, rows: make([]row, len(req.Events)), extra: extra}
	for i, e := range req.Events {
		r, err := rowOf(e)
		if err != nil {
			return nil, err
		}
		op.rows[i] = r
	}
	req.Summary.ProjectID = id
	req.Summary.Version = req.Events[len(req.Events)-1].Version
	if err := s.prepareOp(op); err != nil {
		return nil, err
	}

	err := s.submit(ctx, op)
	if err != nil {
		s.forgetHead(op)
		var le *lifecycle.Error
		if errors.As(err, &le) {
			return nil, err
		}
		if isUniqueViolation(err) {
			actual, aerr := s.currentVersion(ctx, id)
			if aerr != nil {
				actual = -1
			}
			s.logger.DebugContext(ctx, "sqlstore: append conflict", "project", id, "expected", req.Expected, "actual", actual)
			return nil, conflict(id, req.Expected, actual, err)
		}
		return nil, s.fail(ctx, "append", err)
	}
	s.changed.fire()
	s.appended(op)
	out, err := op.storedCopy()
	if err != nil {
		return nil, err
	}
	s.logger.DebugContext(ctx, "sqlstore: appended", "project", id, "from", req.Expected+1, "to", req.Summary.Version, "seq", out[len(out)-1].Seq)
	return out, nil
}

func storedEvents(rs []row) ([]lifecycle.Event, error) {
	out := make([]lifecycle.Event, len(rs))
	for i, r := range rs {
		e, err := r.event()
		if err != nil {
			return nil, err
		}
		out[i] = lifecycle.CopyEvent(e)
	}
	return out, nil
}

// appended keeps, after op committed, the head it left (PostgreSQL), and
// wakes the sequencer (PostgreSQL) and, after a declaration, the 第四条
// folder.
func (s *Store) appended(op *appendOp) {
	s.keepHead(op)
	s.wakeSequencer()
	if op.req.Overlap != nil {
		s.wakeFolder()
	}
}

func conflict(id string, expected, actual int64, cause error) error {
	e := lifecycle.ConflictError(id, expected, actual)
	e.Err = cause
	return e
}

// submit runs op: by a writer, in a transaction it may share with the
// appends queued behind it (group commit: the SQLite writer, PostgreSQL's
// batch writers), or, on PostgreSQL with an idempotency key or joined
// writes, in a transaction of its own. Until the writer takes op, the caller's
// context can withdraw it; after, the caller waits for the commit, so
// that an append is never reported failed once it may have committed.
func (s *Store) submit(ctx context.Context, op *appendOp) error {
	queue := s.queue
	switch {
	case s.batched(op):
		queue = s.pgq
	case s.pipelined(op):
		return s.pgAppend(ctx, op)
	case queue == nil:
		return s.single(ctx, op)
	}
	op.done = make(chan error, 1)
	select {
	case queue <- op:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.quit:
		return errClosed
	}
	return <-op.done
}

// single runs op in a transaction of its own.
func (s *Store) single(ctx context.Context, op *appendOp) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if err := s.appendOne(ctx, s.stmtTx(tx), op); err != nil {
		return err
	}
	return tx.Commit()
}

// writer is the one goroutine that writes a SQLite store's appends. It
// takes an append, then every append already queued behind it (up to
// maxBatch), and commits them in one transaction: one fsync of the WAL
// for the lot. Each append runs within a savepoint, checked against its
// own expected version: a conflict or a failed write rolls back that
// append alone. Every append of the batch is acknowledged after the
// commit, with the commit's error if it failed.
func (s *Store) writer() {
	defer close(s.stopped)
	batch := make([]*appendOp, 0, maxBatch)
	for {
		var ok bool
		if batch, ok = takeBatch(s.queue, s.quit, batch, maxBatch); !ok {
			return
		}
		s.writes <- struct{}{}
		s.commitBatch(batch)
		<-s.writes
		clear(batch)
	}
}

func (s *Store) commitBatch(batch []*appendOp) {
	ctx := context.Background()
	errs := make([]error, len(batch))
	finish := func(all error) {
		for i, op := range batch {
			if errs[i] == nil {
				errs[i] = all
			}
			op.done <- errs[i]
		}
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		finish(err)
		return
	}
	tx := s.stmtTx(sqlTx)
	savepoints := len(batch) > 1
	written := 0
	for i, op := range batch {
		if err := op.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if savepoints {
			if _, err := tx.ExecContext(ctx, sqlSavepoint); err != nil {
				tx.Rollback() //nolint:errcheck // the batch fails anyway
				finish(err)
				return
			}
		}
		err := s.appendOne(context.WithoutCancel(op.ctx), tx, op)
		if err != nil {
			errs[i] = err
			if !savepoints {
				break
			}
			if _, rerr := tx.ExecContext(ctx, sqlRollbackTo); rerr != nil {
				tx.Rollback() //nolint:errcheck // the batch fails anyway
				finish(fmt.Errorf("%w (rolling back an append of the batch: %w)", err, rerr))
				return
			}
		} else {
			written++
		}
		if savepoints {
			if _, err := tx.ExecContext(ctx, sqlRelease); err != nil {
				tx.Rollback() //nolint:errcheck // the batch fails anyway
				finish(err)
				return
			}
		}
	}
	if written == 0 {
		tx.Rollback() //nolint:errcheck // nothing was written
		finish(nil)
		return
	}
	err = tx.Commit()
	if err == nil {
		s.commits.Add(1)
		s.committed.Add(int64(written))
	}
	finish(err)
}

// WriterStats counts, since Open, the transactions the SQLite writer
// committed and the appends they held: their ratio is the mean batch of
// group commit. On PostgreSQL it counts the transactions of the batch
// writers (pgbatch.go) and of appends run alone through pgx (pgAppend),
// not those of appends with joined writes.
func (s *Store) WriterStats() (commits, appends int64) {
	return s.commits.Load(), s.committed.Load()
}

// appendOne writes op in tx: the version check, the events with their
// chain hashes, the projection, the snapshot, the 第四条 features, the
// project's figures, the joined writes and last the shared rows (feed
// head, running totals, webhook deliveries; see headWrite).
func (s *Store) appendOne(ctx context.Context, tx *stmtTx, op *appendOp) error {
	rs := op.rows
	req := op.req
	id := rs[0].projectID
	var (
		cur  int64
		prev []byte
	)
	err := tx.QueryRowContext(ctx, sqlHead, id).Scan(&cur, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if err := s.sealOn(ctx, op, cur, prev); err != nil {
		return err
	}
	insert := s.eventInsert(ctx, tx)
	for i := range rs {
		if rs[i].seq, err = insert(s.insertArgs(&rs[i])...); err != nil {
			return err
		}
	}
	sum := req.Summary
	if _, err := tx.ExecContext(ctx, sqlProjection, s.projectionArgs(op)...); err != nil {
		return err
	}
	if req.Snapshot != nil {
		if _, err := tx.ExecContext(ctx, sqlSnapshot, id, sum.Version, req.Snapshot); err != nil {
			return err
		}
	}
	if req.Overlap != nil {
		if err := s.putOverlap(ctx, tx, id, req.Overlap); err != nil {
			return err
		}
	}
	if c, ok := lifecycle.KeyClaimFrom(ctx); ok {
		if err := s.commitKey(ctx, tx, c, id, sum.Version); err != nil {
			return err
		}
	}
	sum.ProjectID = id
	var fig figureChange
	if s.dialect != Postgres {
		if fig, err = s.figureWrite(ctx, tx, sum); err != nil {
			return err
		}
	}
	stored, err := storedEvents(rs)
	if err != nil {
		return err
	}
	op.stored = stored
	for _, w := range s.joined {
		if err := w(ctx, tx, s.dialect, req, stored); err != nil {
			return err
		}
	}
	for _, w := range op.extra {
		if err := w(ctx, tx, s.dialect, req, stored); err != nil {
			return err
		}
	}
	if s.dialect == Postgres {
		return s.pgTail(ctx, tx, sum, req.Expected)
	}
	return s.headWrite(ctx, tx, sum.Unit, fig, stored)
}

const sqlSnapshot = `INSERT INTO snapshots (project_id, version, data) VALUES ($1, $2, $3)
	ON CONFLICT (project_id) DO UPDATE SET version = excluded.version, data = excluded.data`
