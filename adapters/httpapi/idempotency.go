package httpapi

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"net/http"
	"sync"
	"time"
)

// Defaults of the idempotency-key memory.
const (
	// DefaultIdempotencyTTL is how long a response is kept for replay.
	DefaultIdempotencyTTL = 24 * time.Hour
	// DefaultIdempotencyKeys bounds the number of keys kept; the oldest
	// are forgotten first.
	DefaultIdempotencyKeys = 10000
	// maxIdempotencyKeyLen bounds the length of a key.
	maxIdempotencyKeyLen = 255
)

// idempotency remembers, per actor and Idempotency-Key, the fingerprint of
// the request (method, path and body) and the response it got, so that a
// retry replays the response instead of acting twice. It lives in memory,
// bounded in size (oldest first out) and in age; a restart forgets it.
type idempotency struct {
	mu      sync.Mutex
	ttl     time.Duration
	max     int
	now     func() time.Time
	entries map[string]*list.Element
	order   *list.List // of *idemEntry, oldest first
}

type idemEntry struct {
	key         string
	fingerprint [sha256.Size]byte
	at          time.Time
	done        bool
	status      int
	header      http.Header
	body        []byte
}

func newIdempotency(ttl time.Duration, max int, now func() time.Time) *idempotency {
	if ttl <= 0 {
		ttl = DefaultIdempotencyTTL
	}
	if max <= 0 {
		max = DefaultIdempotencyKeys
	}
	return &idempotency{ttl: ttl, max: max, now: now, entries: map[string]*list.Element{}, order: list.New()}
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

// begin claims key for a request with fingerprint fp. It returns the
// stored response to replay, or a problem (the key is in use by a request
// still running, or was used for another request), or neither: then the
// caller runs the request and must call finish.
func (s *idempotency) begin(key string, fp [sha256.Size]byte) (*idemEntry, *Problem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expire(now)
	if el, ok := s.entries[key]; ok {
		e := el.Value.(*idemEntry)
		if e.fingerprint != fp {
			return nil, newProblem(http.StatusUnprocessableEntity, "idempotency_key_reused",
				"该 Idempotency-Key 已用于另一请求（方法、路径或请求体不同），请为新请求使用新的键",
				"this Idempotency-Key was used for another request (different method, path or body); use a new key for a new request")
		}
		if !e.done {
			return nil, newProblem(http.StatusConflict, "idempotency_key_in_flight",
				"使用该 Idempotency-Key 的请求仍在处理中，请稍后重试",
				"a request with this Idempotency-Key is still being processed; retry later")
		}
		return e, nil
	}
	s.entries[key] = s.order.PushBack(&idemEntry{key: key, fingerprint: fp, at: now})
	s.evict()
	return nil, nil
}

// finish stores the response of a claimed key, or releases the key when
// the response is not one to replay (keep is false).
func (s *idempotency) finish(key string, keep bool, status int, header http.Header, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.entries[key]
	if !ok {
		return
	}
	if !keep {
		s.order.Remove(el)
		delete(s.entries, key)
		return
	}
	e := el.Value.(*idemEntry)
	e.done, e.status, e.header, e.body = true, status, header, bytes.Clone(body)
}

// expire drops entries older than the TTL; entries are in claim order.
func (s *idempotency) expire(now time.Time) {
	for el := s.order.Front(); el != nil; {
		e := el.Value.(*idemEntry)
		if now.Sub(e.at) < s.ttl {
			return
		}
		next := el.Next()
		if e.done {
			s.order.Remove(el)
			delete(s.entries, e.key)
		}
		el = next
	}
}

// evict forgets the oldest finished entries beyond the bound. Entries of
// requests still running are kept, so the bound may be exceeded by at most
// the number of requests in flight.
func (s *idempotency) evict() {
	for el := s.order.Front(); el != nil && s.order.Len() > s.max; {
		next := el.Next()
		if e := el.Value.(*idemEntry); e.done {
			s.order.Remove(el)
			delete(s.entries, e.key)
		}
		el = next
	}
}

// len reports the number of keys held.
func (s *idempotency) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len()
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
