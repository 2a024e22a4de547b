package sqlstore

import (
	"context"

	"github.com/govit-cn/govit/lifecycle"
)

// What an append needs that does not depend on the database (the duties'
// JSON) is made by the caller before it queues the append: on SQLite the
// writer is the one goroutine every append of the process passes through.

// prepareOp does op's work that may be done before it is queued: the
// duties' JSON.
func (s *Store) prepareOp(op *appendOp) error {
	d, err := dutiesArg(op.req.Summary.Duties)
	if err != nil {
		return err
	}
	op.duties = d
	return nil
}

// projectionArgs are the arguments of sqlProjection for op.
func (s *Store) projectionArgs(op *appendOp) []any {
	sum := op.req.Summary
	a := sum.Approved
	return []any{op.rows[0].projectID, sum.Name, sum.Unit, sum.Kind, string(sum.State), sum.Version,
		amount(a.Central), amount(a.Municipal), amount(a.District), amount(a.SelfFunded),
		s.timeArg(lifecycle.StoreTime(sum.NextDue)), sum.NextDuty, s.timeArg(lifecycle.StoreTime(sum.UpdatedAt)),
		sum.BudgetYear, sum.BudgetEntryYear, op.duties}
}

// insertArgs are the arguments of sqlInsert (and sqlInsertSQLite) for r.
func (s *Store) insertArgs(r *row) []any {
	var payload any
	if len(r.payload) > 0 {
		payload = r.payload
	}
	return []any{r.projectID, r.version, r.action, r.actorID, r.actorUnit, r.actorRoles, r.role, s.timeArg(r.at), r.article, payload, r.hash, r.keyID}
}

// storedCopy is a copy of op's events as stored: the writer's own, or
// made again from the rows.
func (op *appendOp) storedCopy() ([]lifecycle.Event, error) {
	if op.stored == nil {
		return storedEvents(op.rows)
	}
	out := make([]lifecycle.Event, len(op.stored))
	for i, e := range op.stored {
		out[i] = lifecycle.CopyEvent(e)
	}
	return out, nil
}

// sqlInsertSQLite is sqlInsert without RETURNING: on SQLite seq is the
// row's rowid, which the driver reports with every insert, and a
// statement with RETURNING costs SQLite and database/sql a result set.
const sqlInsertSQLite = `INSERT INTO events (project_id, version, action, actor_id, actor_unit, actor_roles, role, at, article, payload, hash, key_id)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`

// eventInsert returns the insert of one event row in tx, which returns
// the row's seq.
func (s *Store) eventInsert(ctx context.Context, tx *stmtTx) func(args ...any) (int64, error) {
	if s.dialect == SQLite {
		return func(args ...any) (int64, error) {
			res, err := tx.ExecContext(ctx, sqlInsertSQLite, args...)
			if err != nil {
				return 0, err
			}
			return res.LastInsertId()
		}
	}
	return func(args ...any) (seq int64, err error) {
		err = tx.QueryRowContext(ctx, sqlInsert, args...).Scan(&seq)
		return seq, err
	}
}
