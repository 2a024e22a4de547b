package sqlstore

import (
	"context"
	"database/sql"
)

// The statements every append runs. On SQLite they are prepared once
// when the store opens and reused by every transaction of the writer:
// modernc's driver keeps no statement cache, and parsing them again for
// each append was a fifth of the writer's time. PostgreSQL's driver (pgx)
// caches prepared statements per connection by itself.
var appendStatements = []string{
	sqlHead, sqlInsertSQLite, sqlSnapshot, sqlProjection,
	sqlFigureRow, sqlFigures,
	sqlBumpState, sqlBumpDuty, sqlDropDuty, sqlBumpApproval,
	sqlFeedHead, sqlFeedInsert, sqlDeliveries,
	sqlCommitKey,
	sqlFeatureID, sqlFeatureInsert, sqlFeatureUpdate, sqlPendingMark,
	sqlSavepoint, sqlRelease, sqlRollbackTo,
}

// readStatements are the reads of every request on a project (its
// projection for If-Match, its kept fold) and of every 第四条 check (is a
// fold pending, the latest internal ID), prepared once on SQLite as well:
// parsing them again on each call was a fifth of a request's time outside
// the writer, and a tenth of a check's at 1,000 projects.
var readStatements = []string{sqlSummary, sqlLoadSnapshot, sqlPendingExists, sqlLastFeature}

// sqlPendingExists tells whether a 第四条 fold is pending, and
// sqlLastFeature is the latest internal ID of a declaration's features.
const (
	sqlPendingExists = `SELECT EXISTS (SELECT 1 FROM overlap_pending)`
	sqlLastFeature   = `SELECT MAX(id) FROM overlap_features`
)

const (
	sqlSavepoint  = `SAVEPOINT govit_append`
	sqlRelease    = `RELEASE govit_append`
	sqlRollbackTo = `ROLLBACK TO govit_append`
)

// prepareAppendStatements prepares appendStatements and readStatements
// on a SQLite store.
func (s *Store) prepareAppendStatements(ctx context.Context) error {
	if s.dialect != SQLite {
		return nil
	}
	s.prepared = make(map[string]*sql.Stmt, len(appendStatements)+len(readStatements))
	for _, q := range append(appendStatements[:len(appendStatements):len(appendStatements)], readStatements...) {
		st, err := s.db.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		s.prepared[q] = st
	}
	return nil
}

// closePrepared closes the statements of prepareAppendStatements.
func (s *Store) closePrepared() {
	for _, st := range s.prepared {
		st.Close()
	}
}

// stmtTx is an append transaction that runs the store's prepared
// statements where it has them, and any other query as *sql.Tx does. It
// is what Writes get as their Tx. One stmtTx serves one transaction.
type stmtTx struct {
	*sql.Tx
	prepared map[string]*sql.Stmt
	bound    map[string]*sql.Stmt
}

func (s *Store) stmtTx(tx *sql.Tx) *stmtTx {
	return &stmtTx{Tx: tx, prepared: s.prepared}
}

// stmt is the transaction's statement for query, or nil.
func (t *stmtTx) stmt(ctx context.Context, query string) *sql.Stmt {
	p, ok := t.prepared[query]
	if !ok {
		return nil
	}
	if st, ok := t.bound[query]; ok {
		return st
	}
	if t.bound == nil {
		t.bound = make(map[string]*sql.Stmt, len(t.prepared))
	}
	st := t.Tx.StmtContext(ctx, p)
	t.bound[query] = st
	return st
}

// ExecContext implements Tx.
func (t *stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// QueryContext implements Tx.
func (t *stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext implements Tx.
func (t *stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// queryRow runs query, a read of one row by its key, on the store's
// pool: prepared where the store has it (SQLite), else as *sql.DB does.
// On SQLite a read that has begun runs to its end: watching a
// cancellable context costs database/sql and the driver a goroutine each
// per query, more than the read itself. A context already ended goes the
// unprepared way, whose Scan reports it.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := s.prepared[query]; ok && ctx.Err() == nil {
		return st.QueryRowContext(context.WithoutCancel(ctx), args...)
	}
	return s.db.QueryRowContext(ctx, query, args...)
}
