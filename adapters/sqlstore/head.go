package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/govit-cn/govit/adapters/integrity"
)

// ErrNoKeyring: the call needs a store opened WithKeyring.
var ErrNoKeyring = errors.New("sqlstore: the store has no keyring (see WithKeyring)")

// queryer is a *sql.DB or a *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// lockEvents keeps appends out of a PostgreSQL transaction's view until it
// ends: in SHARE mode it waits for every transaction that has inserted
// events to commit, and makes later inserts wait, so that every event
// with a seq up to the largest one seen is committed and no later insert
// can take a smaller seq. On SQLite the transaction (begun immediate)
// already holds the database's write lock.
func (s *Store) lockEvents(ctx context.Context, tx *sql.Tx, mode string) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `LOCK TABLE events IN `+mode+` MODE`)
	return err
}

// Head makes and signs a head over every project's chain, up to the
// latest event: the Merkle tree hash (integrity.Tree) over each project's
// latest version and its chain value, in project ID order. Appends wait
// while it reads (on PostgreSQL through a SHARE lock on the events), so
// the head covers exactly the events with seq up to Head.Seq; an
// embedder makes heads now and then (the reference server at most once a
// minute), not per request.
func (s *Store) Head(ctx context.Context) (integrity.Head, error) {
	if s.keys == nil {
		return integrity.Head{}, ErrNoKeyring
	}
	release, err := s.holdWrites(ctx)
	if err != nil {
		return integrity.Head{}, err
	}
	defer release()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return integrity.Head{}, s.fail(ctx, "head", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	if err := s.lockEvents(ctx, tx, "SHARE"); err != nil {
		return integrity.Head{}, s.fail(ctx, "head", err)
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&seq); err != nil {
		return integrity.Head{}, s.fail(ctx, "head", err)
	}
	h, err := s.headAt(ctx, tx, seq)
	if err != nil {
		return integrity.Head{}, err
	}
	if err := tx.Commit(); err != nil {
		return integrity.Head{}, s.fail(ctx, "head", err)
	}
	if err := s.keys.Sign(&h, time.Now()); err != nil {
		return integrity.Head{}, err
	}
	return h, nil
}

// headAt computes the unsigned head over the events with seq ≤ seq from
// the stored chain values, with the tree hash of the keyring's current
// suite.
func (s *Store) headAt(ctx context.Context, q queryer, seq int64) (integrity.Head, error) {
	h := integrity.Head{Seq: seq}
	rows, err := q.QueryContext(ctx, `SELECT e.project_id, e.version, e.hash, m.n FROM events e
		JOIN (SELECT project_id, MAX(version) AS v, COUNT(*) AS n FROM events WHERE seq <= $1 GROUP BY project_id) m
		ON e.project_id = m.project_id AND e.version = m.v
		ORDER BY e.project_id`, seq)
	if err != nil {
		return h, s.fail(ctx, "head", err)
	}
	defer rows.Close()
	tree := integrity.NewTree(s.keys.CurrentKey().Suite.Hash())
	for rows.Next() {
		var (
			l integrity.Leaf
			n int64
		)
		if err := rows.Scan(&l.ProjectID, &l.Version, &l.Chain, &n); err != nil {
			return h, s.fail(ctx, "head", err)
		}
		tree.Add(l)
		h.Events += n
	}
	if err := rows.Err(); err != nil {
		return h, s.fail(ctx, "head", err)
	}
	h.Projects, h.Root = tree.Size(), tree.Root()
	return h, nil
}

// recomputeHead computes the head over the events with seq ≤ seq from
// the rows' content: each project's chain is recomputed row by row with
// the keys that sealed them, and its last value is the leaf, so that a
// row edited with its stored value left as it was changes the root too.
// The tree hash is the suite's.
func (s *Store) recomputeHead(ctx context.Context, seq int64, suite integrity.Suite) (integrity.Head, error) {
	h := integrity.Head{Seq: seq}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, project_id, version, action, actor_id, actor_unit, actor_roles, role, at, article, payload, hash, key_id
		FROM events WHERE seq <= $1 ORDER BY project_id, seq`, seq)
	if err != nil {
		return h, s.fail(ctx, "check head", err)
	}
	defer rows.Close()
	tree := integrity.NewTree(suite.Hash())
	var (
		cur  integrity.Leaf
		prev []byte
	)
	flush := func() {
		if cur.ProjectID != "" {
			cur.Chain = prev
			tree.Add(cur)
		}
	}
	for rows.Next() {
		var (
			r  row
			at dbTime
		)
		if err := rows.Scan(&r.seq, &r.projectID, &r.version, &r.action, &r.actorID, &r.actorUnit, &r.actorRoles, &r.role, &at, &r.article, &r.payload, &r.hash, &r.keyID); err != nil {
			return h, s.fail(ctx, "check head", err)
		}
		r.at = at.t
		if r.projectID != cur.ProjectID {
			flush()
			cur = integrity.Leaf{ProjectID: r.projectID}
			prev = make([]byte, s.newHash().Size())
		}
		v, err := s.seal(prev, r)
		if err != nil {
			v = nil // a key the keyring lacks: the root cannot match
		}
		prev, cur.Version = v, r.version
		h.Events++
	}
	if err := rows.Err(); err != nil {
		return h, s.fail(ctx, "check head", err)
	}
	flush()
	h.Projects, h.Root = tree.Size(), tree.Root()
	return h, nil
}

// HeadMismatchError says how a kept head disagrees with the store.
type HeadMismatchError struct {
	Head integrity.Head
	// Now is the head recomputed from the store for the same Seq.
	Now    integrity.Head
	Detail string
}

func (e *HeadMismatchError) Error() string {
	return fmt.Sprintf("sqlstore: the head at seq %d (made %s) does not match the store: %s",
		e.Head.Seq, e.Head.At.Format(time.RFC3339), e.Detail)
}

// CheckHead checks a head kept outside the store: its signature, with the
// keyring's key that signed it, and that the store's events up to its
// Seq, their chains recomputed from their content, still give its counts
// and root. An event removed, edited, or added with a seq the head covers
// gives a *HeadMismatchError; so does a bad signature. It reads every
// event the head covers.
func (s *Store) CheckHead(ctx context.Context, h integrity.Head) error {
	if s.keys == nil {
		return ErrNoKeyring
	}
	if err := s.keys.VerifyHead(h); err != nil {
		return &HeadMismatchError{Head: h, Detail: err.Error()}
	}
	now, err := s.recomputeHead(ctx, h.Seq, h.Suite)
	if err != nil {
		return err
	}
	switch {
	case now.Projects != h.Projects:
		return &HeadMismatchError{Head: h, Now: now, Detail: fmt.Sprintf("%d projects then, %d now", h.Projects, now.Projects)}
	case now.Events != h.Events:
		return &HeadMismatchError{Head: h, Now: now, Detail: fmt.Sprintf("%d events then, %d now", h.Events, now.Events)}
	case !bytes.Equal(now.Root, h.Root):
		return &HeadMismatchError{Head: h, Now: now, Detail: "the tree hash differs: a project's chain up to the head was changed"}
	}
	return nil
}

// SealUnkeyed seals with the keyring's current key every project that has
// rows chained with the plain hash (written before the store had a
// keyring): it checks each such project's chain as it stands, and only if
// it verifies recomputes it under the key. A project whose chain does not
// verify is left as it is and reported in the returned error (Verify then
// names it). It returns the number of projects sealed. Appends wait while
// it runs.
func (s *Store) SealUnkeyed(ctx context.Context) (int, error) {
	if s.keys == nil {
		return 0, ErrNoKeyring
	}
	release, err := s.holdWrites(ctx)
	if err != nil {
		return 0, err
	}
	defer release()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.fail(ctx, "seal", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if err := s.lockEvents(ctx, tx, "SHARE ROW EXCLUSIVE"); err != nil {
		return 0, s.fail(ctx, "seal", err)
	}
	ids, err := s.unkeyedProjects(ctx, tx)
	if err != nil {
		return 0, err
	}
	var broken []string
	sealed := 0
	for _, id := range ids {
		rs, err := s.projectRows(ctx, tx, id)
		if err != nil {
			return 0, err
		}
		if _, b := s.checkChain(rs, true); b != nil {
			broken = append(broken, b.String())
			continue
		}
		prev := make([]byte, s.newHash().Size())
		for _, r := range rs {
			r.keyID = s.keys.Current
			h, err := s.seal(prev, r)
			if err != nil {
				return 0, err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE events SET hash = $1, key_id = $2 WHERE seq = $3`, h, r.keyID, r.seq); err != nil {
				return 0, s.fail(ctx, "seal", err)
			}
			prev = h
		}
		sealed++
	}
	if err := tx.Commit(); err != nil {
		return 0, s.fail(ctx, "seal", err)
	}
	if s.heads != nil {
		s.heads.Purge() // their chain values changed (an append's check would also find out)
	}
	if len(broken) > 0 {
		return sealed, fmt.Errorf("sqlstore: %d projects left unsealed, their chains do not verify: %v", len(broken), broken)
	}
	return sealed, nil
}

func (s *Store) unkeyedProjects(ctx context.Context, q queryer) ([]string, error) {
	return s.queryIDs(ctx, q, "seal", `SELECT DISTINCT project_id FROM events WHERE key_id = '' ORDER BY project_id`)
}

// queryIDs reads the project IDs query selects, on q; op names the call
// in errors.
func (s *Store) queryIDs(ctx context.Context, q queryer, op, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.fail(ctx, op, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, op, err)
	}
	return ids, nil
}

// projectRows reads a project's rows in seq order.
func (s *Store) projectRows(ctx context.Context, q queryer, id string) ([]row, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, project_id, version, action, actor_id, actor_unit, actor_roles, role, at, article, payload, hash, key_id
		FROM events WHERE project_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, s.fail(ctx, "read", err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var (
			r  row
			at dbTime
		)
		if err := rows.Scan(&r.seq, &r.projectID, &r.version, &r.action, &r.actorID, &r.actorUnit, &r.actorRoles, &r.role, &at, &r.article, &r.payload, &r.hash, &r.keyID); err != nil {
			return nil, s.fail(ctx, "read", err)
		}
		r.at = at.t
		out = append(out, r)
	}
	return out, rows.Err()
}
