package lifecycle

import (
	"context"
	"fmt"
	"strings"
)

// ProjectionMismatch is a stored projection (Summary) that does not agree
// with the fold of its project's events: the projection was edited, or
// rolled back, behind the engine's back. Lists answered from it (a unit's
// projects, the overdue) would be wrong.
type ProjectionMismatch struct {
	ProjectID string `json:"project_id"`
	// Fields names each field that differs, with the stored value and the
	// folded one: "unit: stored \"B\", events say \"A\"".
	Fields []string `json:"fields"`
	// Err is set instead when the events cannot be read or folded.
	Err error `json:"-"`
}

func (m ProjectionMismatch) String() string {
	if m.Err != nil {
		return fmt.Sprintf("project %s: %v", m.ProjectID, m.Err)
	}
	return fmt.Sprintf("project %s: projection differs from its events: %s", m.ProjectID, strings.Join(m.Fields, "; "))
}

// CompareProjection compares a stored summary with the fold of events
// (the project's whole history): the fields the events decide — name,
// unit, kind, state, version, approved amounts and the time of the last
// event. NextDue and NextDuty are left out: they depend on the day the
// summary was computed. It returns the differing fields, none when the
// projection is true.
func CompareProjection(events []Event, s Summary) ([]string, error) {
	p, err := Replay(events)
	if err != nil {
		id := s.ProjectID
		if len(events) > 0 {
			id = events[0].ProjectID
		}
		return nil, corruptHistory(id, events, err)
	}
	return compareFold(p, s)
}

// compareFold compares a stored summary with the folded project p.
func compareFold(p *Project, s Summary) ([]string, error) {
	var out []string
	diff := func(name string, stored, folded any) {
		out = append(out, fmt.Sprintf("%s: stored %q, events say %q", name, fmt.Sprint(stored), fmt.Sprint(folded)))
	}
	if s.ProjectID != p.ID {
		diff("project_id", s.ProjectID, p.ID)
	}
	if s.Name != p.Name {
		diff("name", s.Name, p.Name)
	}
	if s.Unit != p.Unit {
		diff("unit", s.Unit, p.Unit)
	}
	if s.Kind != string(p.Kind) {
		diff("kind", s.Kind, p.Kind)
	}
	if s.State != p.State {
		diff("state", s.State, p.State)
	}
	if s.Version != p.Version {
		diff("version", s.Version, p.Version)
	}
	if !s.Approved.Equal(p.Approved) {
		diff("approved", s.Approved.Total(), p.Approved.Total())
	}
	if !s.UpdatedAt.Equal(StoreTime(p.UpdatedAt)) {
		diff("updated_at", s.UpdatedAt, StoreTime(p.UpdatedAt))
	}
	return out, nil
}

// AuditProjections walks every projection of store, in project ID order,
// and compares each with the fold of its events (CompareProjection), and,
// on a SnapshotStore, the kept fold the engine reads projects from too,
// calling found for each that differs or whose events cannot be read. It
// returns the number of projections checked. The error is for failures to
// list; a bad projection is reported to found, not returned. A store's
// events without any projection are not seen here (the SQL stores' Verify
// reports them).
func AuditProjections(ctx context.Context, store Store, found func(ProjectionMismatch)) (int, error) {
	const page = 500
	checked := 0
	after := ""
	for {
		sums, next, err := store.List(ctx, Query{After: after, Limit: page})
		if err != nil {
			return checked, err
		}
		for _, s := range sums {
			if err := ctx.Err(); err != nil {
				return checked, err
			}
			checked++
			events, err := store.Load(ctx, s.ProjectID)
			if err != nil {
				if KindOf(err) == KindNotFound {
					found(ProjectionMismatch{ProjectID: s.ProjectID, Fields: []string{"a projection without events"}})
					continue
				}
				if KindOf(err) == KindCorrupt {
					found(ProjectionMismatch{ProjectID: s.ProjectID, Err: err})
					continue
				}
				return checked, err
			}
			fields, err := CompareProjection(events, s)
			if err == nil {
				var more []string
				more, err = compareKeptFold(ctx, store, events)
				fields = append(fields, more...)
			}
			switch {
			case err != nil:
				found(ProjectionMismatch{ProjectID: s.ProjectID, Err: err})
			case len(fields) > 0:
				found(ProjectionMismatch{ProjectID: s.ProjectID, Fields: fields})
			}
		}
		if next == "" {
			return checked, nil
		}
		after = next
	}
}

// compareKeptFold compares the fold a SnapshotStore keeps for the project
// of events (which the engine serves reads from) with the fold of the
// events, on the fields CompareProjection compares, each named
// "snapshot.<field>". A store that keeps no folds, or none of the latest
// version, has nothing to compare.
func compareKeptFold(ctx context.Context, store Store, events []Event) ([]string, error) {
	ss, ok := store.(SnapshotStore)
	if !ok || len(events) == 0 {
		return nil, nil
	}
	id := events[0].ProjectID
	snap, err := ss.LoadSnapshot(ctx, id)
	if err != nil || snap.Data == nil {
		return nil, nil
	}
	kept, ok, err := DecodeSnapshot(snap.Data)
	if err != nil {
		return []string{"snapshot: cannot be read: " + err.Error()}, nil
	}
	if !ok {
		return nil, nil
	}
	folded, err := Replay(events)
	if err != nil {
		return nil, corruptHistory(id, events, err)
	}
	sum := Summary{ProjectID: kept.ID, Name: kept.Name, Unit: kept.Unit, Kind: string(kept.Kind), State: kept.State,
		Version: kept.Version, Approved: kept.Approved, UpdatedAt: StoreTime(kept.UpdatedAt)}
	fields, err := compareFold(folded, sum)
	for i := range fields {
		fields[i] = "snapshot." + fields[i]
	}
	return fields, err
}
