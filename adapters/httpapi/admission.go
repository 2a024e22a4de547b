package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Defaults of the server's admission bounds.
const (
	// DefaultMaxInFlight bounds the requests served at once.
	DefaultMaxInFlight = 128
	// DefaultRequestTimeout is how long a request may work before it is
	// answered 503; below the reference server's write timeout (30 s), so
	// a slow request gets an answer rather than a cut connection.
	DefaultRequestTimeout = 20 * time.Second
	// DefaultMaxOverlapChecks bounds the 第四条 overlap checks run at once:
	// each scores the candidates the store's index finds, a heavier read
	// than any other request.
	DefaultMaxOverlapChecks = 16
	// retryAfterSeconds is the Retry-After of a 503 for load.
	retryAfterSeconds = 1
)

// overloaded is the 503 of a request refused for load, with Retry-After.
func overloaded(w http.ResponseWriter, code, zh, en string) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	writeProblem(w, newProblem(http.StatusServiceUnavailable, code, zh, en))
}

// admission bounds the requests in flight (503 + Retry-After when all
// slots are taken; the probes and /metrics are not counted) and the time
// a request may work: the handler runs with a context that ends after the
// request timeout, writing into a buffer; if it has not finished by then,
// the client gets a 503 with Retry-After at once, and whatever the handler
// writes later is dropped. The slot is held until the handler returns, so
// work cut short still counts against the bound.
func (s *Server) admission(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/v1/") {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case s.slots <- struct{}{}:
		default:
			s.metrics.rejected.WithLabelValues("in_flight").Inc()
			overloaded(w, "overloaded", "服务器繁忙，请稍后重试", "the server is busy; retry later")
			return
		}
		// The route the mux will match, for the outer middleware's labels:
		// the handler runs on a copy of the request.
		_, r.Pattern = s.mux.Handler(r)
		ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
		defer cancel()
		// What the handler tells the outer middleware goes through a
		// record of its own, read back only once it has returned.
		inner := &requestInfo{}
		ctx = context.WithValue(ctx, infoKey{}, inner)
		buf := &bufferedWriter{header: http.Header{}}
		done := make(chan any, 1)
		go func() {
			defer func() { <-s.slots }()
			defer func() { done <- recover() }()
			next.ServeHTTP(buf, r.WithContext(ctx))
		}()
		finish := func(p any) {
			if p != nil {
				panic(p)
			}
			if info := infoOf(r.Context()); info != nil {
				info.actor = inner.actor
			}
			buf.flushTo(w)
		}
		select {
		case p := <-done:
			finish(p)
		case <-ctx.Done():
			select {
			case p := <-done:
				// Finished as the deadline passed.
				finish(p)
				return
			default:
			}
			if r.Context().Err() != nil {
				// The client went away: nothing to answer.
				return
			}
			s.metrics.rejected.WithLabelValues("deadline").Inc()
			s.log.WarnContext(r.Context(), "request deadline exceeded",
				"method", r.Method, "path", r.URL.Path, "timeout", s.timeout.String())
			overloaded(w, "deadline_exceeded",
				fmt.Sprintf("请求未能在 %s 内完成，请稍后重试", s.timeout),
				fmt.Sprintf("the request could not be completed within %s; retry later", s.timeout))
		}
	})
}

// bufferedWriter keeps a handler's response until it is known to be
// sent.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// reset drops what was written, for a handler that panicked midway.
func (b *bufferedWriter) reset() {
	b.header = http.Header{}
	b.status = 0
	b.body.Reset()
}

func (b *bufferedWriter) flushTo(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range b.header {
		h[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// limitOverlaps runs f if fewer than the bound of overlap checks are
// running, and answers 503 with Retry-After otherwise.
func (s *Server) limitOverlaps(w http.ResponseWriter, f func() error) error {
	select {
	case s.overlaps <- struct{}{}:
		defer func() { <-s.overlaps }()
		return f()
	default:
		s.metrics.rejected.WithLabelValues("overlap_checks").Inc()
		overloaded(w, "overlap_checks_busy", "查重检查繁忙，请稍后重试", "overlap checks are busy; retry later")
		return nil
	}
}
