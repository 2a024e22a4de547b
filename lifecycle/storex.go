package lifecycle

import (
	"context"
	"fmt"
	json "github.com/go-json-experiment/json/v1"
	"reflect"
)

// AppendRequest is one append with everything written in its transaction:
// the events and summary of Store.Append, and what a store that implements
// RequestAppender keeps besides. Fields may be added; a store ignores the
// ones it does not know, and the engine fills the ones it computes.
type AppendRequest struct {
	// Expected, Events and Summary are Store.Append's arguments.
	Expected int64
	Events   []Event
	Summary  Summary
	// Snapshot, if not nil, is the project folded after the events, as
	// EncodeSnapshot wrote it. A SnapshotStore keeps it with the version,
	// so that reads need not replay the history.
	Snapshot []byte
	// Overlap, if not nil, is the 第四条 features of the declaration in
	// force after the events, replacing the project's earlier ones; set
	// when the declaration in force changes (declare, re-declare). An
	// OverlapIndex keeps them.
	Overlap *OverlapFeatures
}

// RequestAppender is a Store that appends an AppendRequest, writing all of
// it in one transaction with the same guarantees as Store.Append (version
// check, all or nothing, acknowledged after commit). The engine uses it
// when the store has it.
type RequestAppender interface {
	AppendRequest(ctx context.Context, req AppendRequest) ([]Event, error)
}

// Snapshot is a project's fold as kept by a SnapshotStore.
type Snapshot struct {
	// Version is the version of the latest event; Data is nil when the
	// store holds no fold of that version (then the history is replayed).
	Version int64
	Data    []byte
}

// SnapshotStore is a Store that keeps each project's latest fold with its
// version (AppendRequest.Snapshot), so that a read costs one row whatever
// the length of the history.
type SnapshotStore interface {
	// LoadSnapshot returns the project's current version and the fold of
	// that version if kept; an unknown project is ErrNotFound.
	LoadSnapshot(ctx context.Context, projectID string) (Snapshot, error)
}

// EventPager is a Store that reads a slice of a project's history.
type EventPager interface {
	// LoadPage returns up to limit events of the project with versions
	// after after, in version order; an unknown project is ErrNotFound.
	LoadPage(ctx context.Context, projectID string, after int64, limit int) ([]Event, error)
}

// SummaryReader is a Store that reads one project's summary (its kept
// projection, with the current version) without the history.
type SummaryReader interface {
	// Summary returns the project's summary; an unknown project is
	// ErrNotFound.
	Summary(ctx context.Context, projectID string) (Summary, error)
}

// snapshotFormat is the fold's format and meaning. It changes whenever
// Apply folds an event differently or Project changes shape: a kept fold
// of another format is ignored and the history replayed, so a kept fold
// never carries an older fold's outcome into a decision. Format 2 holds
// the latest ListWindow entries of the windowed lists with their totals,
// and AcceptedAt.
const snapshotFormat = 2

// snapshotJSON is a fold as kept: the project with its unexported state.
type snapshotJSON struct {
	Format    int      `json:"format"`
	PriorFrom int      `json:"prior_from"`
	Project   *Project `json:"project"`
}

// EncodeSnapshot encodes the fold p for a SnapshotStore.
func EncodeSnapshot(p *Project) ([]byte, error) {
	return json.Marshal(snapshotJSON{Format: snapshotFormat, PriorFrom: p.priorFrom, Project: p})
}

// DecodeSnapshot decodes a fold written by EncodeSnapshot. ok is false
// when data is of another format (then replay the history).
func DecodeSnapshot(data []byte) (p *Project, ok bool, err error) {
	var s snapshotJSON
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, false, fmt.Errorf("lifecycle: snapshot: %w", err)
	}
	if s.Format != snapshotFormat || s.Project == nil {
		return nil, false, nil
	}
	s.Project.priorFrom = s.PriorFrom
	return s.Project, true, nil
}

// CompareFold checks a kept fold (EncodeSnapshot's bytes) against the
// replay of the project's whole history: a fold edited in the store, or
// written by a fold that no longer agrees with Apply, would decide the
// next actions on a project other than the history's. It returns "" when
// they agree, else what differs; an error when the history does not fold.
// A fold of another format than this package writes is never read (the
// history is replayed instead, see DecodeSnapshot): it agrees, whatever
// it holds.
func CompareFold(events []Event, data []byte) (string, error) {
	var head struct {
		Format int `json:"format"`
	}
	if json.Unmarshal(data, &head) == nil && head.Format != snapshotFormat {
		return "", nil
	}
	p, err := Replay(events)
	if err != nil {
		id := ""
		if len(events) > 0 {
			id = events[0].ProjectID
		}
		return "", corruptHistory(id, events, err)
	}
	want, err := EncodeSnapshot(p)
	if err != nil {
		return "", err
	}
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		return "", err
	}
	if err := json.Unmarshal(data, &g); err != nil {
		return "the kept fold is not JSON: " + err.Error(), nil
	}
	if reflect.DeepEqual(w, g) {
		return "", nil
	}
	wm, _ := w.(map[string]any)
	gm, _ := g.(map[string]any)
	if wp, ok := wm["project"].(map[string]any); ok {
		if gp, ok := gm["project"].(map[string]any); ok {
			for k, v := range wp {
				if !reflect.DeepEqual(v, gp[k]) {
					return fmt.Sprintf("the kept fold differs from the history's in %s", k), nil
				}
			}
			for k := range gp {
				if _, ok := wp[k]; !ok {
					return fmt.Sprintf("the kept fold has %s, which the history's has not", k), nil
				}
			}
		}
	}
	return "the kept fold differs from the history's", nil
}
