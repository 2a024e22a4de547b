package sqlstore

import (
	"context"
	"database/sql"
	"errors"
)

// figureRow is what a project adds to the running totals: its keys (unit,
// kind, budget year, state; duty and due date; approval time) and its
// amounts in fen (NULL for a project with amounts finer than a fen, whose
// money the totals leave to the fine query).
type figureRow struct {
	unit, kind, state string
	year              int64
	fen               [8]sql.NullInt64
	nextDue           any // as the dialect keeps it; nil when nothing is due
	nextDuty          string
	days              sql.NullInt64
}

const sqlFigureRow = `SELECT unit, kind, budget_year, state,
	  requested_central_fen, requested_municipal_fen, requested_district_fen, requested_self_funded_fen,
	  approved_central_fen, approved_municipal_fen, approved_district_fen, approved_self_funded_fen,
	  next_due, next_duty, approval_workdays
	FROM project_figures WHERE project_id = $1`

// readFigureRow reads the project's current figures, if it has any.
func readFigureRow(ctx context.Context, tx Tx, id string) (figureRow, bool, error) {
	var f figureRow
	err := tx.QueryRowContext(ctx, sqlFigureRow, id).Scan(&f.unit, &f.kind, &f.year, &f.state,
		&f.fen[0], &f.fen[1], &f.fen[2], &f.fen[3], &f.fen[4], &f.fen[5], &f.fen[6], &f.fen[7],
		&f.nextDue, &f.nextDuty, &f.days)
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, nil
	}
	return f, err == nil, err
}

const (
	// figureTotalsColumns are figure_totals' columns; figureTotalsAdd adds a row to the one of its keys.
	figureTotalsColumns = `unit, kind, budget_year, state, projects,
	  requested_central_fen, requested_municipal_fen, requested_district_fen, requested_self_funded_fen,
	  approved_central_fen, approved_municipal_fen, approved_district_fen, approved_self_funded_fen`
	figureTotalsAdd = `ON CONFLICT (unit, kind, budget_year, state) DO UPDATE SET
	  projects = figure_totals.projects + excluded.projects,
	  requested_central_fen = figure_totals.requested_central_fen + excluded.requested_central_fen,
	  requested_municipal_fen = figure_totals.requested_municipal_fen + excluded.requested_municipal_fen,
	  requested_district_fen = figure_totals.requested_district_fen + excluded.requested_district_fen,
	  requested_self_funded_fen = figure_totals.requested_self_funded_fen + excluded.requested_self_funded_fen,
	  approved_central_fen = figure_totals.approved_central_fen + excluded.approved_central_fen,
	  approved_municipal_fen = figure_totals.approved_municipal_fen + excluded.approved_municipal_fen,
	  approved_district_fen = figure_totals.approved_district_fen + excluded.approved_district_fen,
	  approved_self_funded_fen = figure_totals.approved_self_funded_fen + excluded.approved_self_funded_fen`
	sqlBumpState = `INSERT INTO figure_totals (` + figureTotalsColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
	` + figureTotalsAdd
	// dutyTotalsColumns and approvalTotalsColumns are the columns of the
	// other two totals; dutyTotalsAdd and approvalTotalsAdd add a row to
	// the one of its keys.
	dutyTotalsColumns     = `unit, kind, budget_year, duty, next_due, projects`
	dutyTotalsAdd         = `ON CONFLICT (unit, kind, budget_year, duty, next_due) DO UPDATE SET projects = duty_totals.projects + excluded.projects`
	approvalTotalsColumns = `unit, kind, budget_year, workdays, projects`
	approvalTotalsAdd     = `ON CONFLICT (unit, kind, budget_year, workdays) DO UPDATE SET projects = approval_totals.projects + excluded.projects`
	sqlBumpDuty           = `INSERT INTO duty_totals (` + dutyTotalsColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6)
	` + dutyTotalsAdd
	sqlDropDuty = `DELETE FROM duty_totals
	WHERE unit = $1 AND kind = $2 AND budget_year = $3 AND duty = $4 AND next_due = $5 AND projects = 0`
	sqlBumpApproval = `INSERT INTO approval_totals (` + approvalTotalsColumns + `)
	VALUES ($1, $2, $3, $4, $5)
	` + approvalTotalsAdd
)

// bump adds a project's figures to the running totals (sign 1) or takes
// them out (sign -1), on SQLite; on PostgreSQL appends carry the change
// in a mark instead (sqlTail, pgchange.go). The totals are what Stats reads: a few rows per
// unit, kind, budget year and state, however many projects there are.
// Callers hold the feed head's lock, so bumps never cross and deadlock.
func bump(ctx context.Context, tx Tx, f figureRow, sign int64) error {
	args := []any{f.unit, f.kind, f.year, f.state, sign}
	for _, v := range f.fen {
		args = append(args, sign*v.Int64) // NULL (fine) adds nothing
	}
	if _, err := tx.ExecContext(ctx, sqlBumpState, args...); err != nil {
		return err
	}
	if f.nextDuty != "" && f.nextDue != nil {
		if _, err := tx.ExecContext(ctx, sqlBumpDuty, f.unit, f.kind, f.year, f.nextDuty, f.nextDue, sign); err != nil {
			return err
		}
		if sign < 0 {
			if _, err := tx.ExecContext(ctx, sqlDropDuty, f.unit, f.kind, f.year, f.nextDuty, f.nextDue); err != nil {
				return err
			}
		}
	}
	if f.days.Valid {
		if _, err := tx.ExecContext(ctx, sqlBumpApproval, f.unit, f.kind, f.year, f.days.Int64, sign); err != nil {
			return err
		}
	}
	return nil
}

// RebuildTotals recomputes the running totals of the statistics from the
// projects' figures, in one transaction: for a store whose totals are in
// doubt (restored from parts, edited by hand). Appends keep them current
// otherwise (on PostgreSQL with the sequencer, which folds the changes
// their marks carry). Appends wait while it runs.
func (s *Store) RebuildTotals(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	// On SQLite the feed head's row is the appends' lock: no append runs
	// meanwhile.
	lock := []string{`UPDATE feed_head SET pos = pos`}
	if s.dialect == Postgres {
		// Appends write their figures and changes without the feed head:
		// SHARE on the figures waits for those under way and keeps new
		// ones out; the head's row keeps the sequencer out. The pending
		// marks stay, for the feed, without their changes: the figures
		// the totals are rebuilt from already hold them.
		lock = []string{`LOCK TABLE project_figures IN SHARE MODE`, sqlSequenceLock,
			`UPDATE feed_pending SET was_unit = NULL, now_unit = NULL WHERE was_unit IS NOT NULL OR now_unit IS NOT NULL`}
	}
	for _, q := range append(lock,
		`DELETE FROM figure_totals`,
		`DELETE FROM duty_totals`,
		`DELETE FROM approval_totals`,
		`INSERT INTO figure_totals (`+figureTotalsColumns+`)
		SELECT unit, kind, budget_year, state, COUNT(*),
		  COALESCE(SUM(requested_central_fen), 0), COALESCE(SUM(requested_municipal_fen), 0),
		  COALESCE(SUM(requested_district_fen), 0), COALESCE(SUM(requested_self_funded_fen), 0),
		  COALESCE(SUM(approved_central_fen), 0), COALESCE(SUM(approved_municipal_fen), 0),
		  COALESCE(SUM(approved_district_fen), 0), COALESCE(SUM(approved_self_funded_fen), 0)
		FROM project_figures GROUP BY unit, kind, budget_year, state`,
		`INSERT INTO duty_totals (`+dutyTotalsColumns+`)
		SELECT unit, kind, budget_year, next_duty, next_due, COUNT(*) FROM project_figures
		WHERE next_duty <> '' AND next_due IS NOT NULL GROUP BY unit, kind, budget_year, next_duty, next_due`,
		`INSERT INTO approval_totals (`+approvalTotalsColumns+`)
		SELECT unit, kind, budget_year, approval_workdays, COUNT(*) FROM project_figures
		WHERE approval_workdays IS NOT NULL GROUP BY unit, kind, budget_year, approval_workdays`,
	) {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return s.fail(ctx, "rebuild totals", err)
		}
	}
	return tx.Commit()
}
