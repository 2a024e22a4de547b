package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// seedFigures inserts n rows of statistics' figures in one transaction: five
// units, both kinds, six states, two budget years, amounts in whole fen,
// two thirds approved and two thirds with a duty due.
func seedFigures(tb testing.TB, s *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	require.NoError(tb, err)
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	const (
		batch = 500
		cols  = 19
	)
	units := []string{"区教委", "区卫健委", "区公安分局", "区民政局", "区大数据发展局"}
	states := []string{"declared", "approved", "budgeted", "implementing", "accepted", "archived"}
	duties := []string{lifecycle.DutyContractFiling, lifecycle.DutyArchive, lifecycle.DutyOMDeclaration}
	for start := 0; start < n; start += batch {
		var (
			sb   strings.Builder
			args []any
		)
		sb.WriteString(`INSERT INTO project_figures (project_id, unit, kind, state, budget_year,
			requested_central_fen, requested_municipal_fen, requested_district_fen, requested_self_funded_fen,
			approved_central_fen, approved_municipal_fen, approved_district_fen, approved_self_funded_fen,
			next_due, next_duty, approval_workdays, fine, declared_at, approved_at) VALUES `)
		for i := start; i < min(start+batch, n); i++ {
			if i > start {
				sb.WriteString(",")
			}
			writeRowMarks(&sb, s.dialect, cols, len(args))
			var due, days, approved any
			duty := ""
			if i%3 != 0 {
				due = s.timeArg(benchNow.AddDate(0, 0, (i*7919)%730-365))
				duty = duties[i%len(duties)]
				days = (i * 31) % 120
				approved = s.timeArg(benchNow)
			}
			args = append(args, fmt.Sprintf("YB-%06d", i), units[i%len(units)], []string{"construction", "operation"}[i%2],
				states[i%len(states)], 2025+i%2,
				int64(i%7)*1_000_000, 0, int64(i)*1_234_567, 500_000,
				int64(i%7)*900_000, 0, int64(i)*1_000_001, 0,
				due, duty, days, 0, s.timeArg(benchNow.AddDate(0, -3, 0)), approved)
		}
		_, err := tx.ExecContext(ctx, sb.String(), args...)
		require.NoError(tb, err)
	}
	require.NoError(tb, tx.Commit())
	require.NoError(tb, s.RebuildTotals(ctx))
	_, err = s.db.ExecContext(ctx, `ANALYZE`)
	require.NoError(tb, err)
}

// BenchmarkStats measures Stats, the aggregate queries over the running
// totals, over 100,000 projects: unfiltered, for one unit, and for one unit, kind and
// budget year. The goal is 50 ms.
func BenchmarkStats(b *testing.B) {
	for _, d := range dialects {
		b.Run(string(d.name), func(b *testing.B) {
			s := open(b, d.dsn(b))
			seedFigures(b, s, benchProjects)
			for _, c := range []struct {
				name string
				q    lifecycle.StatsQuery
			}{
				{"all", lifecycle.StatsQuery{}},
				{"unit", lifecycle.StatsQuery{Unit: "区卫健委"}},
				{"unit+kind+year", lifecycle.StatsQuery{Unit: "区卫健委", Kind: "operation", BudgetYear: 2026}},
			} {
				b.Run(c.name, func(b *testing.B) {
					c.q.OverdueBefore = benchNow
					agg, err := s.Stats(b.Context(), c.q)
					require.NoError(b, err)
					require.NotEmpty(b, agg.States)
					for b.Loop() {
						if _, err := s.Stats(b.Context(), c.q); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
				})
			}
		})
	}
}
