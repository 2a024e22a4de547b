package lifecycle

import (
	"context"
)

// DutyKeeper is a DutyReader whose projections written before it kept
// duties (an older schema) can be given them afterwards. Engine.FillDuties
// uses it; until then an obligation list loads such a project to compute
// its duties.
type DutyKeeper interface {
	DutyReader
	// WithoutDuties lists, in ID order after the ID after, up to limit
	// projects whose projection keeps no duties.
	WithoutDuties(ctx context.Context, after string, limit int) ([]string, error)
	// KeepDuties keeps each project's duties with its projection if it
	// is still at the version given and still keeps none (an append since
	// has written its own), all in one transaction; it returns how many
	// it kept.
	KeepDuties(ctx context.Context, duties []ProjectDuties) (int, error)
}

// ProjectDuties are a project's duties at a version, for KeepDuties.
type ProjectDuties struct {
	ProjectID string
	Version   int64
	Duties    []Obligation
}

// fillPage is how many projects FillDuties lists at a time.
const fillPage = 500

// FillDuties gives every project whose projection keeps no duties those
// its fold implies, computed as an append computes them, so that the
// obligation lists read them rather than load the project. It is for a
// store whose projections predate its duties (sqlstore's migration 16):
// the reference server runs it in the background when it starts. Appends
// may run meanwhile: a project appended since it was listed keeps what
// its append wrote. It returns how many projects it filled; with a store
// that is not a DutyKeeper it does nothing.
func (e *Engine) FillDuties(ctx context.Context) (int, error) {
	dk, ok := e.store.(DutyKeeper)
	if !ok {
		return 0, nil
	}
	filled, after := 0, ""
	for {
		ids, err := dk.WithoutDuties(ctx, after, fillPage)
		if err != nil {
			return filled, storeError(err)
		}
		page := make([]ProjectDuties, 0, len(ids))
		for _, id := range ids {
			p, err := e.load(ctx, id)
			if KindOf(err) == KindNotFound { // load reports every unknown project so
				continue
			}
			if err != nil {
				return filled, err
			}
			sum := e.summary(ctx, e.RulebookOf(p), p)
			if sum.Duties == nil {
				continue // deadlines not computed (logged by summary)
			}
			page = append(page, ProjectDuties{ProjectID: id, Version: p.Version, Duties: sum.Duties})
		}
		n, err := dk.KeepDuties(ctx, page)
		filled += n
		if err != nil {
			return filled, storeError(err)
		}
		if len(ids) < fillPage {
			return filled, nil
		}
		after = ids[len(ids)-1]
	}
}
