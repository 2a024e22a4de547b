package sqlstore

import (
	"context"

	"github.com/govit-cn/govit/lifecycle"
)

// What SQLite's writer does for an append besides appendOne's own
// statements. The writer is the one goroutine every append of the
// process passes through, so what an append needs that does not depend
// on the database (the duties' JSON) is made by the caller before it
// queues the append, and the projection's row is written with its duties
// in one statement.

// prepareSQLite does op's work that may be done before the writer takes
// it: on SQLite, the duties' JSON.
func (s *Store) prepareSQLite(op *appendOp) error {
	if s.dialect != SQLite {
		return nil
	}
	d, err := dutiesArg(op.req.Summary.Duties)
	if err != nil {
		return err
	}
	op.duties = d
	return nil
}

// upsertProjection replaces the project's projection row: on SQLite with
// its duties (which writeDuties writes on PostgreSQL's statement-by-
// statement path).
func (s *Store) upsertProjection(ctx context.Context, tx *stmtTx, op *appendOp) error {
	sum := op.req.Summary
	a := sum.Approved
	args := []any{op.rows[0].projectID, sum.Name, sum.Unit, sum.Kind, string(sum.State), sum.Version,
		amount(a.Central), amount(a.Municipal), amount(a.District), amount(a.SelfFunded),
		s.timeArg(lifecycle.StoreTime(sum.NextDue)), sum.NextDuty, s.timeArg(lifecycle.StoreTime(sum.UpdatedAt)),
		sum.BudgetYear, sum.BudgetEntryYear}
	if s.dialect == SQLite {
		_, err := tx.ExecContext(ctx, sqlProjectionDuties, append(args, op.duties)...)
		return err
	}
	_, err := tx.StmtContext(ctx, s.stmtUpsert).ExecContext(ctx, args...)
	return err
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
	insert := tx.StmtContext(ctx, s.stmtInsert)
	return func(args ...any) (seq int64, err error) {
		err = insert.QueryRowContext(ctx, args...).Scan(&seq)
		return seq, err
	}
}
