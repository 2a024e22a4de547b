package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/govit-cn/govit/adapters/webhook"
	"github.com/govit-cn/govit/lifecycle"
)

var _ webhook.Store = (*Store)(nil)

// CreateHook implements webhook.Store.
func (s *Store) CreateHook(ctx context.Context, h webhook.Hook) error {
	for _, t := range []string{h.ID, h.Actor.ID, h.Actor.Unit, h.URL, h.Secret} {
		if !storable(t) {
			return &lifecycle.Error{Kind: lifecycle.KindInvalid, Code: "unstorable_text",
				ZH: "含有无法保存的字符（NUL 或非 UTF-8 字节）", EN: "holds characters that cannot be stored (NUL or bytes that are not UTF-8)"}
		}
	}
	seesAll := 0
	if h.Actor.IsBureau() {
		seesAll = 1
	}
	unit := ""
	if h.Actor.Has(lifecycle.RoleUnit) {
		unit = h.Actor.Unit
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO webhooks (id, actor_id, sees_all, unit, url, secret, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, h.ID, h.Actor.ID, seesAll, unit, h.URL, h.Secret, s.timeArg(lifecycle.StoreTime(h.CreatedAt)))
	if err != nil {
		return s.fail(ctx, "create webhook", err)
	}
	return nil
}

// Hook implements webhook.Store. The actor comes back with its ID, and
// with the unit and a role standing for what it may see.
func (s *Store) Hook(ctx context.Context, id string) (webhook.Hook, error) {
	if !storable(id) {
		return webhook.Hook{}, lifecycle.NotFoundError(id)
	}
	var (
		h       webhook.Hook
		seesAll int
		unit    string
		created dbTime
	)
	err := s.db.QueryRowContext(ctx, `SELECT id, actor_id, sees_all, unit, url, secret, created_at FROM webhooks WHERE id = $1`, id).
		Scan(&h.ID, &h.Actor.ID, &seesAll, &unit, &h.URL, &h.Secret, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return webhook.Hook{}, &lifecycle.Error{Kind: lifecycle.KindNotFound, Code: "webhook_not_found",
			ZH: "Webhook " + id + " 不存在", EN: "webhook " + id + " not found", Err: lifecycle.ErrNotFound}
	}
	if err != nil {
		return webhook.Hook{}, s.fail(ctx, "webhook", err)
	}
	h.CreatedAt = created.t
	h.Actor.Unit = unit
	return h, nil
}

const deliveryColumns = `d.id, d.webhook_id, d.pos, d.project_id, d.status, d.attempts, d.next_at, d.last_status, d.last_error, d.delivered_at`

func scanDelivery(sc interface{ Scan(...any) error }, extra ...any) (webhook.Delivery, error) {
	var (
		d               webhook.Delivery
		next, delivered dbTime
		lastStatus      sql.NullInt64
	)
	err := sc.Scan(append([]any{&d.ID, &d.HookID, &d.Position, &d.ProjectID, &d.Status, &d.Attempts, &next, &lastStatus, &d.LastError, &delivered}, extra...)...)
	d.NextAt, d.DeliveredAt, d.LastStatus = next.t, delivered.t, int(lastStatus.Int64)
	if d.Status != webhook.StatusPending {
		d.NextAt = time.Time{}
	}
	return d, err
}

// Deliveries implements webhook.Store.
func (s *Store) Deliveries(ctx context.Context, hookID string, after int64, limit int) ([]webhook.Delivery, error) {
	if !storable(hookID) {
		return nil, nil
	}
	if err := s.sequencePending(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+deliveryColumns+`, e.version FROM webhook_deliveries d
		JOIN event_feed f ON f.pos = d.pos JOIN events e ON e.seq = f.seq
		WHERE d.webhook_id = $1 AND d.id > $2 ORDER BY d.id LIMIT $3`, hookID, after, limit)
	if err != nil {
		return nil, s.fail(ctx, "deliveries", err)
	}
	defer rows.Close()
	out := []webhook.Delivery{}
	for rows.Next() {
		var version int64
		d, err := scanDelivery(rows, &version)
		if err != nil {
			return nil, s.fail(ctx, "deliveries", err)
		}
		d.EventID = webhook.EventID(d.ProjectID, version)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, "deliveries", err)
	}
	return out, nil
}

// Claim implements webhook.Store. One statement picks and leases the
// deliveries: pending, due (or never tried), not under a live lease, and
// with no earlier pending delivery of the same hook and project — so a
// project's events go out one at a time, in order. On PostgreSQL the pick
// locks its rows FOR UPDATE SKIP LOCKED, so instances claiming at once
// take different deliveries; SQLite has one writer at a time anyway.
func (s *Store) Claim(ctx context.Context, token string, now time.Time, lease time.Duration, n int) ([]webhook.Claimed, error) {
	lock := ""
	if s.dialect == Postgres {
		lock = ` FOR UPDATE SKIP LOCKED`
		if err := s.sequencePending(ctx); err != nil {
			return nil, err
		}
	}
	nowArg := s.timeArg(lifecycle.StoreTime(now))
	rows, err := s.db.QueryContext(ctx, `UPDATE webhook_deliveries SET lease_until = $1, lease_owner = $2
		WHERE id IN (
		  SELECT d.id FROM webhook_deliveries d
		  WHERE d.status = 'pending' AND (d.attempts = 0 OR d.next_at <= $3)
		    AND (d.lease_until IS NULL OR d.lease_until < $3)
		    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
		      WHERE e.webhook_id = d.webhook_id AND e.project_id = d.project_id AND e.status = 'pending' AND e.pos < d.pos)
		  ORDER BY d.pos LIMIT $4`+lock+`)
		RETURNING id`, s.timeArg(lifecycle.StoreTime(now.Add(lease))), token, nowArg, n)
	if err != nil {
		return nil, s.fail(ctx, "claim", err)
	}
	var ids []string
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, s.fail(ctx, "claim", err)
		}
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	if err := closeRows(rows); err != nil {
		return nil, s.fail(ctx, "claim", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	id, err := s.storeID(ctx)
	if err != nil {
		return nil, s.fail(ctx, "claim", err)
	}
	rows, err = s.db.QueryContext(ctx, `SELECT `+deliveryColumns+`, w.url, w.secret, `+prefixed("e.", eventColumns)+`
		FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		JOIN event_feed f ON f.pos = d.pos JOIN events e ON e.seq = f.seq
		WHERE d.id IN (`+strings.Join(ids, ",")+`) AND d.lease_owner = $1 ORDER BY d.pos`, token)
	if err != nil {
		return nil, s.fail(ctx, "claim", err)
	}
	defer rows.Close()
	var out []webhook.Claimed
	for rows.Next() {
		var (
			c  webhook.Claimed
			r  row
			at dbTime
		)
		d, err := scanDelivery(rows, &c.URL, &c.Secret, &r.seq, &r.projectID, &r.version, &r.action, &r.actorID, &r.actorUnit, &r.actorRoles, &r.role, &at, &r.article, &r.payload)
		if err != nil {
			return nil, s.fail(ctx, "claim", err)
		}
		r.at = at.t
		e, err := r.event()
		if err != nil {
			return nil, err
		}
		c.Delivery, c.Lease = d, token
		c.EventID = webhook.EventID(e.ProjectID, e.Version)
		c.Event = lifecycle.FeedEvent{Position: d.Position, Cursor: lifecycle.FeedCursor(id, d.Position), Event: e}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, "claim", err)
	}
	return out, nil
}

// Settle implements webhook.Store.
func (s *Store) Settle(ctx context.Context, c webhook.Claimed, o webhook.Outcome) error {
	var (
		status    = webhook.StatusPending
		next      = s.timeArg(lifecycle.StoreTime(o.Retry))
		delivered any
	)
	switch {
	case o.Delivered:
		status, next, delivered = webhook.StatusDelivered, s.timeArg(lifecycle.StoreTime(o.At)), s.timeArg(lifecycle.StoreTime(o.At))
	case o.Retry.IsZero():
		status, next = webhook.StatusFailed, s.timeArg(lifecycle.StoreTime(o.At))
	}
	var lastStatus any
	if o.Status != 0 {
		lastStatus = o.Status
	}
	errText := o.Error
	if !storable(errText) {
		errText = strings.ToValidUTF8(strings.ReplaceAll(errText, "\x00", ""), "?")
	}
	_, err := s.db.ExecContext(ctx, `UPDATE webhook_deliveries
		SET status = $1, attempts = attempts + 1, next_at = $2, last_status = $3, last_error = $4, delivered_at = $5,
		    lease_until = NULL, lease_owner = NULL
		WHERE id = $6 AND lease_owner = $7`,
		status, next, lastStatus, errText, delivered, c.ID, c.Lease)
	if err != nil {
		return s.fail(ctx, "settle", err)
	}
	return nil
}

// storeID is the store's name in feed cursors.
func (s *Store) storeID(ctx context.Context) (string, error) {
	_, id, err := s.feedHead(ctx, s.db)
	return id, err
}
