package lifecycle

import (
	"context"
	"slices"
	"sort"
)

// BackLister is a Store that pages List backwards, so that a list shown a
// page at a time links to the page before the one shown with a cursor of
// fixed size.
type BackLister interface {
	// ListBefore returns the last q.Limit summaries matching q (q.After
	// is ignored) whose project IDs are before the cursor before, in
	// project ID order, and the cursor to page further back: the first
	// summary's project ID when more match before it, else "".
	ListBefore(ctx context.Context, q Query, before string) (page []Summary, prev string, err error)
}

// ListBefore is List backwards: the page of the summaries the actor may
// see that match q and come just before the cursor before (a project ID,
// typically the first of a page List returned), in project ID order, with
// the cursor of the page before it ("" when there is none). A unit's query
// is confined to its own unit. On a store that is not a BackLister it
// reads the list from its start up to the cursor.
func (e *Engine) ListBefore(ctx context.Context, actor Actor, q Query, before string) ([]Summary, string, error) {
	if err := ctxError(ctx); err != nil {
		return nil, "", err
	}
	unit, ok := actor.seesUnit(q.Unit)
	if !ok || before == "" {
		return nil, "", nil
	}
	q.Unit, q.After = unit, ""
	if q.Limit <= 0 {
		q.Limit = DefaultListLimit
	}
	if bl, ok := e.store.(BackLister); ok {
		page, prev, err := bl.ListBefore(ctx, q, before)
		if err != nil {
			return nil, "", storeError(err)
		}
		return q.inBudgetYear(page), prev, nil
	}
	var seen []Summary
	for {
		page, next, err := e.store.List(ctx, q)
		if err != nil {
			return nil, "", storeError(err)
		}
		for _, s := range q.inBudgetYear(page) {
			if s.ProjectID >= before {
				return lastPage(seen, q.Limit)
			}
			seen = append(seen, s)
			if len(seen) > q.Limit+1 {
				seen = slices.Delete(seen, 0, 1)
			}
		}
		if next == "" {
			return lastPage(seen, q.Limit)
		}
		q.After = next
	}
}

// lastPage is the last limit summaries of rows, with the cursor of the
// page before them.
func lastPage(rows []Summary, limit int) ([]Summary, string, error) {
	if len(rows) <= limit {
		return rows, "", nil
	}
	page := rows[len(rows)-limit:]
	return page, page[0].ProjectID, nil
}

var _ BackLister = (*MemoryStore)(nil)

// ListBefore implements BackLister.
func (m *MemoryStore) ListBefore(ctx context.Context, q Query, before string) ([]Summary, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultListLimit
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	end := sort.SearchStrings(m.ids, before)
	var rev []Summary
	for i := end - 1; i >= 0; i-- {
		s := m.summaries[m.ids[i]]
		if !matches(s, q) {
			continue
		}
		if len(rev) == limit {
			slices.Reverse(rev)
			return rev, rev[0].ProjectID, nil
		}
		rev = append(rev, s)
	}
	slices.Reverse(rev)
	return rev, "", nil
}
