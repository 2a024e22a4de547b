package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/govit-cn/govit/lifecycle"
)

// The 第四条 index: overlap_features keeps each project's declaration
// texts and bigrams, overlap_postings maps each bigram to the projects
// holding it, in blocks (overlapblocks.go), overlap_df counts them. See lifecycle.OverlapProbe for why
// looking up part of a declaration's bigrams finds every project that may
// reach the threshold.

// rowsPerStatement caps the rows of one multi-row statement.
const rowsPerStatement = 400

func gramsBlob(gs []uint64) []byte {
	b := make([]byte, 8*len(gs))
	for i, g := range gs {
		binary.BigEndian.PutUint64(b[8*i:], g)
	}
	return b
}

func blobGrams(b []byte) []uint64 {
	gs := make([]uint64, len(b)/8)
	for i := range gs {
		gs[i] = binary.BigEndian.Uint64(b[8*i:])
	}
	return gs
}

// putOverlap replaces the project's features and marks the project
// pending: its postings follow when the pending projects are folded in
// (overlappending.go), not in the append's transaction.
func (s *Store) putOverlap(ctx context.Context, tx Tx, projectID string, f *lifecycle.OverlapFeatures) error {
	grams := sortedGrams(f.Grams)
	var id int64
	err := tx.QueryRowContext(ctx, sqlFeatureID, projectID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, sqlFeatureInsert,
			projectID, f.Unit, f.Name, f.Content, f.ParentID, len(grams), gramsBlob(grams)).Scan(&id)
	case err == nil:
		_, err = tx.ExecContext(ctx, sqlFeatureUpdate, id, f.Unit, f.Name, f.Content, f.ParentID, len(grams), gramsBlob(grams))
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, sqlPendingMark, id)
	return err
}

const (
	sqlFeatureID     = `SELECT id FROM overlap_features WHERE project_id = $1`
	sqlFeatureInsert = `INSERT INTO overlap_features (project_id, unit, name, content, parent_id, size, grams)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`
	sqlFeatureUpdate = `UPDATE overlap_features SET unit = $2, name = $3, content = $4, parent_id = $5, size = $6, grams = $7
			WHERE id = $1`
	sqlPendingMark = `INSERT INTO overlap_pending (id, ver) VALUES ($1, 1)
			ON CONFLICT (id) DO UPDATE SET ver = overlap_pending.ver + 1`
)

// diffSorted returns what of the sorted distinct a is not in b, and what
// of b is not in a.
func diffSorted(a, b []uint64) (onlyA, onlyB []uint64) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			onlyA = append(onlyA, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			onlyB = append(onlyB, b[j])
			j++
		default:
			i++
			j++
		}
	}
	return onlyA, onlyB
}

// inList is "$from, $from+1, …" for n values.
func inList[T any](vs []T, from int) string {
	var b strings.Builder
	for i := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

func int64Args[T ~uint64 | ~int64](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = int64(v)
	}
	return out
}

// OverlapCandidates implements lifecycle.OverlapIndex. It reads how many
// projects hold each of the declaration's bigrams, looks up the rarest
// prefix of them (lifecycle.NewOverlapProbe), counts per project the
// prefix bigrams it holds, one window of 32,768 projects at a time, keeps
// the projects whose size and count may reach the threshold, and reads
// their texts. What it reads grows with the lists of the prefix bigrams;
// what it allocates and holds does not (overlapcount.go), apart from the
// candidates it returns.
//
// It first folds the pending projects in (FoldOverlap), so that every
// declaration committed before the check is among the candidates.
func (s *Store) OverlapCandidates(ctx context.Context, q lifecycle.OverlapQuery) ([]lifecycle.OverlapCandidate, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.FoldOverlap(ctx); err != nil {
		return nil, s.fail(ctx, "overlap", err)
	}
	return s.overlapCandidates(ctx, q)
}

// overlapCandidates is OverlapCandidates over the postings as they are.
func (s *Store) overlapCandidates(ctx context.Context, q lifecycle.OverlapQuery) ([]lifecycle.OverlapCandidate, error) {
	if len(q.Grams) == 0 || !storable(q.Unit) {
		return nil, nil
	}
	ids, err := s.overlapCandidateIDs(ctx, q)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return s.overlapTexts(ctx, ids, q.Unit)
}

// overlapCandidateIDs returns the internal IDs of the projects the
// postings of q's rarest bigrams let through.
func (s *Store) overlapCandidateIDs(ctx context.Context, q lifecycle.OverlapQuery) ([]int64, error) {
	grams := sortedGrams(q.Grams)
	probe, prefixLen := lifecycle.NewOverlapProbe(len(grams), q.MinPercent)

	// Document frequencies; a bigram no project holds costs nothing to
	// look up, so it sorts first.
	df := make(map[uint64]int64, len(grams))
	for chunk := range slices.Chunk(grams, rowsPerStatement) {
		rows, err := s.db.QueryContext(ctx, `SELECT gram, n FROM overlap_df WHERE gram IN (`+inList(chunk, 1)+`)`, int64Args(chunk)...)
		if err != nil {
			return nil, s.fail(ctx, "overlap", err)
		}
		for rows.Next() {
			var g, n int64
			if err := rows.Scan(&g, &n); err != nil {
				rows.Close()
				return nil, s.fail(ctx, "overlap", err)
			}
			df[uint64(g)] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.fail(ctx, "overlap", err)
		}
	}
	slices.SortFunc(grams, func(a, b uint64) int {
		return cmp.Or(cmp.Compare(df[a], df[b]), cmp.Compare(a, b))
	})
	var prefix []uint64
	for _, g := range grams[:prefixLen] {
		if df[g] > 0 {
			prefix = append(prefix, g)
		}
	}
	if len(prefix) == 0 {
		return nil, nil
	}

	ids, err := s.overlapCount(ctx, prefix, probe)
	if err != nil {
		return nil, s.fail(ctx, "overlap", err)
	}
	return ids, nil
}

// overlapTexts reads the texts of the projects at ids, of unit unless
// it is "", in project ID order.
func (s *Store) overlapTexts(ctx context.Context, ids []int64, unit string) ([]lifecycle.OverlapCandidate, error) {
	var out []lifecycle.OverlapCandidate
	for chunk := range slices.Chunk(ids, rowsPerStatement) {
		query := `SELECT f.project_id, p.state, f.unit, f.name, f.content, f.parent_id FROM overlap_features f
			JOIN projections p ON p.project_id = f.project_id WHERE f.id IN (` + inList(chunk, 1) + `)`
		args := int64Args(chunk)
		if unit != "" {
			args = append(args, unit)
			query += ` AND p.unit = $` + strconv.Itoa(len(args))
		}
		rows, err := s.db.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, s.fail(ctx, "overlap", err)
		}
		for rows.Next() {
			var c lifecycle.OverlapCandidate
			var state string
			if err := rows.Scan(&c.ProjectID, &state, &c.Unit, &c.Name, &c.Content, &c.ParentID); err != nil {
				rows.Close()
				return nil, s.fail(ctx, "overlap", err)
			}
			c.State = lifecycle.State(state)
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.fail(ctx, "overlap", err)
		}
	}
	slices.SortFunc(out, func(a, b lifecycle.OverlapCandidate) int { return strings.Compare(a.ProjectID, b.ProjectID) })
	return out, nil
}

// overlapCount reads the postings of the prefix bigrams a window of
// blocks at a time, counts per project the prefix bigrams it holds, and
// returns the internal IDs of the projects whose size and count may reach
// the threshold. It holds one window's counts, whatever the portfolio.
func (s *Store) overlapCount(ctx context.Context, prefix []uint64, probe lifecycle.OverlapProbe) ([]int64, error) {
	var last sql.NullInt64
	if err := s.queryRow(ctx, sqlLastFeature).Scan(&last); err != nil || !last.Valid {
		return nil, err
	}
	bits := s.blockBits()
	lastBlock, _ := blockOf(last.Int64, bits)
	// A portfolio smaller than a window is counted in one, of its size.
	window := int(min(int64(s.windowBlocks()), lastBlock+1))
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// Taken with the connection: as many counts as connections at most.
	counts, h := s.counts.get(bits, window)
	defer s.counts.put(h)
	keep := candidateFilter(probe)
	var ids []int64
	// The rows are read on the driver's connection (overlapcount.go), the
	// prefix rowsPerStatement bigrams at a time (a declaration may have
	// tens of thousands).
	err = conn.Raw(func(dc any) error {
		var qs []windowQuery
		defer func() {
			for _, q := range qs {
				q.close() //nolint:errcheck // a statement only read from
			}
		}()
		for chunk := range slices.Chunk(prefix, rowsPerStatement) {
			q, err := s.newWindowQuery(ctx, dc, chunk, h, counts)
			if err != nil {
				return err
			}
			qs = append(qs, q)
		}
		for first := int64(0); first <= lastBlock; first += int64(window) {
			for _, q := range qs {
				if err := q.count(ctx, first, first+int64(window)-1); err != nil {
					return err
				}
			}
			ids = counts.flush(first, ids, keep)
		}
		return nil
	})
	return ids, err
}

// candidateFilter decides from a project's size, as its postings entry
// keeps it, and its count of prefix bigrams whether it may reach the
// threshold.
func candidateFilter(probe lifecycle.OverlapProbe) func(size, matched int) bool {
	lo, hi := probe.SizeRange()
	return func(size, matched int) bool {
		if size == maxEntrySize {
			// 65,535 bigrams or more: the size is not known, the project
			// is scored.
			return true
		}
		return size >= lo && size <= hi && probe.Admit(size, matched)
	}
}

// sortedGrams are the distinct bigrams of a declaration, sorted, as the
// features keep them.
func sortedGrams(g []uint64) []uint64 {
	return slices.Compact(slices.Sorted(slices.Values(g)))
}
