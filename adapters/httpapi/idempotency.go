package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/govit-cn/govit/lifecycle"
)

// Defaults of the idempotency keys.
const (
	// DefaultIdempotencyTTL is how long a key is kept: a retry within it
	// gets the first answer.
	DefaultIdempotencyTTL = 24 * time.Hour
	// DefaultIdempotencyBytes bounds the responses kept for replay; the
	// oldest are dropped first (an action's answer is then rebuilt from
	// the event it recorded, a refusal's key is forgotten).
	DefaultIdempotencyBytes = 64 << 20
	// maxKeptResponse is the largest response kept as it was sent; a
	// larger one that recorded an event is rebuilt from it on replay, and
	// a larger refusal is not kept.
	maxKeptResponse = 256 << 10
	// maxIdempotencyKeyLen bounds the length of a key.
	maxIdempotencyKeyLen = 255
	// pruneEvery is how often, at most, expired keys and excess bytes are
	// pruned (after a request that stored a response).
	pruneEvery = time.Minute
)

// keys is the server's use of a lifecycle.KeyStore.
type keys struct {
	store     lifecycle.KeyStore
	ttl       time.Duration
	maxBytes  int64
	lastPrune atomic.Int64 // Unix nanoseconds of the last prune
	pruning   atomic.Bool
}

func fingerprint(method, path string, body []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(method))
	h.Write([]byte{0})
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(body)
	var out [sha256.Size]byte
	copy(out[:], h.Sum(nil))
	return out
}

// replayable reports whether a response is kept for replay: successes and
// the refusals that a retry of the same request would meet again. Answers
// that depend on timing (409, 412, 428, 429) and server failures are not
// kept, so a retry runs again.
func replayable(status int) bool {
	switch status {
	case http.StatusConflict, http.StatusPreconditionFailed, http.StatusPreconditionRequired, http.StatusTooManyRequests:
		return false
	}
	return status < 500
}

// recorder passes a response through while keeping a copy of it: the
// status (as statusWriter does) and the body.
type recorder struct {
	statusWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.statusWriter.Write(b)
}

// replayHeaders are the response headers a replay repeats.
func replayHeaders() []string {
	return []string{"Content-Type", "Location", "ETag", "Cache-Control"}
}

// rebuild writes the answer of a request that recorded version of
// projectID, from the store, when its response was not kept.
type rebuild func(w http.ResponseWriter, projectID string, version int64) error

// idempotent runs a state-changing request under its Idempotency-Key, if it
// has one: a retry of the same request (same actor, key, method, path and
// body) replays the first answer, marked Idempotent-Replayed: true, from
// any instance and after any restart when the store keeps keys
// (lifecycle.KeyStore); the same key with another request is refused with
// 422 (idempotency_key_reused), and while the first request is still
// running with 409 (idempotency_key_in_flight).
//
// The append run makes is recorded with the key in the append's own
// transaction (lifecycle.WithKeyClaim): a request whose process dies after
// its commit is answered, on retry, with the answer rebuilt from the event
// it recorded, never done twice. A claim whose request stored nothing is
// taken over once its lease (twice the request timeout) has passed.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor, body []byte, again rebuild, run func(http.ResponseWriter, *http.Request) error) error {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return run(w, r)
	}
	if len(key) > maxIdempotencyKeyLen || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		return badParam("Idempotency-Key", "须是 1 至 255 个可见 ASCII 字符", "must be 1 to 255 visible ASCII characters")
	}
	fp := fingerprint(r.Method, r.URL.Path, body)
	token := rand.Text()
	now := s.clock()
	rec, claimed, err := s.keys.store.ClaimKey(r.Context(), actor.ID, key, fp[:], token, now, now.Add(2*s.timeout), now.Add(-s.keys.ttl))
	if err != nil {
		return keyStoreError(r.Context(), err)
	}
	if !claimed {
		return s.replay(w, rec, fp[:], again)
	}
	claim := lifecycle.KeyClaim{Actor: actor.ID, Key: key, Token: token}
	rw := &recorder{statusWriter: statusWriter{ResponseWriter: w}}
	if err := run(rw, r.WithContext(lifecycle.WithKeyClaim(r.Context(), claim))); err != nil {
		p, genuine := problemOf(err)
		if genuine {
			s.fail(rw, r, err, p)
		} else {
			writeProblem(rw, p)
		}
	}
	// The outcome is stored even if the client has gone: its retry wants it.
	ctx := context.WithoutCancel(r.Context())
	status := rw.status
	if status == 0 || !replayable(status) || (rw.body.Len() > maxKeptResponse && status >= 400) {
		if err := s.keys.store.ReleaseKey(ctx, claim); err != nil {
			s.log.ErrorContext(ctx, "idempotency key not released", "key", key, "error", err)
		}
		return nil
	}
	header := http.Header{}
	for _, k := range replayHeaders() {
		if v := rw.Header().Values(k); len(v) > 0 {
			header[k] = append([]string(nil), v...)
		}
	}
	hj, _ := json.Marshal(header)
	kept := rw.body.Bytes()
	if len(kept) > maxKeptResponse {
		kept = nil // rebuilt from the event on replay
	}
	if err := s.keys.store.FinishKey(ctx, claim, status, hj, kept); err != nil {
		s.log.ErrorContext(ctx, "idempotency response not stored", "key", key, "error", err)
	}
	s.maybePrune()
	return nil
}

// replay answers a request whose key is taken: with the stored answer, the
// answer rebuilt from the event the first request recorded, or a problem.
func (s *Server) replay(w http.ResponseWriter, rec lifecycle.KeyRecord, fp []byte, again rebuild) error {
	if !bytes.Equal(rec.Fingerprint, fp) {
		return newProblem(http.StatusUnprocessableEntity, "idempotency_key_reused",
			"该 Idempotency-Key 已用于另一请求（方法、路径或请求体不同），请为新请求使用新的键",
			"this Idempotency-Key was used for another request (different method, path or body); use a new key for a new request")
	}
	switch {
	case rec.Status != 0 && rec.Body != nil:
		var header http.Header
		_ = json.Unmarshal(rec.Header, &header)
		h := w.Header()
		for k, v := range header {
			h[k] = v
		}
		h.Set("Idempotent-Replayed", "true")
		w.WriteHeader(rec.Status)
		_, _ = w.Write(rec.Body)
		return nil
	case rec.ProjectID != "":
		w.Header().Set("Idempotent-Replayed", "true")
		return again(w, rec.ProjectID, rec.Version)
	}
	// The first request may still run, until its lease passes at the
	// latest.
	w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	return newProblem(http.StatusConflict, "idempotency_key_in_flight",
		"使用该 Idempotency-Key 的请求仍在处理中，请稍后重试",
		"a request with this Idempotency-Key is still being processed; retry later")
}

// maybePrune prunes expired keys and excess bytes in the background, at
// most once every pruneEvery.
func (s *Server) maybePrune() {
	now := time.Now()
	if now.UnixNano()-s.keys.lastPrune.Load() < int64(pruneEvery) || !s.keys.pruning.CompareAndSwap(false, true) {
		return
	}
	s.keys.lastPrune.Store(now.UnixNano())
	go func() {
		defer s.keys.pruning.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), pruneEvery)
		defer cancel()
		n, err := s.keys.store.PruneKeys(ctx, s.clock().Add(-s.keys.ttl), s.keys.maxBytes)
		if err != nil {
			s.log.Warn("idempotency keys not pruned", "error", err)
			return
		}
		if n > 0 {
			s.log.Debug("idempotency keys pruned", "deleted", n)
		}
	}()
}

// keyStoreError is the problem of a key store that failed: a refusal of
// the store's own (text it cannot keep) as it is, anything else a 503 —
// the store failed, or the request ran out of time — never a 500.
func keyStoreError(ctx context.Context, err error) error {
	if lifecycle.KindOf(err) != "" {
		return err
	}
	if ctx.Err() != nil {
		return &lifecycle.Error{Kind: lifecycle.KindUnavailable, Code: "context_done", Err: err,
			ZH: "请求已结束", EN: "the request has ended: " + err.Error()}
	}
	return &lifecycle.Error{Kind: lifecycle.KindUnavailable, Code: "store_failed", Err: err,
		ZH: "幂等键存储暂不可用", EN: "the idempotency key store failed: " + err.Error()}
}
