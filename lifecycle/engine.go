package lifecycle

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/review"
)

// AnyVersion passed as Do's expected version skips the caller's version
// check; the append still fails with a conflict if the project changes
// between the engine's load and its append.
const AnyVersion int64 = -1

// Config configures an Engine. Only Store is required.
type Config struct {
	// Store keeps the events.
	Store Store
	// Calendar counts working days; nil means calendar.China().
	Calendar *calendar.Calendar
	// Clock gives the time of each action; nil means time.Now.
	Clock func() time.Time
	// Logger receives the engine's logs; nil discards them.
	Logger *slog.Logger
	// Rulebooks are the rulebooks applied, each to the projects first
	// declared while it is in force; the zero value means
	// DefaultRulebooks().
	Rulebooks Rulebooks
	// NewID generates project IDs; nil means 16 bytes in hex: the
	// millisecond of the call (6 bytes, big-endian) then 10 bytes of
	// crypto/rand. The time first keeps a store's indexes on project_id
	// appended at their end rather than written all over; the ID tells
	// when the project was declared, which its history says anyway.
	NewID func() string
	// Snapshots is the number of projects whose latest fold the engine
	// keeps in memory, to skip replaying their history on the next call;
	// 0 means DefaultSnapshots, a negative number keeps none. The store
	// stays the truth: a snapshot older than the store is replayed anew.
	// A store that keeps folds itself (SnapshotStore and RequestAppender,
	// as the SQL stores do) is read for Get; an action on a project the
	// engine holds the fold of decides on that fold, appends with its
	// version, and decides again on the store's kept fold when the store
	// has moved on (a conflict) or when the fold refuses.
	Snapshots int
	// OnEvent, if set, is called after each successful append with the
	// event as stored and the project's summary, so that an embedding OA
	// system can raise its own to-do items (e.g. for bdb and finance when
	// a unit terminates an O&M contract, 第十三条). It runs on the
	// caller's goroutine, outside any lock, and cannot undo the append.
	OnEvent func(ctx context.Context, e Event, s Summary)
	// Documents takes in electronic documents (FileDocument) and keeps
	// their bytes (its BlobStore). When set, the archive of 第十五条
	// counts the filed documents that passed their checks, not the keys
	// an archive payload lists; nil leaves documents to the embedder (the
	// document calls answer KindUnavailable).
	Documents *document.Ingester
}

// Engine runs the measure over a Store: the calls embedders make. It is
// safe for concurrent use; concurrent actions on one project are ordered
// by the store's expected-version check.
//
// Every project it returns is the caller's own: it shares no memory with
// the engine's snapshots or with other callers' projects, so it may be
// changed freely without affecting the engine.
type Engine struct {
	store   Store
	cal     *calendar.Calendar
	clock   func() time.Time
	log     *slog.Logger
	books   Rulebooks
	newID   func() string
	onEvent func(ctx context.Context, e Event, s Summary)
	snaps   *snapshots
	copy    copier
	docs    *document.Ingester
}

// New builds an Engine from cfg.
func New(cfg Config) (*Engine, error) {
	if cfg.Store == nil {
		return nil, &Error{Kind: KindInvalid, Code: "config_store_missing", ZH: "未配置事件存储", EN: "Config.Store is required"}
	}
	e := &Engine{store: cfg.Store, cal: cfg.Calendar, clock: cfg.Clock, log: cfg.Logger,
		books: cfg.Rulebooks, newID: cfg.NewID, onEvent: cfg.OnEvent, copy: newCopier(), docs: cfg.Documents}
	if e.docs != nil && e.docs.Blobs == nil {
		return nil, &Error{Kind: KindInvalid, Code: "config_blobs_missing", ZH: "未配置文档存储", EN: "Config.Documents.Blobs is required"}
	}
	if e.cal == nil {
		e.cal = calendar.China()
	}
	if e.clock == nil {
		e.clock = time.Now
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if len(e.books.books) == 0 {
		e.books = DefaultRulebooks()
	}
	if e.newID == nil {
		e.newID = randomID
	}
	switch {
	case cfg.Snapshots == 0:
		e.snaps = newSnapshots(DefaultSnapshots)
	case cfg.Snapshots > 0:
		e.snaps = newSnapshots(cfg.Snapshots)
	}
	return e, nil
}

// randomID is 16 bytes in hex: the milliseconds since the Unix epoch in
// the first 6 (big-endian), 10 random bytes after.
func randomID() string {
	var b [16]byte
	ms := uint64(time.Now().UnixMilli())
	for i := range 6 {
		b[i] = byte(ms >> (40 - 8*i))
	}
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// Rulebook returns the rulebook in force on the date a project was first
// declared; a date before every rulebook gets the earliest.
func (e *Engine) Rulebook(declaredOn time.Time) *Rulebook {
	if rb := e.books.InForce(declaredOn); rb != nil {
		return rb
	}
	return e.books.books[0]
}

// RulebookOf returns the rulebook that governs project p: the one in force
// on its first declaration's 填报时间 (附件1) when the form gave one, else
// on the day it was first declared (第二十条).
func (e *Engine) RulebookOf(p *Project) *Rulebook {
	if !p.FilledOn.IsZero() {
		return e.Rulebook(p.FilledOn)
	}
	return e.Rulebook(p.DeclaredAt)
}

// Declare files a new project's declaration (第五条, 第六条) for the actor's
// unit and returns the project and its first event, as Do does. The
// declaration is refused if it is classified (第十九条), out of scope
// (第二条) or incomplete (附件1); a later phase must name an earlier phase
// of the same unit's that the actor can see (第八条).
func (e *Engine) Declare(ctx context.Context, actor Actor, d review.Declaration) (*Project, Event, error) {
	if err := ctxError(ctx); err != nil {
		return nil, Event{}, err
	}
	now := e.clock()
	// The form's 填报时间 (附件1), when given, is the day the declaration is
	// judged on: not after today, not before the measure.
	on := now
	if fs := review.CheckFilledOn(d, now, e.books.books[0].Effective); len(fs) > 0 {
		return nil, Event{}, &Error{Kind: KindInvalid, Code: fs[0].Code, Article: fs[0].Article, ZH: fs[0].ZH, EN: fs[0].EN, Findings: fs}
	}
	if t, ok := d.FilledDay(); ok {
		on = t
	}
	rb := e.books.InForce(on)
	if rb == nil {
		return nil, Event{}, &Error{Kind: KindRefused, Code: "measure_not_in_force", Article: ArticleEffective,
			ZH: "申报日期早于本办法施行日期", EN: "the measure is not in force on the declaration date"}
	}
	if d.ParentID != "" {
		if err := e.checkParent(ctx, actor, d); err != nil {
			return nil, Event{}, err
		}
	}
	// The engine assigns the project's ID: an ID the caller wrote on the
	// declaration would name another project (and hide it from the
	// 第四条 comparison, which skips a project's own ID).
	p := &Project{ID: e.newID()}
	d.ID = p.ID
	ev, derr := decideTyped(rb, p, actor, DeclarePayload{Declaration: d}, now)
	if derr != nil {
		return nil, Event{}, derr
	}
	stored, err := e.commit(ctx, rb, p, ev)
	if err != nil {
		return nil, Event{}, err
	}
	return e.own(p), stored, nil
}

// checkParent checks the earlier phase a declaration names (第八条).
func (e *Engine) checkParent(ctx context.Context, actor Actor, d review.Declaration) error {
	bad := func(code, zh, en string) error {
		return &Error{Kind: KindInvalid, Code: code, Article: "第八条", ZH: zh, EN: en,
			Findings: []review.Finding{{Code: code, Article: "第八条", Field: "parent_id", ZH: zh, EN: en}}}
	}
	parent, err := e.load(ctx, d.ParentID)
	if err != nil {
		if KindOf(err) == KindNotFound {
			return bad("phase_parent_unknown", fmt.Sprintf("前期项目 %s 不存在", d.ParentID), fmt.Sprintf("earlier phase %s not found", d.ParentID))
		}
		return err
	}
	if !actor.CanSee(parent) || parent.Unit != d.Unit {
		return bad("phase_parent_unknown", fmt.Sprintf("前期项目 %s 不存在", d.ParentID), fmt.Sprintf("earlier phase %s not found", d.ParentID))
	}
	if parent.Kind != review.Construction {
		return bad("phase_parent_not_construction", "分期建设的前期项目须为建设类项目", "the earlier phase of a phased project must be a construction project")
	}
	if d.Phase <= max(parent.Phase, 1) {
		return bad("phase_not_after_parent", fmt.Sprintf("建设期次须晚于前期项目的第 %d 期", max(parent.Phase, 1)),
			fmt.Sprintf("the phase must come after the earlier phase's %d", max(parent.Phase, 1)))
	}
	return nil
}

// Do takes the action of a typed payload on a project, e.g.
//
//	p, ev, err := eng.Do(ctx, id, version, actor, lifecycle.SignContractPayload{Contract: …})
//
// It loads and replays the project (or takes the engine's snapshot of it),
// checks the caller's expected version (unless AnyVersion), decides (see
// Decide), and appends the event with the version it decided on as the
// store's expected version. It returns the project after the action and
// the event as stored; on error the project is nil. A concurrent change
// gives the store's conflict error (KindConflict); refusals are as
// Decide's.
func (e *Engine) Do(ctx context.Context, projectID string, expectedVersion int64, actor Actor, payload Payload) (*Project, Event, error) {
	if payload == nil {
		return nil, Event{}, invalid("payload", "payload_missing", "缺少载荷", "the payload is missing")
	}
	return e.run(ctx, projectID, expectedVersion, actor, payload.Action(), input{typed: payload})
}

// DoJSON is Do for adapters: the action by name and its payload in JSON,
// read strictly into the action's payload type (see DecideJSON). An
// unknown, duplicate or case-variant member is refused as KindInvalid,
// naming its JSON path.
func (e *Engine) DoJSON(ctx context.Context, projectID string, expectedVersion int64, actor Actor, action Action, payload []byte) (*Project, Event, error) {
	return e.run(ctx, projectID, expectedVersion, actor, action, input{raw: payload, json: true})
}

// run is Do and DoJSON.
func (e *Engine) run(ctx context.Context, projectID string, expectedVersion int64, actor Actor, action Action, in input) (*Project, Event, error) {
	if err := ctxError(ctx); err != nil {
		return nil, Event{}, err
	}
	// First on the snapshot, if the engine has one. An append from it is
	// safe: the store checks the version. A conflict or a refusal is
	// decided again on what the store holds, which another engine may have
	// moved past the snapshot.
	if p := e.snaps.get(projectID); p != nil && (expectedVersion == AnyVersion || expectedVersion == p.Version) {
		q, ev, err := e.do(ctx, p, expectedVersion, actor, action, in)
		switch KindOf(err) {
		case "":
			return e.own(q), ev, nil
		case KindUnavailable:
			return nil, Event{}, err
		case KindConflict:
			e.snaps.drop(projectID)
		}
	}
	p, err := e.load(ctx, projectID)
	if err != nil {
		return nil, Event{}, err
	}
	q, ev, err := e.do(ctx, p, expectedVersion, actor, action, in)
	if err != nil {
		return nil, Event{}, err
	}
	return e.own(q), ev, nil
}

// do decides the action on p, as loaded, and commits it.
func (e *Engine) do(ctx context.Context, p *Project, expectedVersion int64, actor Actor, action Action, in input) (*Project, Event, error) {
	if !actor.CanSee(p) {
		return nil, Event{}, NotFoundError(p.ID)
	}
	if expectedVersion != AnyVersion && expectedVersion != p.Version {
		return nil, Event{}, staleError(p.ID, expectedVersion, p.Version)
	}
	rb := e.RulebookOf(p)
	if e.docs != nil {
		in = fromFilesInput(p, action, in)
	}
	ev, derr := decide(rb, p, actor, action, in, e.clock())
	if derr != nil {
		e.log.DebugContext(ctx, "action refused", "project", p.ID, "action", action, "actor", actor.ID, "code", derr.Code)
		return nil, Event{}, derr
	}
	stored, err := e.commit(ctx, rb, p, ev)
	if err != nil {
		return nil, Event{}, err
	}
	return p, stored, nil
}

// commit folds ev into p, appends it with the project's summary, and calls
// the OnEvent hook. It returns the event as stored.
func (e *Engine) commit(ctx context.Context, rb *Rulebook, p *Project, ev Event) (Event, error) {
	expected := p.Version
	decl := declKeyOf(p)
	if err := p.Apply(ev); err != nil {
		return Event{}, err
	}
	summary := e.summary(ctx, rb, p)
	stored, err := e.appendCommit(ctx, expected, p, ev, summary, declKeyOf(p) != decl)
	if err != nil {
		return Event{}, storeError(err)
	}
	if len(stored) == 1 {
		ev = stored[0]
	}
	e.snaps.put(p)
	e.log.InfoContext(ctx, "event appended", "project", ev.ProjectID, "version", ev.Version, "action", ev.Action, "actor", ev.Actor.ID, "state", p.State)
	if e.onEvent != nil {
		e.onEvent(ctx, ev, summary)
	}
	return ev, nil
}

// summary is the projection of p stored with its latest event, with the
// earliest duty not yet met as of the clock's today. A deadline that
// cannot be counted (a year not published) leaves NextDue empty and is
// logged; the action itself stands.
func (e *Engine) summary(ctx context.Context, rb *Rulebook, p *Project) Summary {
	s := Summary{
		ProjectID: p.ID, Name: p.Name, Unit: p.Unit, Kind: string(p.Kind), State: p.State,
		Version: p.Version, Approved: p.Approved, UpdatedAt: p.UpdatedAt,
		BudgetYear: p.BudgetYear, Requested: p.Requested, DeclaredAt: p.DeclaredAt, ApprovedAt: p.ApprovedAt,
	}
	if p.Budgeting != nil {
		s.BudgetEntryYear = p.Budgeting.Year
	}
	if p.EverApproved() {
		s.ApprovalWorkdays = approvalWorkdays(e.cal, p)
	}
	obs, err := obligationsOf(rb, e.cal, p, e.clock())
	if err != nil {
		e.log.WarnContext(ctx, "deadlines not computed", "project", p.ID, "error", err)
		return s
	}
	if o, ok := NextDue(obs); ok {
		s.NextDue, s.NextDuty = o.Due, o.Duty
	}
	if e.docs != nil {
		missingDocuments(rb, p, obs)
	}
	s.Duties = unsettled(obs)
	return s
}

// Get returns the project as the actor may see it.
func (e *Engine) Get(ctx context.Context, actor Actor, projectID string) (*Project, error) {
	if ss, ok := e.keptFolds(); ok {
		if err := ctxError(ctx); err != nil {
			return nil, err
		}
		p, err := e.loadKept(ctx, ss, projectID)
		if err != nil {
			return nil, err
		}
		if !actor.CanSee(p) {
			return nil, NotFoundError(projectID)
		}
		return p, nil
	}
	_, p, err := e.loadVisible(ctx, actor, projectID)
	if err != nil {
		return nil, err
	}
	return e.own(p), nil
}

// own returns a copy of p for a caller to keep: the engine's snapshots
// share lists with the projects folded from them (copy-on-write, enough
// for Apply), and a caller may write anywhere in what it is given.
func (e *Engine) own(p *Project) *Project {
	if e.snaps == nil {
		return p // folded from the store for this call alone
	}
	return e.copy.project(p)
}

// Events returns the project's history.
func (e *Engine) Events(ctx context.Context, actor Actor, projectID string) ([]Event, error) {
	if _, ok := e.keptFolds(); ok {
		if _, err := e.Version(ctx, actor, projectID); err != nil {
			return nil, err
		}
		return e.loadEvents(ctx, projectID)
	}
	events, _, err := e.loadVisible(ctx, actor, projectID)
	return events, err
}

// loadVisible is loadBoth for an actor: a project the actor may not see
// is not found.
func (e *Engine) loadVisible(ctx context.Context, actor Actor, projectID string) ([]Event, *Project, error) {
	if err := ctxError(ctx); err != nil {
		return nil, nil, err
	}
	events, p, err := e.loadBoth(ctx, projectID)
	if err != nil {
		return nil, nil, err
	}
	if !actor.CanSee(p) {
		return nil, nil, NotFoundError(projectID)
	}
	return events, p, nil
}

// Permitted lists the actions the actor may take on the project now (see
// the package function Permitted for what is and is not evaluated).
func (e *Engine) Permitted(ctx context.Context, actor Actor, projectID string) ([]Action, error) {
	p, err := e.Get(ctx, actor, projectID)
	if err != nil {
		return nil, err
	}
	return e.PermittedOn(p, actor), nil
}

// Obligations lists the project's duties as of asOf (see the package
// function Obligations).
func (e *Engine) Obligations(ctx context.Context, actor Actor, projectID string, asOf time.Time) ([]Obligation, error) {
	p, err := e.Get(ctx, actor, projectID)
	if err != nil {
		return nil, err
	}
	return e.ObligationsOn(p, asOf)
}

// List returns the summaries the actor may see that match q, a page at a
// time with the cursor of the next page. A unit's query is confined to its
// own unit; an actor with no role sees nothing.
func (e *Engine) List(ctx context.Context, actor Actor, q Query) ([]Summary, string, error) {
	if err := ctxError(ctx); err != nil {
		return nil, "", err
	}
	// A unit sees its own projects only: asking for another unit's finds
	// nothing, as if it had none.
	unit, ok := actor.seesUnit(q.Unit)
	if !ok {
		return nil, "", nil
	}
	q.Unit = unit
	page, next, err := e.store.List(ctx, q)
	if err != nil {
		return nil, "", storeError(err)
	}
	return q.inBudgetYear(page), next, nil
}

// load reads a project's history and folds it; from a store that keeps
// folds, the kept fold: one row, decoded for this call alone.
func (e *Engine) load(ctx context.Context, projectID string) (*Project, error) {
	if ss, ok := e.keptFolds(); ok {
		return e.loadKept(ctx, ss, projectID)
	}
	_, p, err := e.loadBoth(ctx, projectID)
	return p, err
}

// loadBoth reads a project's history and folds it, taking the snapshot
// instead of a replay when the engine has the store's latest version.
func (e *Engine) loadBoth(ctx context.Context, projectID string) ([]Event, *Project, error) {
	events, err := e.loadEvents(ctx, projectID)
	if err != nil {
		return nil, nil, err
	}
	last := events[len(events)-1]
	if p := e.snaps.get(projectID); p != nil && p.Version == last.Version && p.UpdatedAt.Equal(last.At) {
		return events, p, nil
	}
	p, err := Replay(events)
	if err != nil {
		// The engine appends only events that fold: one that does not
		// was damaged in the store.
		return nil, nil, corruptHistory(projectID, events, err)
	}
	e.snaps.put(p)
	return events, p, nil
}

func (e *Engine) loadEvents(ctx context.Context, projectID string) ([]Event, error) {
	events, err := e.store.Load(ctx, projectID)
	if err != nil {
		if KindOf(err) == KindNotFound {
			return nil, NotFoundError(projectID)
		}
		return nil, storeError(err)
	}
	if len(events) == 0 {
		return nil, NotFoundError(projectID)
	}
	return events, nil
}

// storeError passes on the store's own *Error (a conflict) and wraps any
// other failure of the store.
func storeError(err error) error {
	var le *Error
	if errors.As(err, &le) {
		return le
	}
	if ce := ctxCause(err); ce != nil {
		return ce
	}
	return &Error{Kind: KindUnavailable, Code: "store_failed", Err: err,
		ZH: "项目存储暂不可用：" + err.Error(), EN: "the project store failed: " + err.Error()}
}

// ctxError reports a context that has ended.
func ctxError(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		if ce := ctxCause(err); ce != nil {
			return ce
		}
		return &Error{Kind: KindUnavailable, Code: "context_done", Err: err, ZH: "请求已结束", EN: "the request has ended: " + err.Error()}
	}
	return nil
}

func ctxCause(err error) *Error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Kind: KindUnavailable, Code: "context_done", Err: err,
			ZH: "请求已取消或超时", EN: "the request was cancelled or timed out: " + err.Error()}
	}
	return nil
}

// Overlaps reports the existing projects whose declaration in force is so
// similar to d that they may be the same investment twice (第四条 避免重复
// 投资、重复建设), by review.Overlaps. It is advisory: each finding is a
// warning for the reviewer, never a refusal, and d is neither checked nor
// stored.
//
// The projects compared are those the actor may see, as List shows them (a
// unit its own, a bureau every unit's). Withdrawn and rejected projects are
// left out, as they will not be built; a returned project, or one that
// must be declared again, is still compared, as its unit may yet go on
// with it. The project whose ID is d.ID, and phases of the same phased
// project (第八条), are not compared. Each finding names the existing
// project by name and ID.
//
// On a store with an OverlapIndex (the SQL stores), the candidates come
// from the index, which keeps each declaration's bigrams from the moment
// it is declared, and are scored exactly as below; the cost grows with the
// projects sharing the declaration's rarer bigrams, not with all projects.
// On another store its cost grows with the number of visible projects: it
// walks every page of the list and loads each project (from the engine's
// snapshot when it is current). The context is checked before each load.
func (e *Engine) Overlaps(ctx context.Context, actor Actor, d review.Declaration) ([]review.Finding, error) {
	if ix, ok := e.store.(OverlapIndex); ok {
		return e.overlapsIndexed(ctx, ix, actor, d)
	}
	var existing []review.Declaration
	q := Query{}
	for {
		page, next, err := e.List(ctx, actor, q)
		if err != nil {
			return nil, err
		}
		for _, s := range page {
			if s.ProjectID == d.ID && d.ID != "" {
				continue
			}
			if s.State == StateWithdrawn || s.State == StateRejected {
				continue
			}
			if err := ctxError(ctx); err != nil {
				return nil, err
			}
			p, err := e.load(ctx, s.ProjectID)
			if err != nil {
				return nil, err
			}
			if !actor.CanSee(p) || p.State == StateWithdrawn || p.State == StateRejected {
				continue
			}
			decl := p.Declaration
			decl.ID = p.ID
			existing = append(existing, decl)
		}
		if next == "" {
			return review.Overlaps(d, existing), nil
		}
		q.After = next
	}
}
