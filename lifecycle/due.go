package lifecycle

import (
	"context"
	"slices"
	"strings"
	"time"
)

// DueQuery selects, for ListDue, the projects with a duty pending
// (Summary.NextDue set), soonest due first.
type DueQuery struct {
	// Unit keeps one unit's projects; "" keeps every unit's.
	Unit string
	// DueBefore keeps projects whose NextDue is before this instant
	// (strictly); zero keeps every project with a duty pending.
	DueBefore time.Time
	// After is where the previous page ended (its next position); a zero
	// Due starts from the soonest.
	After DuePosition
	// Limit caps the page size; 0 means DefaultListLimit.
	Limit int
}

// DuePosition is a place in the order of ListDue: by due date, then by
// project ID (in byte order) among projects due the same day.
type DuePosition struct {
	Due       time.Time
	ProjectID string
}

// IsZero reports whether p is the start of the order.
func (p DuePosition) IsZero() bool { return p.Due.IsZero() && p.ProjectID == "" }

// covers reports whether the summary s comes before p in the order, or
// at it: a page after p leaves s out.
func (p DuePosition) covers(s Summary) bool {
	if p.Due.IsZero() {
		return false
	}
	if n := s.NextDue.Compare(p.Due); n != 0 {
		return n < 0
	}
	return s.ProjectID <= p.ProjectID
}

// compareDue orders summaries by NextDue, then project ID.
func compareDue(a, b Summary) int {
	if n := a.NextDue.Compare(b.NextDue); n != 0 {
		return n
	}
	return strings.Compare(a.ProjectID, b.ProjectID)
}

// DueLister is a Store that lists the projects with a duty pending in the
// order of their due dates, so that a to-do list reads its first page
// only, however many projects have one.
type DueLister interface {
	// ListDue returns up to q.Limit summaries of projects whose NextDue
	// is set and matches q, after q.After in the order of DuePosition,
	// and the position of the next page (zero when there is none).
	ListDue(ctx context.Context, q DueQuery) (page []Summary, next DuePosition, err error)
}

// ListDue returns the projects the actor may see with a duty pending,
// soonest due first, a page at a time with the position of the next page
// (zero when there is none). A unit's query is confined to its own unit.
// On a store that is not a DueLister it reads every matching summary and
// sorts them.
func (e *Engine) ListDue(ctx context.Context, actor Actor, q DueQuery) ([]Summary, DuePosition, error) {
	if err := ctxError(ctx); err != nil {
		return nil, DuePosition{}, err
	}
	unit, ok := actor.seesUnit(q.Unit)
	if !ok {
		return nil, DuePosition{}, nil
	}
	q.Unit = unit
	if q.Limit <= 0 {
		q.Limit = DefaultListLimit
	}
	if dl, ok := e.store.(DueLister); ok {
		page, next, err := dl.ListDue(ctx, q)
		if err != nil {
			return nil, DuePosition{}, storeError(err)
		}
		return page, next, nil
	}
	var all []Summary
	lq := Query{Unit: q.Unit, DueBefore: q.DueBefore, Limit: 1000}
	for {
		page, next, err := e.store.List(ctx, lq)
		if err != nil {
			return nil, DuePosition{}, storeError(err)
		}
		for _, s := range page {
			if !s.NextDue.IsZero() && !q.After.covers(s) {
				all = append(all, s)
			}
		}
		if next == "" {
			break
		}
		lq.After = next
	}
	return duePage(all, q.Limit)
}

// duePage sorts hits by due date and cuts the first page of limit.
func duePage(hits []Summary, limit int) ([]Summary, DuePosition, error) {
	slices.SortFunc(hits, compareDue)
	if len(hits) <= limit {
		return hits, DuePosition{}, nil
	}
	last := hits[limit-1]
	return hits[:limit], DuePosition{Due: last.NextDue, ProjectID: last.ProjectID}, nil
}

var _ DueLister = (*MemoryStore)(nil)

// ListDue implements DueLister.
func (m *MemoryStore) ListDue(ctx context.Context, q DueQuery) ([]Summary, DuePosition, error) {
	if err := ctx.Err(); err != nil {
		return nil, DuePosition{}, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultListLimit
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var hits []Summary
	for _, s := range m.summaries {
		if s.NextDue.IsZero() || !matches(s, Query{Unit: q.Unit, DueBefore: q.DueBefore}) || q.After.covers(s) {
			continue
		}
		hits = append(hits, s)
	}
	return duePage(hits, limit)
}
