package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/govit-cn/govit/lifecycle"
)

// tailArgs is the number of sqlTail's arguments.
const tailArgs = 21

// sqlTail is the last of a PostgreSQL append's writes (see pgfeed.go):
// a statement of its own after appendOne's (pgTail), or the last
// sub-statements of the WITH that writes all after the events
// (pgRestStatements). It replaces the project's figures and marks the
// events pending for the sequencer, the first event's mark with the
// append's change to the running totals (pgchange.go): the figures before
// (old) and after. Its arguments are those of sqlFigures, then the version
// the append expected ($21): the events it marks are those after it.
// Every sub-statement sees the figures as they were before the statement
// (old); no other append can change them meanwhile, since this append
// inserts the project's next version.
const sqlTail = `WITH old AS (
	  SELECT unit, kind, budget_year, state,
	    ARRAY[requested_central_fen, requested_municipal_fen, requested_district_fen, requested_self_funded_fen,
	      approved_central_fen, approved_municipal_fen, approved_district_fen, approved_self_funded_fen] AS fen,
	    next_due, next_duty, approval_workdays
	  FROM project_figures WHERE project_id = $1::text),
	up AS (
	  ` + figuresInto + `
	  VALUES ($1::text, $2::text, $3::text, $4::text, $5::integer,
	    $6::bigint, $7::bigint, $8::bigint, $9::bigint, $10::bigint, $11::bigint, $12::bigint, $13::bigint,
	    $14::timestamptz, $15::text, $16::integer, $17::integer, $18::text, $19::timestamptz, $20::timestamptz)
	  ` + figuresSet + `),
	change AS (
	  SELECT o.unit, o.kind, o.budget_year, o.state, o.fen, o.next_due, o.next_duty, o.approval_workdays,
	    $2::text, $3::text, $5::integer, $4::text,
	    ARRAY[$6::bigint, $7::bigint, $8::bigint, $9::bigint, $10::bigint, $11::bigint, $12::bigint, $13::bigint],
	    $14::timestamptz, $15::text, $16::integer
	  FROM (VALUES (1)) AS one LEFT JOIN old o ON true),
	fp AS (
	  INSERT INTO feed_pending (seq, unit, project_id, at, ` + pendingChangeColumns + `)
	  SELECT e.seq, $2::text, e.project_id, e.at, c.*
	  ` + tailMarks

// pgTail runs sqlTail in tx, after the events after version expected.
func (s *Store) pgTail(ctx context.Context, tx Tx, sum lifecycle.Summary, expected int64) error {
	args, _, err := s.figureArgs(sum)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, sqlTail, append(args, expected)...)
	return err
}

// pgRestStatements are the eight forms of the statement that writes a
// PostgreSQL append (see restIndex). The first four write all after the
// events, which come in statements before; the other four, for an append
// of one event (nearly every action), write the event too. In that order:
// the event (sqlInsertAfter) if the form writes it, the projection
// (sqlProjection), the kept fold if the append has one (sqlSnapshot), the
// 第四条 features if it files a declaration (sqlOverlapFeatures,
// sqlOverlapPending), then sqlTail, each a sub-statement of one WITH. The
// arguments are sqlTail's tailArgs, then those of each sub-statement in
// that order. The sub-statements other than the event's touch no table in
// common, so that they may run in any order; sqlTail's marks read the
// events from the statement before, or from the event's sub-statement
// (ev), whose seq the form with the event returns.
func pgRestStatements() [8]string {
	var out [8]string
	for _, event := range []bool{false, true} {
		for _, snapshot := range []bool{false, true} {
			for _, overlap := range []bool{false, true} {
				var b strings.Builder
				b.WriteString("WITH ")
				n := tailArgs
				sub := func(name, stmt string, args int) {
					b.WriteString(name + " AS (\n" + shiftArgs(stmt, n) + "),\n")
					n += args
				}
				if event {
					sub("ev", strings.Replace(sqlInsertAfter, "RETURNING seq", "RETURNING seq, project_id, version, at", 1), 13)
				}
				sub("pr", sqlProjection, 16)
				if snapshot {
					sub("sn", sqlSnapshot, 3)
				}
				if overlap {
					sub("f", sqlOverlapFeatures, 7)
					sub("op", sqlOverlapPending, 0)
				}
				tail := strings.TrimPrefix(sqlTail, "WITH ")
				if event {
					tail = strings.Replace(tail, tailMarks, eventMarks, 1)
				}
				b.WriteString(tail)
				out[restIndex(event, snapshot, overlap)] = b.String()
			}
		}
	}
	return out
}

// tailMarks is the end of sqlTail: the marks of the events after the
// expected version ($21), read from the table, the first with the
// append's change; eventMarks reads them from the statement's own event
// and returns its seq.
const (
	tailMarks = `FROM events e LEFT JOIN change c ON e.version = $21::bigint + 1
	  WHERE e.project_id = $1::text AND e.version > $21::bigint)
	SELECT 1`
	eventMarks = `FROM ev e LEFT JOIN change c ON e.version = $21::bigint + 1
	  WHERE e.version > $21::bigint)
	SELECT seq FROM ev`
)

// restIndex is the index in pgRestStatements of the form that writes the
// append's one event too (event), with a kept fold (snapshot) and with
// 第四条 features (overlap).
func restIndex(event, snapshot, overlap bool) int {
	i := 0
	if snapshot {
		i++
	}
	if overlap {
		i += 2
	}
	if event {
		i += 4
	}
	return i
}

// shiftArgs renumbers the arguments $1, $2, … of stmt as $(1+n), $(2+n), ….
func shiftArgs(stmt string, n int) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(stmt, '$')
		if i < 0 {
			b.WriteString(stmt)
			return b.String()
		}
		j := i + 1
		for j < len(stmt) && stmt[j] >= '0' && stmt[j] <= '9' {
			j++
		}
		b.WriteString(stmt[:i+1])
		if k, err := strconv.Atoi(stmt[i+1 : j]); err == nil {
			b.WriteString(strconv.Itoa(k + n))
		}
		stmt = stmt[j:]
	}
}
