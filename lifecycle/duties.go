package lifecycle

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/govit-cn/govit/calendar"
)

// DutyReader is a Store that keeps each project's duties in its projection
// (Summary.Duties, written in the transaction of each append), so that a
// list of obligations across projects reads rows, not projects.
type DutyReader interface {
	// KeptDuties returns the duties kept with the current projection of
	// each of the projects ids names that has them; a project whose
	// projection holds none (appended without them) is absent, as is an
	// unknown one.
	KeptDuties(ctx context.Context, ids []string) (map[string][]Obligation, error)
}

// unsettled is obs without their status, as a projection keeps them: a
// non-nil list, empty when there is no duty.
func unsettled(obs []Obligation) []Obligation {
	out := make([]Obligation, len(obs))
	for i, o := range obs {
		o.Status, o.LateBy = "", 0
		out[i] = o
	}
	return out
}

// settleAll settles kept duties as of asOf (see Obligations): their order,
// by due date, is kept, and their dates are civil dates in Beijing time
// again (a store may have kept them in another zone of the same offset).
func settleAll(cal *calendar.Calendar, kept []Obligation, asOf time.Time) ([]Obligation, error) {
	out := unsettled(kept)
	today := calendar.DateOf(asOf)
	for i := range out {
		o := &out[i]
		o.Trigger, o.Due = o.Trigger.In(calendar.Beijing), o.Due.In(calendar.Beijing)
		if !o.Met.IsZero() {
			o.Met = o.Met.In(calendar.Beijing)
		}
		if err := o.settle(cal, today); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ProjectObligations are the duties of one project of a list, with its
// summary.
type ProjectObligations struct {
	Summary     Summary
	Obligations []Obligation
}

// ListObligations lists the duties, as of asOf, of the projects List
// returns for the actor and q, a page of projects at a time with the
// cursor of the next page. When the store keeps each project's duties
// with its projection (DutyReader), they are read from those rows and
// only settled for asOf: no project is loaded. A project whose row holds
// none (appended before duties were kept, or whose deadlines could not
// be counted then) is loaded and its duties listed as Obligations lists
// them, which gives the same duties.
func (e *Engine) ListObligations(ctx context.Context, actor Actor, q Query, asOf time.Time) ([]ProjectObligations, string, error) {
	page, next, err := e.List(ctx, actor, q)
	if err != nil {
		return nil, "", err
	}
	var kept map[string][]Obligation
	if dr, ok := e.store.(DutyReader); ok && len(page) > 0 {
		ids := make([]string, len(page))
		for i, s := range page {
			ids[i] = s.ProjectID
		}
		if kept, err = dr.KeptDuties(ctx, ids); err != nil {
			return nil, "", storeError(err)
		}
	}
	out := make([]ProjectObligations, 0, len(page))
	for _, s := range page {
		var obs []Obligation
		if k, ok := kept[s.ProjectID]; ok {
			obs, err = settleAll(e.cal, k, asOf)
		} else {
			obs, err = e.Obligations(ctx, actor, s.ProjectID, asOf)
			if KindOf(err) == KindNotFound || errors.Is(err, ErrNotFound) {
				continue // gone between the list and the read
			}
		}
		if err != nil {
			return nil, "", err
		}
		out = append(out, ProjectObligations{Summary: s, Obligations: obs})
	}
	return out, next, nil
}

// KeptDuties implements DutyReader.
func (m *MemoryStore) KeptDuties(ctx context.Context, ids []string) (map[string][]Obligation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make(map[string][]Obligation, len(ids))
	for _, id := range ids {
		if s, ok := m.summaries[id]; ok && s.Duties != nil {
			out[id] = slices.Clone(s.Duties)
		}
	}
	return out, nil
}
