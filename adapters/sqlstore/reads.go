package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/govit-cn/govit/lifecycle"
)

var (
	_ lifecycle.RequestAppender = (*Store)(nil)
	_ lifecycle.SnapshotStore   = (*Store)(nil)
	_ lifecycle.EventPager      = (*Store)(nil)
	_ lifecycle.SummaryReader   = (*Store)(nil)
	_ lifecycle.OverlapIndex    = (*Store)(nil)
)

// queryEvents reads the events a query selects (eventColumns).
func (s *Store) queryEvents(ctx context.Context, op, query string, args ...any) ([]lifecycle.Event, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var out []lifecycle.Event
	for rows.Next() {
		var (
			r  row
			at dbTime
		)
		if err := rows.Scan(&r.seq, &r.projectID, &r.version, &r.action, &r.actorID, &r.actorUnit, &r.actorRoles, &r.role, &at, &r.article, &r.payload); err != nil {
			return nil, s.fail(ctx, op, err)
		}
		r.at = at.t
		e, err := r.event()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, op, err)
	}
	return out, nil
}

const sqlLoadSnapshot = `SELECT p.version, s.version, s.data FROM projections p
	LEFT JOIN snapshots s ON s.project_id = p.project_id WHERE p.project_id = $1`

// LoadSnapshot implements lifecycle.SnapshotStore: one row, the
// projection's version and the snapshot's data when it is of that version
// (an append without a snapshot leaves an older one, which is not
// returned).
func (s *Store) LoadSnapshot(ctx context.Context, projectID string) (lifecycle.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return lifecycle.Snapshot{}, err
	}
	if !storable(projectID) {
		return lifecycle.Snapshot{}, lifecycle.NotFoundError(projectID)
	}
	var (
		snap lifecycle.Snapshot
		sv   sql.NullInt64
		data []byte
	)
	err := s.queryRow(ctx, sqlLoadSnapshot, projectID).Scan(&snap.Version, &sv, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return lifecycle.Snapshot{}, lifecycle.NotFoundError(projectID)
	case err != nil:
		return lifecycle.Snapshot{}, s.fail(ctx, "load snapshot", err)
	}
	if sv.Valid && sv.Int64 == snap.Version && len(data) > 0 {
		snap.Data = data
	}
	return snap, nil
}

// LoadPage implements lifecycle.EventPager, from the (project_id,
// version) key.
func (s *Store) LoadPage(ctx context.Context, projectID string, after int64, limit int) ([]lifecycle.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !storable(projectID) {
		return nil, lifecycle.NotFoundError(projectID)
	}
	if limit <= 0 {
		limit = lifecycle.DefaultListLimit
	}
	out, err := s.queryEvents(ctx, "load page", `SELECT `+eventColumns+` FROM events
		WHERE project_id = $1 AND version > $2 ORDER BY version LIMIT $3`, projectID, after, limit)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		// An empty page of a known project is not an error.
		if _, err := s.Summary(ctx, projectID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const sqlSummary = `SELECT ` + projectionColumns + ` FROM projections WHERE project_id = $1`

// Summary implements lifecycle.SummaryReader: the project's projection
// row.
func (s *Store) Summary(ctx context.Context, projectID string) (lifecycle.Summary, error) {
	if err := ctx.Err(); err != nil {
		return lifecycle.Summary{}, err
	}
	if !storable(projectID) {
		return lifecycle.Summary{}, lifecycle.NotFoundError(projectID)
	}
	sum, err := scanSummary(s.queryRow(ctx, sqlSummary, projectID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return lifecycle.Summary{}, lifecycle.NotFoundError(projectID)
	case err != nil:
		return lifecycle.Summary{}, s.fail(ctx, "summary", err)
	}
	return sum, nil
}

// AuditFolds checks every kept fold of the latest version against the
// replay of its project's history (lifecycle.CompareFold), calling report
// for each that differs, and returns the number checked. The kept folds
// are outside the hash chain: Verify proves the history, AuditFolds that
// the folds read instead of it are the history's. It reads every event.
func (s *Store) AuditFolds(ctx context.Context, report func(projectID, detail string)) (int, error) {
	ids, err := s.queryIDs(ctx, s.db, "audit folds", `SELECT s.project_id FROM snapshots s
		JOIN projections p ON p.project_id = s.project_id AND p.version = s.version ORDER BY s.project_id`)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		snap, err := s.LoadSnapshot(ctx, id)
		if err != nil {
			return n, err
		}
		if snap.Data == nil {
			continue // appended since, without a fold
		}
		events, err := s.Load(ctx, id)
		if err != nil {
			return n, err
		}
		detail, err := lifecycle.CompareFold(events, snap.Data)
		if err != nil {
			detail = err.Error()
		}
		if detail != "" {
			report(id, detail)
		}
		n++
	}
	return n, nil
}
