package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The 第四条 postings follow the declarations apart from the appends. An
// append that files a declaration writes the project's features
// (overlap_features: texts and bigrams) and marks the project pending
// (overlap_pending, with a version each change moves); the postings
// (overlap_postings) and the document frequencies (overlap_df) follow
// when the pending projects are folded in — by the store's folder
// goroutine shortly after such appends, and by every check before it
// reads the postings, so that a check sees every declaration committed
// before it began. overlap_features.indexed_grams and indexed_size are
// what the postings hold of each project; folding moves a project from
// those to its features as they are.
//
// Why: the rows of a common bigram in the newest block are the same for
// every declaration. Updated in each append's transaction they made, on
// PostgreSQL, every concurrent declaration wait for the one before it to
// commit (seen in pg_stat_activity as Lock:transactionid waits on
// overlap_postings and overlap_df, with the server at 0.03 of the raw
// insert rate); on SQLite they were two fifths of the single writer's
// time per append. A fold writes each such row once for all the
// declarations it takes.

// foldBatch caps the pending projects one fold transaction takes.
const foldBatch = 1000

// overlapLockKey is the PostgreSQL advisory lock that makes folds of
// several processes take turns.
const overlapLockKey = 0x676f7669745f34 // "govit_4"

// foldDelay is how long the folder waits after a declaration before it
// folds, gathering those that follow. A check does not wait for it: it
// folds what is pending first.
const foldDelay = 100 * time.Millisecond

// FoldOverlap folds the pending projects into the 第四条 postings and
// returns when none is left. Checks call it first; the store's folder
// calls it after declarations. An embedder has no need to call it, except
// before migrating the schema down past the pending list.
func (s *Store) FoldOverlap(ctx context.Context) error {
	var pending bool
	if err := s.queryRow(ctx, sqlPendingExists).Scan(&pending); err != nil || !pending {
		return err
	}
	release, err := s.holdWrites(ctx)
	if err != nil {
		return err
	}
	defer release()
	for {
		n, err := s.foldOnce(ctx)
		if err != nil || n < foldBatch {
			return err
		}
	}
}

// foldOnce folds up to foldBatch pending projects in one transaction.
func (s *Store) foldOnce(ctx context.Context) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if s.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(overlapLockKey)); err != nil {
			return 0, err
		}
	}
	n, err := s.foldPending(ctx, tx)
	if err != nil || n == 0 {
		return 0, err
	}
	return n, tx.Commit()
}

type pendingProject struct {
	id, ver           int64
	size, indexedSize int
	grams, indexed    []uint64
}

// foldPending moves up to foldBatch pending projects' postings from what
// they hold to the projects' features, in tx.
func (s *Store) foldPending(ctx context.Context, tx *sql.Tx) (int, error) {
	ps, err := readPending(ctx, tx, s.dialect)
	if err != nil || len(ps) == 0 {
		return 0, err
	}
	bits := s.blockBits()
	type rowKey struct {
		gram  uint64
		block int64
	}
	added := map[rowKey][]byte{}
	df := map[uint64]int64{}
	for _, p := range ps {
		removed, gained := diffSorted(p.indexed, p.grams)
		for _, g := range removed {
			df[g]--
		}
		for _, g := range gained {
			df[g]++
		}
		switch {
		case len(p.indexed) == 0 && p.indexedSize == 0:
			// Never indexed: its entry goes at the end of its rows.
			block, off := blockOf(p.id, bits)
			for _, g := range p.grams {
				k := rowKey{g, block}
				added[k] = appendEntry(added[k], off, p.size)
			}
		case len(removed) > 0 || len(gained) > 0 || p.size != p.indexedSize:
			if err := s.replacePostings(ctx, tx, p.id, p.size, p.indexed, p.grams); err != nil {
				return 0, err
			}
		}
	}
	keys := make([]rowKey, 0, len(added))
	for k := range added {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b rowKey) int { return cmp.Or(cmp.Compare(a.gram, b.gram), cmp.Compare(a.block, b.block)) })
	for chunk := range slices.Chunk(keys, rowsPerStatement/3) {
		args := make([]any, 0, 3*len(chunk))
		for _, k := range chunk {
			args = append(args, k.block, int64(k.gram), added[k])
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO overlap_postings (block, gram, ids) VALUES `+valueRows(len(chunk), 3)+s.appendOnConflict(), args...); err != nil {
			return 0, err
		}
	}
	if err := writeDF(ctx, tx, df); err != nil {
		return 0, err
	}
	if err := s.markFolded(ctx, tx, ps); err != nil {
		return 0, err
	}
	return len(ps), nil
}

// markFolded records what the postings now hold of each folded project
// and takes it off the pending list, a few statements for the whole
// batch. What the postings hold is what this fold read, whatever a
// concurrent append wrote since; that append moved the project's pending
// version, so the project stays pending for the next fold.
func (s *Store) markFolded(ctx context.Context, tx *sql.Tx, ps []pendingProject) error {
	if s.dialect == Postgres {
		ids, vers, sizes := make([]int64, len(ps)), make([]int64, len(ps)), make([]int64, len(ps))
		grams := make([][]byte, len(ps))
		for i, p := range ps {
			ids[i], vers[i], sizes[i], grams[i] = p.id, p.ver, int64(p.size), gramsBlob(p.grams)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE overlap_features f SET indexed_grams = u.grams, indexed_size = u.size
			FROM unnest($1::bigint[], $2::bytea[], $3::int[]) AS u(id, grams, size) WHERE f.id = u.id`, ids, grams, sizes); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM overlap_pending p USING unnest($1::bigint[], $2::bigint[]) AS u(id, ver)
			WHERE p.id = u.id AND p.ver = u.ver`, ids, vers)
		return err
	}
	for chunk := range slices.Chunk(ps, rowsPerStatement/3) {
		args := make([]any, 0, 3*len(chunk))
		for _, p := range chunk {
			args = append(args, p.id, gramsBlob(p.grams), p.size)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE overlap_features SET indexed_grams = v.column2, indexed_size = v.column3
			FROM (VALUES `+valueRows(len(chunk), 3)+`) AS v WHERE overlap_features.id = v.column1`, args...); err != nil {
			return err
		}
		args = args[:0]
		for _, p := range chunk {
			args = append(args, p.id, p.ver)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM overlap_pending WHERE (id, ver) IN (VALUES `+valueRows(len(chunk), 2)+`)`, args...); err != nil {
			return err
		}
	}
	return nil
}

// readPending reads up to foldBatch pending projects with their
// features and what their postings hold.
//
// On PostgreSQL each pending project's features are looked up by id
// (LATERAL … LIMIT 1, which the planner does not flatten into a join):
// joined, the planner scanned every project's features to find a few
// dozen pending ones while the table was small (1.9 ms a fold at 10,000
// projects), and chose the lookups only from about 100,000.
func readPending(ctx context.Context, tx *sql.Tx, dialect Dialect) ([]pendingProject, error) {
	q := `SELECT p.id, p.ver, f.size, f.grams, f.indexed_size, f.indexed_grams
		FROM overlap_pending p JOIN overlap_features f ON f.id = p.id ORDER BY p.id LIMIT $1`
	if dialect == Postgres {
		q = `SELECT p.id, p.ver, f.size, f.grams, f.indexed_size, f.indexed_grams
		FROM (SELECT id, ver FROM overlap_pending ORDER BY id LIMIT $1) p
		CROSS JOIN LATERAL (SELECT size, grams, indexed_size, indexed_grams FROM overlap_features WHERE id = p.id LIMIT 1) f
		ORDER BY p.id`
	}
	rows, err := tx.QueryContext(ctx, q, foldBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []pendingProject
	for rows.Next() {
		var p pendingProject
		var g, ig []byte
		if err := rows.Scan(&p.id, &p.ver, &p.size, &g, &p.indexedSize, &ig); err != nil {
			return nil, err
		}
		p.grams, p.indexed = blobGrams(g), blobGrams(ig)
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// writeDF adds the changes of the document frequencies, in bigram order.
func writeDF(ctx context.Context, tx *sql.Tx, df map[uint64]int64) error {
	grams := make([]uint64, 0, len(df))
	for g, n := range df {
		if n != 0 {
			grams = append(grams, g)
		}
	}
	slices.Sort(grams)
	for chunk := range slices.Chunk(grams, rowsPerStatement/2) {
		args := make([]any, 0, 2*len(chunk))
		for _, g := range chunk {
			args = append(args, int64(g), df[g])
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO overlap_df (gram, n) VALUES `+valueRows(len(chunk), 2)+`
			ON CONFLICT (gram) DO UPDATE SET n = overlap_df.n + excluded.n`, args...); err != nil {
			return err
		}
	}
	return nil
}

// valueRows is "($1, $2), ($3, $4), …": rows of cols placeholders each.
func valueRows(rows, cols int) string {
	var b strings.Builder
	for i := range rows * cols {
		switch {
		case i == 0:
			b.WriteString("(")
		case i%cols == 0:
			b.WriteString("), (")
		default:
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i+1))
	}
	if rows*cols > 0 {
		b.WriteString(")")
	}
	return b.String()
}

// folder folds the pending projects shortly after declarations of this
// process (wake) and every second for those of other processes, until
// Close.
func (s *Store) folder() {
	defer close(s.folderDone)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-s.folderQuit
		cancel()
	}()
	repeat(s.folderQuit, s.foldWake, foldDelay, time.Second, func() {
		if err := s.FoldOverlap(ctx); err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "sqlstore: folding the 第四条 postings", "err", err)
		}
	})
}

// wakeFolder tells the folder a declaration was appended.
func (s *Store) wakeFolder() {
	select {
	case s.foldWake <- struct{}{}:
	default:
	}
}
