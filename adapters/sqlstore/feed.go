package sqlstore

import (
	"context"
	"strings"
	"sync"

	"github.com/govit-cn/govit/lifecycle"
)

// signal wakes the long polls of this process after each append.
type signal struct {
	mu sync.Mutex
	ch chan struct{}
}

func (g *signal) wait() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch == nil {
		g.ch = make(chan struct{})
	}
	return g.ch
}

func (g *signal) fire() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch != nil {
		close(g.ch)
		g.ch = nil
	}
}

// The store's own writes in every SQLite append: the statistics' figures
// and their running totals, the events' feed positions, and the webhook
// deliveries of the outbox. The project's own figure row is written with
// the append's other rows (figureWrite); what every append shares — the
// feed head's row and the running totals, a few hot rows per unit — is
// written last (headWrite), after every joined write. The writer commits
// one batch at a time anyway. On PostgreSQL an append writes none of
// these shared rows: sqlTail and the sequencer (pgfeed.go) do their work.

const (
	sqlFeedHead   = `UPDATE feed_head SET pos = pos + $1 RETURNING pos`
	sqlFeedInsert = `INSERT INTO event_feed (pos, seq) VALUES ($1, $2)`
	sqlDeliveries = `INSERT INTO webhook_deliveries (webhook_id, pos, project_id, next_at)
			SELECT id, $1, $2, $3 FROM webhooks WHERE sees_all <> 0 OR unit = $4`
)

// figureChange is a project's figures before and after an append.
type figureChange struct {
	old, now figureRow
	found    bool
}

// headWrite takes the feed head's lock, moves the project's figures in
// the running totals (bump: callers hold the lock, so bumps never cross
// and deadlock) and gives the events their feed positions and webhook
// deliveries.
func (s *Store) headWrite(ctx context.Context, tx Tx, unit string, fig figureChange, stored []lifecycle.Event) error {
	var last int64
	if err := tx.QueryRowContext(ctx, sqlFeedHead, len(stored)).Scan(&last); err != nil {
		return err
	}
	if fig.found {
		if err := bump(ctx, tx, fig.old, -1); err != nil {
			return err
		}
	}
	if err := bump(ctx, tx, fig.now, 1); err != nil {
		return err
	}
	first := last - int64(len(stored)) + 1
	for i, e := range stored {
		pos := first + int64(i)
		if _, err := tx.ExecContext(ctx, sqlFeedInsert, pos, e.Seq); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlDeliveries, pos, e.ProjectID, s.timeArg(lifecycle.StoreTime(e.At)), unit); err != nil {
			return err
		}
	}
	return nil
}

var _ lifecycle.FeedStore = (*Store)(nil)

// FeedChanged implements lifecycle.FeedStore.
func (s *Store) FeedChanged() <-chan struct{} { return s.changed.wait() }

// feedHead reads the feed's last position and the store's ID.
func (s *Store) feedHead(ctx context.Context, q querier) (head int64, id string, err error) {
	err = q.QueryRowContext(ctx, `SELECT pos, store_id FROM feed_head`).Scan(&head, &id)
	return head, id, err
}

// Feed implements lifecycle.FeedStore. On PostgreSQL it first positions
// the events still pending (pgfeed.go). It reads the head first: every
// position up to it has committed, so a page never skips an event still
// being written.
func (s *Store) Feed(ctx context.Context, q lifecycle.FeedQuery) (lifecycle.FeedPage, error) {
	if err := ctx.Err(); err != nil {
		return lifecycle.FeedPage{}, err
	}
	if err := s.sequencePending(ctx); err != nil {
		return lifecycle.FeedPage{}, err
	}
	head, id, err := s.feedHead(ctx, s.db)
	if err != nil {
		return lifecycle.FeedPage{}, s.fail(ctx, "feed", err)
	}
	after, err := lifecycle.ParseFeedCursor(q.After, id, head)
	if err != nil {
		return lifecycle.FeedPage{}, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = lifecycle.DefaultFeedLimit
	}
	page := lifecycle.FeedPage{Events: []lifecycle.FeedEvent{}, Next: lifecycle.FeedCursor(id, head)}
	if !storable(q.Unit) {
		return page, nil
	}
	query := `SELECT f.pos, ` + prefixed("e.", eventColumns) + ` FROM event_feed f JOIN events e ON e.seq = f.seq`
	args := []any{after, head, limit}
	if q.Unit != "" {
		query += ` JOIN projections p ON p.project_id = e.project_id AND p.unit = $4`
		args = append(args, q.Unit)
	}
	query += ` WHERE f.pos > $1 AND f.pos <= $2 ORDER BY f.pos LIMIT $3`
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return lifecycle.FeedPage{}, s.fail(ctx, "feed", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			pos int64
			r   row
			at  dbTime
		)
		if err := rows.Scan(&pos, &r.seq, &r.projectID, &r.version, &r.action, &r.actorID, &r.actorUnit, &r.actorRoles, &r.role, &at, &r.article, &r.payload); err != nil {
			return lifecycle.FeedPage{}, s.fail(ctx, "feed", err)
		}
		r.at = at.t
		e, err := r.event()
		if err != nil {
			return lifecycle.FeedPage{}, err
		}
		page.Events = append(page.Events, lifecycle.FeedEvent{Position: pos, Cursor: lifecycle.FeedCursor(id, pos), Event: e})
	}
	if err := rows.Err(); err != nil {
		return lifecycle.FeedPage{}, s.fail(ctx, "feed", err)
	}
	if len(page.Events) == limit {
		page.Next = page.Events[limit-1].Cursor
	}
	return page, nil
}

// prefixed qualifies each column of a comma-separated list.
func prefixed(p, cols string) string {
	out := ""
	for i, c := range splitColumns(cols) {
		if i > 0 {
			out += ", "
		}
		out += p + c
	}
	return out
}

func splitColumns(cols string) []string {
	var out []string
	for _, c := range strings.Split(cols, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}
