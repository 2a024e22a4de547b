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
// transaction: one round trip for the heads of the projects whose head
// the store does not keep (pgheads.go), one for every write, and one commit (one WAL flush) for the lot, where each
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
	// Two keep the database busy while each batch waits for its commit;
	// more only split the queue into smaller batches, each with its own
	// commit (4 writers: 2.2 appends a commit at 16 clients, and 0.34 of
	// the raw INSERT rate against 0.38 with 2, alternated runs).
	pgWriters = 2
	// pgMaxBatch caps the appends of one PostgreSQL batch.
	pgMaxBatch = 64
	// pgBatchTimeout bounds a batch's round trips.
	pgBatchTimeout = 30 * time.Second
)

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
		switch {
		case err != nil:
			// Each runs alone; one whose kept head is stale finds out
			// there (pgAppendOn).
			s.logger.Debug("sqlstore: a batch of appends failed; each runs alone", "appends", len(in)-len(refused), "err", err)
		case len(refused) < len(in):
			s.commits.Add(1)
			s.committed.Add(int64(len(in) - len(refused)))
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
		// The kept heads are taken once: another append may forget one
		// before the batch is sealed.
		var known []string
		kept := make([]*head, len(in))
		for i, op := range in {
			if h, ok := s.keptHead(op); ok {
				kept[i] = &h
			} else if op.req.Expected != 0 {
				known = append(known, op.rows[0].projectID)
			}
		}
		heads, err := readHeads(ctx, c, known)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		for i, op := range in {
			h, after := heads[op.rows[0].projectID], []byte(nil)
			if kept[i] != nil {
				h, after = *kept[i], kept[i].hash
			}
			err := s.sealOn(op.ctx, op, h.version, h.hash)
			if err == nil {
				err = s.queueAppend(b, op, after)
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
