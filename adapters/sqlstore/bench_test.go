package sqlstore

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

// BenchmarkSQLiteAppend measures durable appends (one event per
// transaction, each writer on its own project) against a baseline run on
// the same database in the same benchmark: a transaction that inserts one
// row of the same size into a plain table (BEGIN IMMEDIATE; INSERT;
// COMMIT) with a prepared statement, with the same writers, serialised the
// same way. It reports
// appends/s, baseline_tx/s and their ratio.
func BenchmarkSQLiteAppend(b *testing.B) {
	for _, writers := range []int{1, 32} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s := open(b, sqltest.SQLitePath(b))
			ctx := b.Context()
			_, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_baseline (id INTEGER PRIMARY KEY, v BLOB NOT NULL)`)
			require.NoError(b, err)
			row := bytes.Repeat([]byte("x"), 300) // about an event row
			insert, err := s.db.PrepareContext(ctx, `INSERT INTO bench_baseline (v) VALUES ($1)`)
			require.NoError(b, err)
			defer insert.Close()

			// Baseline and appends alternate in blocks, so that both see the
			// same disk (whose sync latency drifts on a shared machine); only
			// the appends are timed by the benchmark.
			var serial sync.Mutex
			baselineTx := func(int, int64) error {
				serial.Lock()
				defer serial.Unlock()
				tx, err := s.db.BeginTx(ctx, nil)
				if err != nil {
					return err
				}
				defer tx.Rollback() //nolint:errcheck // no-op after Commit
				if _, err := tx.StmtContext(ctx, insert).ExecContext(ctx, row); err != nil {
					return err
				}
				return tx.Commit()
			}
			next := make([]int64, writers)
			appendTx := func(w int, _ int64) error {
				next[w]++
				v := next[w]
				e := benchEvent(fmt.Sprintf("bench-%d", w), v)
				_, err := s.Append(ctx, v-1, []lifecycle.Event{e}, lifecycle.Summary{Name: "n", Unit: "u", Kind: "k", State: "s", UpdatedAt: e.At})
				return err
			}
			block := max(64, 4*writers)
			var tBase, tAppend time.Duration
			b.ResetTimer()
			b.StopTimer()
			for done := 0; done < b.N; done += block {
				k := min(block, b.N-done)
				start := time.Now()
				parallel(b, writers, k, baselineTx)
				tBase += time.Since(start)

				b.StartTimer()
				start = time.Now()
				parallel(b, writers, k, appendTx)
				tAppend += time.Since(start)
				b.StopTimer()
			}
			appends := float64(b.N) / tAppend.Seconds()
			baseline := float64(b.N) / tBase.Seconds()

			b.ReportMetric(appends, "appends/s")
			b.ReportMetric(baseline, "baseline_tx/s")
			b.ReportMetric(appends/baseline, "ratio")
		})
	}
}

// parallel runs n calls of fn spread over writers goroutines; fn gets its
// writer's index and the call's global number.
func parallel(b *testing.B, writers, n int, fn func(w int, i int64) error) {
	var (
		wg    sync.WaitGroup
		count atomic.Int64
		errs  = make(chan error, writers)
	)
	for w := range writers {
		wg.Go(func() {
			for {
				i := count.Add(1)
				if i > int64(n) {
					return
				}
				if err := fn(w, i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

func benchEvent(project string, v int64) lifecycle.Event {
	return lifecycle.Event{
		ProjectID: project,
		Version:   v,
		Action:    "sign_contract",
		Actor:     lifecycle.Actor{ID: "zhang.san", Unit: "区教委", Roles: []lifecycle.Role{"unit"}},
		Role:      "unit",
		At:        time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC).Add(time.Duration(v) * time.Second),
		Article:   "第十二条",
		Payload:   []byte(`{"contract":{"number":"YB-2024-0001","amount":"123.456789","signed_on":"2024-05-06"}}`),
	}
}

// benchProjects is the number of projects of the overdue benchmark.
const benchProjects = 100_000

// benchNow is "today" of the overdue benchmark; projects' next due dates
// spread over the year before and the year after it.
var benchNow = time.Date(2024, 6, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))

// seedProjections inserts n projections in one transaction with
// multi-row inserts: a third have nothing due, the rest a due date spread
// over two years around benchNow.
func seedProjections(tb testing.TB, s *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	require.NoError(tb, err)
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	const batch = 1000
	const cols = 15
	units := []string{"区教委", "区卫健委", "区公安分局", "区民政局", "区大数据发展局"}
	states := []string{"declared", "approved", "contracted", "accepted", "archived"}
	for start := 0; start < n; start += batch {
		var (
			sb   strings.Builder
			args []any
		)
		sb.WriteString(`INSERT INTO projections (` + projectionColumns + `) VALUES `)
		for i := start; i < min(start+batch, n); i++ {
			if i > start {
				sb.WriteString(",")
			}
			writeRowMarks(&sb, s.dialect, cols, len(args))
			var due any
			duty := ""
			if i%3 != 0 {
				due = s.timeArg(benchNow.AddDate(0, 0, (i*7919)%730-365))
				duty = "file_contract"
			}
			args = append(args,
				fmt.Sprintf("YB-%06d", i), fmt.Sprintf("项目 %d", i), units[i%len(units)], []string{"construction", "operation"}[i%2],
				states[i%len(states)], int64(1+i%9), "100.5", "0", "33.333333", "0",
				due, duty, s.timeArg(benchNow), 2025+i%3, 0)
		}
		_, err := tx.ExecContext(ctx, sb.String(), args...)
		require.NoError(tb, err)
	}
	require.NoError(tb, tx.Commit())
	_, err = s.db.ExecContext(ctx, `ANALYZE`)
	require.NoError(tb, err)
}

// BenchmarkOverdueList measures the overdue query, the first page (100)
// of List with DueBefore, over 100,000 projects, with a third of them
// overdue and with 1% overdue.
func BenchmarkOverdueList(b *testing.B) {
	for _, d := range dialects {
		b.Run(string(d.name), func(b *testing.B) {
			s := open(b, d.dsn(b))
			seedProjections(b, s, benchProjects)
			for _, c := range []struct {
				name string
				cut  time.Time
			}{
				{"overdue=33%", benchNow},
				{"overdue=1%", benchNow.AddDate(0, 0, -365+11)},
			} {
				b.Run(c.name, func(b *testing.B) {
					q := lifecycle.Query{DueBefore: c.cut}
					page, _, err := s.List(b.Context(), q)
					require.NoError(b, err)
					require.Len(b, page, lifecycle.DefaultListLimit)
					for b.Loop() {
						if _, _, err := s.List(b.Context(), q); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
				})
			}
		})
	}
}

// writeRowMarks writes the parameter marks of one row of a multi-row
// INSERT with cols columns, after bound arguments already taken.
// Positional ? on SQLite: the driver binds $N parameters by name, which is
// quadratic over 13,000 of them.
func writeRowMarks(sb *strings.Builder, d Dialect, cols, bound int) {
	sb.WriteString("(")
	for c := range cols {
		if c > 0 {
			sb.WriteString(",")
		}
		if d == SQLite {
			sb.WriteString("?")
		} else {
			sb.WriteString("$" + strconv.Itoa(bound+c+1))
		}
	}
	sb.WriteString(")")
}
