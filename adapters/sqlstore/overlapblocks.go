package sqlstore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
)

// The 第四条 postings are kept in blocks: the projects holding a bigram
// whose internal IDs (overlap_features.id) share id >> overlapBlockBits
// are one row of overlap_postings, keyed (gram, block). A check reads the
// rows of its probed bigrams one window of consecutive blocks after the
// other (for each bigram one index range) and counts per project in an
// array the size of a window, so that what it holds in memory does not
// grow with the portfolio, and the database returns a row per bigram and
// block rather than per posting; a declaration appends one entry to the
// rows of its bigrams in its own block.

// overlapBlockBits sets the block: 1,024 projects. Larger blocks mean
// fewer rows to read per check and longer rows to rewrite per
// declaration: at 100,000 projects of the seeded corpus a declaration
// rewrites on average about 30 KB of rows with blocks of 1,024, 120 KB
// with blocks of 4,096.
const overlapBlockBits = 10

// entrySize is the bytes of one entry of a postings row: the project's
// offset in its block and its number of distinct bigrams, both big-endian
// uint16, the size capped at maxEntrySize (which then says only "that
// many or more"). Entries are in no particular order.
const entrySize = 4

const maxEntrySize = math.MaxUint16

// overlapWindowBits sets how many projects a check counts at once: the
// blocks of 32,768 consecutive internal IDs, whose rows of one bigram are
// one index range. The counts take 6 bytes per project (192 KiB).
const overlapWindowBits = 15

// windowBlocks is the number of blocks of a window.
func (s *Store) windowBlocks() int {
	if s.overlapWindow != 0 {
		return s.overlapWindow
	}
	return 1 << max(overlapWindowBits-int(s.blockBits()), 0)
}

func (s *Store) blockBits() uint {
	if s.overlapBits != 0 {
		return s.overlapBits
	}
	return overlapBlockBits
}

// blockOf is the block of an internal ID and its offset in it.
func blockOf(id int64, bits uint) (block int64, off uint16) {
	return id >> bits, uint16(id & (1<<bits - 1))
}

func appendEntry(b []byte, off uint16, size int) []byte {
	b = binary.BigEndian.AppendUint16(b, off)
	return binary.BigEndian.AppendUint16(b, uint16(min(size, maxEntrySize)))
}

// withoutOffset returns the entries of b other than off's, in a new slice.
func withoutOffset(b []byte, off uint16) []byte {
	out := make([]byte, 0, len(b))
	for e := range slices.Chunk(b, entrySize) {
		if len(e) == entrySize && binary.BigEndian.Uint16(e) != off {
			out = append(out, e...)
		}
	}
	return out
}

// windowCounts counts, for the projects of a window of consecutive
// blocks, how many of the probed bigrams each holds, and keeps their
// sizes.
type windowCounts struct {
	bits    uint
	matched []uint32
	size    []uint16
}

func newWindowCounts(bits uint, blocks int) *windowCounts {
	n := blocks << bits
	return &windowCounts{bits: bits, matched: make([]uint32, n), size: make([]uint16, n)}
}

// add counts the entries of one postings row of the window's block rel
// (0 for its first).
func (c *windowCounts) add(rel int64, ids []byte) {
	base := int(rel) << c.bits
	if rel < 0 || base >= len(c.matched) {
		return
	}
	for i := 0; i+entrySize <= len(ids); i += entrySize {
		k := base + int(binary.BigEndian.Uint16(ids[i:])&(1<<c.bits-1))
		c.matched[k]++
		c.size[k] = binary.BigEndian.Uint16(ids[i+2:])
	}
}

// flush appends to out the IDs of the window starting at block first
// whose count and size keep decides on, and clears the counts.
func (c *windowCounts) flush(first int64, out []int64, keep func(size, matched int) bool) []int64 {
	for k, m := range c.matched {
		if m == 0 {
			continue
		}
		if keep(int(c.size[k]), int(m)) {
			out = append(out, first<<c.bits+int64(k))
		}
		c.matched[k] = 0
	}
	return out
}

// appendOnConflict is the ON CONFLICT clause of an INSERT into
// overlap_postings that appends the new entries to a row already there.
func (s *Store) appendOnConflict() string {
	concat := `overlap_postings.ids || excluded.ids`
	if s.dialect == SQLite {
		// || makes text of two blobs, byte for byte; back to a blob.
		concat = `CAST(` + concat + ` AS BLOB)`
	}
	return ` ON CONFLICT (gram, block) DO UPDATE SET ids = ` + concat
}

// appendPostings adds the entry of the project at id, of size bigrams, to
// the rows of grams in its block, creating the missing rows, in a
// statement per rowsPerStatement bigrams. It runs in a fold, and folds
// take turns (the advisory lock on PostgreSQL, holdWrites on SQLite).
func (s *Store) appendPostings(ctx context.Context, tx *sql.Tx, id int64, size int, grams []uint64) error {
	block, off := blockOf(id, s.blockBits())
	entry := appendEntry(nil, off, size)
	for chunk := range slices.Chunk(grams, rowsPerStatement) {
		var vs strings.Builder
		args := []any{block, entry}
		for i, g := range chunk {
			if i > 0 {
				vs.WriteString(", ")
			}
			vs.WriteString("($1, $" + strconv.Itoa(i+3) + ", $2)")
			args = append(args, int64(g))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO overlap_postings (block, gram, ids) VALUES `+vs.String()+s.appendOnConflict(), args...); err != nil {
			return err
		}
	}
	return nil
}

// replacePostings moves the project at id from the rows of the bigrams
// old to those of grams, with its new size: the existing rows of either
// are read (locked on PostgreSQL), rewritten without the project's entry
// and with it where it now belongs, and deleted when empty; a bigram whose
// row did not exist gets the entry appended by appendPostings.
func (s *Store) replacePostings(ctx context.Context, tx *sql.Tx, id int64, size int, old, grams []uint64) error {
	block, off := blockOf(id, s.blockBits())
	all := slices.Concat(old, grams)
	slices.Sort(all)
	all = slices.Compact(all)
	lock := ""
	if s.dialect == Postgres {
		lock = ` FOR UPDATE`
	}
	rows := map[uint64][]byte{}
	for chunk := range slices.Chunk(all, rowsPerStatement) {
		r, err := tx.QueryContext(ctx, `SELECT gram, ids FROM overlap_postings WHERE block = $1 AND gram IN (`+inList(chunk, 2)+`) ORDER BY gram`+lock,
			append([]any{block}, int64Args(chunk)...)...)
		if err != nil {
			return err
		}
		for r.Next() {
			var g int64
			var ids []byte
			if err := r.Scan(&g, &ids); err != nil {
				r.Close()
				return err
			}
			rows[uint64(g)] = ids
		}
		r.Close()
		if err := r.Err(); err != nil {
			return err
		}
	}
	var empty, rewrite, added []uint64
	for _, g := range all {
		_, now := slices.BinarySearch(grams, g)
		ids, existed := rows[g]
		if !existed {
			if now {
				added = append(added, g)
			}
			continue
		}
		ids = withoutOffset(ids, off)
		if now {
			ids = appendEntry(ids, off, size)
		}
		rows[g] = ids
		if len(ids) == 0 {
			empty = append(empty, g)
		} else {
			rewrite = append(rewrite, g)
		}
	}
	for chunk := range slices.Chunk(empty, rowsPerStatement) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM overlap_postings WHERE block = $1 AND gram IN (`+inList(chunk, 2)+`)`,
			append([]any{block}, int64Args(chunk)...)...); err != nil {
			return err
		}
	}
	if err := writePostings(ctx, tx, block, rewrite, rows, ` ON CONFLICT (gram, block) DO UPDATE SET ids = excluded.ids`); err != nil {
		return err
	}
	return s.appendPostings(ctx, tx, id, size, added)
}

// writePostings writes the rows of grams in block, with ids from rows;
// upsert, if not empty, is the statement's ON CONFLICT clause.
func writePostings(ctx context.Context, tx execer, block int64, grams []uint64, rows map[uint64][]byte, upsert string) error {
	for chunk := range slices.Chunk(grams, rowsPerStatement/2) {
		var vs strings.Builder
		args := []any{block}
		for i, g := range chunk {
			if i > 0 {
				vs.WriteString(", ")
			}
			vs.WriteString("($1, $" + strconv.Itoa(2*i+2) + ", $" + strconv.Itoa(2*i+3) + ")")
			args = append(args, int64(g), rows[g])
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO overlap_postings (block, gram, ids) VALUES `+vs.String()+upsert, args...); err != nil {
			return err
		}
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// blocksMigration is migration 00013: it fills overlap_postings from the
// bigrams kept in overlap_features, in blocks of 4,096, and drops the
// one-row-per-posting index it replaces (overlap_grams, with
// overlap_sizes). Down restores them from overlap_features.
func blocksMigration(d Dialect) *goose.Migration {
	return goose.NewGoMigration(13,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			if err := fillPostings(ctx, tx, 12); err != nil {
				return err
			}
			for _, t := range []string{"overlap_grams", "overlap_sizes"} {
				if _, err := tx.ExecContext(ctx, `DROP TABLE `+t); err != nil {
					return err
				}
			}
			return nil
		}},
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return restoreGrams(ctx, tx, d) }})
}

// gramFirstMigration is migration 00017: overlap_postings rebuilt with
// its rows in (gram, block) order, so that a check reads the rows of one
// bigram over a window of blocks as one index range, and refilled in
// blocks of overlapBlockBits (smaller rows to rewrite per declaration).
// On PostgreSQL the rows are left to the default storage. Down goes back
// to 00013's table and blocks.
func gramFirstMigration(d Dialect) *goose.Migration {
	create := func(pk string) []string {
		if d == Postgres {
			return []string{`CREATE TABLE overlap_postings (block bigint NOT NULL, gram bigint NOT NULL, ids bytea NOT NULL, PRIMARY KEY ` + pk + `)`}
		}
		return []string{`CREATE TABLE overlap_postings (block INTEGER NOT NULL, gram INTEGER NOT NULL, ids BLOB NOT NULL, PRIMARY KEY ` + pk + `) WITHOUT ROWID`}
	}
	rebuild := func(ddl []string, bits uint) func(ctx context.Context, tx *sql.Tx) error {
		return func(ctx context.Context, tx *sql.Tx) error {
			for _, q := range append([]string{`DROP TABLE overlap_postings`}, ddl...) {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			return fillPostings(ctx, tx, bits)
		}
	}
	down := create("(block, gram)")
	if d == Postgres {
		down = append(down, `ALTER TABLE overlap_postings ALTER COLUMN ids SET STORAGE EXTERNAL`)
	}
	return goose.NewGoMigration(17,
		&goose.GoFunc{RunTx: rebuild(create("(gram, block)"), overlapBlockBits)},
		&goose.GoFunc{RunTx: rebuild(down, 12)})
}

// fillPostings writes, into an empty overlap_postings, the postings of
// every project in overlap_features, in blocks of 1 << bits, reading one
// block of projects at a time.
func fillPostings(ctx context.Context, tx *sql.Tx, bits uint) error {
	var last sql.NullInt64
	if err := tx.QueryRowContext(ctx, sqlLastFeature).Scan(&last); err != nil {
		return err
	}
	for block := int64(0); last.Valid && block <= last.Int64>>bits; block++ {
		r, err := tx.QueryContext(ctx, `SELECT id, size, grams FROM overlap_features WHERE id >= $1 AND id < $2`, block<<bits, (block+1)<<bits)
		if err != nil {
			return err
		}
		rows := map[uint64][]byte{}
		for r.Next() {
			var id, size int64
			var blob []byte
			if err := r.Scan(&id, &size, &blob); err != nil {
				r.Close()
				return err
			}
			_, off := blockOf(id, bits)
			for _, g := range blobGrams(blob) {
				rows[g] = appendEntry(rows[g], off, int(size))
			}
		}
		r.Close()
		if err := r.Err(); err != nil {
			return err
		}
		grams := make([]uint64, 0, len(rows))
		for g := range rows {
			grams = append(grams, g)
		}
		slices.Sort(grams)
		if err := writePostings(ctx, tx, block, grams, rows, ""); err != nil {
			return err
		}
	}
	return nil
}

// restoreGrams recreates overlap_grams and overlap_sizes (migrations
// 00003 and 00004) from overlap_features.
func restoreGrams(ctx context.Context, tx *sql.Tx, d Dialect) error {
	ddl := []string{`CREATE TABLE overlap_grams (gram INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (gram, id)) WITHOUT ROWID`,
		`CREATE TABLE overlap_sizes (id INTEGER PRIMARY KEY, size INTEGER NOT NULL)`}
	if d == Postgres {
		ddl = []string{`CREATE TABLE overlap_grams (gram bigint NOT NULL, id bigint NOT NULL, PRIMARY KEY (gram, id))`,
			`CREATE TABLE overlap_sizes (id bigint PRIMARY KEY, size integer NOT NULL)`}
	}
	for _, q := range ddl {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO overlap_sizes (id, size) SELECT id, size FROM overlap_features`); err != nil {
		return err
	}
	for after := int64(-1); ; {
		r, err := tx.QueryContext(ctx, `SELECT id, grams FROM overlap_features WHERE id > $1 ORDER BY id LIMIT 100`, after)
		if err != nil {
			return err
		}
		type feat struct {
			id    int64
			grams []uint64
		}
		var fs []feat
		for r.Next() {
			var f feat
			var blob []byte
			if err := r.Scan(&f.id, &blob); err != nil {
				r.Close()
				return err
			}
			f.grams = blobGrams(blob)
			fs = append(fs, f)
		}
		r.Close()
		if err := r.Err(); err != nil {
			return err
		}
		if len(fs) == 0 {
			return nil
		}
		for _, f := range fs {
			for chunk := range slices.Chunk(f.grams, rowsPerStatement) {
				var vs strings.Builder
				args := []any{f.id}
				for i, g := range chunk {
					if i > 0 {
						vs.WriteString(", ")
					}
					vs.WriteString("($" + strconv.Itoa(i+2) + ", $1)")
					args = append(args, int64(g))
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO overlap_grams (gram, id) VALUES `+vs.String(), args...); err != nil {
					return err
				}
			}
		}
		after = fs[len(fs)-1].id
	}
}
