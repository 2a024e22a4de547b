package lifecycle

import (
	"context"
	"errors"

	"github.com/govit-cn/govit/review"
)

// keptFolds reports whether the store keeps each project's fold
// (SnapshotStore and RequestAppender): then the engine writes the fold
// with every append, and reads a project from its kept fold, one row
// whatever the length of its history, for Get and wherever it holds no
// fold of its own (an action decides first on the one it holds, see
// Config.Snapshots).
func (e *Engine) keptFolds() (SnapshotStore, bool) {
	ss, ok := e.store.(SnapshotStore)
	if !ok {
		return nil, false
	}
	_, ok = e.store.(RequestAppender)
	return ss, ok
}

// loadKept reads a project from the store's kept fold, or by a replay of
// its history when the store holds no fold of its latest version (a
// project appended before folds were kept, or by Store.Append alone). The
// project is the caller's own: it is decoded or replayed for this call.
func (e *Engine) loadKept(ctx context.Context, ss SnapshotStore, projectID string) (*Project, error) {
	snap, err := ss.LoadSnapshot(ctx, projectID)
	if err != nil {
		if KindOf(err) == KindNotFound || errors.Is(err, ErrNotFound) {
			return nil, NotFoundError(projectID)
		}
		return nil, storeError(err)
	}
	if snap.Data != nil {
		p, ok, err := DecodeSnapshot(snap.Data)
		switch {
		case err != nil:
			e.log.WarnContext(ctx, "kept fold unreadable; replaying the history", "project", projectID, "error", err)
		case ok && p.Version == snap.Version && p.ID == projectID:
			return p, nil
		}
	}
	events, err := e.loadEvents(ctx, projectID)
	if err != nil {
		return nil, err
	}
	p, err := Replay(events)
	if err != nil {
		// The engine appends only events that fold: one that does not
		// was damaged in the store.
		return nil, corruptHistory(projectID, events, err)
	}
	return p, nil
}

// appendCommit appends ev, folded into p, with its summary: as an
// AppendRequest with the fold and the 第四条 features when the store keeps
// them, else by Store.Append. declChanged tells whether the event changed
// the declaration in force.
func (e *Engine) appendCommit(ctx context.Context, expected int64, p *Project, ev Event, summary Summary, declChanged bool) ([]Event, error) {
	ra, ok := e.store.(RequestAppender)
	if !ok {
		return e.store.Append(ctx, expected, []Event{ev}, summary)
	}
	req := AppendRequest{Expected: expected, Events: []Event{ev}, Summary: summary}
	if _, ok := e.store.(SnapshotStore); ok {
		data, err := EncodeSnapshot(p)
		if err != nil {
			return nil, &Error{Kind: KindUnavailable, Code: "snapshot_unencodable", Err: err,
				ZH: "项目状态无法编码", EN: "the project's fold cannot be encoded: " + err.Error()}
		}
		req.Snapshot = data
	}
	if _, ok := e.store.(OverlapIndex); ok && declChanged {
		req.Overlap = overlapFeatures(p)
	}
	return ra.AppendRequest(ctx, req)
}

// declKey is what of the declaration in force the 第四条 features depend
// on.
type declKey struct {
	n                             int
	unit, name, content, parentID string
}

func declKeyOf(p *Project) declKey {
	d := &p.Declaration
	return declKey{p.Declarations, d.Unit, d.Name, d.Content, d.ParentID}
}

func overlapFeatures(p *Project) *OverlapFeatures {
	d := &p.Declaration
	return &OverlapFeatures{Unit: d.Unit, Name: d.Name, Content: d.Content, ParentID: d.ParentID,
		Grams: review.Bigrams(d.Name, d.Content)}
}

// overlapsIndexed is Overlaps through the store's index: the candidates
// the index finds are scored by review.Overlaps exactly as a walk over
// every project would score them, in the same order (by project ID), so
// the findings are the same.
func (e *Engine) overlapsIndexed(ctx context.Context, ix OverlapIndex, actor Actor, d review.Declaration) ([]review.Finding, error) {
	if err := ctxError(ctx); err != nil {
		return nil, err
	}
	q := OverlapQuery{Grams: review.Bigrams(d.Name, d.Content), MinPercent: review.DefaultOverlapPolicy().MinPercent}
	unit, ok := actor.seesUnit("")
	if !ok {
		return review.Overlaps(d, nil), nil
	}
	q.Unit = unit
	cands, err := ix.OverlapCandidates(ctx, q)
	if err != nil {
		return nil, storeError(err)
	}
	existing := make([]review.Declaration, 0, len(cands))
	for _, c := range cands {
		if (c.ProjectID == d.ID && d.ID != "") || c.State == StateWithdrawn || c.State == StateRejected {
			continue
		}
		existing = append(existing, review.Declaration{ID: c.ProjectID, Unit: c.Unit, Name: c.Name, Content: c.Content, ParentID: c.ParentID})
	}
	return review.Overlaps(d, existing), nil
}

// Version returns the project's current version, as the actor may see it,
// from the store's summary when the store reads one (SummaryReader), so
// that a precondition (If-Match) is checked without reading the project.
func (e *Engine) Version(ctx context.Context, actor Actor, projectID string) (int64, error) {
	if err := ctxError(ctx); err != nil {
		return 0, err
	}
	sr, ok := e.store.(SummaryReader)
	if !ok {
		p, err := e.Get(ctx, actor, projectID)
		if err != nil {
			return 0, err
		}
		return p.Version, nil
	}
	s, err := sr.Summary(ctx, projectID)
	if err != nil {
		if KindOf(err) == KindNotFound || errors.Is(err, ErrNotFound) {
			return 0, NotFoundError(projectID)
		}
		return 0, storeError(err)
	}
	if !actor.CanSee(&Project{Unit: s.Unit}) {
		return 0, NotFoundError(projectID)
	}
	return s.Version, nil
}

// MaxEventsPage caps the events EventsPage returns at once.
const MaxEventsPage = 1000

// EventsPage returns up to limit of the project's events with versions
// after after (0: from the first), in version order, and the version to
// pass as after for the next page (0 when there is none). limit ≤ 0 means
// DefaultListLimit; above MaxEventsPage it is MaxEventsPage. The store
// reads only the page when it can (EventPager). See EventsPageOf for a
// page of some actions only.
func (e *Engine) EventsPage(ctx context.Context, actor Actor, projectID string, after int64, limit int) ([]Event, int64, error) {
	return e.EventsPageOf(ctx, actor, projectID, EventFilter{After: after, Limit: limit})
}
