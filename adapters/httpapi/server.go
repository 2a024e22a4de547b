package httpapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
)

// DefaultMaxBodyBytes is the request body limit when Config.MaxBodyBytes is
// zero: 1 MiB, far above any declaration.
const DefaultMaxBodyBytes = 1 << 20

// Config configures a Server. Engine and Auth are required.
type Config struct {
	// Engine runs the lifecycle; required.
	Engine *lifecycle.Engine
	// Auth tells who sends each /v1 request; required. See
	// NewTokenAuthenticator.
	Auth Authenticator
	// Calendar answers the calendar endpoints; calendar.China() when nil.
	// It should be the engine's calendar.
	Calendar *calendar.Calendar
	// Clock gives "now" for the defaults of as_of and overdue; time.Now
	// when nil. It should be the engine's clock.
	Clock func() time.Time
	// Logger receives one record per request (Info; Error for server
	// failures, with the stack of a panic); silent when nil.
	Logger *slog.Logger
	// Ready reports whether the server can serve (e.g. the store is
	// reachable); /readyz answers 503 when it returns an error. Nil is
	// always ready.
	Ready func(ctx context.Context) error
	// MaxBodyBytes caps request bodies (413 above it); DefaultMaxBodyBytes
	// when zero.
	MaxBodyBytes int64
	// Registry receives the server's metrics, served at /metrics; a new
	// registry of the server's own (with the Go and process collectors)
	// when nil. The process-wide default registry is never used.
	Registry *prometheus.Registry
	// Keys keeps the Idempotency-Keys; when nil, the engine's store if it
	// is a lifecycle.KeyStore (the memory and SQL stores are: keys then
	// survive restarts and are shared by every instance on the database),
	// else keys of this process alone (lifecycle.NewMemoryKeys).
	Keys lifecycle.KeyStore
	// IdempotencyTTL is how long a key is kept (a retry within it gets the
	// first answer); DefaultIdempotencyTTL when zero.
	IdempotencyTTL time.Duration
	// MaxDocumentBytes caps an uploaded document's request (413 above
	// it); the engine's document.Ingester enforces its own limit on the
	// file. Zero leaves it to the ingester.
	MaxDocumentBytes int64
	// IdempotencyBytes bounds the responses kept for replay (the oldest
	// are dropped first); DefaultIdempotencyBytes when zero.
	IdempotencyBytes int64
	// MaxInFlight bounds the /v1 requests served at once; a request over
	// it is answered 503 with Retry-After. DefaultMaxInFlight when zero.
	MaxInFlight int
	// RequestTimeout bounds the time a request works: one not finished by
	// then is answered 503 with Retry-After (and its context ends).
	// DefaultRequestTimeout when zero; keep it below the http.Server's
	// WriteTimeout, or the connection is cut first.
	RequestTimeout time.Duration
	// MaxOverlapChecks bounds the overlap checks (第四条) run at once;
	// DefaultMaxOverlapChecks when zero.
	MaxOverlapChecks int
}

// Server is the REST API over a lifecycle.Engine. It is an http.Handler;
// it holds no global state, so several may run in one process.
type Server struct {
	engine  *lifecycle.Engine
	auth    Authenticator
	cal     *calendar.Calendar
	clock   func() time.Time
	log     *slog.Logger
	ready   func(ctx context.Context) error
	maxBody int64
	// maxDocument caps a document upload's request.
	maxDocument int64
	metrics     *metrics
	keys        *keys
	slots       chan struct{}
	overlaps    chan struct{}
	timeout     time.Duration
	mux         *http.ServeMux
	handler     http.Handler
	patterns    []string
}

// New builds a Server from cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil {
		return nil, errors.New("httpapi: Config.Engine is required")
	}
	if cfg.Auth == nil {
		return nil, errors.New("httpapi: Config.Auth is required")
	}
	if cfg.MaxBodyBytes < 0 || cfg.MaxInFlight < 0 || cfg.RequestTimeout < 0 || cfg.MaxOverlapChecks < 0 {
		return nil, errors.New("httpapi: Config.MaxBodyBytes, MaxInFlight, RequestTimeout and MaxOverlapChecks must not be negative")
	}
	s := &Server{
		engine:      cfg.Engine,
		auth:        cfg.Auth,
		cal:         cfg.Calendar,
		clock:       cfg.Clock,
		log:         cfg.Logger,
		ready:       cfg.Ready,
		maxBody:     cfg.MaxBodyBytes,
		maxDocument: cfg.MaxDocumentBytes,
	}
	if s.cal == nil {
		s.cal = calendar.China()
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxBody == 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	m, err := newMetrics(cfg.Registry)
	if err != nil {
		return nil, fmt.Errorf("httpapi: metrics: %w", err)
	}
	s.metrics = m
	ks := cfg.Keys
	if ks == nil {
		if k, ok := cfg.Engine.Store().(lifecycle.KeyStore); ok {
			ks = k
		} else {
			ks = lifecycle.NewMemoryKeys()
		}
	}
	s.keys = &keys{store: ks, ttl: cmp.Or(cfg.IdempotencyTTL, DefaultIdempotencyTTL), maxBytes: cmp.Or(cfg.IdempotencyBytes, DefaultIdempotencyBytes)}
	s.slots = make(chan struct{}, cmp.Or(cfg.MaxInFlight, DefaultMaxInFlight))
	s.overlaps = make(chan struct{}, cmp.Or(cfg.MaxOverlapChecks, DefaultMaxOverlapChecks))
	s.timeout = cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout)
	s.mux = http.NewServeMux()
	s.register()
	s.handler = s.observe(s.admission(s.recover(s.mux)))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// route is one endpoint: method, path pattern (net/http ServeMux syntax)
// and whether it needs an authenticated actor.
type route struct {
	method, path string
	authed       bool
	handle       func(w http.ResponseWriter, r *http.Request, a lifecycle.Actor) error
}

// routes is the table of endpoints; the OpenAPI document describes exactly
// these (a test holds them to it).
func (s *Server) routes() []route {
	return append([]route{
		{http.MethodGet, "/openapi.json", false, s.getOpenAPI},
		{http.MethodGet, "/healthz", false, s.getHealth},
		{http.MethodGet, "/readyz", false, s.getReady},
		{http.MethodGet, "/metrics", false, s.getMetrics},
		{http.MethodPost, "/v1/projects", true, s.postProject},
		{http.MethodGet, "/v1/projects", true, s.listProjects},
		{http.MethodGet, "/v1/projects/{id}", true, s.getProject},
		{http.MethodPost, "/v1/projects/{id}/actions/{action}", true, s.postAction},
		{http.MethodGet, "/v1/projects/{id}/events", true, s.getEvents},
		{http.MethodGet, "/v1/projects/{id}/obligations", true, s.getProjectObligations},
		{http.MethodGet, "/v1/obligations", true, s.listObligations},
		{http.MethodPost, "/v1/changes/assess", true, s.postAssess},
		{http.MethodPost, "/v1/declarations/overlaps", true, s.postOverlaps},
		{http.MethodGet, "/v1/calendar/deadline", true, s.getDeadline},
		{http.MethodGet, "/v1/calendar/days/{date}", true, s.getDay},
		{http.MethodGet, "/v1/rulebook", true, s.getRulebook},
	}, s.documentRoutes()...)
}

// register adds every route to the mux, a 405 answer for the other
// methods of each path, and a 404 problem for any other path.
func (s *Server) register() {
	allowed := map[string][]string{}
	var paths []string
	for _, rt := range s.routes() {
		pattern := rt.method + " " + rt.path
		s.mux.Handle(pattern, s.endpoint(rt))
		s.patterns = append(s.patterns, pattern)
		if _, seen := allowed[rt.path]; !seen {
			paths = append(paths, rt.path)
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
		if rt.method == http.MethodGet {
			allowed[rt.path] = append(allowed[rt.path], http.MethodHead)
		}
	}
	for _, p := range paths {
		allow := strings.Join(allowed[p], ", ")
		s.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeProblem(w, newProblem(http.StatusMethodNotAllowed, "method_not_allowed",
				fmt.Sprintf("%s 不支持方法 %s（允许：%s）", p, r.Method, allow),
				fmt.Sprintf("%s does not support method %s (allowed: %s)", p, r.Method, allow)))
		})
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, newProblem(http.StatusNotFound, "route_not_found",
			"没有这个接口："+r.URL.Path, "no such endpoint: "+r.URL.Path))
	})
}

// Patterns lists the "METHOD /path" patterns of the endpoints the server
// serves, in the order of the package documentation.
func (s *Server) Patterns() []string { return slices.Clone(s.patterns) }

// endpoint wraps a route's handler: authentication for /v1, and the
// translation of a returned error into a problem response.
func (s *Server) endpoint(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		var actor lifecycle.Actor
		if rt.authed {
			a, err := s.auth.Authenticate(r)
			if err != nil {
				if errors.Is(err, ErrUnauthenticated) {
					w.Header().Set("WWW-Authenticate", `Bearer realm="govit"`)
					writeProblem(w, newProblem(http.StatusUnauthorized, "unauthenticated",
						"缺少或无效的身份凭证：请在 Authorization 头中提供 Bearer 令牌",
						"missing or invalid credentials: send Authorization: Bearer <token>"))
					return
				}
				s.fail(w, r, err, newProblem(http.StatusServiceUnavailable, "authentication_unavailable",
					"身份认证服务暂不可用，请稍后重试", "the authentication service is unavailable; retry later"))
				return
			}
			actor = a
			if info := infoOf(r.Context()); info != nil {
				info.actor = a.ID
			}
		}
		if err := rt.handle(w, r, actor); err != nil {
			p, genuine := problemOf(err)
			if genuine {
				s.fail(w, r, err, p)
				return
			}
			writeProblem(w, p)
		}
	})
}

// fail logs a server-side failure and answers with its problem. A request
// the client gave up on (its context ended) is not a server failure and
// is logged at debug level.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error, p *Problem) {
	level := slog.LevelError
	if r.Context().Err() != nil {
		level = slog.LevelDebug
	}
	s.log.Log(r.Context(), level, "request failed",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
	writeProblem(w, p)
}

// requestInfo carries what the outer middleware logs and counts but only
// an inner handler knows.
type requestInfo struct {
	actor string
}

type infoKey struct{}

func infoOf(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(infoKey{}).(*requestInfo)
	return info
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe counts, times and logs every request, labelled by the route
// pattern the mux matched.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.metrics.inFlight.Inc()
		defer s.metrics.inFlight.Dec()
		info := &requestInfo{}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := r.Pattern
		if route == "" || !slices.Contains(s.patterns, route) {
			route = "other"
		}
		s.metrics.observe(route, r.Method, sw.status, elapsed)
		level := slog.LevelInfo
		if sw.status >= 500 && r.Context().Err() == nil {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("route", route), slog.Int("status", sw.status),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000), slog.String("actor", info.actor))
	})
}

// recover turns a panic into a logged 500 problem.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, _ := w.(*statusWriter)
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic serving request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			if bw, ok := w.(*bufferedWriter); ok {
				// Nothing has been sent: drop what was written.
				bw.reset()
			} else if sw != nil && sw.status != 0 {
				// The response has begun; all that is left is to cut it.
				panic(http.ErrAbortHandler)
			}
			writeProblem(w, internalProblem())
		}()
		next.ServeHTTP(w, r)
	})
}
