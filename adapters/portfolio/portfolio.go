// Package portfolio serves the endpoints of the portfolio over HTTP, next
// to those of adapters/httpapi and in its format (bearer tokens, problem
// responses with zh and en, unknown query parameters refused):
//
//	GET  /v1/stats                          figures by state, money by funding source, duties, approval times
//	                                        (?budget_year=&unit=&kind=&format=json|csv|xlsx)
//	GET  /v1/exports/projects               the project list as CSV or XLSX (?unit=&state=&kind=&format=csv|xlsx)
//	GET  /v1/projects/{id}/declaration-form the declaration form of 附件1 as XLSX, laid out like the paper form
//	GET  /v1/projects/{id}/audit            events with chain hashes and the chain's verification (?format=json|xlsx)
//	GET  /v1/events                         the durable event feed (?after=CURSOR&limit=N&wait=30s)
//	POST /v1/webhooks                       register a URL and a secret for the caller's events
//	GET  /v1/webhooks/{id}/deliveries       the deliveries of a webhook (?after=&limit=)
//
// Every endpoint shows the caller what it may see: a unit its own
// projects, a bureau every project. Mount a Handler beside an
// httpapi.Server with Register.
package portfolio

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/adapters/webhook"
	"github.com/govit-cn/govit/lifecycle"
)

// Config configures a Handler. Engine and Auth are required.
type Config struct {
	Engine *lifecycle.Engine
	Auth   httpapi.Authenticator
	// Webhooks keeps webhooks and their deliveries; nil answers the
	// webhook endpoints with 501.
	Webhooks webhook.Store
	// WebhookHosts are the hosts a webhook may be registered for; empty
	// refuses every registration.
	WebhookHosts webhook.Hosts
	// Clock gives the time; time.Now when nil.
	Clock func() time.Time
	// Logger receives failures; silent when nil.
	Logger *slog.Logger
	// NewID makes webhook IDs; 16 random bytes in hex when nil.
	NewID func() string
}

// Handler serves the portfolio endpoints.
type Handler struct {
	cfg    Config
	mux    *http.ServeMux
	routes []route
}

type route struct {
	pattern string
	handle  func(w http.ResponseWriter, r *http.Request, a lifecycle.Actor) error
}

// New builds a Handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Engine == nil || cfg.Auth == nil {
		return nil, errors.New("portfolio: Config.Engine and Config.Auth are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.NewID == nil {
		cfg.NewID = func() string {
			var b [16]byte
			_, _ = rand.Read(b[:])
			return hex.EncodeToString(b[:])
		}
	}
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	h.routes = []route{
		{"GET /v1/stats", h.getStats},
		{"GET /v1/exports/projects", h.exportProjects},
		{"GET /v1/projects/{id}/declaration-form", h.getForm},
		{"GET /v1/projects/{id}/audit", h.getAudit},
		{"GET /v1/events", h.getEvents},
		{"POST /v1/webhooks", h.postWebhook},
		{"GET /v1/webhooks/{id}/deliveries", h.getDeliveries},
	}
	for _, rt := range h.routes {
		h.mux.Handle(rt.pattern, h.endpoint(rt))
	}
	return h, nil
}

// Patterns lists the "METHOD /path" patterns the handler serves.
func (h *Handler) Patterns() []string {
	out := make([]string, len(h.routes))
	for i, rt := range h.routes {
		out[i] = rt.pattern
	}
	return slices.Clone(out)
}

// Register adds the handler's patterns to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	for _, p := range h.Patterns() {
		mux.Handle(p, h)
	}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) endpoint(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		actor, err := h.cfg.Auth.Authenticate(r)
		if err != nil {
			if errors.Is(err, httpapi.ErrUnauthenticated) {
				httpapi.WriteError(w, httpapi.Unauthenticated(w))
				return
			}
			h.fail(r, err)
			httpapi.WriteError(w, httpapi.NewProblem(http.StatusServiceUnavailable, "authentication_unavailable",
				"身份认证服务暂不可用，请稍后重试", "the authentication service is unavailable; retry later"))
			return
		}
		if err := rt.handle(w, r, actor); err != nil {
			if started(w) {
				// The body has begun: all that is left is to cut it.
				h.fail(r, err)
				panic(http.ErrAbortHandler)
			}
			if httpapi.WriteError(w, err) {
				h.fail(r, err)
			}
		}
	})
}

func (h *Handler) fail(r *http.Request, err error) {
	level := slog.LevelError
	if r.Context().Err() != nil {
		level = slog.LevelDebug
	}
	h.cfg.Logger.Log(r.Context(), level, "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
}

// started reports whether a streamed response has begun; handlers that
// stream set the header "Content-Disposition" just before their first
// byte.
func started(w http.ResponseWriter) bool { return w.Header().Get("Content-Disposition") != "" }

// extendWrite lifts the server's write timeout for a response that takes
// long by design (a long poll, a large export).
func extendWrite(w http.ResponseWriter, d time.Duration) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d))
}

func notImplemented(what string) error {
	return httpapi.NewProblem(http.StatusNotImplemented, "not_supported",
		"当前存储不支持"+what, "the store does not support "+what)
}
