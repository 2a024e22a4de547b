package lifecycle

import (
	"context"
	"errors"
	"slices"
)

// The actions whose records a windowed list of Project holds (see
// ListWindow): page the events of these actions for the whole list.
var (
	SupervisionActions     = []Action{ActReportIssue, ActOrderRectification, ActSuspend, ActResume}
	AuditActions           = []Action{ActAudit}
	SecurityOpinionActions = []Action{ActSecurityOpinion}
	AcceptanceActions      = []Action{ActApplyAcceptance, ActAccept}
)

// EventFilter selects a page of a project's events for
// Engine.EventsPageOf.
type EventFilter struct {
	// Actions keeps only the events of these actions; empty keeps every
	// event.
	Actions []Action
	// After is the version after which the page starts (0: from the
	// first event); Limit caps the page as for EventsPage.
	After int64
	Limit int
}

// ActionPager is a Store that reads a slice of a project's history of some
// actions only, from an index, so that a page costs its own rows however
// many events of other actions lie between them.
type ActionPager interface {
	// LoadActionPage returns up to limit events of the project with
	// versions after after whose action is one of actions (not empty), in
	// version order; an unknown project is ErrNotFound.
	LoadActionPage(ctx context.Context, projectID string, actions []Action, after int64, limit int) ([]Event, error)
}

// EventsPageOf is EventsPage with a filter: with f.Actions, a page holds
// only the events of those actions — e.g. the audits beyond the latest
// ListWindow the project holds — read from the store's index when it has
// one (ActionPager). The version to pass as f.After for the next page is
// 0 when there is none; a full page may be followed by an empty one. An
// unknown action is KindInvalid naming the field "action".
func (e *Engine) EventsPageOf(ctx context.Context, actor Actor, projectID string, f EventFilter) ([]Event, int64, error) {
	for _, a := range f.Actions {
		if !knownAction(a) && !isDocumentAction(a) {
			return nil, 0, unknownAction(a)
		}
	}
	if err := ctxError(ctx); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultListLimit
	}
	limit = min(limit, MaxEventsPage)
	version, err := e.Version(ctx, actor, projectID)
	if err != nil {
		return nil, 0, err
	}
	page, err := e.loadFiltered(ctx, projectID, f.Actions, max(f.After, 0), limit)
	if err != nil {
		if KindOf(err) == KindNotFound || errors.Is(err, ErrNotFound) {
			return nil, 0, NotFoundError(projectID)
		}
		return nil, 0, storeError(err)
	}
	var next int64
	if n := len(page); n == limit && page[n-1].Version < version {
		next = page[n-1].Version
	}
	return page, next, nil
}

// loadFiltered reads the page of EventsPageOf: from the store's index
// when it has one, else from the whole history.
func (e *Engine) loadFiltered(ctx context.Context, projectID string, actions []Action, after int64, limit int) ([]Event, error) {
	if ep, ok := e.store.(EventPager); ok && len(actions) == 0 {
		return ep.LoadPage(ctx, projectID, after, limit)
	}
	if ap, ok := e.store.(ActionPager); ok && len(actions) > 0 {
		return ap.LoadActionPage(ctx, projectID, actions, after, limit)
	}
	all, err := e.loadEvents(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return filterEvents(all, actions, after, limit), nil
}

// filterEvents is the page of events (in version order) of actions (all
// when none) after version after, up to limit.
func filterEvents(events []Event, actions []Action, after int64, limit int) []Event {
	var page []Event
	for _, ev := range events {
		if len(page) == limit {
			break
		}
		if ev.Version > after && (len(actions) == 0 || slices.Contains(actions, ev.Action)) {
			page = append(page, ev)
		}
	}
	return page
}

// LoadActionPage implements ActionPager.
func (m *MemoryStore) LoadActionPage(ctx context.Context, projectID string, actions []Action, after int64, limit int) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultListLimit
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	evs, ok := m.events[projectID]
	if !ok {
		return nil, NotFoundError(projectID)
	}
	page := filterEvents(evs, actions, after, limit)
	for i := range page {
		page[i] = CopyEvent(page[i])
	}
	return page, nil
}
