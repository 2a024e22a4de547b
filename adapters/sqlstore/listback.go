package sqlstore

import (
	"context"
	"slices"

	"github.com/govit-cn/govit/lifecycle"
)

var _ lifecycle.BackLister = (*Store)(nil)

// ListBefore implements lifecycle.BackLister: the query of List on the
// same indexes, read backwards from the cursor.
func (s *Store) ListBefore(ctx context.Context, q lifecycle.Query, before string) ([]lifecycle.Summary, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if !storable(q.Unit) || !storable(string(q.State)) || !storable(q.Kind) {
		return nil, "", nil
	}
	key, ok := cursorText(before)
	if !ok {
		return nil, "", invalidCursor()
	}
	limit := q.Limit
	if limit <= 0 {
		limit = lifecycle.DefaultListLimit
	}
	cond := "project_id < $1"
	if len(key) < len(before) {
		// Cut at a NUL: the cut ID itself is before the cursor.
		cond = "project_id <= $1"
	}
	query, args := s.listQuery(q, cond, key, "project_id DESC", limit)
	page, err := s.querySummaries(ctx, "list before", query, args...)
	if err != nil {
		return nil, "", err
	}
	prev := ""
	if len(page) > limit {
		page = page[:limit]
		prev = page[limit-1].ProjectID
	}
	slices.Reverse(page)
	return page, prev, nil
}
