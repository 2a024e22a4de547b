package sqlstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
)

// totalsRows reads the rows of each query of q as text, by name.
func totalsRows(t *testing.T, s *Store, q map[string]string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for name, sql := range q {
		out[name] = rowsText(t, s, sql)
	}
	return out
}

// TestChangesInMarksMigration: the delta rows a store left before its
// appends carried their changes in their marks (00023) are folded into
// the totals by the migration, and the delta tables are gone.
func TestChangesInMarksMigration(t *testing.T) {
	ctx := context.Background()
	dsn := sqltest.PostgresDSN(t)
	s, err := Open(ctx, dsn)
	require.NoError(t, err)
	portfolioOn(t, s, 40, 7)
	s.stopBackground()
	_, err = s.Sequence(ctx)
	require.NoError(t, err)
	p, err := migrations(ctx, Postgres, s.db)
	require.NoError(t, err)
	_, err = p.DownTo(ctx, 22)
	require.NoError(t, err)

	// Deltas as appends of the previous version left them: one state's
	// group grows, one duty total falls to no project, an approval time
	// gains a project.
	var unit, kind, state, duty string
	var year int
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT unit, kind, budget_year, state FROM figure_totals ORDER BY unit, state LIMIT 1`).
		Scan(&unit, &kind, &year, &state))
	for _, q := range []string{
		fmt.Sprintf(`INSERT INTO figure_deltas VALUES ('%s', '%s', %d, '%s', 2, 100, 0, 50, 0, 0, 0, 7, 0)`, unit, kind, year, state),
		`INSERT INTO figure_deltas VALUES ('新单位', 'operation', 2026, 'declared', 1, 0, 0, 300, 0, 0, 0, 0, 0)`,
		`INSERT INTO approval_deltas VALUES ('新单位', 'operation', 2026, 9, 1)`,
	} {
		_, err := s.db.ExecContext(ctx, q)
		require.NoError(t, err, q)
	}
	var due any
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT unit, kind, budget_year, duty, next_due FROM duty_totals WHERE projects = 1 LIMIT 1`).
		Scan(&unit, &kind, &year, &duty, &due))
	_, err = s.db.ExecContext(ctx, `INSERT INTO duty_deltas VALUES ($1, $2, $3, $4, $5, -1)`, unit, kind, year, duty, due)
	require.NoError(t, err)

	// What the totals must read: each table with its deltas added, and no
	// duty total of no project.
	want := totalsWithDeltas(t, s, false)
	require.Len(t, want["figure"], len(totalsRows(t, s, map[string]string{"figure": `SELECT 1 FROM figure_totals`})["figure"])+1)
	require.NoError(t, s.Close())

	s2 := open(t, dsn)
	got := totalsRows(t, s2, map[string]string{
		"figure":   `SELECT * FROM figure_totals ORDER BY 1, 2, 3, 4`,
		"duty":     `SELECT * FROM duty_totals ORDER BY 1, 2, 3, 4, 5`,
		"approval": `SELECT * FROM approval_totals ORDER BY 1, 2, 3, 4`,
	})
	assert.Equal(t, want, got)
	var tables int
	require.NoError(t, s2.db.QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE '%_deltas'`).Scan(&tables))
	assert.Zero(t, tables)
}

// TestChangesInMarksDown: migrated down past 00023, the changes the
// pending marks carried are delta rows again, so that the totals with
// their deltas are what the projects' figures give.
func TestChangesInMarksDown(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, sqltest.PostgresDSN(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	s.stopBackground() // the marks stay pending
	portfolioOn(t, s, 40, 7)
	var pending int
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT count(*) FROM feed_pending WHERE now_unit IS NOT NULL`).Scan(&pending))
	require.Positive(t, pending)

	p, err := migrations(ctx, Postgres, s.db)
	require.NoError(t, err)
	_, err = p.DownTo(ctx, 22)
	require.NoError(t, err)

	fromFigures := totalsRows(t, s, map[string]string{
		"figure": `SELECT unit, kind, budget_year, state, COUNT(*),
		  COALESCE(SUM(requested_central_fen), 0), COALESCE(SUM(requested_municipal_fen), 0),
		  COALESCE(SUM(requested_district_fen), 0), COALESCE(SUM(requested_self_funded_fen), 0),
		  COALESCE(SUM(approved_central_fen), 0), COALESCE(SUM(approved_municipal_fen), 0),
		  COALESCE(SUM(approved_district_fen), 0), COALESCE(SUM(approved_self_funded_fen), 0)
		  FROM project_figures GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
		"duty": `SELECT unit, kind, budget_year, next_duty, next_due, COUNT(*) FROM project_figures
		  WHERE next_duty <> '' AND next_due IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
		"approval": `SELECT unit, kind, budget_year, approval_workdays, COUNT(*) FROM project_figures
		  WHERE approval_workdays IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
	})
	withDeltas := totalsWithDeltas(t, s, true)
	assert.Equal(t, fromFigures, withDeltas)
}

// totalsWithDeltas reads each table of totals with its delta rows added
// (the schema before 00023), by table; a duty total of no project is left
// out, and so are the others' when dropEmpty.
func totalsWithDeltas(t *testing.T, s *Store, dropEmpty bool) map[string][]string {
	t.Helper()
	having := ""
	if dropEmpty {
		having = "HAVING SUM(projects) <> 0"
	}
	return totalsRows(t, s, map[string]string{
		"figure": `SELECT unit, kind, budget_year, state, SUM(projects), SUM(requested_central_fen), SUM(requested_municipal_fen),
		  SUM(requested_district_fen), SUM(requested_self_funded_fen), SUM(approved_central_fen), SUM(approved_municipal_fen),
		  SUM(approved_district_fen), SUM(approved_self_funded_fen)
		  FROM (SELECT * FROM figure_totals UNION ALL SELECT * FROM figure_deltas) x GROUP BY 1, 2, 3, 4
		  ` + having + ` ORDER BY 1, 2, 3, 4`,
		"duty": `SELECT unit, kind, budget_year, duty, next_due, SUM(projects)
		  FROM (SELECT * FROM duty_totals UNION ALL SELECT * FROM duty_deltas) x GROUP BY 1, 2, 3, 4, 5
		  HAVING SUM(projects) <> 0 ORDER BY 1, 2, 3, 4, 5`,
		"approval": `SELECT unit, kind, budget_year, workdays, SUM(projects)
		  FROM (SELECT * FROM approval_totals UNION ALL SELECT * FROM approval_deltas) x GROUP BY 1, 2, 3, 4
		  ` + having + ` ORDER BY 1, 2, 3, 4`,
	})
}
