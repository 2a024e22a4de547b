package lifecycle

import (
	"context"
	"time"
)

// ChainLink is the tamper evidence of one stored event: the hash that
// chains it to the project's previous event.
type ChainLink struct {
	Version int64  `json:"version"`
	Seq     int64  `json:"seq"`
	Hash    string `json:"hash"` // lowercase hex
	// KeyID names the key of a keyed (HMAC) link; empty for a plain hash.
	KeyID string `json:"key_id,omitempty"`
}

// ChainReport is what a store's hash chain says about one project: each
// event's hash, and whether the chain verifies (Break, in one line, says
// where it does not).
type ChainReport struct {
	Algorithm string      `json:"algorithm"`
	Links     []ChainLink `json:"links"`
	Verified  bool        `json:"verified"`
	Break     string      `json:"break,omitempty"`
}

// ChainStore is a Store that keeps a hash chain over each project's
// events (the SQL stores do).
type ChainStore interface {
	Chain(ctx context.Context, projectID string) (ChainReport, error)
}

// AuditRecord is the audit record of one project (第十六条: 区审计局 may
// inspect any project at any time): its events, each with its chain hash,
// and the verification of the chain, as of CheckedAt.
type AuditRecord struct {
	ProjectID string         `json:"project_id"`
	Name      string         `json:"name"`
	Unit      string         `json:"unit"`
	State     State          `json:"state"`
	Events    []AuditedEvent `json:"events"`
	// Chain is false when the store keeps no hash chain; then Verified
	// is false too and the events carry no hash.
	Chain     bool      `json:"chain"`
	Algorithm string    `json:"algorithm,omitempty"`
	Verified  bool      `json:"verified"`
	Break     string    `json:"break,omitempty"`
	CheckedAt time.Time `json:"checked_at"`
}

// AuditedEvent is an event with its chain hash.
type AuditedEvent struct {
	Event
	Hash string `json:"hash,omitempty"`
}

// Audit returns the audit record of a project the actor may see.
func (e *Engine) Audit(ctx context.Context, actor Actor, projectID string) (AuditRecord, error) {
	events, p, err := e.loadVisible(ctx, actor, projectID)
	if err != nil {
		return AuditRecord{}, err
	}
	rec := AuditRecord{ProjectID: p.ID, Name: p.Name, Unit: p.Unit, State: p.State, CheckedAt: e.clock().UTC()}
	hashes := map[int64]string{}
	if cs, ok := e.store.(ChainStore); ok {
		rep, err := cs.Chain(ctx, projectID)
		if err != nil {
			return AuditRecord{}, storeError(err)
		}
		rec.Chain, rec.Algorithm, rec.Verified, rec.Break = true, rep.Algorithm, rep.Verified, rep.Break
		for _, l := range rep.Links {
			hashes[l.Version] = l.Hash
		}
	}
	for _, ev := range events {
		rec.Events = append(rec.Events, AuditedEvent{Event: ev, Hash: hashes[ev.Version]})
	}
	return rec, nil
}
