package sqlstore

import (
	"context"

	"github.com/govit-cn/govit/lifecycle"
)

// sqlTail is the last statement of a PostgreSQL append (see pgfeed.go):
// it replaces the project's figures, writes what the change adds to the
// running totals as delta rows (the row before taken out, the row after
// put in, as bump does on SQLite), and marks the events pending for the
// sequencer. Its arguments are those of sqlFigures, then the version the
// append expected ($21): the events it marks are those after it. Every sub-statement sees the figures as they were before
// the statement (old); no other append can change them meanwhile, since
// this append has already inserted the project's next version.
const sqlTail = `WITH old AS (
	  SELECT unit, kind, budget_year, state,
	    requested_central_fen, requested_municipal_fen, requested_district_fen, requested_self_funded_fen,
	    approved_central_fen, approved_municipal_fen, approved_district_fen, approved_self_funded_fen,
	    next_due, next_duty, approval_workdays
	  FROM project_figures WHERE project_id = $1::text),
	up AS (
	  ` + figuresInto + `
	  VALUES ($1::text, $2::text, $3::text, $4::text, $5::integer,
	    $6::bigint, $7::bigint, $8::bigint, $9::bigint, $10::bigint, $11::bigint, $12::bigint, $13::bigint,
	    $14::timestamptz, $15::text, $16::integer, $17::integer, $18::text, $19::timestamptz, $20::timestamptz)
	  ` + figuresSet + `),
	fd AS (
	  INSERT INTO figure_deltas (` + figureTotalsColumns + `)
	  SELECT unit, kind, budget_year, state, -1,
	    -COALESCE(requested_central_fen, 0), -COALESCE(requested_municipal_fen, 0),
	    -COALESCE(requested_district_fen, 0), -COALESCE(requested_self_funded_fen, 0),
	    -COALESCE(approved_central_fen, 0), -COALESCE(approved_municipal_fen, 0),
	    -COALESCE(approved_district_fen, 0), -COALESCE(approved_self_funded_fen, 0)
	  FROM old
	  UNION ALL
	  SELECT $2::text, $3::text, $5::integer, $4::text, 1,
	    COALESCE($6::bigint, 0), COALESCE($7::bigint, 0), COALESCE($8::bigint, 0), COALESCE($9::bigint, 0),
	    COALESCE($10::bigint, 0), COALESCE($11::bigint, 0), COALESCE($12::bigint, 0), COALESCE($13::bigint, 0)),
	dd AS (
	  INSERT INTO duty_deltas (unit, kind, budget_year, duty, next_due, projects)
	  SELECT unit, kind, budget_year, next_duty, next_due, -1 FROM old
	  WHERE next_duty <> '' AND next_due IS NOT NULL
	  UNION ALL
	  SELECT $2::text, $3::text, $5::integer, $15::text, $14::timestamptz, 1
	  WHERE $15::text <> '' AND $14::timestamptz IS NOT NULL),
	ad AS (
	  INSERT INTO approval_deltas (unit, kind, budget_year, workdays, projects)
	  SELECT unit, kind, budget_year, approval_workdays, -1 FROM old WHERE approval_workdays IS NOT NULL
	  UNION ALL
	  SELECT $2::text, $3::text, $5::integer, $16::integer, 1 WHERE $16::integer IS NOT NULL),
	fp AS (
	  INSERT INTO feed_pending (seq, unit, project_id, at)
	  SELECT seq, $2::text, project_id, at FROM events WHERE project_id = $1::text AND version > $21::bigint)
	SELECT 1`

// pgTail runs sqlTail in tx, after the events after version expected.
func (s *Store) pgTail(ctx context.Context, tx Tx, sum lifecycle.Summary, expected int64) error {
	args, _, err := s.figureArgs(sum)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, sqlTail, append(args, expected)...)
	return err
}
