package lifecycle

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// MaxFeedLimit caps a feed page; DefaultFeedLimit is the page size when
// none is asked for; MaxFeedWait caps a long poll.
const (
	MaxFeedLimit     = 1000
	DefaultFeedLimit = 100
	MaxFeedWait      = 30 * time.Second
)

// FeedQuery asks a FeedStore for the events after a cursor.
type FeedQuery struct {
	// After is the cursor of the last event seen ("" for the first
	// event of the store).
	After string
	// Limit caps the events returned (1 to MaxFeedLimit).
	Limit int
	// Unit, when set, keeps only the events of that unit's projects.
	Unit string
}

// FeedEvent is an event with its place in the feed.
type FeedEvent struct {
	// Position is the event's place in the store's feed: consecutive
	// from 1, given to an event only once it has committed and never
	// taken back, so that a reader past a position finds nothing new at
	// or below it. A project's events are in version order; events of
	// different projects follow the order of their commits, or, for
	// appends that commit at nearly the same moment on a store that
	// positions events after commit (PostgreSQL), either order.
	Position int64 `json:"position"`
	// Cursor resumes the feed after this event.
	Cursor string `json:"cursor"`
	Event
}

// FeedPage is a page of the feed. Next resumes after it: after the last
// event returned, or, when the page is short, after the last event the
// store had, so that a reader skips what it may not see only once.
type FeedPage struct {
	Events []FeedEvent `json:"events"`
	Next   string      `json:"next_cursor"`
}

// FeedStore is a Store with a durable feed: every committed event of
// every project in one gap-free sequence (see FeedEvent.Position), an
// event acknowledged by Append in the next Feed read. A cursor from another store,
// or not from a feed at all, is refused as invalid (KindInvalid, code
// invalid_cursor).
type FeedStore interface {
	Feed(ctx context.Context, q FeedQuery) (FeedPage, error)
	// FeedChanged returns a channel closed at the next append in this
	// process, for long polls; appends by other processes are seen by
	// polling.
	FeedChanged() <-chan struct{}
}

// feedPoll is how often a long poll looks at the store for appends made
// by other processes.
const feedPoll = 250 * time.Millisecond

// Feed returns the events after the cursor that the actor may see, in
// feed order: a bureau sees every project's, a unit its own projects', an
// actor with no role none. When there are none and wait is positive it
// waits up to wait (at most MaxFeedWait) for new ones. The store must be a
// FeedStore.
func (e *Engine) Feed(ctx context.Context, actor Actor, after string, limit int, wait time.Duration) (FeedPage, error) {
	if err := ctxError(ctx); err != nil {
		return FeedPage{}, err
	}
	fs, ok := e.store.(FeedStore)
	if !ok {
		return FeedPage{}, &Error{Kind: KindUnavailable, Code: "feed_unsupported",
			ZH: "当前存储不提供事件流", EN: "the store keeps no event feed"}
	}
	q, qerr := feedQuery(actor, after, limit)
	if qerr != nil {
		return FeedPage{}, qerr
	}
	wait = min(wait, MaxFeedWait)
	var deadline <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		deadline = t.C
	}
	for {
		changed := fs.FeedChanged()
		page, err := fs.Feed(ctx, q)
		if err != nil {
			return FeedPage{}, storeError(err)
		}
		if len(page.Events) > 0 || wait <= 0 {
			return page, nil
		}
		if page.Next != "" {
			q.After = page.Next
		}
		poll := time.NewTimer(feedPoll)
		select {
		case <-changed:
		case <-poll.C:
		case <-deadline:
			poll.Stop()
			return page, nil
		case <-ctx.Done():
			poll.Stop()
			return FeedPage{}, ctxError(ctx)
		}
		poll.Stop()
	}
}

// feedQuery is the store's query of a feed page for the actor: a bureau
// reads every project's events, a unit its own, an actor with no role
// none.
func feedQuery(actor Actor, after string, limit int) (FeedQuery, *Error) {
	if limit <= 0 {
		limit = DefaultFeedLimit
	}
	if limit > MaxFeedLimit {
		return FeedQuery{}, &Error{Kind: KindInvalid, Code: "invalid_limit",
			ZH: "limit 不得超过 1000", EN: "limit must not exceed 1000"}
	}
	q := FeedQuery{After: after, Limit: limit}
	if !actor.IsBureau() {
		if !actor.Has(RoleUnit) || actor.Unit == "" {
			// Sees nothing; the unit filter of a unit no project has.
			q.Unit = "\x00"
		} else {
			q.Unit = actor.Unit
		}
	}
	return q, nil
}

// FeedCursor is the cursor after feed position pos of the store named
// storeID: "<storeID>.<pos>". Stores name themselves with a random ID kept
// with their data, so that a cursor from another store is recognised.
func FeedCursor(storeID string, pos int64) string {
	return storeID + "." + strconv.FormatInt(pos, 10)
}

// ParseFeedCursor reads a cursor of FeedCursor for the store named
// storeID, whose feed has reached head: "" is the start (0); anything
// else must name this store and a position not past head.
func ParseFeedCursor(c, storeID string, head int64) (int64, error) {
	if c == "" {
		return 0, nil
	}
	id, num, ok := strings.Cut(c, ".")
	pos, err := strconv.ParseInt(num, 10, 64)
	if !ok || id != storeID || err != nil || pos < 0 || pos > head {
		return 0, InvalidFeedCursor()
	}
	return pos, nil
}

// InvalidFeedCursor is the error of a cursor that is not this store's.
func InvalidFeedCursor() *Error {
	return &Error{Kind: KindInvalid, Code: "invalid_cursor",
		ZH: "事件流游标无效：须是本系统事件流返回的 cursor 或 next_cursor",
		EN: "the feed cursor is invalid: it must be a cursor or next_cursor returned by this feed"}
}
