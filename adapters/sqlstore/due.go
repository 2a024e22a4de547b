package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/govit-cn/govit/lifecycle"
)

var _ lifecycle.DueLister = (*Store)(nil)

// ListDue implements lifecycle.DueLister: a range of the index on
// (next_due, project_id), or on (unit, next_due, project_id) for one
// unit, read in its order from the position after, so that the first
// page costs the page whatever the number of projects with a duty.
func (s *Store) ListDue(ctx context.Context, q lifecycle.DueQuery) ([]lifecycle.Summary, lifecycle.DuePosition, error) {
	var none lifecycle.DuePosition
	if err := ctx.Err(); err != nil {
		return nil, none, err
	}
	if !storable(q.Unit) {
		return nil, none, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = lifecycle.DefaultListLimit
	}
	var (
		where = []string{"next_due IS NOT NULL"}
		args  []any
	)
	add := func(cond string, vs ...any) {
		for _, v := range vs {
			args = append(args, v)
			cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(args)), 1)
		}
		where = append(where, cond)
	}
	if q.Unit != "" {
		add("unit = ?", q.Unit)
	}
	if !q.DueBefore.IsZero() {
		add("next_due < ?", s.dueCut(q.DueBefore))
	}
	if !q.After.Due.IsZero() {
		after, ok := cursorText(q.After.ProjectID)
		if !ok {
			return nil, none, invalidCursor()
		}
		add("(next_due, project_id) > (?, ?)", s.timeArg(lifecycle.StoreTime(q.After.Due)), after)
	}
	args = append(args, limit+1)
	from := `projections INDEXED BY projections_next_due`
	if q.Unit != "" {
		from = `projections INDEXED BY projections_unit_next_due`
	}
	if s.dialect != SQLite {
		from = `projections`
	}
	query := `SELECT ` + projectionColumns + ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY next_due, project_id LIMIT $` + strconv.Itoa(len(args))
	page, err := s.querySummaries(ctx, "list due", query, args...)
	if err != nil {
		return nil, none, err
	}
	if len(page) > limit {
		page = page[:limit]
		last := page[limit-1]
		return page, lifecycle.DuePosition{Due: last.NextDue, ProjectID: last.ProjectID}, nil
	}
	return page, none, nil
}
