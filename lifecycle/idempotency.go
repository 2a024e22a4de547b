package lifecycle

import (
	"bytes"
	"context"
	"sort"
	"sync"
	"time"
)

// KeyRecord is what a KeyStore holds for one idempotency key of one actor:
// the request it was first used for and, once known, what came of it.
type KeyRecord struct {
	// Fingerprint identifies the request (method, path, body) the key was
	// first used for; a later request with the key and another
	// fingerprint is refused.
	Fingerprint []byte
	// Token is the holder's claim: whoever claimed the key last.
	Token string
	// CreatedAt is when the key was first claimed; the record expires by
	// age from it. LeaseUntil is when a claim whose request never
	// finished (its process died) may be taken over.
	CreatedAt, LeaseUntil time.Time
	// ProjectID and Version are the append the request made, written in
	// the append's own transaction: set means the request's effect is
	// stored, whatever became of its response.
	ProjectID string
	Version   int64
	// Status, Header and Body are the response, once stored (Status 0
	// until then). Body is nil when the response was not kept (too large,
	// or dropped to keep the store within its bytes), and then the
	// response is rebuilt from the append.
	Status int
	Header []byte
	Body   []byte
}

// Done reports whether the request's outcome is known: its response, or
// the append it made.
func (r KeyRecord) Done() bool { return r.Status != 0 || r.ProjectID != "" }

// KeyClaim is a claim on an idempotency key, carried in the context of
// the request that holds it (WithKeyClaim): a store that implements
// KeyStore records the append the request makes in the append's own
// transaction, and refuses the append if the claim was taken over.
type KeyClaim struct {
	Actor, Key, Token string
}

type keyClaimKey struct{}

// WithKeyClaim returns ctx carrying c, for the appends made under it.
func WithKeyClaim(ctx context.Context, c KeyClaim) context.Context {
	return context.WithValue(ctx, keyClaimKey{}, c)
}

// KeyClaimFrom returns the claim ctx carries, if any.
func KeyClaimFrom(ctx context.Context) (KeyClaim, bool) {
	c, ok := ctx.Value(keyClaimKey{}).(KeyClaim)
	return c, ok
}

// KeyStore is a Store that keeps idempotency keys, so that a request
// retried after a restart, or on another instance, gets its first answer
// and is not done twice. Keys are per actor.
//
// The append a request makes under a claim (KeyClaimFrom its context)
// records ProjectID and Version in the append's transaction: either both
// the events and the record are stored, or neither. An append whose
// claim is no longer its own (taken over after its lease) fails with a
// KindConflict error, code idempotency_key_taken, and stores nothing.
type KeyStore interface {
	// ClaimKey claims key for a request with fingerprint fp, holding it
	// until leaseUntil: claimed is true when the key was free (never
	// used, expired — created before expiredBefore —, or claimed by a
	// request whose lease has passed and that stored nothing). Otherwise
	// rec is the record as it stands, for the caller to replay, or to
	// refuse a request still running or another request under the key.
	ClaimKey(ctx context.Context, actor, key string, fp []byte, token string, now, leaseUntil, expiredBefore time.Time) (rec KeyRecord, claimed bool, err error)
	// FinishKey stores the response of a request holding the claim.
	FinishKey(ctx context.Context, c KeyClaim, status int, header, body []byte) error
	// ReleaseKey frees a claim whose request stored nothing and whose
	// answer is not to be replayed (a conflict, a failure).
	ReleaseKey(ctx context.Context, c KeyClaim) error
	// PruneKeys deletes the records created before expiredBefore, then,
	// while the stored responses exceed maxBytes, drops the oldest: the
	// body of a record that made an append (the response is rebuilt from
	// it), the whole record otherwise. It returns the records deleted.
	PruneKeys(ctx context.Context, expiredBefore time.Time, maxBytes int64) (int, error)
}

// KeyTakenError is the error of an append whose idempotency claim was
// taken over.
func KeyTakenError(key string) *Error {
	return &Error{Kind: KindConflict, Code: "idempotency_key_taken",
		ZH: "该 Idempotency-Key 的处理已被另一请求接管，本次未执行",
		EN: "another request has taken over this Idempotency-Key; this one was not carried out: " + key}
}

// MemoryKeys is a KeyStore in memory: the one of MemoryStore, and the
// keys of a server whose store keeps none (then a restart forgets them).
// It is safe for concurrent use.
type MemoryKeys struct {
	mu   sync.Mutex
	recs map[[2]string]*KeyRecord
}

// NewMemoryKeys returns an empty MemoryKeys.
func NewMemoryKeys() *MemoryKeys {
	return &MemoryKeys{recs: map[[2]string]*KeyRecord{}}
}

var _ KeyStore = (*MemoryKeys)(nil)

// ClaimKey implements KeyStore.
func (m *MemoryKeys) ClaimKey(ctx context.Context, actor, key string, fp []byte, token string, now, leaseUntil, expiredBefore time.Time) (KeyRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return KeyRecord{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{actor, key}
	r, ok := m.recs[k]
	fresh := &KeyRecord{Fingerprint: bytes.Clone(fp), Token: token, CreatedAt: now, LeaseUntil: leaseUntil}
	switch {
	case !ok || r.CreatedAt.Before(expiredBefore):
		m.recs[k] = fresh
		return *fresh, true, nil
	case bytes.Equal(r.Fingerprint, fp) && !r.Done() && !r.LeaseUntil.After(now):
		r.Token, r.LeaseUntil = token, leaseUntil
		return *r, true, nil
	}
	return *r, false, nil
}

// commit records, under m's lock, the append made under c.
func (m *MemoryKeys) commit(c KeyClaim, projectID string, version int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[[2]string{c.Actor, c.Key}]
	if !ok || r.Token != c.Token || r.Done() {
		return KeyTakenError(c.Key)
	}
	r.ProjectID, r.Version = projectID, version
	return nil
}

// FinishKey implements KeyStore.
func (m *MemoryKeys) FinishKey(_ context.Context, c KeyClaim, status int, header, body []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.recs[[2]string{c.Actor, c.Key}]; ok && r.Token == c.Token {
		r.Status, r.Header, r.Body = status, bytes.Clone(header), bytes.Clone(body)
	}
	return nil
}

// ReleaseKey implements KeyStore.
func (m *MemoryKeys) ReleaseKey(_ context.Context, c KeyClaim) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{c.Actor, c.Key}
	if r, ok := m.recs[k]; ok && r.Token == c.Token && r.ProjectID == "" {
		delete(m.recs, k)
	}
	return nil
}

// PruneKeys implements KeyStore.
func (m *MemoryKeys) PruneKeys(_ context.Context, expiredBefore time.Time, maxBytes int64) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	deleted := 0
	var total int64
	type aged struct {
		k [2]string
		r *KeyRecord
	}
	var kept []aged
	for k, r := range m.recs {
		if r.CreatedAt.Before(expiredBefore) {
			delete(m.recs, k)
			deleted++
			continue
		}
		total += int64(len(r.Body) + len(r.Header))
		kept = append(kept, aged{k, r})
	}
	if total <= maxBytes {
		return deleted, nil
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].r.CreatedAt.Before(kept[j].r.CreatedAt) })
	for _, a := range kept {
		if total <= maxBytes {
			break
		}
		size := int64(len(a.r.Body) + len(a.r.Header))
		if size == 0 {
			continue
		}
		total -= size
		if a.r.ProjectID != "" {
			a.r.Body, a.r.Header = nil, nil
			continue
		}
		delete(m.recs, a.k)
		deleted++
	}
	return deleted, nil
}

// The MemoryStore keeps its idempotency keys beside its events: an append
// under a claim records itself in the same critical section.
var _ KeyStore = (*MemoryStore)(nil)

// ClaimKey implements KeyStore.
func (m *MemoryStore) ClaimKey(ctx context.Context, actor, key string, fp []byte, token string, now, leaseUntil, expiredBefore time.Time) (KeyRecord, bool, error) {
	return m.keys.ClaimKey(ctx, actor, key, fp, token, now, leaseUntil, expiredBefore)
}

// FinishKey implements KeyStore.
func (m *MemoryStore) FinishKey(ctx context.Context, c KeyClaim, status int, header, body []byte) error {
	return m.keys.FinishKey(ctx, c, status, header, body)
}

// ReleaseKey implements KeyStore.
func (m *MemoryStore) ReleaseKey(ctx context.Context, c KeyClaim) error {
	return m.keys.ReleaseKey(ctx, c)
}

// PruneKeys implements KeyStore.
func (m *MemoryStore) PruneKeys(ctx context.Context, expiredBefore time.Time, maxBytes int64) (int, error) {
	return m.keys.PruneKeys(ctx, expiredBefore, maxBytes)
}

// Store returns the engine's store, for adapters that use what else it
// offers (a KeyStore, say).
func (e *Engine) Store() Store { return e.store }
