package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"hash"

	"github.com/govit-cn/govit/lifecycle"
)

// ChainPoint is a place in a project's hash chain: a version and the hash
// stored for it. The zero ChainPoint is the start of the chain.
type ChainPoint struct {
	Version int64
	Hash    []byte
}

// VerifyAfter verifies the hash chain of one project from a point an
// earlier verification found good, in one streaming read of the rows from
// that point on, and returns the report with the point it reached (the
// last row's version and hash; from itself when the chain breaks).
//
// From the zero ChainPoint it checks the whole chain, with Verify's
// checks and reasons for one project. From a later point it checks that
// the row at from.Version still holds from.Hash (ReasonEdited if not),
// that the versions after it run on in sequence order, that each of them
// gives its stored hash, and that the projection names the last version.
//
// What a check from a later point does not see: it trusts the rows before
// the point. An edit to one of them that left its stored hash alone is
// found only by a check from an earlier point (the zero ChainPoint, or
// Verify). A caller that keeps points should therefore check from the
// start now and then.
//
// The rows are read in version order along the (project_id, version)
// index, with no sort; versions that do not run on one by one, or a
// sequence that does not grow with the version, hand the project to
// Verify, whose report then says what is wrong.
//
// An unknown projectID gives an error matching lifecycle.ErrNotFound; a
// broken chain is a report, not an error.
func (s *Store) VerifyAfter(ctx context.Context, projectID string, from ChainPoint) (VerifyReport, ChainPoint, error) {
	var rep VerifyReport
	if !storable(projectID) || projectID == "" {
		return rep, from, lifecycle.NotFoundError(projectID)
	}
	proj, err := s.projectionVersions(ctx, projectID)
	if err != nil {
		return rep, from, err
	}
	pv, hasProj := proj[projectID]
	start := max(from.Version, 1)
	rows, err := s.db.QueryContext(ctx, `SELECT seq, version, action, actor_id, actor_unit, actor_roles, role, at, article, payload, hash, key_id FROM events WHERE project_id = $1 AND version >= $2 ORDER BY version`, projectID, start)
	if err != nil {
		return rep, from, s.fail(ctx, "verify", err)
	}
	defer rows.Close()

	w := chainWalker{s: s, id: projectID, plain: s.newHash()}
	prev := make([]byte, w.plain.Size())
	var (
		r                                       row
		at                                      dbTime
		action, actorID, unit, roles, role, art sql.RawBytes
		payload, stored                         sql.RawBytes
		want                                    = start
		brk                                     *Break
		fallback                                bool
		lastSeq                                 int64
	)
	r.projectID = projectID
	for rows.Next() {
		if err := rows.Scan(&r.seq, &r.version, &action, &actorID, &unit, &roles, &role, &at, &art, &payload, &stored, &r.keyID); err != nil {
			return rep, from, s.fail(ctx, "verify", err)
		}
		if fallback {
			continue // drain: Verify will say what is wrong
		}
		r.payload, r.hash = payload, stored
		if r.version != want || r.seq <= lastSeq {
			// Missing, or the sequence disagrees with the version order:
			// Verify tells which, over the whole chain (a broken chain is
			// rare; its cost does not matter).
			fallback = true
			continue
		}
		want, lastSeq = want+1, r.seq
		if brk != nil {
			continue // the order is still checked first, as Verify does
		}
		if from.Version > 0 && r.version == from.Version {
			if !bytes.Equal(r.hash, from.Hash) {
				brk = &Break{ProjectID: projectID, Version: r.version, Seq: r.seq, Reason: ReasonEdited,
					Expected: bytes.Clone(from.Hash), Stored: bytes.Clone(r.hash), Detail: "the row's hash is not the one verified before"}
				continue
			}
			prev = append(prev[:0], r.hash...)
			continue
		}
		r.at = at.t
		if brk = w.check(prev, &r, action, actorID, unit, roles, role, art); brk != nil {
			continue
		}
		prev = append(prev[:0], r.hash...)
		rep.Events++
	}
	if err := rows.Err(); err != nil {
		return rep, from, s.fail(ctx, "verify", err)
	}
	rows.Close()
	if fallback {
		full, err := s.Verify(ctx, projectID)
		if err != nil || !full.OK() {
			return full, from, err
		}
		// The whole chain verifies now (rows were added between the
		// reads): nothing is known of the point reached.
		return full, from, nil
	}
	last := want - 1
	switch {
	case brk != nil:
	case last == 0 && !hasProj:
		return rep, from, lifecycle.NotFoundError(projectID)
	case last < from.Version:
		brk = &Break{ProjectID: projectID, Version: from.Version, Reason: ReasonMissingVersion,
			Detail: fmt.Sprintf("version %d, verified before, is not in the log", from.Version)}
	case hasProj && last == 0:
		brk = &Break{ProjectID: projectID, Version: 1, Reason: ReasonMissingVersion, Detail: "a projection without events"}
	default:
		brk = projectionBreak(projectID, last, pv, hasProj)
	}
	rep.Projects = 1
	if brk != nil {
		rep.add(brk)
		rep.Break = &rep.Breaks[0]
		return rep, from, nil
	}
	return rep, ChainPoint{Version: last, Hash: prev}, nil
}

// chainWalker recomputes chain values row after row, reusing its buffer
// and plain hash, so a long history costs no allocation per row for the
// encoding and the hash.
type chainWalker struct {
	s     *Store
	id    string
	plain hash.Hash
	buf   []byte
	sum   []byte
}

// check recomputes the chain value of r following prev (r's text columns
// given as read) and compares it with the stored hash.
func (w *chainWalker) check(prev []byte, r *row, action, actorID, unit, roles, role, article []byte) *Break {
	s := w.s
	if s.keys == nil && r.keyID != "" || s.keys != nil && (r.keyID == "" || s.keys.Key(r.keyID) == nil) {
		return &Break{ProjectID: w.id, Version: r.version, Seq: r.seq, Reason: ReasonUnkeyed,
			Detail: fmt.Sprintf("the row is sealed by key %q, which is not in the keyring (\"\" is the plain hash, which anyone can recompute)", r.keyID)}
	}
	w.buf = appendCanonical(w.buf[:0], w.id, r.version, action, actorID, unit, roles, role, r.at, article, r.payload)
	h := w.plain
	if r.keyID != "" {
		m, err := s.keys.MAC(r.keyID)
		if err != nil {
			return &Break{ProjectID: w.id, Version: r.version, Seq: r.seq, Reason: ReasonUnkeyed, Detail: err.Error()}
		}
		h = m
	}
	w.sum = sumChain(h, w.sum[:0], prev, w.buf, w.id, r.version, r.keyID)
	if !bytes.Equal(w.sum, r.hash) {
		return &Break{ProjectID: w.id, Version: r.version, Seq: r.seq, Reason: ReasonEdited,
			Expected: bytes.Clone(w.sum), Stored: bytes.Clone(r.hash), Detail: "the row does not give its stored hash"}
	}
	return nil
}
