package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/govit-cn/govit/lifecycle"
)

// A PostgreSQL append through pgx. Through database/sql every statement
// of an append waits for its answer before the next is sent: ten round
// trips or more, and at 16 clients the process and the database spent
// most of their time waking each other. An append is read and sent
// instead in at most two round trips (three when a kept head turns out
// stale): the project's head (none for a new project, or one whose head
// the store keeps: pgheads.go), then, once the expected version is
// checked and the events sealed, every write as one pgx batch
// (pipelined, answered at once),
// which PostgreSQL runs as one implicit transaction ending at the batch's
// Sync: all of it commits, or, at the first failing statement, none of
// it. The batch writers (pgbatch.go) do so for several appends at once;
// pgAppend for one alone: a batch of one, an append run again after its
// batch failed, and an append that commits an idempotency key, whose
// statement must change exactly one row, which runs the batch in an
// explicit transaction and commits after checking it.
//
// Reading the head outside the transaction is as safe as inside it (read
// committed sees the same): the version a concurrent append may have
// written meanwhile makes this append's insert of that version fail on
// the (project_id, version) key, a conflict; and if the insert succeeds,
// the head read is still the latest, whose hash the chain continues.
//
// Writes joined with WithWrite or AppendWith take a database/sql
// transaction, so an append with them runs the statement-by-statement
// path (single); so does every append on SQLite.

// sqlOverlapFeatures and sqlOverlapPending write a declaration's 第四条
// features and mark them pending, as two sub-statements of pgRest
// (putOverlap's three statements on the other path); the second reads
// the first's id as f.
const (
	sqlOverlapFeatures = `INSERT INTO overlap_features (project_id, unit, name, content, parent_id, size, grams)
	  VALUES ($1, $2, $3, $4, $5, $6, $7)
	  ON CONFLICT (project_id) DO UPDATE SET unit = excluded.unit, name = excluded.name, content = excluded.content,
	    parent_id = excluded.parent_id, size = excluded.size, grams = excluded.grams
	  RETURNING id`
	sqlOverlapPending = `INSERT INTO overlap_pending (id, ver) SELECT id, 1 FROM f
	  ON CONFLICT (id) DO UPDATE SET ver = overlap_pending.ver + 1`
)

// pipelined reports whether op may take pgAppend's path.
func (s *Store) pipelined(op *appendOp) bool {
	return s.dialect == Postgres && len(s.joined) == 0 && len(op.extra) == 0
}

// withPgx runs fn on one of the pool's connections, through pgx.
func (s *Store) withPgx(ctx context.Context, fn func(*pgx.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: a PostgreSQL connection of type %T", dc)
		}
		return fn(c.Conn())
	})
}

// pgAppend runs op alone, in a transaction of its own.
func (s *Store) pgAppend(ctx context.Context, op *appendOp) error {
	err := s.withPgx(ctx, func(c *pgx.Conn) error { return s.pgAppendOn(ctx, c, op) })
	if err != nil {
		return err
	}
	s.commits.Add(1)
	s.committed.Add(1)
	return nil
}

// sealOn checks op against the project's head (version cur, last hash
// prev; 0 and nil for a new project) and seals its rows.
func (s *Store) sealOn(ctx context.Context, op *appendOp, cur int64, prev []byte) error {
	rs, req := op.rows, op.req
	if cur != req.Expected {
		s.logger.DebugContext(ctx, "sqlstore: append conflict", "project", rs[0].projectID, "expected", req.Expected, "actual", cur)
		return lifecycle.ConflictError(rs[0].projectID, req.Expected, cur)
	}
	if prev == nil {
		prev = make([]byte, s.newHash().Size())
	}
	for i := range rs {
		r := &rs[i]
		r.keyID = s.sealingKey()
		var err error
		if r.hash, err = s.seal(prev, *r); err != nil {
			return err
		}
		prev = r.hash
	}
	return nil
}

// pgAppendOn writes op on c, sealed on its project's kept head if the
// store keeps the one op expects, else on the head read; a kept head that
// is no longer the project's (isStaleHead) is forgotten and read.
func (s *Store) pgAppendOn(ctx context.Context, c *pgx.Conn, op *appendOp) error {
	if h, ok := s.keptHead(op); ok {
		err := s.pgAppendSealed(ctx, c, op, h, true)
		if !isStaleHead(err) || errors.Is(err, driver.ErrBadConn) {
			return err // a connection in doubt is not used again
		}
		s.forgetHead(op)
	}
	var h head
	if op.req.Expected != 0 { // a new project has no head (see readHeads)
		err := c.QueryRow(ctx, sqlHead, op.rows[0].projectID).Scan(&h.version, &h.hash)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
	}
	return s.pgAppendSealed(ctx, c, op, h, false)
}

// pgAppendSealed seals op on h and writes it on c; kept says h is a kept
// head, which the insert of op's first event checks.
func (s *Store) pgAppendSealed(ctx context.Context, c *pgx.Conn, op *appendOp, h head, kept bool) error {
	if err := s.sealOn(ctx, op, h.version, h.hash); err != nil {
		return err
	}
	var after []byte
	if kept {
		after = h.hash
	}
	kc, claim := lifecycle.KeyClaimFrom(ctx)
	b := &pgx.Batch{}
	if claim {
		b.Queue("begin")
	}
	if err := s.queueAppend(b, op, after); err != nil {
		return err
	}
	if claim {
		b.Queue(sqlCommitKey, op.rows[0].projectID, op.req.Summary.Version, kc.Actor, kc.Key, kc.Token).
			Exec(func(tag pgconn.CommandTag) error {
				if tag.RowsAffected() != 1 {
					return lifecycle.KeyTakenError(kc.Key)
				}
				return nil
			})
	}
	err := c.SendBatch(ctx, b).Close()
	if !claim {
		return err
	}
	end := "commit"
	if err != nil {
		end = "rollback"
	}
	if _, eerr := c.Exec(ctx, end); eerr != nil {
		if err == nil {
			err = eerr
		}
		// The connection's transaction is in doubt: database/sql drops it.
		return fmt.Errorf("%w (%s: %w)", driver.ErrBadConn, end, err)
	}
	return err
}

// queueAppend queues op's writes, op sealed; the events' seqs are kept
// as their answers are read (when the batch is closed). after, when not
// nil, is the chain value of the kept head op was sealed on, which the
// insert of its first event checks (sqlInsertAfter). It queues nothing
// when it fails.
func (s *Store) queueAppend(b *pgx.Batch, op *appendOp, after []byte) error {
	rs, req := op.rows, op.req
	id := rs[0].projectID
	sum := req.Summary
	sum.ProjectID = id
	tail, _, err := s.figureArgs(sum)
	if err != nil {
		return err
	}
	// An append of one event is written by one statement (pgRest), of
	// more by one for each event and one for the rest: each statement
	// costs the database a round of its own work.
	one := len(rs) == 1
	if !one {
		for i := range rs {
			stmt, args := sqlInsert, s.insertArgs(&rs[i])
			if i == 0 {
				stmt, args = sqlInsertAfter, append(args, after)
			}
			b.Queue(stmt, args...).QueryRow(func(r pgx.Row) error { return r.Scan(&rs[i].seq) })
		}
	}
	args := append(tail, req.Expected)
	if one {
		args = append(append(args, s.insertArgs(&rs[0])...), after)
	}
	args = append(args, s.projectionArgs(op)...)
	if req.Snapshot != nil {
		args = append(args, id, sum.Version, req.Snapshot)
	}
	if f := req.Overlap; f != nil {
		grams := sortedGrams(f.Grams)
		args = append(args, id, f.Unit, f.Name, f.Content, f.ParentID, len(grams), gramsBlob(grams))
	}
	q := b.Queue(s.pgRest[restIndex(one, req.Snapshot != nil, req.Overlap != nil)], args...)
	if one {
		q.QueryRow(func(r pgx.Row) error { return r.Scan(&rs[0].seq) })
	}
	return nil
}
