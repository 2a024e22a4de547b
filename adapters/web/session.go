package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/lifecycle"
)

// Cookie and form names.
const (
	sessionCookie = "govit_session"
	// loginCookie carries the CSRF token of the sign-in form, before there
	// is a session (double submit).
	loginCookie = "govit_login"
	langCookie  = "govit_lang"
	csrfField   = "_csrf"
)

// session is one signed-in actor. Its ID is the cookie's secret value; the
// CSRF token is a second secret, sent only in forms.
type session struct {
	id      string
	csrf    string
	actor   lifecycle.Actor
	created time.Time
	seen    time.Time
}

// checkCSRF compares a submitted token with the session's in constant time.
func (s *session) checkCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.csrf)) == 1
}

// sessions are kept in memory, keyed by the SHA-256 of their ID, so a
// session ends when the server restarts.
type sessions struct {
	mu     sync.Mutex
	byHash map[[32]byte]*session
	idle   time.Duration
	maxAge time.Duration
	now    func() time.Time
	swept  time.Time
}

func newSessions(idle, maxAge time.Duration, now func() time.Time) *sessions {
	return &sessions{byHash: map[[32]byte]*session{}, idle: idle, maxAge: maxAge, now: now}
}

// create starts a session for actor.
func (ss *sessions) create(actor lifecycle.Actor) *session {
	now := ss.now()
	s := &session{id: rand.Text() + rand.Text(), csrf: rand.Text(), actor: actor, created: now, seen: now}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.sweep(now)
	ss.byHash[sha256.Sum256([]byte(s.id))] = s
	return s
}

// get returns the live session with the ID, touching it, or nil.
func (ss *sessions) get(id string) *session {
	if id == "" {
		return nil
	}
	h := sha256.Sum256([]byte(id))
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.byHash[h]
	if !ok {
		return nil
	}
	if ss.expired(s, now) {
		delete(ss.byHash, h)
		return nil
	}
	s.seen = now
	return s
}

// end removes the session with the ID.
func (ss *sessions) end(id string) {
	h := sha256.Sum256([]byte(id))
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byHash, h)
}

func (ss *sessions) expired(s *session, now time.Time) bool {
	return now.Sub(s.seen) >= ss.idle || now.Sub(s.created) >= ss.maxAge
}

// sweep drops expired sessions, at most once a minute.
func (ss *sessions) sweep(now time.Time) {
	if now.Sub(ss.swept) < time.Minute {
		return
	}
	ss.swept = now
	for h, s := range ss.byHash {
		if ss.expired(s, now) {
			delete(ss.byHash, h)
		}
	}
}

// sessionID is the session cookie's value, or "".
func sessionID(r *http.Request) string {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return ck.Value
}

// loginPage shows the sign-in form with a fresh double-submit token.
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	if c.sessions.get(sessionID(r)) != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next"), "/todo"), http.StatusSeeOther)
		return
	}
	c.showLogin(w, r, http.StatusOK, "")
}

func (c *Console) showLogin(w http.ResponseWriter, r *http.Request, status int, errKey string) {
	token := rand.Text()
	http.SetCookie(w, &http.Cookie{
		Name: loginCookie, Value: token, Path: "/login", MaxAge: 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secureRequest(r),
	})
	p := c.newPage(r, nil, "signin")
	p.CSRF = token
	p.Next = localPath(r.FormValue("next"), "")
	if errKey != "" {
		p.Message = p.T(errKey)
	}
	c.render(w, status, "login", p)
}

// loginPost checks the token with the API's Authenticator and starts a
// session.
func (c *Console) loginPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		c.showLogin(w, r, http.StatusBadRequest, msgBadForm)
		return
	}
	ck, err := r.Cookie(loginCookie)
	form := r.PostForm.Get(csrfField)
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(form)) != 1 {
		c.showLogin(w, r, http.StatusForbidden, msgCSRF)
		return
	}
	token := strings.TrimSpace(r.PostForm.Get("token"))
	if token == "" || len(token) > 512 {
		c.showLogin(w, r, http.StatusUnauthorized, msgBadToken)
		return
	}
	probe, err := http.NewRequestWithContext(r.Context(), http.MethodGet, "/v1/", nil)
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	probe.Header.Set("Authorization", "Bearer "+token)
	actor, err := c.auth.Authenticate(probe)
	if errors.Is(err, httpapi.ErrUnauthenticated) {
		c.showLogin(w, r, http.StatusUnauthorized, msgBadToken)
		return
	}
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	if old := sessionID(r); old != "" {
		c.sessions.end(old)
	}
	s := c.sessions.create(actor)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: s.id, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secureRequest(r),
	})
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/login", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secureRequest(r)})
	c.log.Info("web console: signed in", "actor", actor.ID)
	http.Redirect(w, r, localPath(r.PostForm.Get("next"), "/todo"), http.StatusSeeOther)
}

// logout ends the session.
func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) {
	c.sessions.end(s.id)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secureRequest(r)})
	http.Redirect(w, r, "/login?out=1", http.StatusSeeOther)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
