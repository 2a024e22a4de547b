package sqlstore

import (
	"context"
	"database/sql/driver"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

// TestOverlapWindowCountsEveryEntry writes postings rows by hand — blocks
// from the first of a window to its 20,001st, a row of 200 entries,
// bigrams above 2⁶³, a bigram not probed, rows in the next window — and
// reads them a window at a time as a check does: every entry of every
// probed row is counted once, at its project, with its size, and
// nothing else.
func TestOverlapWindowCountsEveryEntry(t *testing.T) {
	const g1, g2, g3 = uint64(1<<63 + 5), uint64(42), uint64(1<<63 + 6)
	type row struct {
		gram  uint64
		block int64
		offs  []uint16
	}
	many := make([]uint16, 200)
	for i := range many {
		many[i] = uint16(i)
	}
	cases := []struct {
		name   string
		bits   uint
		window int
		rows   []row
	}{
		{"block headers", 1, 20001, []row{
			{g1, 0, []uint16{0, 1}}, {g1, 1, []uint16{1}}, {g1, 127, []uint16{0}}, {g1, 128, []uint16{0, 1}},
			{g1, 16383, []uint16{1}}, {g1, 16384, []uint16{0}}, {g1, 20000, []uint16{1, 0}},
			{g2, 128, []uint16{1}}, {g2, 16384, []uint16{0}}, {g2, 20000, []uint16{0}},
			{g3, 1, []uint16{0}}, {g3, 128, []uint16{0}},
			{g1, 20001 + 5, []uint16{1}}, {g2, 2*20001 - 1, []uint16{0}},
		}},
		{"long rows", 8, 4, []row{
			{g1, 3, many}, {g2, 3, many[100:]}, {g2, 0, many[:3]}, {g3, 3, many}, {g1, 6, many[:150]},
		}},
	}
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			st := open(t, d.dsn(t))
			ctx := t.Context()
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					_, err := st.db.ExecContext(ctx, `DELETE FROM overlap_postings`)
					require.NoError(t, err)
					want := map[int64]int{}
					for _, r := range c.rows {
						var ids []byte
						for _, off := range r.offs {
							ids = appendEntry(ids, off, int(off)+7)
							if r.gram != g3 {
								want[r.block<<c.bits+int64(off)]++
							}
						}
						_, err := st.db.ExecContext(ctx, `INSERT INTO overlap_postings (block, gram, ids) VALUES ($1, $2, $3)`,
							r.block, int64(r.gram), ids)
						require.NoError(t, err)
					}
					got := countWindows(ctx, t, st, c.bits, c.window, []uint64{g1, g2}, 1)
					require.Equal(t, want, got)
				})
			}
		})
	}
}

// countWindows counts the rows of grams over windows of the given blocks
// of 1 << bits projects, through as many windows as last (the last
// window's index) says, and returns per project its count, checking that
// each size is the one the rows were written with (offset + 7).
func countWindows(ctx context.Context, t *testing.T, st *Store, bits uint, window int, grams []uint64, last int64) map[int64]int {
	t.Helper()
	counts, h := st.counts.get(bits, window)
	defer st.counts.put(h)
	conn, err := st.db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	got := map[int64]int{}
	require.NoError(t, conn.Raw(func(dc any) error {
		q, err := st.newWindowQuery(ctx, dc, grams, h, counts)
		if err != nil {
			return err
		}
		defer q.close() //nolint:errcheck // read only
		for w := range last + 1 {
			first := w * int64(window)
			if err := q.count(ctx, first, first+int64(window)-1); err != nil {
				return err
			}
			for k, m := range counts.matched {
				if m > 0 {
					require.EqualValues(t, k&(1<<bits-1)+7, counts.size[k], "size at %d", k)
					got[first<<bits+int64(k)] = int(m)
				}
			}
			clear(counts.matched)
		}
		return nil
	}))
	return got
}

// TestOverlapCountsKeptBetweenChecks: checks at once get counts of their
// own under different handles; counts given back are zeroed and taken
// again, and a handle given back is taken again.
func TestOverlapCountsKeptBetweenChecks(t *testing.T) {
	var oc overlapCounts
	a, ha := oc.get(10, 4)
	b, hb := oc.get(10, 32)
	require.NotEqual(t, ha, hb)
	require.NotSame(t, a, b)
	require.Len(t, b.matched, 32<<10)
	b.matched[5], b.size[5] = 3, 9
	oc.put(hb)
	require.Nil(t, oc.lookup(hb))
	c, hc := oc.get(10, 8)
	require.Same(t, b, c, "counts given back are taken again")
	require.Equal(t, hb, hc, "and their handle")
	require.Len(t, c.matched, 8<<10)
	require.Zero(t, c.matched[5])
	require.Same(t, a, oc.lookup(ha))
	oc.put(ha)
	oc.put(hc)
	_, h := oc.get(10, 1)
	require.Zero(t, h)
}

// TestOverlapCountHeaderRefusesWhatItDidNotWrite: govit_overlap_count
// reads the headers SQL writes, and fails on anything else rather than
// counting it.
func TestOverlapCountHeaderRefusesWhatItDidNotWrite(t *testing.T) {
	rel, n, ok := countHeader([]byte("100200010000300rest"))
	require.True(t, ok)
	require.EqualValues(t, 20001, rel)
	require.Equal(t, 300, n)
	for _, h := range []string{"", "10020001000030", "200200010000300", "10020a010000300", "1002000100003-0"} {
		_, _, ok := countHeader([]byte(h))
		require.False(t, ok, "%q", h)
	}
	var oc overlapCounts
	_, h := oc.get(2, 2)
	for _, rows := range []string{"1000000100000020000", "x", "100000010000001ab"} {
		_, err := oc.sqliteCount(nil, []driver.Value{h, []byte(rows)})
		require.Error(t, err, "%q", rows)
	}
	_, err := oc.sqliteCount(nil, []driver.Value{h + 1, []byte{}})
	require.Error(t, err, "no check under that handle")
	_, err = oc.sqliteCount(nil, []driver.Value{h, []byte("1000000100000010001")})
	require.NoError(t, err)
}

// TestOverlapCountsOfAClosedStoreAreCollected: the SQLite driver keeps the
// function it was given for the life of the process; what the function
// reaches of a store (its counts, its statements, its database) goes
// once the store is closed.
func TestOverlapCountsOfAClosedStoreAreCollected(t *testing.T) {
	st, err := Open(t.Context(), sqltest.SQLitePath(t))
	require.NoError(t, err)
	_, err = st.OverlapCandidates(t.Context(), lifecycle.OverlapQuery{Grams: []uint64{1, 2, 3}, MinPercent: 50})
	require.NoError(t, err)
	w := weak.Make(st.counts)
	require.NoError(t, st.Close())
	st = nil
	require.Eventually(t, func() bool {
		runtime.GC()
		return w.Value() == nil
	}, 5*time.Second, 10*time.Millisecond)
}
