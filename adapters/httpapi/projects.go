package httpapi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// projectJSON is a project with the actions the caller may take on it now.
type projectJSON struct {
	Project   *lifecycle.Project `json:"project"`
	Permitted []lifecycle.Action `json:"permitted"`
}

// actionJSON is the answer to an action: the project after it, the event
// recorded and the actions the caller may take next.
type actionJSON struct {
	Project   *lifecycle.Project `json:"project"`
	Event     lifecycle.Event    `json:"event"`
	Permitted []lifecycle.Action `json:"permitted"`
}

// etag is the strong entity tag of a project version: "v<version>".
func etag(version int64) string {
	return `"v` + strconv.FormatInt(version, 10) + `"`
}

// matchETag reports whether an If-Match or If-None-Match header value
// (a list of entity tags, or *) matches version, comparing strongly for
// If-Match (weak tags never match) and weakly for If-None-Match.
func matchETag(header string, version int64, weak bool) bool {
	want := etag(version)
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		if w, ok := strings.CutPrefix(t, "W/"); ok {
			if !weak {
				continue
			}
			t = w
		}
		if t == want {
			return true
		}
	}
	return false
}

// ifMatchVersion reads an If-Match of one strong tag of ours ("v<n>") as
// version n, and * as any version; ok is false for anything else (a list,
// a weak tag, another tag), which is matched by matchETag.
func ifMatchVersion(header string) (int64, bool) {
	t := strings.TrimSpace(header)
	if t == "*" {
		return lifecycle.AnyVersion, true
	}
	n, ok := strings.CutPrefix(t, `"v`)
	if !ok {
		return 0, false
	}
	n, ok = strings.CutSuffix(n, `"`)
	if !ok || n == "" || n[0] < '1' || n[0] > '9' {
		return 0, false
	}
	v, err := strconv.ParseInt(n, 10, 64)
	return v, err == nil
}

// preconditionFailed is the 412 of an If-Match that is not the project's
// current ETag.
func preconditionFailed(ifMatch string, current int64) *Problem {
	return newProblem(http.StatusPreconditionFailed, "precondition_failed",
		fmt.Sprintf("项目已被修改：If-Match 为 %s，当前 ETag 为 %s；请重新读取项目后再操作", ifMatch, etag(current)),
		fmt.Sprintf("the project has changed: If-Match is %s, the current ETag is %s; read the project again and retry", ifMatch, etag(current)))
}

// permitted lists the actions actor may take on p now, never nil.
func (s *Server) permitted(p *lifecycle.Project, actor lifecycle.Actor) []lifecycle.Action {
	out := lifecycle.Permitted(s.engine.RulebookOf(p), p, actor)
	if out == nil {
		out = []lifecycle.Action{}
	}
	return out
}

// projectLocation is the URL path of a project.
func projectLocation(id string) string {
	return "/v1/projects/" + id
}

// readDeclaration reads a request carrying a declaration (附件1) as its
// body and no query: the body as sent, and the declaration decoded from it
// with every unknown member named.
func (s *Server) readDeclaration(w http.ResponseWriter, r *http.Request) ([]byte, review.Declaration, error) {
	var d review.Declaration
	if p := checkQuery(r); p != nil {
		return nil, d, p
	}
	body, err := readBody(w, r, s.maxBody)
	if err != nil {
		return nil, d, err
	}
	if p := readJSON(body, &d); p != nil {
		return nil, d, p
	}
	return body, d, nil
}

// postProject declares a new project: POST /v1/projects.
func (s *Server) postProject(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	body, d, err := s.readDeclaration(w, r)
	if err != nil {
		return err
	}
	if d.ID != "" {
		// The server assigns project IDs; an ID sent would name some
		// other project (and hide it from the 第四条 comparison).
		p := newProblem(http.StatusBadRequest, "id_assigned_by_server",
			"项目编号由服务器分配，申报表中不能填写 id", "the server assigns project IDs: a declaration may not carry an id")
		p.Errors = []FieldError{memberError("id", "id_assigned_by_server", p.ZH, p.EN)}
		return p
	}
	created := func(w http.ResponseWriter, p *lifecycle.Project) {
		h := w.Header()
		h.Set("Location", projectLocation(p.ID))
		h.Set("ETag", etag(p.Version))
		writeJSON(w, http.StatusCreated, projectJSON{Project: p, Permitted: s.permitted(p, actor)})
	}
	again := func(w http.ResponseWriter, id string, version int64) error {
		p, _, err := s.projectAt(r.Context(), actor, id, version)
		if err != nil {
			return err
		}
		created(w, p)
		return nil
	}
	return s.idempotent(w, r, actor, body, again, func(w http.ResponseWriter, r *http.Request) error {
		p, _, err := s.engine.Declare(r.Context(), actor, d)
		if err != nil {
			return err
		}
		created(w, p)
		return nil
	})
}

// projectAt is the project as it was at version, folded from its
// history, and the event of that version: the answer of the request that
// recorded it, rebuilt for a retry whose first answer was not kept.
func (s *Server) projectAt(ctx context.Context, actor lifecycle.Actor, id string, version int64) (*lifecycle.Project, lifecycle.Event, error) {
	evs, err := s.engine.Events(ctx, actor, id)
	if err != nil {
		return nil, lifecycle.Event{}, err
	}
	if version < 1 || version > int64(len(evs)) {
		return nil, lifecycle.Event{}, lifecycle.CorruptError(id, version, fmt.Errorf("an idempotency key names version %d of %d", version, len(evs)))
	}
	p, err := lifecycle.Replay(evs[:version])
	if err != nil {
		return nil, lifecycle.Event{}, lifecycle.CorruptError(id, version, err)
	}
	return p, evs[version-1], nil
}

// overlapListJSON is the answer to an overlap check: the findings, never
// null.
type overlapListJSON struct {
	Findings []review.Finding `json:"findings"`
}

// postOverlaps lists the existing projects the caller may see that a
// declaration may duplicate (第四条 避免重复投资、重复建设), recording
// nothing: POST /v1/declarations/overlaps. The body is read as the body of
// POST /v1/projects. The findings are warnings for the reviewer, never a
// refusal; a unit's declaration is compared with its own projects, a
// bureau's with every unit's.
func (s *Server) postOverlaps(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	_, d, err := s.readDeclaration(w, r)
	if err != nil {
		return err
	}
	return s.limitOverlaps(w, func() error {
		fs, err := s.engine.Overlaps(r.Context(), actor, d)
		if err != nil {
			return err
		}
		if fs == nil {
			fs = []review.Finding{}
		}
		writeJSON(w, http.StatusOK, overlapListJSON{Findings: fs})
		return nil
	})
}

// getProject reads a project: GET /v1/projects/{id}.
func (s *Server) getProject(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := checkQuery(r); p != nil {
		return p
	}
	p, err := s.engine.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(p.Version))
	w.Header().Set("Cache-Control", "private, no-cache")
	if inm := r.Header.Get("If-None-Match"); inm != "" && matchETag(inm, p.Version, true) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, http.StatusOK, projectJSON{Project: p, Permitted: s.permitted(p, actor)})
	return nil
}

// postAction takes an action on a project:
// POST /v1/projects/{id}/actions/{action}, with If-Match.
func (s *Server) postAction(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	name := r.PathValue("action")
	label := name
	if !slices.Contains(lifecycle.Actions(), lifecycle.Action(name)) {
		label = "unknown"
	}
	rec := &statusWriter{ResponseWriter: w}
	err := s.action(rec, r, actor, lifecycle.Action(name))
	status := rec.status
	if err != nil {
		p, _ := problemOf(err)
		status = p.Status
	}
	s.metrics.action(label, outcomeOf(status))
	return err
}

func (s *Server) action(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor, action lifecycle.Action) error {
	if p := checkQuery(r); p != nil {
		return p
	}
	if !slices.Contains(lifecycle.Actions(), action) {
		p := newProblem(http.StatusBadRequest, "unknown_action",
			fmt.Sprintf("未知的操作“%s”", action), fmt.Sprintf("unknown action %q", string(action)))
		p.Errors = []FieldError{{Field: "action", Code: "unknown_action", ZH: p.ZH, EN: p.EN}}
		return p
	}
	id := r.PathValue("id")
	body, err := readBody(w, r, s.maxBody)
	if err != nil {
		return err
	}
	again := func(w http.ResponseWriter, id string, version int64) error {
		p, ev, err := s.projectAt(r.Context(), actor, id, version)
		if err != nil {
			return err
		}
		w.Header().Set("ETag", etag(p.Version))
		writeJSON(w, http.StatusOK, actionJSON{Project: p, Event: ev, Permitted: s.permitted(p, actor)})
		return nil
	}
	return s.idempotent(w, r, actor, body, again, func(w http.ResponseWriter, r *http.Request) error {
		ifMatch := r.Header.Get("If-Match")
		if ifMatch == "" {
			return newProblem(http.StatusPreconditionRequired, "precondition_required",
				"请在 If-Match 头中提供项目的 ETag（读取项目时返回），以免覆盖他人的修改",
				"send the project's ETag (returned when you read it) in If-Match, so that no one's change is overwritten")
		}
		// One strong tag (or *) is the expected version itself: the
		// engine checks it against the version it reads, before it
		// decides. Another list is matched against the version alone, one
		// row of the projection.
		expected, ok := ifMatchVersion(ifMatch)
		if !ok {
			cur, err := s.engine.Version(r.Context(), actor, id)
			if err != nil {
				return err
			}
			if !matchETag(ifMatch, cur, false) {
				return preconditionFailed(ifMatch, cur)
			}
			expected = cur
		}
		// The engine reads the payload strictly once the actor's roles
		// and the project's state allow the action.
		p, ev, err := s.engine.DoJSON(r.Context(), id, expected, actor, action, body)
		if err != nil {
			var le *lifecycle.Error
			if errors.As(err, &le) && (le.Code == "payload_malformed" || le.Code == "payload_trailing_data") {
				return bodyProblem(err, false)
			}
			if sv := (*lifecycle.StaleVersion)(nil); errors.As(err, &sv) {
				return preconditionFailed(ifMatch, sv.Current)
			}
			return err
		}
		w.Header().Set("ETag", etag(p.Version))
		writeJSON(w, http.StatusOK, actionJSON{Project: p, Event: ev, Permitted: s.permitted(p, actor)})
		return nil
	})
}

// getEvents lists a project's events a page at a time:
// GET /v1/projects/{id}/events?action=&after=&limit=. A page reads only
// its own events, whatever the length of the history. action (one action,
// or several separated by commas) keeps only those actions' events: the
// whole of a list the project holds only the latest of (e.g.
// action=audit beyond audits_total's window).
func (s *Server) getEvents(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := checkQuery(r, "action", "after", "limit"); p != nil {
		return p
	}
	var actions []lifecycle.Action
	if v := r.URL.Query().Get("action"); v != "" {
		for _, a := range strings.Split(v, ",") {
			actions = append(actions, lifecycle.Action(strings.TrimSpace(a)))
		}
	}
	after, _, p := queryInt(r, "after", 0, math.MaxInt)
	if p != nil {
		return p
	}
	limit, ok, p := queryInt(r, "limit", 1, lifecycle.MaxEventsPage)
	if p != nil {
		return p
	}
	if !ok {
		limit = lifecycle.MaxEventsPage
	}
	evs, next, err := s.engine.EventsPageOf(r.Context(), actor, r.PathValue("id"),
		lifecycle.EventFilter{Actions: actions, After: int64(after), Limit: limit})
	if err != nil {
		var le *lifecycle.Error
		if errors.As(err, &le) && le.Code == "unknown_action" {
			return badParam("action", le.ZH, le.EN)
		}
		return err
	}
	if evs == nil {
		evs = []lifecycle.Event{}
	}
	writeJSON(w, http.StatusOK, eventListJSON{Items: evs, NextAfter: next})
	return nil
}

type eventListJSON struct {
	Items     []lifecycle.Event `json:"items"`
	NextAfter int64             `json:"next_after,omitempty"`
}

// today is the current civil date, Beijing time, at midnight.
func (s *Server) today() time.Time {
	return calendar.DateOf(s.clock())
}

// getProjectObligations lists a project's obligations as of a date:
// GET /v1/projects/{id}/obligations?as_of=YYYY-MM-DD.
func (s *Server) getProjectObligations(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := checkQuery(r, "as_of"); p != nil {
		return p
	}
	asOf, ok, p := queryDate(r, "as_of")
	if p != nil {
		return p
	}
	if !ok {
		asOf = s.today()
	}
	obs, err := s.engine.Obligations(r.Context(), actor, r.PathValue("id"), asOf)
	if err != nil {
		return err
	}
	if obs == nil {
		obs = []lifecycle.Obligation{}
	}
	writeJSON(w, http.StatusOK, obligationsJSON{AsOf: asOf.Format(time.DateOnly), Items: obs})
	return nil
}

type obligationsJSON struct {
	AsOf       string                 `json:"as_of"`
	Items      []lifecycle.Obligation `json:"items"`
	NextCursor string                 `json:"next_cursor,omitempty"`
}

// Page sizes of the lists.
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// listProjects lists project summaries: GET /v1/projects?state=&kind=&
// unit=&overdue=&cursor=&limit=.
func (s *Server) listProjects(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := checkQuery(r, "state", "kind", "unit", "overdue", "cursor", "limit"); p != nil {
		return p
	}
	q, p := s.query(r)
	if p != nil {
		return p
	}
	overdue, p := queryBool(r, "overdue")
	if p != nil {
		return p
	}
	if overdue {
		q.DueBefore = s.today()
	}
	page, next, err := s.engine.List(r.Context(), actor, q)
	if err != nil {
		return err
	}
	if page == nil {
		page = []lifecycle.Summary{}
	}
	writeJSON(w, http.StatusOK, listJSON{Items: page, NextCursor: next})
	return nil
}

type listJSON struct {
	Items      []lifecycle.Summary `json:"items"`
	NextCursor string              `json:"next_cursor,omitempty"`
}

// query reads the filters shared by the lists: state, kind, unit, cursor
// and limit.
func (s *Server) query(r *http.Request) (lifecycle.Query, *Problem) {
	v := r.URL.Query()
	q := lifecycle.Query{Unit: v.Get("unit"), After: v.Get("cursor")}
	if !utf8.ValidString(q.After) || strings.ContainsRune(q.After, 0) {
		// A cursor is a next_cursor this server gave, always UTF-8.
		return q, badParam("cursor", "须是上一页返回的 next_cursor", "must be the next_cursor of the previous page")
	}
	if st := v.Get("state"); st != "" {
		if !knownState(lifecycle.State(st)) {
			return q, badParam("state", fmt.Sprintf("未知的状态 %q", st), fmt.Sprintf("unknown state %q", st))
		}
		q.State = lifecycle.State(st)
	}
	if k := v.Get("kind"); k != "" {
		if !review.Kind(k).Valid() {
			return q, badParam("kind", fmt.Sprintf("%q 须是 construction 或 operation", k),
				fmt.Sprintf("%q must be construction or operation", k))
		}
		q.Kind = k
	}
	n, ok, p := queryInt(r, "limit", 1, maxPageSize)
	if p != nil {
		return q, p
	}
	q.Limit = defaultPageSize
	if ok {
		q.Limit = n
	}
	return q, nil
}

func knownState(st lifecycle.State) bool {
	for _, k := range []review.Kind{review.Construction, review.Operation} {
		if slices.Contains(lifecycle.States(k), st) {
			return true
		}
	}
	return false
}
