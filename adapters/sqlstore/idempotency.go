package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/govit-cn/govit/lifecycle"
)

// The store keeps idempotency keys (lifecycle.KeyStore) in the table
// idempotency_keys; the append a request makes under a claim records
// itself there in the append's own transaction (commitKey), so a request
// retried after a restart, or sent again to another instance on the same
// database, finds what the first one did.
var _ lifecycle.KeyStore = (*Store)(nil)

const keyColumns = `fingerprint, token, created_at, lease_until, project_id, version, status, header, body`

func scanKey(row interface{ Scan(...any) error }) (lifecycle.KeyRecord, error) {
	var (
		r              lifecycle.KeyRecord
		created, lease dbTime
	)
	err := row.Scan(&r.Fingerprint, &r.Token, &created, &lease, &r.ProjectID, &r.Version, &r.Status, &r.Header, &r.Body)
	r.CreatedAt, r.LeaseUntil = created.t, lease.t
	return r, err
}

// ClaimKey implements lifecycle.KeyStore. The claim is an insert that
// does nothing on a conflict of (actor, key), then a compare-and-set on
// the holder's token: of requests racing for one key, on one instance or
// several, exactly one claims it.
func (s *Store) ClaimKey(ctx context.Context, actor, key string, fp []byte, token string, now, leaseUntil, expiredBefore time.Time) (lifecycle.KeyRecord, bool, error) {
	if !storable(actor) || !storable(key) {
		return lifecycle.KeyRecord{}, false, unstorable("Idempotency-Key")
	}
	fresh := lifecycle.KeyRecord{Fingerprint: fp, Token: token, CreatedAt: lifecycle.StoreTime(now), LeaseUntil: lifecycle.StoreTime(leaseUntil)}
	for range 3 {
		res, err := s.db.ExecContext(ctx, `INSERT INTO idempotency_keys (actor_id, key, fingerprint, token, created_at, lease_until)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (actor_id, key) DO NOTHING`,
			actor, key, fp, token, s.timeArg(fresh.CreatedAt), s.timeArg(fresh.LeaseUntil))
		if err != nil {
			return lifecycle.KeyRecord{}, false, s.fail(ctx, "claim key", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return fresh, true, nil
		}
		rec, err := scanKey(s.db.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM idempotency_keys WHERE actor_id = $1 AND key = $2`, actor, key))
		if errors.Is(err, sql.ErrNoRows) {
			continue // released or pruned meanwhile: insert again
		}
		if err != nil {
			return lifecycle.KeyRecord{}, false, s.fail(ctx, "claim key", err)
		}
		var take sql.Result
		switch {
		case rec.CreatedAt.Before(expiredBefore):
			// Expired: the key starts anew.
			take, err = s.db.ExecContext(ctx, `UPDATE idempotency_keys SET fingerprint = $1, token = $2, created_at = $3, lease_until = $4,
				project_id = '', version = 0, status = 0, header = NULL, body = NULL, size = 0
				WHERE actor_id = $5 AND key = $6 AND token = $7`,
				fp, token, s.timeArg(fresh.CreatedAt), s.timeArg(fresh.LeaseUntil), actor, key, rec.Token)
		case string(rec.Fingerprint) == string(fp) && !rec.Done() && !rec.LeaseUntil.After(now):
			// Its holder stored nothing and its lease has passed (the
			// process died): take it over.
			take, err = s.db.ExecContext(ctx, `UPDATE idempotency_keys SET token = $1, lease_until = $2
				WHERE actor_id = $3 AND key = $4 AND token = $5 AND project_id = '' AND status = 0`,
				token, s.timeArg(fresh.LeaseUntil), actor, key, rec.Token)
			fresh.CreatedAt = rec.CreatedAt
		default:
			return rec, false, nil
		}
		if err != nil {
			return lifecycle.KeyRecord{}, false, s.fail(ctx, "claim key", err)
		}
		if n, _ := take.RowsAffected(); n == 1 {
			return fresh, true, nil
		}
		// Another request changed the row between the read and the
		// update: read it again.
	}
	rec, err := scanKey(s.db.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM idempotency_keys WHERE actor_id = $1 AND key = $2`, actor, key))
	if err != nil {
		return lifecycle.KeyRecord{}, false, s.fail(ctx, "claim key", err)
	}
	return rec, false, nil
}

// commitKey records, in an append's transaction, the append made under the
// claim c; a claim taken over fails the append.
const sqlCommitKey = `UPDATE idempotency_keys SET project_id = $1, version = $2
		WHERE actor_id = $3 AND key = $4 AND token = $5 AND project_id = '' AND status = 0`

func (s *Store) commitKey(ctx context.Context, tx Tx, c lifecycle.KeyClaim, projectID string, version int64) error {
	res, err := tx.ExecContext(ctx, sqlCommitKey, projectID, version, c.Actor, c.Key, c.Token)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return lifecycle.KeyTakenError(c.Key)
	}
	return nil
}

// FinishKey implements lifecycle.KeyStore.
func (s *Store) FinishKey(ctx context.Context, c lifecycle.KeyClaim, status int, header, body []byte) error {
	_, err := s.db.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, header = $2, body = $3, size = $4
		WHERE actor_id = $5 AND key = $6 AND token = $7`,
		status, header, body, len(header)+len(body), c.Actor, c.Key, c.Token)
	if err != nil {
		return s.fail(ctx, "finish key", err)
	}
	return nil
}

// ReleaseKey implements lifecycle.KeyStore.
func (s *Store) ReleaseKey(ctx context.Context, c lifecycle.KeyClaim) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE actor_id = $1 AND key = $2 AND token = $3 AND project_id = ''`,
		c.Actor, c.Key, c.Token)
	if err != nil {
		return s.fail(ctx, "release key", err)
	}
	return nil
}

// PruneKeys implements lifecycle.KeyStore.
func (s *Store) PruneKeys(ctx context.Context, expiredBefore time.Time, maxBytes int64) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, s.timeArg(lifecycle.StoreTime(expiredBefore)))
	if err != nil {
		return 0, s.fail(ctx, "prune keys", err)
	}
	n64, _ := res.RowsAffected()
	deleted := int(n64)
	var total int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM idempotency_keys`).Scan(&total); err != nil {
		return deleted, s.fail(ctx, "prune keys", err)
	}
	for total > maxBytes {
		rows, err := s.db.QueryContext(ctx, `SELECT actor_id, key, size, project_id FROM idempotency_keys WHERE size > 0 ORDER BY created_at LIMIT 500`)
		if err != nil {
			return deleted, s.fail(ctx, "prune keys", err)
		}
		type victim struct {
			actor, key, project string
			size                int64
		}
		var vs []victim
		for rows.Next() && total > maxBytes {
			var v victim
			if err := rows.Scan(&v.actor, &v.key, &v.size, &v.project); err != nil {
				rows.Close()
				return deleted, s.fail(ctx, "prune keys", err)
			}
			total -= v.size
			vs = append(vs, v)
		}
		rows.Close()
		if len(vs) == 0 {
			break
		}
		for _, v := range vs {
			q := `DELETE FROM idempotency_keys WHERE actor_id = $1 AND key = $2`
			if v.project != "" {
				// The append stays known; its response is rebuilt.
				q = `UPDATE idempotency_keys SET header = NULL, body = NULL, size = 0 WHERE actor_id = $1 AND key = $2`
			} else {
				deleted++
			}
			if _, err := s.db.ExecContext(ctx, q, v.actor, v.key); err != nil {
				return deleted, s.fail(ctx, "prune keys", err)
			}
		}
	}
	return deleted, nil
}
