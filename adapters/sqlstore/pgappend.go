package sqlstore

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/govit-cn/govit/lifecycle"
)

// A PostgreSQL append in two round trips. Through database/sql every
// statement of an append waits for its answer before the next is sent:
// ten round trips or more, and at 16 clients the process and the
// database spent most of their time waking each other. pgAppend reads the
// project's head, checks the expected version and seals the events, then
// sends every write of the append as one pgx batch (pipelined, answered
// at once), which PostgreSQL runs as one implicit transaction ending at
// the batch's Sync: all of it commits, or, at the first failing
// statement, none of it. Only an append that commits an idempotency key,
// whose statement must change exactly one row, runs the batch in an
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

// sqlProjectionDuties is the projection's upsert with its duties (which
// writeDuties writes on the other path).
const sqlProjectionDuties = `INSERT INTO projections (project_id, name, unit, kind, state, version,
	  approved_central, approved_municipal, approved_district, approved_self_funded,
	  next_due, next_duty, updated_at, budget_year, budget_entry_year, duties)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
	ON CONFLICT (project_id) DO UPDATE SET
	  name = excluded.name, unit = excluded.unit, kind = excluded.kind, state = excluded.state,
	  version = excluded.version,
	  approved_central = excluded.approved_central, approved_municipal = excluded.approved_municipal,
	  approved_district = excluded.approved_district, approved_self_funded = excluded.approved_self_funded,
	  next_due = excluded.next_due, next_duty = excluded.next_duty, updated_at = excluded.updated_at,
	  budget_year = excluded.budget_year, budget_entry_year = excluded.budget_entry_year, duties = excluded.duties`

// sqlOverlapPG writes the 第四条 features and marks them pending in one
// statement (putOverlap's three on the other path).
const sqlOverlapPG = `WITH f AS (
	  INSERT INTO overlap_features (project_id, unit, name, content, parent_id, size, grams)
	  VALUES ($1, $2, $3, $4, $5, $6, $7)
	  ON CONFLICT (project_id) DO UPDATE SET unit = excluded.unit, name = excluded.name, content = excluded.content,
	    parent_id = excluded.parent_id, size = excluded.size, grams = excluded.grams
	  RETURNING id)
	INSERT INTO overlap_pending (id, ver) SELECT id, 1 FROM f
	ON CONFLICT (id) DO UPDATE SET ver = overlap_pending.ver + 1`

// pipelined reports whether op may take pgAppend's path.
func (s *Store) pipelined(op *appendOp) bool {
	return s.dialect == Postgres && len(s.joined) == 1 && len(op.extra) == 0
}

// pgAppend runs op on one of the pool's connections through pgx.
func (s *Store) pgAppend(ctx context.Context, op *appendOp) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: a PostgreSQL connection of type %T", dc)
		}
		return s.pgAppendOn(ctx, c.Conn(), op)
	})
	if err != nil {
		return err
	}
	s.wakeSequencer()
	if op.req.Overlap != nil {
		s.wakeFolder()
	}
	return nil
}

func (s *Store) pgAppendOn(ctx context.Context, c *pgx.Conn, op *appendOp) error {
	rs, req := op.rows, op.req
	id := rs[0].projectID
	var (
		cur  int64
		prev []byte
	)
	err := c.QueryRow(ctx, sqlHead, id).Scan(&cur, &prev)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		cur, prev = 0, make([]byte, s.newHash().Size())
	case err != nil:
		return err
	}
	if cur != req.Expected {
		s.logger.DebugContext(ctx, "sqlstore: append conflict", "project", id, "expected", req.Expected, "actual", cur)
		return lifecycle.ConflictError(id, req.Expected, cur)
	}
	for i := range rs {
		r := &rs[i]
		r.keyID = s.sealingKey()
		if r.hash, err = s.seal(prev, *r); err != nil {
			return err
		}
		prev = r.hash
	}
	kc, claim := lifecycle.KeyClaimFrom(ctx)
	b, err := s.pgBatch(op, claim, kc)
	if err != nil {
		return err
	}
	br := c.SendBatch(ctx, b)
	err = s.pgResults(br, op, claim, kc)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
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

// pgBatch queues op's writes; claim is whether it commits the idempotency
// key kc, and so runs in an explicit transaction.
func (s *Store) pgBatch(op *appendOp, claim bool, kc lifecycle.KeyClaim) (*pgx.Batch, error) {
	rs, req := op.rows, op.req
	id := rs[0].projectID
	sum := req.Summary
	sum.ProjectID = id
	b := &pgx.Batch{}
	if claim {
		b.Queue("begin")
	}
	for _, r := range rs {
		var payload any
		if len(r.payload) > 0 {
			payload = r.payload
		}
		b.Queue(sqlInsert, r.projectID, r.version, r.action, r.actorID, r.actorUnit, r.actorRoles, r.role, s.timeArg(r.at), r.article, payload, r.hash, r.keyID)
	}
	var duties any
	if sum.Duties != nil {
		j, err := json.Marshal(sum.Duties)
		if err != nil {
			return nil, err
		}
		duties = string(j)
	}
	a := sum.Approved
	b.Queue(sqlProjectionDuties, id, sum.Name, sum.Unit, sum.Kind, string(sum.State), sum.Version,
		amount(a.Central), amount(a.Municipal), amount(a.District), amount(a.SelfFunded),
		s.timeArg(lifecycle.StoreTime(sum.NextDue)), sum.NextDuty, s.timeArg(lifecycle.StoreTime(sum.UpdatedAt)),
		sum.BudgetYear, sum.BudgetEntryYear, duties)
	if req.Snapshot != nil {
		b.Queue(sqlSnapshot, id, sum.Version, req.Snapshot)
	}
	if f := req.Overlap; f != nil {
		grams := sortedGrams(f.Grams)
		b.Queue(sqlOverlapPG, id, f.Unit, f.Name, f.Content, f.ParentID, len(grams), gramsBlob(grams))
	}
	if claim {
		b.Queue(sqlCommitKey, id, sum.Version, kc.Actor, kc.Key, kc.Token)
	}
	args, _, err := s.figureArgs(sum)
	if err != nil {
		return nil, err
	}
	b.Queue(sqlTail, append(args, req.Expected)...)
	return b, nil
}

// pgResults reads the batch's answers in the order pgBatch queued them,
// keeping the events' seqs.
func (s *Store) pgResults(br pgx.BatchResults, op *appendOp, claim bool, kc lifecycle.KeyClaim) error {
	if claim {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	for i := range op.rows {
		if err := br.QueryRow().Scan(&op.rows[i].seq); err != nil {
			return err
		}
	}
	if _, err := br.Exec(); err != nil { // projection
		return err
	}
	if op.req.Snapshot != nil {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	if op.req.Overlap != nil {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	if claim {
		tag, err := br.Exec()
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return lifecycle.KeyTakenError(kc.Key)
		}
	}
	_, err := br.Exec() // figures, deltas, feed marks
	return err
}

// sortedGrams are the distinct bigrams of a declaration, sorted, as the
// features keep them.
func sortedGrams(g []uint64) []uint64 {
	return slices.Compact(slices.Sorted(slices.Values(g)))
}
