package sqlstore

import (
	"context"
	"errors"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The heads of a PostgreSQL store. Sealing an append's events needs its
// project's head: the version it follows and that version's chain value.
// Reading it costs a round trip before the writes, and the batch's read
// of several heads (sqlHeads) was planned anew on every call. The store
// therefore keeps the head each of its appends left (pgHeadCache
// projects, least recently used out) and seals an append to a project it
// knows without reading. Such an append's first event is inserted by
// sqlInsertAfter, which inserts it only if the head it was sealed on is
// still the project's head in the database: a version another instance
// wrote meanwhile makes the insert fail on the (project_id, version) key,
// as it always did; a chain value changed under the same version
// (SealUnkeyed, here or on another instance) leaves the version NULL,
// which fails the NOT NULL constraint (isStaleHead). Either way nothing of
// the transaction commits and the head is forgotten: the first is the
// conflict it always was; after the second the append runs again on the
// head read from the database (pgAppendOn).

// pgHeadCache is the number of projects whose head a PostgreSQL store
// keeps.
const pgHeadCache = 4096

// sqlHeads reads the head (latest version and hash) of each project named.
const sqlHeads = `SELECT h.project_id, h.version, h.hash FROM unnest($1::text[]) AS p(id)
	CROSS JOIN LATERAL (SELECT project_id, version, hash FROM events WHERE project_id = p.id ORDER BY version DESC LIMIT 1) h`

// sqlInsertAfter is sqlInsert for the first event of an append: $13, if
// not NULL, is the chain value of the kept head it was sealed on, the
// version before it ($2 - 1). When that version has another value, the
// version inserted is NULL, and the insert fails.
const sqlInsertAfter = `INSERT INTO events (project_id, version, action, actor_id, actor_unit, actor_roles, role, at, article, payload, hash, key_id)
	VALUES ($1,
	  CASE WHEN $13::bytea IS NULL
	    OR EXISTS (SELECT 1 FROM events WHERE project_id = $1 AND version = $2::bigint - 1 AND hash = $13::bytea) THEN $2::bigint END,
	  $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq`

type head struct {
	version int64
	hash    []byte
}

func newHeads() *lru.Cache[string, head] {
	c, _ := lru.New[string, head](pgHeadCache) // fails only for a size that is not positive
	return c
}

// keptHead is the kept head of op's project, if it is the one op expects.
func (s *Store) keptHead(op *appendOp) (head, bool) {
	if s.heads == nil || op.req.Expected == 0 {
		return head{}, false
	}
	h, ok := s.heads.Get(op.rows[0].projectID)
	return h, ok && h.version == op.req.Expected
}

// keepHead keeps the head op left, after its commit.
func (s *Store) keepHead(op *appendOp) {
	if s.heads == nil {
		return
	}
	last := op.rows[len(op.rows)-1]
	s.heads.Add(last.projectID, head{version: last.version, hash: last.hash})
}

// forgetHead forgets the kept head of op's project, after op failed.
func (s *Store) forgetHead(op *appendOp) {
	if s.heads != nil {
		s.heads.Remove(op.rows[0].projectID)
	}
}

// isStaleHead reports whether err is sqlInsertAfter's refusal of a head
// that is no longer the project's.
func isStaleHead(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23502" && pe.TableName == "events" && pe.ColumnName == "version"
}

// readHeads reads the heads of the projects ids; a project with no events
// has none. Appends of a new project (expected version 0) need no head:
// they are not asked for, and if the project has events after all, the
// insert of its version 1 fails on the (project_id, version) key, a
// conflict.
func readHeads(ctx context.Context, c *pgx.Conn, ids []string) (map[string]head, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := c.Query(ctx, sqlHeads, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]head, len(ids))
	for rows.Next() {
		var (
			id string
			h  head
		)
		if err := rows.Scan(&id, &h.version, &h.hash); err != nil {
			return nil, err
		}
		out[id] = h
	}
	return out, rows.Err()
}
