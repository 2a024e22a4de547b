package sqlstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/govit-cn/govit/lifecycle"
)

// Group commit on PostgreSQL. A few writer goroutines (pgWriters) each
// take an append and every append already queued behind it (up to
// pgMaxBatch) and write them as one pgx batch in one implicit
// transaction: one round trip for the heads of all their projects, one
// for every write, and one commit (one WAL flush) for the lot, where each
// append alone would take a transaction, a commit and two round trips of
// its own. Each append is still checked against its own expected version
// before anything is sent, and acknowledged only after the commit. If the
// batch fails (a concurrent instance wrote a version first, or any other
// error), nothing of it committed, and each of its appends is run again
// alone, with its own outcome. An append to a project another append of
// the batch already writes runs alone after the batch.
//
// Appends that commit an idempotency key, and those with joined writes of
// the embedder's, run alone (pgAppend, single).

const (
	// pgWriters is the number of batch writers of a PostgreSQL store.
	pgWriters = 4
	// pgMaxBatch caps the appends of one PostgreSQL batch.
	pgMaxBatch = 64
	// pgBatchTimeout bounds a batch's round trips.
	pgBatchTimeout = 30 * time.Second
)

// sqlHeads reads the head (latest version and hash) of each project named.
const sqlHeads = `SELECT h.project_id, h.version, h.hash FROM unnest($1::text[]) AS p(id)
	CROSS JOIN LATERAL (SELECT project_id, version, hash FROM events WHERE project_id = p.id ORDER BY version DESC LIMIT 1) h`

// batched reports whether op may join a PostgreSQL batch.
func (s *Store) batched(op *appendOp) bool {
	if s.pgq == nil || !s.pipelined(op) {
		return false
	}
	_, claim := lifecycle.KeyClaimFrom(op.ctx)
	return !claim
}

// pgWriter is one of the batch writers.
func (s *Store) pgWriter() {
	batch := make([]*appendOp, 0, pgMaxBatch)
	for {
		var ok bool
		if batch, ok = takeBatch(s.pgq, s.quit, batch, pgMaxBatch); !ok {
			return
		}
		s.pgCommitBatch(batch)
		clear(batch)
	}
}

// pgCommitBatch writes batch and tells each append its outcome.
func (s *Store) pgCommitBatch(batch []*appendOp) {
	alone := func(op *appendOp) {
		op.done <- s.pgAppend(context.WithoutCancel(op.ctx), op)
	}
	var (
		in    []*appendOp
		after []*appendOp
		seen  = map[string]bool{}
	)
	for _, op := range batch {
		if err := op.ctx.Err(); err != nil {
			op.done <- err
			continue
		}
		id := op.rows[0].projectID
		if seen[id] {
			after = append(after, op)
			continue
		}
		seen[id] = true
		in = append(in, op)
	}
	switch len(in) {
	case 0:
	case 1:
		alone(in[0])
	default:
		ctx, cancel := context.WithTimeout(context.Background(), pgBatchTimeout)
		refused, err := s.pgWriteBatch(ctx, in)
		cancel()
		if err == nil {
			s.commits.Add(1)
			s.committed.Add(int64(len(in) - len(refused)))
		} else {
			s.logger.Debug("sqlstore: a batch of appends failed; each runs alone", "appends", len(in)-len(refused), "err", err)
		}
		for _, op := range in {
			switch rerr, ok := refused[op]; {
			case ok:
				op.done <- rerr
			case err != nil:
				alone(op)
			default:
				op.done <- nil
			}
		}
	}
	for _, op := range after {
		alone(op)
	}
}

// pgWriteBatch reads the heads of in's projects, checks and seals each
// append of in, and writes those not refused (with their errors) as one
// transaction. When it returns an error, nothing of the batch committed.
func (s *Store) pgWriteBatch(ctx context.Context, in []*appendOp) (refused map[*appendOp]error, err error) {
	refused = map[*appendOp]error{}
	err = s.withPgx(ctx, func(c *pgx.Conn) error {
		var known []string
		for _, op := range in {
			if op.req.Expected != 0 {
				known = append(known, op.rows[0].projectID)
			}
		}
		heads, err := readHeads(ctx, c, known)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		for _, op := range in {
			h := heads[op.rows[0].projectID]
			err := s.sealOn(op.ctx, op, h.version, h.hash)
			if err == nil {
				err = s.queueAppend(b, op)
			}
			if err != nil {
				refused[op] = err
			}
		}
		if b.Len() == 0 {
			return nil
		}
		return c.SendBatch(ctx, b).Close()
	})
	return refused, err
}

type head struct {
	version int64
	hash    []byte
}

// readHeads reads the heads of the projects ids; a project with no events
// has none. Appends of a new project (expected version 0) need no head:
// they are not asked for, and if the project has events after all, the
// insert of its version 1 fails on the (project_id, version) key, a
// conflict.
func readHeads(ctx context.Context, c *pgx.Conn, ids []string) (map[string]head, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := c.Query(ctx, sqlHeads, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]head, len(ids))
	for rows.Next() {
		var (
			id string
			h  head
		)
		if err := rows.Scan(&id, &h.version, &h.hash); err != nil {
			return nil, err
		}
		out[id] = h
	}
	return out, rows.Err()
}
