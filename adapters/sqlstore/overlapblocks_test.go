package sqlstore

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
	"github.com/govit-cn/govit/review/corpus"
)

// postingsAgree checks the blocks against the features they index: each
// project's entry is in the row of each of its bigrams, in its block, once,
// with its size; no row holds anything else or is empty; overlap_df counts
// the entries of each bigram.
func postingsAgree(t *testing.T, s *Store) {
	t.Helper()
	require.NoError(t, s.FoldOverlap(t.Context()))
	postingsHold(t, s)
}

// postingsHold is postingsAgree without folding the pending projects in
// first, for a schema before the pending list.
func postingsHold(t *testing.T, s *Store) {
	t.Helper()
	ctx := t.Context()
	bits := s.blockBits()
	type key struct {
		id   int64
		gram uint64
	}
	want := map[key]int{}
	wantDF := map[uint64]int64{}
	rows, err := s.db.QueryContext(ctx, `SELECT id, size, grams FROM overlap_features`)
	require.NoError(t, err)
	for rows.Next() {
		var id, size int64
		var blob []byte
		require.NoError(t, rows.Scan(&id, &size, &blob))
		gs := blobGrams(blob)
		require.Len(t, gs, int(size))
		for _, g := range gs {
			want[key{id, g}] = min(int(size), maxEntrySize)
			wantDF[g]++
		}
	}
	require.NoError(t, rows.Err())
	rows.Close()

	got := map[key]int{}
	rows, err = s.db.QueryContext(ctx, `SELECT block, gram, ids FROM overlap_postings`)
	require.NoError(t, err)
	for rows.Next() {
		var block, gram int64
		var ids []byte
		require.NoError(t, rows.Scan(&block, &gram, &ids))
		require.NotEmpty(t, ids, "empty row (%d, %d)", block, gram)
		require.Zero(t, len(ids)%entrySize)
		for i := 0; i < len(ids); i += entrySize {
			off := binary.BigEndian.Uint16(ids[i:])
			require.Less(t, int(off), 1<<bits)
			k := key{block<<bits | int64(off), uint64(gram)}
			_, dup := got[k]
			require.False(t, dup, "project %d twice in the row of %d", k.id, gram)
			got[k] = int(binary.BigEndian.Uint16(ids[i+2:]))
		}
	}
	require.NoError(t, rows.Err())
	rows.Close()
	require.Equal(t, want, got)

	gotDF := map[uint64]int64{}
	rows, err = s.db.QueryContext(ctx, `SELECT gram, n FROM overlap_df WHERE n <> 0`)
	require.NoError(t, err)
	for rows.Next() {
		var g, n int64
		require.NoError(t, rows.Scan(&g, &n))
		gotDF[uint64(g)] = n
	}
	require.NoError(t, rows.Err())
	rows.Close()
	require.Equal(t, wantDF, gotDF)
}

// findingID is the project a 第四条 finding names.
var findingID = regexp.MustCompile(`（(P[0-9]+)）`)

// TestOverlapBlocksAtTheirEdges runs the 第四条 index with blocks of four
// projects counted two blocks at a time: copies of one text on either side
// of a block's edge (internal IDs 3 | 4, 5; 5 withdrawn) and of a window's
// (7 | 8), and a project declared again with a third of its bigrams (its
// entries leave the rows of the bigrams it no longer has: its former text
// no longer finds it). The findings are the walk's, the ones expected by
// construction, and the blocks hold exactly the features.
func TestOverlapBlocksAtTheirEdges(t *testing.T) {
	g := corpus.New(9)
	g.DuplicateShare = 0
	var ps []corpus.Project
	for range 11 {
		ps = append(ps, g.Next())
	}
	// P000003, P000004 and P000005 share a text; P000007 and P000008 too.
	ps[3].Name, ps[3].Content = ps[2].Name, ps[2].Content
	ps[4].Name, ps[4].Content = ps[2].Name, ps[2].Content
	ps[7].Name, ps[7].Content = ps[6].Name, ps[6].Content
	unitOf := func(p corpus.Project) lifecycle.Actor {
		return lifecycle.Actor{ID: "u-" + p.Unit, Unit: p.Unit, Roles: []lifecycle.Role{lifecycle.RoleUnit}}
	}
	var toc []string
	for _, c := range review.Outline() {
		toc = append(toc, fmt.Sprintf("第%d章 %s", c.Number, c.Title))
		for _, s := range c.Sections {
			toc = append(toc, fmt.Sprintf("%d. %s", s.Number, s.Title))
		}
	}
	pass := map[string]any{"passed": true}
	returned := map[string]any{
		"submission": map[string]any{"table_of_contents": toc, "uses_gov_cloud": true, "connects_sharing_platform": true,
			"open_data_statement": "目录向社会开放", "cryptography_plan": "采用国密算法", "security_plan": "按等保三级设计"},
		"judgment": map[string]any{"materials_clear": pass, "technically_feasible": pass,
			"economically_rational": map[string]any{"passed": false, "reason": "投资估算偏高"}},
	}
	// P000009 is declared again with the first third of its content and
	// another name: most of its bigrams go.
	again := engDeclaration(ps[8].Unit, "档案数字化", ps[8].Content[:len(ps[8].Content)/3])
	seed := func(t *testing.T, s lifecycle.Store) *lifecycle.Engine {
		e := engineOver(t, s, 0)
		for _, p := range ps {
			_, _, err := e.Declare(t.Context(), unitOf(p), engDeclaration(p.Unit, p.Name, p.Content))
			require.NoError(t, err)
		}
		_, _, err := e.DoJSON(t.Context(), "P000005", lifecycle.AnyVersion, unitOf(ps[4]), lifecycle.ActWithdraw, engJS(t, map[string]any{"reason": "撤回"}))
		require.NoError(t, err)
		_, _, err = e.DoJSON(t.Context(), "P000009", lifecycle.AnyVersion, engBDB, lifecycle.ActPreliminaryReview, engJS(t, returned))
		require.NoError(t, err)
		p, _, err := e.DoJSON(t.Context(), "P000009", lifecycle.AnyVersion, unitOf(ps[8]), lifecycle.ActDeclare, engJS(t, again))
		require.NoError(t, err)
		require.Equal(t, lifecycle.StateDeclared, p.State)
		return e
	}
	probes := []review.Declaration{
		engDeclaration(ps[2].Unit, ps[2].Name, ps[2].Content),
		engDeclaration(ps[6].Unit, ps[6].Name, ps[6].Content),
		again,
		engDeclaration(ps[8].Unit, ps[8].Name, ps[8].Content),
		engDeclaration(ps[10].Unit, ps[10].Name, ps[10].Content),
	}
	expect := [][]string{{"P000003", "P000004"}, {"P000007", "P000008"}, {"P000009"}, nil, {"P000011"}}

	walk := seed(t, lifecycle.NewMemoryStore())
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			st := open(t, d.dsn(t))
			st.overlapBits, st.overlapWindow = 2, 2 // windows of eight IDs: 1–7 | 8–15
			indexed := seed(t, st)
			postingsAgree(t, st)
			var maxBlock int64
			require.NoError(t, st.db.QueryRowContext(t.Context(), `SELECT MAX(block) FROM overlap_postings`).Scan(&maxBlock))
			require.EqualValues(t, 2, maxBlock, "IDs 1–11 in blocks 0–2")
			for i, probe := range probes {
				want, err := walk.Overlaps(t.Context(), engBDB, probe)
				require.NoError(t, err)
				got, err := indexed.Overlaps(t.Context(), engBDB, probe)
				require.NoError(t, err)
				require.Equal(t, want, got, "probe %d", i)
				var ids []string
				for _, f := range got {
					m := findingID.FindStringSubmatch(f.ZH)
					require.NotNil(t, m, f.ZH)
					ids = append(ids, m[1])
				}
				slices.Sort(ids)
				require.Equal(t, expect[i], ids, "probe %d", i)
			}
		})
	}
}

// TestOverlapPostingsFilledByMigration takes a store back to the index of
// one row per posting (migrations down to 00011), brings it
// up again — 00013 fills blocks from the kept features, 00017 rebuilds
// them — and finds the same candidates as before; and so does the store
// at 00013, with its blocks of 4,096 in (block, gram) order.
func TestOverlapPostingsFilledByMigration(t *testing.T) {
	g := corpus.New(11)
	g.DuplicateShare = 0.2
	var ps []corpus.Project
	for range 40 {
		ps = append(ps, g.Next())
	}
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			ctx := t.Context()
			dsn := d.dsn(t)
			st := open(t, dsn)
			e := engineOver(t, st, 0)
			for _, p := range ps {
				_, _, err := e.Declare(ctx, lifecycle.Actor{ID: "u", Unit: p.Unit, Roles: []lifecycle.Role{lifecycle.RoleUnit}},
					engDeclaration(p.Unit, p.Name, p.Content))
				require.NoError(t, err)
			}
			candidates := func(s *Store) [][]lifecycle.OverlapCandidate {
				var out [][]lifecycle.OverlapCandidate
				for _, p := range ps {
					// Without folding: at 00013 there is no pending list.
					c, err := s.overlapCandidates(ctx, lifecycle.OverlapQuery{Grams: review.Bigrams(p.Name, p.Content), MinPercent: 50})
					require.NoError(t, err)
					require.NotEmpty(t, c, "a declared text finds itself")
					out = append(out, c)
				}
				return out
			}
			require.NoError(t, st.FoldOverlap(ctx))
			before := candidates(st)

			st.stopBackground() // no background run meets the migrations
			prov, err := migrations(ctx, st.dialect, st.db)
			require.NoError(t, err)
			_, err = prov.DownTo(ctx, 11)
			require.NoError(t, err)
			var n int
			require.NoError(t, st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM overlap_grams`).Scan(&n))
			require.Positive(t, n, "overlap_grams restored")
			_, err = prov.Up(ctx)
			require.NoError(t, err)
			for _, table := range []string{"overlap_grams", "overlap_sizes"} {
				_, err := st.db.ExecContext(ctx, `SELECT 1 FROM `+table)
				require.Error(t, err, "%s dropped", table)
			}
			postingsAgree(t, st)
			require.Equal(t, before, candidates(st))

			_, err = prov.DownTo(ctx, 13)
			require.NoError(t, err)
			st.overlapBits = 12
			postingsHold(t, st)
			require.Equal(t, before, candidates(st))
			st.overlapBits = 0
			_, err = prov.Up(ctx)
			require.NoError(t, err)
			postingsAgree(t, st)
		})
	}
}

func TestWindowCountsKeepOneWindow(t *testing.T) {
	c := newWindowCounts(2, 2) // two blocks of four
	row := func(offs ...uint16) []byte {
		var b []byte
		for _, o := range offs {
			b = appendEntry(b, o, 10+int(o))
		}
		return b
	}
	c.add(0, row(0, 3))
	c.add(0, row(3, 1))
	c.add(1, row(3, 0))
	c.add(0, row(3))
	c.add(2, row(1)) // outside the window: ignored
	var seen [][3]int
	ids := c.flush(6, nil, func(size, matched int) bool {
		seen = append(seen, [3]int{size, matched})
		return matched >= 2
	})
	require.Equal(t, []int64{6<<2 | 3}, ids, "block 6, offset 3")
	require.Equal(t, [][3]int{{10, 1}, {11, 1}, {13, 3}, {10, 1}, {13, 1}}, seen)
	require.Empty(t, c.flush(8, nil, func(int, int) bool { return true }), "flush clears the counts")
	require.Equal(t, row(0, 1), withoutOffset(row(0, 3, 1), 3))
	require.Equal(t, []byte{0, 1, 0xff, 0xff}, appendEntry(nil, 1, 1<<20), "sizes cap at 65,535")
}

// TestOverlapPostingsConcurrentDeclarations files, in pairs of concurrent
// transactions, a project declared again with bigrams no project of its
// block held yet and a new project of the same block holding them: both
// entries must be in the rows (on PostgreSQL two transactions may create
// the same row at once), and the blocks must agree with the features.
func TestOverlapPostingsConcurrentDeclarations(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			ctx := t.Context()
			st := open(t, d.dsn(t))
			put := func(id string, grams []uint64) error {
				tx, err := st.db.BeginTx(ctx, nil)
				if err != nil {
					return err
				}
				defer tx.Rollback()
				f := &lifecycle.OverlapFeatures{Unit: "区教委", Name: id, Content: id, Grams: grams}
				if err := st.putOverlap(ctx, tx, id, f); err != nil {
					return err
				}
				return tx.Commit()
			}
			base := []uint64{1, 2, 3, 4, 5}
			require.NoError(t, put("P", base))
			for i := range 60 {
				fresh := []uint64{uint64(1000 + 10*i), uint64(1001 + 10*i), uint64(1002 + 10*i)}
				errs := make(chan error, 2)
				go func() { errs <- put("P", slices.Concat(base[:i%5], fresh)) }()
				go func() { errs <- put(fmt.Sprintf("Q%03d", i), slices.Concat(fresh, []uint64{7})) }()
				for range 2 {
					require.NoError(t, <-errs)
				}
			}
			postingsAgree(t, st)
		})
	}
}

// TestOverlapIndexFindsLongDeclarations declares texts of about 1,500
// distinct bigrams, whose prefixes are looked up in more than one
// statement (rowsPerStatement bigrams each): the findings are the walk's.
func TestOverlapIndexFindsLongDeclarations(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	text := func(n int) string {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = rune(0x4E00 + rng.IntN(0x5200))
		}
		return string(rs)
	}
	long := text(1_500)
	decls := []review.Declaration{
		engDeclaration("区教委", "长项目", long),
		engDeclaration("区卫健委", "长项目改", long[:len(long)*3/4]+text(300)),
		engDeclaration("区民政局", "普通项目", "建设养老服务信息平台，整合养老机构数据"),
	}
	require.Greater(t, len(review.Bigrams("", long))/2, rowsPerStatement)
	seed := func(t *testing.T, s lifecycle.Store) *lifecycle.Engine {
		e := engineOver(t, s, 0)
		for _, d := range decls {
			_, _, err := e.Declare(t.Context(), lifecycle.Actor{ID: "u", Unit: d.Unit, Roles: []lifecycle.Role{lifecycle.RoleUnit}}, d)
			require.NoError(t, err)
		}
		return e
	}
	walk := seed(t, lifecycle.NewMemoryStore())
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			indexed := seed(t, open(t, d.dsn(t)))
			for i, probe := range []review.Declaration{decls[0], decls[1], engDeclaration("区教委", "长项目二期", long[:len(long)*2/3])} {
				want, err := walk.Overlaps(t.Context(), engBDB, probe)
				require.NoError(t, err)
				require.NotEmpty(t, want)
				got, err := indexed.Overlaps(t.Context(), engBDB, probe)
				require.NoError(t, err)
				require.Equal(t, want, got, "probe %d", i)
			}
		})
	}
}

// TestCandidateFilterLetsCappedSizesThrough: a project of 140,000 bigrams,
// all shared with a declaration of 140,000, is kept as 65,535 in its
// postings entry; taken for its size, that would fail the rule's
// arithmetic, so a capped size lets the project through.
func TestCandidateFilterLetsCappedSizesThrough(t *testing.T) {
	probe, prefix := lifecycle.NewOverlapProbe(140_000, 50)
	require.False(t, probe.Admit(maxEntrySize, prefix), "a capped size read as the size")
	require.True(t, probe.Admit(140_000, prefix))
	keep := candidateFilter(probe)
	require.True(t, keep(maxEntrySize, 1))
	require.True(t, keep(140_000/2, prefix))
	require.False(t, keep(140_000/2-1, prefix), "under the size range")

	small, prefix := lifecycle.NewOverlapProbe(90, 50)
	keep = candidateFilter(small)
	require.True(t, keep(90, prefix))
	require.False(t, keep(90, 1))
	require.False(t, keep(181, prefix), "over the size range")
	require.Equal(t, []byte{0, 1, 0xff, 0xff}, appendEntry(nil, 1, 140_000))
}
