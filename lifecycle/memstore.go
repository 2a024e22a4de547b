package lifecycle

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"
)

// DefaultListLimit is the page size of Store.List when Query.Limit is 0.
const DefaultListLimit = 100

// StoreTimePrecision is the precision stores keep for times (Event.At,
// Summary.NextDue, Summary.UpdatedAt): microseconds, the finest that
// PostgreSQL keeps. Every store of this module truncates to it and returns
// times in UTC, so that the same history reads back the same from any of
// them; compare times with time.Time.Equal.
const StoreTimePrecision = time.Microsecond

// StoreTime is t as a store keeps it: truncated to StoreTimePrecision, in
// UTC, without a monotonic clock reading. The zero time stays zero.
func StoreTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(StoreTimePrecision).UTC()
}

// CheckAppend checks the shape of an Append call, as every Store must
// before writing: expected is not negative, there is at least one event,
// all events name the same non-empty project, their versions run
// consecutively from expected+1, and the summary, if it names a project or
// a version, names the events' project and the last event's version. It
// returns a KindInvalid *Error, or nil. It does not look at the store: an
// expected version that is not the current one is the store's
// ConflictError.
func CheckAppend(expected int64, events []Event, summary Summary) error {
	if expected < 0 {
		return appendInvalid("store_expected_negative",
			fmt.Sprintf("期望版本不能为负数（%d）", expected),
			fmt.Sprintf("expected version must not be negative (%d)", expected))
	}
	if len(events) == 0 {
		return appendInvalid("store_no_events", "追加的事件不能为空", "an append needs at least one event")
	}
	id := events[0].ProjectID
	if id == "" {
		return appendInvalid("store_project_id_missing", "事件缺少项目编号（project_id）", "event project_id is empty")
	}
	for i, e := range events {
		if e.ProjectID != id {
			return appendInvalid("store_project_mismatch",
				fmt.Sprintf("一次追加的事件须属于同一项目：%s 与 %s", id, e.ProjectID),
				fmt.Sprintf("events of one append must share a project: %s and %s", id, e.ProjectID))
		}
		if want := expected + 1 + int64(i); e.Version != want {
			return appendInvalid("store_version_gap",
				fmt.Sprintf("项目 %s 第 %d 个事件的版本应为 %d，实为 %d", id, i+1, want, e.Version),
				fmt.Sprintf("project %s: event %d must have version %d, has %d", id, i+1, want, e.Version))
		}
	}
	if summary.ProjectID != "" && summary.ProjectID != id {
		return appendInvalid("store_summary_mismatch",
			fmt.Sprintf("摘要的项目编号 %s 与事件的项目编号 %s 不一致", summary.ProjectID, id),
			fmt.Sprintf("summary project_id %s differs from the events' %s", summary.ProjectID, id))
	}
	last := events[len(events)-1].Version
	if summary.Version != 0 && summary.Version != last {
		return appendInvalid("store_summary_mismatch",
			fmt.Sprintf("项目 %s 摘要的版本 %d 与最后事件的版本 %d 不一致", id, summary.Version, last),
			fmt.Sprintf("project %s: summary version %d differs from the last event's %d", id, summary.Version, last))
	}
	return nil
}

func appendInvalid(code, zh, en string) *Error {
	return &Error{Kind: KindInvalid, Code: code, ZH: zh, EN: en}
}

// CopyEvent returns a deep copy of e (its Payload and Actor.Roles are new
// slices), with At as a store keeps it (see StoreTime). An empty Payload or
// Roles becomes nil, as stores return them.
func CopyEvent(e Event) Event {
	e.At = StoreTime(e.At)
	if len(e.Payload) == 0 {
		e.Payload = nil
	} else {
		e.Payload = bytes.Clone(e.Payload)
	}
	if len(e.Actor.Roles) == 0 {
		e.Actor.Roles = nil
	} else {
		e.Actor.Roles = slices.Clone(e.Actor.Roles)
	}
	return e
}

// MemoryStore is a Store held in memory: for tests, examples and
// embedders who keep projects elsewhere. It is safe for concurrent use.
// Events are copied on the way in and out, so neither the caller nor the
// store can change the other's events after the fact. Nothing survives the
// process.
type MemoryStore struct {
	mu        sync.RWMutex
	seq       int64
	events    map[string][]Event
	summaries map[string]Summary
	ids       []string // sorted project IDs
	feed      memFeed
	keys      MemoryKeys
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		events:    make(map[string][]Event),
		summaries: make(map[string]Summary),
		keys:      MemoryKeys{recs: map[[2]string]*KeyRecord{}},
	}
}

var _ Store = (*MemoryStore)(nil)

// Load implements Store.
func (m *MemoryStore) Load(ctx context.Context, projectID string) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	evs, ok := m.events[projectID]
	if !ok {
		return nil, NotFoundError(projectID)
	}
	out := make([]Event, len(evs))
	for i, e := range evs {
		out[i] = CopyEvent(e)
	}
	return out, nil
}

// Append implements Store.
func (m *MemoryStore) Append(ctx context.Context, expected int64, events []Event, summary Summary) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := CheckAppend(expected, events, summary); err != nil {
		return nil, err
	}
	id := events[0].ProjectID
	in := make([]Event, len(events))
	for i, e := range events {
		in[i] = CopyEvent(e)
	}
	summary.ProjectID = id
	summary.Version = in[len(in)-1].Version
	summary.NextDue = StoreTime(summary.NextDue)
	summary.UpdatedAt = StoreTime(summary.UpdatedAt)

	m.mu.Lock()
	defer m.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cur, known := m.events[id]
	if actual := int64(len(cur)); actual != expected {
		return nil, ConflictError(id, expected, actual)
	}
	if c, ok := KeyClaimFrom(ctx); ok {
		if err := m.keys.commit(c, id, summary.Version); err != nil {
			return nil, err
		}
	}
	out := make([]Event, len(in))
	for i := range in {
		m.seq++
		in[i].Seq = m.seq
		out[i] = CopyEvent(in[i])
		m.feed.add(id, int64(len(cur)+i))
	}
	defer m.feed.signal()
	m.events[id] = append(cur, in...)
	m.summaries[id] = summary
	if !known {
		i := sort.SearchStrings(m.ids, id)
		m.ids = slices.Insert(m.ids, i, id)
	}
	return out, nil
}

// List implements Store.
func (m *MemoryStore) List(ctx context.Context, q Query) ([]Summary, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultListLimit
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	start := 0
	if q.After != "" {
		start = sort.Search(len(m.ids), func(i int) bool { return m.ids[i] > q.After })
	}
	var page []Summary
	for _, id := range m.ids[start:] {
		s := m.summaries[id]
		if !matches(s, q) {
			continue
		}
		if len(page) == limit {
			return page, page[len(page)-1].ProjectID, nil
		}
		page = append(page, s)
	}
	return page, "", nil
}

func matches(s Summary, q Query) bool {
	if q.Unit != "" && s.Unit != q.Unit {
		return false
	}
	if q.State != "" && s.State != q.State {
		return false
	}
	if q.Kind != "" && s.Kind != q.Kind {
		return false
	}
	if !q.DueBefore.IsZero() && (s.NextDue.IsZero() || !s.NextDue.Before(q.DueBefore)) {
		return false
	}
	if q.BudgetYear != 0 && !s.InBudgetYear(q.BudgetYear) {
		return false
	}
	return true
}
