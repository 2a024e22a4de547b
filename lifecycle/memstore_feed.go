package lifecycle

import (
	"context"
	"sync"
)

// memFeed is the MemoryStore's feed: every event in append order, as a
// reference into the project's history.
type memFeed struct {
	once    sync.Once
	id      string
	refs    []memRef
	mu      sync.Mutex // guards changed; refs are under the store's mu
	changed chan struct{}
}

type memRef struct {
	project string
	index   int64
}

func (f *memFeed) storeID() string {
	f.once.Do(func() { f.id = "mem" + randomID()[:16] })
	return f.id
}

func (f *memFeed) add(project string, index int64) {
	f.refs = append(f.refs, memRef{project, index})
}

func (f *memFeed) wait() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.changed == nil {
		f.changed = make(chan struct{})
	}
	return f.changed
}

func (f *memFeed) signal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.changed != nil {
		close(f.changed)
		f.changed = nil
	}
}

var _ FeedStore = (*MemoryStore)(nil)

// Feed implements FeedStore: every event in the order appended.
func (m *MemoryStore) Feed(ctx context.Context, q FeedQuery) (FeedPage, error) {
	if err := ctx.Err(); err != nil {
		return FeedPage{}, err
	}
	id := m.feed.storeID()
	m.mu.RLock()
	defer m.mu.RUnlock()
	head := int64(len(m.feed.refs))
	pos, err := ParseFeedCursor(q.After, id, head)
	if err != nil {
		return FeedPage{}, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultFeedLimit
	}
	page := FeedPage{Events: []FeedEvent{}, Next: FeedCursor(id, head)}
	for ; pos < head; pos++ {
		r := m.feed.refs[pos]
		if q.Unit != "" && m.summaries[r.project].Unit != q.Unit {
			continue
		}
		if len(page.Events) == limit {
			page.Next = FeedCursor(id, pos)
			return page, nil
		}
		page.Events = append(page.Events, FeedEvent{Position: pos + 1, Cursor: FeedCursor(id, pos+1), Event: CopyEvent(m.events[r.project][r.index])})
	}
	return page, nil
}

// FeedChanged implements FeedStore.
func (m *MemoryStore) FeedChanged() <-chan struct{} { return m.feed.wait() }
