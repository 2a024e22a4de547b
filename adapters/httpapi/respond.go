package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/govit-cn/govit/lifecycle"
)

// writeJSON writes v as application/json with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeProblem(w, internalProblem())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// idempotent runs a state-changing request under its Idempotency-Key, if it
// has one: a retry of the same request (same actor, key, method, path and
// body) replays the response stored for the first one, marked
// Idempotent-Replayed: true; the same key with another request is refused
// with 422 (idempotency_key_reused), and while the first request is still
// running with 409 (idempotency_key_in_flight).
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor, body []byte, run func(http.ResponseWriter) error) error {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return run(w)
	}
	if len(key) > maxIdempotencyKeyLen || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		return badParam("Idempotency-Key", "须是 1 至 255 个可见 ASCII 字符", "must be 1 to 255 visible ASCII characters")
	}
	full := actor.ID + "\x00" + key
	stored, p := s.idem.begin(full, fingerprint(r.Method, r.URL.Path, body))
	if p != nil {
		return p
	}
	if stored != nil {
		h := w.Header()
		for k, v := range stored.header {
			h[k] = v
		}
		h.Set("Idempotent-Replayed", "true")
		w.WriteHeader(stored.status)
		_, _ = w.Write(stored.body)
		return nil
	}
	rec := &recorder{statusWriter: statusWriter{ResponseWriter: w}}
	keep := false
	defer func() {
		var header http.Header
		if keep {
			header = http.Header{}
			for _, k := range replayHeaders() {
				if v := rec.Header().Values(k); len(v) > 0 {
					header[k] = append([]string(nil), v...)
				}
			}
		}
		s.idem.finish(full, keep, rec.status, header, rec.body.Bytes())
	}()
	if err := run(rec); err != nil {
		p, genuine := problemOf(err)
		if genuine {
			s.fail(rec, r, err, p)
		} else {
			writeProblem(rec, p)
		}
	}
	keep = rec.status != 0 && replayable(rec.status)
	return nil
}
