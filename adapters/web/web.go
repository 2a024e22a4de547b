package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Default session lifetimes.
const (
	// DefaultIdleTimeout ends a session unused for this long.
	DefaultIdleTimeout = 30 * time.Minute
	// DefaultMaxAge ends a session this long after sign-in, used or not.
	DefaultMaxAge = 8 * time.Hour
)

// Config configures a Console. Engine and Auth are required.
type Config struct {
	// Engine runs the lifecycle; every read and action goes through it.
	Engine *lifecycle.Engine
	// Auth checks the token given at sign-in, as the API checks a bearer
	// token: the console builds a request carrying it.
	Auth httpapi.Authenticator
	// Calendar counts working days; calendar.China() when nil. It should be
	// the engine's calendar.
	Calendar *calendar.Calendar
	// Clock gives "now"; time.Now when nil. It should be the engine's clock.
	Clock func() time.Time
	// Logger receives failures; silent when nil.
	Logger *slog.Logger
	// Verify checks a project's hash chain, for the timeline: ok, and a
	// one-line detail when it breaks. Nil shows that the store offers no
	// verification.
	Verify func(ctx context.Context, projectID string) (ok bool, detail string, err error)
	// VerifyAfter, when set, is used in place of Verify: it checks a
	// project's chain from a point an earlier check found good (from the
	// zero ChainPoint: the whole chain) and returns the point it reached.
	// The page checks the whole chain on a project's first view and again
	// once VerifyEvery has passed since the last whole check; a newer
	// version in between is checked from the last point reached, reading
	// only the events after it (a clerk reloading after an action does not
	// pay for the whole history again). An edit to an event before that
	// point that leaves its stored hash alone is therefore shown at the
	// next whole check, within VerifyEvery, not at once.
	VerifyAfter func(ctx context.Context, projectID string, from ChainPoint) (ok bool, detail string, to ChainPoint, err error)
	// VerifyEvery is how long the verification of a project's chain at a
	// version is trusted before the page verifies it again, and how long a
	// whole check of the chain stands for VerifyAfter's checks from a
	// point; one minute when zero, a whole check on every view when
	// negative. Verifying reads the whole history, so a project with a long
	// one would otherwise cost that on every view.
	VerifyEvery time.Duration
	// VerifyInline is the longest history, in versions, whose chain a
	// page verifies from the start before it is sent (DefaultVerifyInline
	// when zero; every history when negative). A longer one, with no
	// verification the page may reuse, is verified in the background: the
	// page says the check is under way and a later view shows its result,
	// so that the first view of a project with thousands of events does
	// not wait for its whole chain to be read.
	VerifyInline int64
	// SecureCookies marks the session cookie Secure even on a plain HTTP
	// request (behind a TLS-terminating proxy). A request over TLS always
	// gets a Secure cookie.
	SecureCookies bool
	// IdleTimeout and MaxAge bound a session; DefaultIdleTimeout and
	// DefaultMaxAge when zero.
	IdleTimeout, MaxAge time.Duration
}

// Console is the web console, an http.Handler. Mount it at "/" next to the
// API's "/v1/": it answers its own paths and 404 for the rest.
type Console struct {
	engine   *lifecycle.Engine
	auth     httpapi.Authenticator
	cal      *calendar.Calendar
	clock    func() time.Time
	log      *slog.Logger
	verify   func(ctx context.Context, projectID string) (bool, string, error)
	after    func(ctx context.Context, projectID string, from ChainPoint) (bool, string, ChainPoint, error)
	verified *verifyCache
	// inline is Config.VerifyInline; verifying holds the projects whose
	// chain is being verified in the background.
	inline    int64
	verifying sync.Map
	work      *workCache
	secure    bool
	sessions  *sessions
	tmpl      map[string]*template.Template
	static    http.Handler
	mux       *http.ServeMux
	handler   http.Handler
}

// New builds a Console from cfg.
func New(cfg Config) (*Console, error) {
	if cfg.Engine == nil {
		return nil, errors.New("web: Config.Engine is required")
	}
	if cfg.Auth == nil {
		return nil, errors.New("web: Config.Auth is required")
	}
	c := &Console{
		engine: cfg.Engine,
		auth:   cfg.Auth,
		cal:    cfg.Calendar,
		clock:  cfg.Clock,
		log:    cfg.Logger,
		verify: cfg.Verify,
		after:  cfg.VerifyAfter,
		secure: cfg.SecureCookies,
	}
	if c.cal == nil {
		c.cal = calendar.China()
	}
	if c.clock == nil {
		c.clock = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	idle, maxAge := cfg.IdleTimeout, cfg.MaxAge
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	c.sessions = newSessions(idle, maxAge, c.clock)
	every := cfg.VerifyEvery
	if every == 0 {
		every = time.Minute
	}
	c.verified = newVerifyCache(every)
	c.inline = cfg.VerifyInline
	if c.inline == 0 {
		c.inline = DefaultVerifyInline
	}
	c.work = newWorkCache()
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	c.tmpl = tmpl
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	c.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	c.mux = http.NewServeMux()
	c.routes()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "跨站请求被拒绝 / cross-origin request refused", http.StatusForbidden)
	}))
	c.handler = securityHeaders(cop.Handler(c.mux))
	return c, nil
}

// ServeHTTP implements http.Handler.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.handler.ServeHTTP(w, r) }

// Paths lists the path patterns the console answers, for a server that
// mounts it beside other handlers.
func (c *Console) routes() {
	c.mux.HandleFunc("GET /{$}", c.home)
	c.mux.HandleFunc("GET /login", c.loginPage)
	c.mux.HandleFunc("POST /login", c.loginPost)
	c.mux.HandleFunc("POST /logout", c.signedIn(c.logout))
	c.mux.HandleFunc("GET /lang", c.setLang)
	c.mux.HandleFunc("GET /todo", c.signedIn(c.todo))
	c.mux.HandleFunc("GET /projects", c.signedIn(c.list))
	c.mux.HandleFunc("GET /projects/{id}", c.signedIn(c.project))
	c.mux.HandleFunc("POST /projects/{id}/actions/{action}", c.signedIn(c.act))
	c.mux.HandleFunc("GET /projects/{id}/records", c.signedIn(c.records))
	c.mux.HandleFunc("GET /declare", c.signedIn(c.declarePage))
	c.mux.HandleFunc("POST /declare", c.signedIn(c.declarePost))
	c.mux.HandleFunc("GET /deadline", c.signedIn(c.deadline))
	c.mux.HandleFunc("GET /dashboard", c.signedIn(c.dashboard))
	c.mux.Handle("GET /static/", c.static)
	c.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c.notFound(w, r)
	})
}

// contentSecurityPolicy allows the console's own script, style and images
// and nothing else: no inline script, no other origin, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "public, max-age=3600")
		} else {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// handlerFunc is a handler for a signed-in actor.
type handlerFunc func(w http.ResponseWriter, r *http.Request, s *session)

// signedIn runs h with the request's session, or sends the browser to the
// sign-in page. A POST must carry the session's CSRF token.
func (c *Console) signedIn(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := c.sessions.get(sessionID(r))
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.renderError(w, r, nil, http.StatusUnauthorized, msgSessionExpired)
			return
		}
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil {
				c.renderError(w, r, s, http.StatusBadRequest, msgBadForm)
				return
			}
			if !s.checkCSRF(r.PostForm.Get(csrfField)) {
				c.renderError(w, r, s, http.StatusForbidden, msgCSRF)
				return
			}
		}
		h(w, r, s)
	}
}

// home sends a signed-in actor to the to-do list, others to sign in.
func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	if c.sessions.get(sessionID(r)) != nil {
		http.Redirect(w, r, "/todo", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setLang switches the language (a cookie) and goes back where it came from.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) {
	lang := langZH
	if r.URL.Query().Get("to") == langEN {
		lang = langEN
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secureRequest(r),
	})
	http.Redirect(w, r, localPath(r.URL.Query().Get("back"), "/"), http.StatusSeeOther)
}

// localPath returns p when it is a path of this site ("/…" but not "//…"
// or "/\…"), else def: redirects never leave the console.
func localPath(p, def string) string {
	if len(p) == 0 || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		strings.ContainsAny(p, "\r\n") {
		return def
	}
	return p
}

// secureRequest reports whether cookies of this request are to be Secure.
func (c *Console) secureRequest(r *http.Request) bool { return c.secure || r.TLS != nil }

// fail logs an unexpected error and shows a generic page.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	if k := lifecycle.KindOf(err); k == lifecycle.KindNotFound {
		c.notFound(w, r)
		return
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	c.log.ErrorContext(r.Context(), "web console", "path", r.URL.Path, "err", err)
	c.renderError(w, r, s, http.StatusServiceUnavailable, msgUnavailable)
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	c.renderError(w, r, c.sessions.get(sessionID(r)), http.StatusNotFound, msgNotFound)
}

// renderError shows a page with one message.
func (c *Console) renderError(w http.ResponseWriter, r *http.Request, s *session, status int, key string) {
	p := c.newPage(r, s, key)
	p.Message = p.T(key)
	c.render(w, status, "error", p)
}

// render executes a page template into a buffer, so that a failure sends
// an error page rather than half a page.
func (c *Console) render(w http.ResponseWriter, status int, name string, p *page) {
	t, ok := c.tmpl[name]
	if !ok {
		panic(fmt.Sprintf("web: no template %q", name))
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		c.log.Error("web console: rendering", "template", name, "err", err)
		http.Error(w, text(p.Lang, msgUnavailable), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
