package sqlstore

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/govit-cn/govit/lifecycle"
)

var _ lifecycle.DutyReader = (*Store)(nil)

// dutiesArg is the duties column's value: their JSON, or NULL. Every
// append writes the project's duties (Summary.Duties) with its projection
// row (sqlProjection); an append without them clears the row's, so that
// duties never lag the projection.
func dutiesArg(duties []lifecycle.Obligation) (any, error) {
	if duties == nil {
		return nil, nil
	}
	b, err := json.Marshal(duties)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// dutiesChunk caps the projects one KeptDuties query names.
const dutiesChunk = 500

// KeptDuties implements lifecycle.DutyReader from the projection rows
// (primary key), a chunk of IDs per query.
func (s *Store) KeptDuties(ctx context.Context, ids []string) (map[string][]lifecycle.Obligation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var keep []string
	for _, id := range ids {
		if storable(id) {
			keep = append(keep, id)
		}
	}
	out := make(map[string][]lifecycle.Obligation, len(keep))
	for len(keep) > 0 {
		chunk := keep[:min(len(keep), dutiesChunk)]
		keep = keep[len(chunk):]
		marks := make([]string, len(chunk))
		args := make([]any, len(chunk))
		for i, id := range chunk {
			marks[i], args[i] = "$"+strconv.Itoa(i+1), id
		}
		rows, err := s.db.QueryContext(ctx, `SELECT project_id, duties FROM projections
			WHERE project_id IN (`+strings.Join(marks, ", ")+`) AND duties IS NOT NULL`, args...)
		if err != nil {
			return nil, s.fail(ctx, "kept duties", err)
		}
		for rows.Next() {
			var id, data string
			if err := rows.Scan(&id, &data); err != nil {
				rows.Close()
				return nil, s.fail(ctx, "kept duties", err)
			}
			var obs []lifecycle.Obligation
			if err := json.Unmarshal([]byte(data), &obs); err != nil || obs == nil {
				continue // unreadable or null: not kept, the project is loaded
			}
			out[id] = obs
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, s.fail(ctx, "kept duties", err)
		}
	}
	return out, nil
}

var _ lifecycle.DutyKeeper = (*Store)(nil)

// WithoutDuties implements lifecycle.DutyKeeper.
func (s *Store) WithoutDuties(ctx context.Context, after string, limit int) ([]string, error) {
	return s.queryIDs(ctx, s.db, "without duties", `SELECT project_id FROM projections
		WHERE duties IS NULL AND project_id > $1 ORDER BY project_id LIMIT $2`, after, limit)
}

// KeepDuties implements lifecycle.DutyKeeper.
func (s *Store) KeepDuties(ctx context.Context, duties []lifecycle.ProjectDuties) (int, error) {
	if len(duties) == 0 {
		return 0, ctx.Err()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.fail(ctx, "keep duties", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	kept := int64(0)
	for _, d := range duties {
		duties, err := dutiesArg(d.Duties)
		if err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, `UPDATE projections SET duties = $1
			WHERE project_id = $2 AND version = $3 AND duties IS NULL`, duties, d.ProjectID, d.Version)
		if err != nil {
			return 0, s.fail(ctx, "keep duties", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, s.fail(ctx, "keep duties", err)
		}
		kept += n
	}
	if err := tx.Commit(); err != nil {
		return 0, s.fail(ctx, "keep duties", err)
	}
	return int(kept), nil
}
