package sqlstore

import (
	"context"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"weak"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
)

// How a 第四条 check reads the postings without copying them. Read
// through database/sql, every postings row was copied by the driver
// (modernc's rows copy each blob, pgx's stdlib each bytea) and boxed
// again by database/sql, so that what a check allocated grew with the
// postings it read: 927 KiB at 100,000 projects, against 37 KiB at 1,000.
// Now:
//
//   - on SQLite the counting runs inside the database: an application
//     function, govit_overlap_count, registered on the store's own driver
//     with modernc's VolatileArgs (its blob argument a view of SQLite's
//     memory, not a copy), gets for each probed bigram and window the
//     bigram's rows of the window concatenated by group_concat, each
//     behind a header naming its block and its number of entries, and
//     adds them to the check's counts. Go sees one call per bigram and
//     window, with no copy of the rows; SQLite holds the rows of one
//     bigram over one window (at most a window's entries, 128 KiB, and
//     their headers) at a time, in its own memory;
//   - on PostgreSQL the rows are read through pgx's own interface on the
//     check's connection ((*sql.Conn).Raw), whose RawValues are views of
//     the connection's read buffer: database/sql offers no way to scan a
//     bytea without pgx's stdlib copying it first.
//
// Either way the check reads through the driver connection itself, its
// statements prepared once per check, their arguments boxed once, so
// that what it allocates per window does not grow with the rows read.
// The counts themselves (a window's, 192 KiB) are kept between checks by
// the store (overlapCounts), one per check running at once.

// sqlOverlapCountFunc is the name of the SQLite function.
const sqlOverlapCountFunc = "govit_overlap_count"

// The header of a row in the concatenation govit_overlap_count reads:
// 1, then the row's block relative to the window's first and its number
// of entries, seven decimal digits each — an integer SQLite turns into
// text in a buffer it keeps from row to row, where char() or printf()
// would allocate (under the allocator's lock, which all connections
// share) for every row. Seven digits hold any window and block: a window
// is at most 1 << overlapWindowBits projects.
const countHeaderSize = 15

// sqlOverlapCountHeader is that header, in SQL, for a row of
// overlap_postings when the window starts at block $1.
const sqlOverlapCountHeader = `CAST(100000000000000 + (block - $1) * 10000000 + octet_length(ids) / 4 AS TEXT)`

// countHeader reads a header: the block relative to the window's first
// and the row's number of entries.
func countHeader(h []byte) (rel int64, n int, ok bool) {
	if len(h) < countHeaderSize || h[0] != '1' {
		return 0, 0, false
	}
	var v [2]int64
	for i, c := range h[1:countHeaderSize] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		v[i/7] = v[i/7]*10 + int64(c-'0')
	}
	return v[0], int(v[1]), true
}

// overlapCounts keeps, for one store, the window counts of the checks in
// progress (by a small handle, the argument through which the SQLite
// function finds them) and those of finished checks for the next ones.
type overlapCounts struct {
	mu     sync.Mutex
	active []*windowCounts // by handle; nil where free
	free   []*windowCounts
}

// get returns zeroed counts for a window of blocks of 1 << bits projects
// and the handle under which the SQLite function finds them.
func (oc *overlapCounts) get(bits uint, blocks int) (*windowCounts, int64) {
	n := blocks << bits
	oc.mu.Lock()
	defer oc.mu.Unlock()
	var c *windowCounts
	for c == nil && len(oc.free) > 0 {
		f := oc.free[len(oc.free)-1]
		oc.free = oc.free[:len(oc.free)-1]
		if cap(f.matched) >= n {
			c = f
		}
		// Counts too small for the window the store has grown to are
		// dropped, so that those of its size take their place.
	}
	if c == nil {
		c = newWindowCounts(bits, blocks)
	}
	c.bits, c.matched, c.size = bits, c.matched[:n], c.size[:n]
	h := len(oc.active)
	for i, a := range oc.active {
		if a == nil {
			h = i
			break
		}
	}
	if h == len(oc.active) {
		oc.active = append(oc.active, nil)
	}
	oc.active[h] = c
	return c, int64(h)
}

// put gives back the counts of handle h, zeroed, for the next check. Of
// counts given back, it keeps as many as checks have run at once (each
// check holds a connection while it has counts: the store's connections
// bound them).
func (oc *overlapCounts) put(h int64) {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	c := oc.active[h]
	oc.active[h] = nil
	clear(c.matched[:cap(c.matched)])
	if len(oc.free) < len(oc.active) {
		oc.free = append(oc.free, c)
	}
}

func (oc *overlapCounts) lookup(h int64) *windowCounts {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	if h < 0 || h >= int64(len(oc.active)) {
		return nil
	}
	return oc.active[h]
}

// register makes govit_overlap_count(handle, rows) a function of the
// connections drv opens. modernc keeps a registered function for the
// life of the process; it holds the counts weakly, so that those of a
// closed store (and its statements) are collected.
func (oc *overlapCounts) register(drv *sqlite.Driver) error {
	w := weak.Make(oc)
	return drv.RegisterFunction(sqlOverlapCountFunc, &sqlite.FunctionImpl{
		NArgs: 2,
		Scalar: func(fc *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			oc := w.Value()
			if oc == nil {
				return nil, fmt.Errorf("%s: the store is closed", sqlOverlapCountFunc)
			}
			return oc.sqliteCount(fc, args)
		},
		// rows is read before the function returns and not kept.
		VolatileArgs: true,
	})
}

// sqliteCount is govit_overlap_count: it adds the entries of rows, a
// concatenation of headed postings rows, to the counts of the handle.
func (oc *overlapCounts) sqliteCount(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	h, _ := args[0].(int64)
	c := oc.lookup(h)
	if c == nil {
		return nil, fmt.Errorf("%s: no check under handle %d", sqlOverlapCountFunc, h)
	}
	rows, _ := args[1].([]byte)
	for len(rows) > 0 {
		rel, n, ok := countHeader(rows)
		if !ok {
			return nil, fmt.Errorf("%s: a row without its header", sqlOverlapCountFunc)
		}
		rows = rows[countHeaderSize:]
		if n*entrySize > len(rows) {
			return nil, fmt.Errorf("%s: a row cut short", sqlOverlapCountFunc)
		}
		c.add(rel, rows[:n*entrySize])
		rows = rows[n*entrySize:]
	}
	return nil, nil
}

// windowQuery reads the postings of some of the probed bigrams over a
// window of blocks into counts; the implementations run on one driver
// connection.
type windowQuery interface {
	count(ctx context.Context, first, last int64) error
	close() error
}

// newWindowQuery prepares, on the driver connection dc, the reading of
// the rows of grams into the counts of handle h.
func (s *Store) newWindowQuery(ctx context.Context, dc any, grams []uint64, h int64, counts *windowCounts) (windowQuery, error) {
	if s.dialect == Postgres {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return nil, fmt.Errorf("sqlstore: a PostgreSQL connection of type %T", dc)
		}
		if _, err := c.Conn().Prepare(ctx, sqlPostingsWindowName, sqlPostingsWindow); err != nil {
			return nil, err
		}
		return &pgWindowQuery{conn: c.Conn(), counts: counts,
			params: [][]byte{pgInt8Array(grams), make([]byte, 8), make([]byte, 8)}, formats: []int16{1, 1, 1}}, nil
	}
	c, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return nil, fmt.Errorf("sqlstore: a SQLite connection of type %T", dc)
	}
	st, err := c.PrepareContext(ctx, `SELECT `+sqlOverlapCountFunc+`($3, CAST(group_concat(`+sqlOverlapCountHeader+` || ids, '') AS BLOB))
		FROM overlap_postings WHERE gram IN (`+inList(grams, 4)+`) AND block BETWEEN $1 AND $2 GROUP BY gram`)
	if err != nil {
		return nil, err
	}
	q, ok := st.(driver.StmtQueryContext)
	if !ok {
		st.Close() //nolint:errcheck // the type is the error reported
		return nil, fmt.Errorf("sqlstore: a SQLite statement of type %T", st)
	}
	args := make([]driver.NamedValue, 3+len(grams))
	args[2].Value = h
	for i, g := range grams {
		args[3+i].Value = int64(g)
	}
	for i := range args {
		args[i].Ordinal = i + 1
	}
	return &sqliteWindowQuery{stmt: st, query: q, args: args, dest: make([]driver.Value, 1)}, nil
}

type sqliteWindowQuery struct {
	stmt  driver.Stmt
	query driver.StmtQueryContext
	args  []driver.NamedValue
	dest  []driver.Value
}

func (q *sqliteWindowQuery) count(ctx context.Context, first, last int64) error {
	q.args[0].Value, q.args[1].Value = first, last
	rows, err := q.query.QueryContext(ctx, q.args)
	if err != nil {
		return err
	}
	for {
		// The function adds to the counts as SQLite steps through the
		// bigrams; its result is NULL.
		if err := rows.Next(q.dest); err != nil {
			rows.Close()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

func (q *sqliteWindowQuery) close() error { return q.stmt.Close() }

// pgWindowQuery reads through pgconn, the layer under pgx that hands
// each row's values as views of its read buffer, in binary. Its
// statement is prepared on the connection the first time and kept with
// it (pgx's Prepare, which does not go back to the server for a name it
// has prepared with the same text).
type pgWindowQuery struct {
	conn    *pgx.Conn
	counts  *windowCounts
	params  [][]byte
	formats []int16 // binary, for the parameters and the results
}

// sqlPostingsWindow reads the rows of the bigrams $1 over the blocks $2
// to $3.
const (
	sqlPostingsWindow     = `SELECT block, ids FROM overlap_postings WHERE gram = ANY($1::bigint[]) AND block BETWEEN $2 AND $3`
	sqlPostingsWindowName = "govit_overlap_window"
)

func (q *pgWindowQuery) count(ctx context.Context, first, last int64) error {
	binary.BigEndian.PutUint64(q.params[1], uint64(first))
	binary.BigEndian.PutUint64(q.params[2], uint64(last))
	rr := q.conn.PgConn().ExecPrepared(ctx, sqlPostingsWindowName, q.params, q.formats, q.formats[:2])
	for rr.NextRow() {
		vs := rr.Values()
		if len(vs) != 2 || len(vs[0]) != 8 {
			rr.Close() //nolint:errcheck // the shape is the error reported
			return errors.New("sqlstore: a postings row of an unexpected shape")
		}
		q.counts.add(int64(binary.BigEndian.Uint64(vs[0]))-first, vs[1])
	}
	_, err := rr.Close()
	return err
}

func (q *pgWindowQuery) close() error { return nil }

// pgInt8Array is vs as a PostgreSQL bigint[] in the binary format: one
// dimension, no NULLs, element type int8 (OID 20).
func pgInt8Array(vs []uint64) []byte {
	b := make([]byte, 0, 20+12*len(vs))
	b = binary.BigEndian.AppendUint32(b, 1)  // dimensions
	b = binary.BigEndian.AppendUint32(b, 0)  // no NULLs
	b = binary.BigEndian.AppendUint32(b, 20) // int8
	b = binary.BigEndian.AppendUint32(b, uint32(len(vs)))
	b = binary.BigEndian.AppendUint32(b, 1) // lower bound
	for _, v := range vs {
		b = binary.BigEndian.AppendUint32(b, 8)
		b = binary.BigEndian.AppendUint64(b, v)
	}
	return b
}
