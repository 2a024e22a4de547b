package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// fenPlaces is the scale of the figures' amounts: whole millionths of 万元,
// that is fen, the finest amount a declaration may hold.
const fenPlaces = 6

// fen is d 万元 in fen; ok is false when d is finer than a fen or too large.
func fen(d decimal.Decimal) (int64, bool) {
	f := d.Shift(fenPlaces)
	if !f.IsInteger() || f.Abs().Cmp(decimal.New(1, 17)) > 0 {
		return 0, false
	}
	return f.IntPart(), true
}

func budgetFen(b review.Budget) ([4]int64, bool) {
	var out [4]int64
	for i, d := range []decimal.Decimal{b.Central, b.Municipal, b.District, b.SelfFunded} {
		v, ok := fen(d)
		if !ok {
			return out, false
		}
		out[i] = v
	}
	return out, true
}

// figuresInto and figuresSet are the figures' upsert (sqlFigures, and
// sqlTail's with typed parameters).
const (
	figuresInto = `INSERT INTO project_figures (project_id, unit, kind, state, budget_year,
	  requested_central_fen, requested_municipal_fen, requested_district_fen, requested_self_funded_fen,
	  approved_central_fen, approved_municipal_fen, approved_district_fen, approved_self_funded_fen,
	  next_due, next_duty, approval_workdays, fine, fine_amounts, declared_at, approved_at)`
	sqlFigures = figuresInto + `
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
	` + figuresSet
)

const figuresSet = `ON CONFLICT (project_id) DO UPDATE SET
	  unit = excluded.unit, kind = excluded.kind, state = excluded.state, budget_year = excluded.budget_year,
	  requested_central_fen = excluded.requested_central_fen, requested_municipal_fen = excluded.requested_municipal_fen,
	  requested_district_fen = excluded.requested_district_fen, requested_self_funded_fen = excluded.requested_self_funded_fen,
	  approved_central_fen = excluded.approved_central_fen, approved_municipal_fen = excluded.approved_municipal_fen,
	  approved_district_fen = excluded.approved_district_fen, approved_self_funded_fen = excluded.approved_self_funded_fen,
	  next_due = excluded.next_due, next_duty = excluded.next_duty, approval_workdays = excluded.approval_workdays,
	  fine = excluded.fine, fine_amounts = excluded.fine_amounts,
	  declared_at = excluded.declared_at, approved_at = excluded.approved_at`

// figureWrite replaces the project's row of the statistics' figures, in
// the append's transaction, and returns the row before and after, which
// headWrite then moves in the running totals.
func (s *Store) figureWrite(ctx context.Context, tx Tx, sum lifecycle.Summary) (figureChange, error) {
	old, found, err := readFigureRow(ctx, tx, sum.ProjectID)
	if err != nil {
		return figureChange{}, err
	}
	args, now, err := s.figureArgs(sum)
	if err != nil {
		return figureChange{}, err
	}
	if _, err = tx.ExecContext(ctx, sqlFigures, args...); err != nil {
		return figureChange{}, err
	}
	return figureChange{old: old, now: now, found: found}, nil
}

// figureArgs are the arguments of sqlFigures for the project's summary,
// and the row they make.
func (s *Store) figureArgs(sum lifecycle.Summary) ([]any, figureRow, error) {
	req, ok1 := budgetFen(sum.Requested)
	app, ok2 := budgetFen(sum.Approved)
	now := figureRow{unit: sum.Unit, kind: sum.Kind, year: int64(sum.BudgetYear), state: string(sum.State), nextDuty: sum.NextDuty}
	amounts := make([]any, 8)
	fine, fineAmounts := 0, any(nil)
	if ok1 && ok2 {
		for i := range 4 {
			amounts[i], amounts[4+i] = req[i], app[i]
			now.fen[i] = sql.NullInt64{Int64: req[i], Valid: true}
			now.fen[4+i] = sql.NullInt64{Int64: app[i], Valid: true}
		}
	} else {
		b, err := json.Marshal([2]review.Budget{sum.Requested, sum.Approved})
		if err != nil {
			return nil, now, err
		}
		fine, fineAmounts = 1, string(b)
	}
	var days any
	if !sum.ApprovedAt.IsZero() && sum.ApprovalWorkdays >= 0 {
		days = sum.ApprovalWorkdays
		now.days = sql.NullInt64{Int64: int64(sum.ApprovalWorkdays), Valid: true}
	}
	now.nextDue = s.timeArg(lifecycle.StoreTime(sum.NextDue))
	args := []any{sum.ProjectID, sum.Unit, sum.Kind, string(sum.State), sum.BudgetYear,
		amounts[0], amounts[1], amounts[2], amounts[3], amounts[4], amounts[5], amounts[6], amounts[7],
		now.nextDue, sum.NextDuty, days, fine, fineAmounts,
		s.timeArg(lifecycle.StoreTime(sum.DeclaredAt)), s.timeArg(lifecycle.StoreTime(sum.ApprovedAt))}
	return args, now, nil
}

var _ lifecycle.StatsStore = (*Store)(nil)

// Stats implements lifecycle.StatsStore with aggregate queries over the
// running totals (by state, by duty and due date, by approval time), whose
// keys lead with unit, kind and budget year, plus one over the indexed few
// projects whose amounts are finer than a fen. Sums are of whole fen:
// exact in both databases. Its cost does not grow with the number of
// projects, only with the number of units, states, due dates and approval
// times.
func (s *Store) Stats(ctx context.Context, q lifecycle.StatsQuery) (lifecycle.StatsAggregate, error) {
	agg := lifecycle.StatsAggregate{ApprovalWorkdays: map[int]int{}}
	if !storable(q.Unit) || !storable(q.Kind) {
		return agg, nil
	}
	var (
		where []string
		args  []any
	)
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if q.Unit != "" {
		add("unit = ?", q.Unit)
	}
	if q.Kind != "" {
		add("kind = ?", q.Kind)
	}
	if q.BudgetYear != 0 {
		add("budget_year = ?", q.BudgetYear)
	}
	filter := func(extra ...string) string {
		all := append(append([]string{}, where...), extra...)
		if len(all) == 0 {
			return ""
		}
		return " WHERE " + strings.Join(all, " AND ")
	}
	tx, done, err := s.readSnapshot(ctx)
	if err != nil {
		return agg, s.fail(ctx, "stats", err)
	}
	defer done()

	rows, err := tx.QueryContext(ctx, `SELECT state, SUM(projects),
		  SUM(requested_central_fen), SUM(requested_municipal_fen), SUM(requested_district_fen), SUM(requested_self_funded_fen),
		  SUM(approved_central_fen), SUM(approved_municipal_fen), SUM(approved_district_fen), SUM(approved_self_funded_fen)
		FROM `+s.totalsOf("figure_totals")+filter()+` GROUP BY state`, args...)
	if err != nil {
		return agg, s.fail(ctx, "stats", err)
	}
	for rows.Next() {
		var (
			f     lifecycle.StateFigures
			state string
			sums  [8]sql.NullString
		)
		if err := rows.Scan(&state, &f.Projects, &sums[0], &sums[1], &sums[2], &sums[3], &sums[4], &sums[5], &sums[6], &sums[7]); err != nil {
			rows.Close()
			return agg, s.fail(ctx, "stats", err)
		}
		var d [8]decimal.Decimal
		for i, t := range sums {
			if !t.Valid {
				continue
			}
			v, err := decimal.NewFromString(t.String)
			if err != nil {
				rows.Close()
				return agg, fmt.Errorf("sqlstore: stats: sum %q: %w", t.String, err)
			}
			d[i] = v.Shift(-fenPlaces)
		}
		f.State = lifecycle.State(state)
		f.Requested = review.Budget{Central: d[0], Municipal: d[1], District: d[2], SelfFunded: d[3]}
		f.Approved = review.Budget{Central: d[4], Municipal: d[5], District: d[6], SelfFunded: d[7]}
		agg.States = append(agg.States, f)
	}
	if err := closeRows(rows); err != nil {
		return agg, s.fail(ctx, "stats", err)
	}

	// The few projects with amounts finer than a fen, added exactly. They
	// are found by their partial index and filtered here: a filter in SQL
	// would lead SQLite to the unit's index and through all its projects.
	rows, err = tx.QueryContext(ctx, `SELECT state, unit, kind, budget_year, fine_amounts FROM project_figures WHERE fine <> 0`)
	if err != nil {
		return agg, s.fail(ctx, "stats", err)
	}
	for rows.Next() {
		var (
			state, unit, kind, text string
			year                    int
			b                       [2]review.Budget
		)
		if err := rows.Scan(&state, &unit, &kind, &year, &text); err != nil {
			rows.Close()
			return agg, s.fail(ctx, "stats", err)
		}
		if (q.Unit != "" && unit != q.Unit) || (q.Kind != "" && kind != q.Kind) || (q.BudgetYear != 0 && year != q.BudgetYear) {
			continue
		}
		if err := json.Unmarshal([]byte(text), &b); err != nil {
			rows.Close()
			return agg, fmt.Errorf("sqlstore: stats: amounts %q: %w", text, err)
		}
		agg.States = append(agg.States, lifecycle.StateFigures{State: lifecycle.State(state), Requested: b[0], Approved: b[1]})
	}
	if err := closeRows(rows); err != nil {
		return agg, s.fail(ctx, "stats", err)
	}

	cut := len(args) + 1
	rows, err = tx.QueryContext(ctx, `SELECT duty, unit, SUM(projects),
		  SUM(CASE WHEN next_due < $`+strconv.Itoa(cut)+` THEN projects ELSE 0 END)
		FROM `+s.totalsOf("duty_totals")+filter()+` GROUP BY duty, unit HAVING SUM(projects) > 0`,
		append(args, s.timeArg(lifecycle.StoreTime(q.OverdueBefore)))...)
	if err != nil {
		return agg, s.fail(ctx, "stats", err)
	}
	for rows.Next() {
		var d lifecycle.DutyFigures
		if err := rows.Scan(&d.Duty, &d.Unit, &d.Due, &d.Overdue); err != nil {
			rows.Close()
			return agg, s.fail(ctx, "stats", err)
		}
		agg.Duties = append(agg.Duties, d)
	}
	if err := closeRows(rows); err != nil {
		return agg, s.fail(ctx, "stats", err)
	}

	rows, err = tx.QueryContext(ctx, `SELECT workdays, SUM(projects)
		FROM `+s.totalsOf("approval_totals")+filter()+` GROUP BY workdays HAVING SUM(projects) > 0`, args...)
	if err != nil {
		return agg, s.fail(ctx, "stats", err)
	}
	for rows.Next() {
		var days, n int
		if err := rows.Scan(&days, &n); err != nil {
			rows.Close()
			return agg, s.fail(ctx, "stats", err)
		}
		agg.ApprovalWorkdays[days] = n
	}
	if err := closeRows(rows); err != nil {
		return agg, s.fail(ctx, "stats", err)
	}
	return agg, nil
}

// totalsOf is what Stats reads for a table of running totals: the table,
// and on PostgreSQL with it the changes the marks still pending carry
// (pgchange.go), under the table's name.
func (s *Store) totalsOf(table string) string {
	if s.dialect != Postgres {
		return table
	}
	cols, changes := approvalTotalsColumns, approvalChanges("feed_pending")
	switch table {
	case "figure_totals":
		cols, changes = figureTotalsColumns, figureChanges("feed_pending")
	case "duty_totals":
		cols, changes = dutyTotalsColumns, dutyChanges("feed_pending")
	}
	return `(SELECT ` + cols + ` FROM ` + table + ` UNION ALL ` + changes + `) AS ` + table
}

// querier is a database or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readSnapshot gives several reads one snapshot on PostgreSQL (a
// read-only repeatable-read transaction). On SQLite, where every
// transaction takes the write lock (_txlock=immediate), reads go to the
// database and each sees its own committed state.
func (s *Store) readSnapshot(ctx context.Context) (querier, func(), error) {
	if s.dialect != Postgres {
		return s.db, func() {}, nil
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, nil, err
	}
	return tx, func() { _ = tx.Rollback() }, nil
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

var _ lifecycle.FiguresStore = (*Store)(nil)

// ListFigures implements lifecycle.FiguresStore: a page of List, with
// each summary's figures read from the statistics' table.
func (s *Store) ListFigures(ctx context.Context, q lifecycle.Query) ([]lifecycle.Summary, string, error) {
	page, next, err := s.List(ctx, q)
	if err != nil || len(page) == 0 {
		return page, next, err
	}
	args := make([]any, len(page))
	marks := make([]string, len(page))
	at := make(map[string]int, len(page))
	for i, sum := range page {
		args[i] = sum.ProjectID
		marks[i] = "$" + strconv.Itoa(i+1)
		at[sum.ProjectID] = i
	}
	rows, err := s.db.QueryContext(ctx, `SELECT project_id, budget_year,
		  requested_central_fen, requested_municipal_fen, requested_district_fen, requested_self_funded_fen,
		  fine, fine_amounts, declared_at, approved_at, approval_workdays
		FROM project_figures WHERE project_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, "", s.fail(ctx, "list figures", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id                 string
			year, fine         int
			req                [4]sql.NullInt64
			fineAmounts        sql.NullString
			declared, approved dbTime
			days               sql.NullInt64
		)
		if err := rows.Scan(&id, &year, &req[0], &req[1], &req[2], &req[3], &fine, &fineAmounts, &declared, &approved, &days); err != nil {
			return nil, "", s.fail(ctx, "list figures", err)
		}
		sum := &page[at[id]]
		sum.BudgetYear, sum.DeclaredAt, sum.ApprovedAt = year, declared.t, approved.t
		sum.ApprovalWorkdays = -1
		if days.Valid {
			sum.ApprovalWorkdays = int(days.Int64)
		}
		if fine != 0 {
			var b [2]review.Budget
			if err := json.Unmarshal([]byte(fineAmounts.String), &b); err != nil {
				return nil, "", fmt.Errorf("sqlstore: list figures: amounts of %s: %w", id, err)
			}
			sum.Requested = b[0]
			continue
		}
		d := func(v sql.NullInt64) decimal.Decimal { return decimal.New(v.Int64, -fenPlaces) }
		sum.Requested = review.Budget{Central: d(req[0]), Municipal: d(req[1]), District: d(req[2]), SelfFunded: d(req[3])}
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.fail(ctx, "list figures", err)
	}
	return page, next, nil
}
