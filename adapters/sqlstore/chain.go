package sqlstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govit-cn/govit/lifecycle"
)

// canonicalTag opens the canonical encoding of an event row; it names the
// encoding so that a future one cannot be confused with it.
const canonicalTag = "govit/event/v1\x00"

// row is an event as stored: the column values the hash covers.
type row struct {
	seq        int64
	projectID  string
	version    int64
	action     string
	actorID    string
	actorUnit  string
	actorRoles string // JSON array of strings, as stored
	role       string
	at         time.Time
	article    string
	payload    []byte
	hash       []byte
	keyID      string // the sealing key's ID, "" for the plain hash
}

func rowOf(e lifecycle.Event) (row, error) {
	roles := make([]string, len(e.Actor.Roles))
	for i, r := range e.Actor.Roles {
		roles[i] = string(r)
	}
	rj, err := json.Marshal(roles)
	if err != nil {
		return row{}, err
	}
	return row{
		projectID:  e.ProjectID,
		version:    e.Version,
		action:     string(e.Action),
		actorID:    e.Actor.ID,
		actorUnit:  e.Actor.Unit,
		actorRoles: string(rj),
		role:       string(e.Role),
		at:         lifecycle.StoreTime(e.At),
		article:    e.Article,
		payload:    e.Payload,
	}, nil
}

func (r row) event() (lifecycle.Event, error) {
	var roles []lifecycle.Role
	if err := json.Unmarshal([]byte(r.actorRoles), &roles); err != nil {
		return lifecycle.Event{}, lifecycle.CorruptError(r.projectID, r.version, fmt.Errorf("sqlstore: actor_roles: %w", err))
	}
	if len(roles) == 0 {
		roles = nil
	}
	var payload []byte
	if len(r.payload) > 0 {
		payload = r.payload
	}
	return lifecycle.Event{
		ProjectID: r.projectID,
		Version:   r.version,
		Action:    lifecycle.Action(r.action),
		Actor:     lifecycle.Actor{ID: r.actorID, Unit: r.actorUnit, Roles: roles},
		Role:      lifecycle.Role(r.role),
		At:        r.at,
		Article:   r.article,
		Payload:   payload,
		Seq:       r.seq,
	}, nil
}

// canonical is the canonical encoding of a stored event row, the bytes the
// hash chain covers:
//
//	"govit/event/v1" 0x00
//	field(project_id) field(version) field(action)
//	field(actor_id) field(actor_unit) field(actor_roles)
//	field(role) field(at) field(article) field(payload)
//
// where field(x) is the length of x as a 4-byte big-endian unsigned
// integer followed by the bytes of x; version is its decimal text;
// actor_roles is the stored JSON array text; at is the UTC time in the
// layout 2006-01-02T15:04:05.000000Z; payload is the stored bytes (none
// when NULL). Every value is the stored column's, so an edit to any column
// but seq changes the encoding. seq is not covered: it is the store's
// order, not the event's content (Verify checks it separately).
func canonical(r row) []byte {
	return appendCanonical(nil, r.projectID, r.version, r.action, r.actorID, r.actorUnit, r.actorRoles, r.role, r.at, r.article, r.payload)
}

// appendCanonical appends the canonical encoding of an event to b, its
// text columns given as strings (a row) or as the bytes read (a verifier
// walking a long history without a string per column).
func appendCanonical[T ~string | ~[]byte](b []byte, id string, version int64, action, actorID, unit, roles, role T, at time.Time, article T, payload []byte) []byte {
	b = append(b, canonicalTag...)
	b = appendField(b, id)
	n := len(b)
	b = binary.BigEndian.AppendUint32(b, 0)
	b = strconv.AppendInt(b, version, 10)
	binary.BigEndian.PutUint32(b[n:], uint32(len(b)-n-4))
	for _, f := range [...]T{action, actorID, unit, roles, role} {
		b = appendField(b, f)
	}
	n = len(b)
	b = binary.BigEndian.AppendUint32(b, 0)
	b = at.UTC().AppendFormat(b, timeLayout)
	binary.BigEndian.PutUint32(b[n:], uint32(len(b)-n-4))
	b = appendField(b, article)
	return appendField(b, payload)
}

// appendField appends field(f): f's length as a 4-byte big-endian
// unsigned integer, then f.
func appendField[T ~string | ~[]byte](b []byte, f T) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
	return append(b, f...)
}

// chainHash is the hash of a row following prev, the hash of the previous
// version of the same project (Size() zero bytes before version 1):
//
//	H(prev ‖ canonical(row) ‖ project_id ‖ version as 8-byte big-endian)
//
// canonical already holds project and version; they are repeated so that
// the link to a project and a position is explicit in the formula.
func chainHash(newHash func() hash.Hash, prev []byte, r row) []byte {
	return sumChain(newHash(), nil, prev, canonical(r), r.projectID, r.version, "")
}

// sumChain appends to dst the chain value of an event following prev,
// canon its canonical encoding: h (a plain hash, or the HMAC of the key
// keyID) of prev ‖ canon ‖ id ‖ version as 8-byte big-endian, then keyID
// when there is one (see chainHash and seal). h is reset first.
func sumChain(h hash.Hash, dst, prev, canon []byte, id string, version int64, keyID string) []byte {
	h.Reset()
	h.Write(prev)
	h.Write(canon)
	h.Write([]byte(id))
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], uint64(version))
	h.Write(v[:])
	if keyID != "" {
		h.Write([]byte(keyID))
	}
	return h.Sum(dst)
}

// sealingKey is the ID of the key new rows are sealed with, "" without a
// keyring.
func (s *Store) sealingKey() string {
	if s.keys == nil {
		return ""
	}
	return s.keys.Current
}

// seal is the chain value of a row following prev. A row without a key ID
// gets chainHash; a row with one gets the HMAC, under that key of the
// keyring, of
//
//	prev ‖ canonical(row) ‖ project_id ‖ version as 8-byte big-endian ‖ key_id
//
// so that the value cannot be recomputed without the key, and a row
// cannot be moved to another key's chain.
func (s *Store) seal(prev []byte, r row) ([]byte, error) {
	if r.keyID == "" {
		return chainHash(s.newHash, prev, r), nil
	}
	if s.keys == nil {
		return nil, fmt.Errorf("sqlstore: project %s version %d is sealed by key %q, and the store has no keyring", r.projectID, r.version, r.keyID)
	}
	m, err := s.keys.MAC(r.keyID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: project %s version %d: %w", r.projectID, r.version, err)
	}
	return sumChain(m, nil, prev, canonical(r), r.projectID, r.version, r.keyID), nil
}

// Reason says how a hash chain is broken.
type Reason string

// The reasons Verify reports.
const (
	// ReasonEdited: a row's content no longer gives its stored hash (or
	// the hash itself was changed): the row, or one before it, was edited.
	ReasonEdited Reason = "edited"
	// ReasonMissingVersion: a version of the project is not in the log
	// (deleted, or never stored), including versions after the last row
	// that the projection says exist.
	ReasonMissingVersion Reason = "missing_version"
	// ReasonReordered: the global sequence disagrees with the version
	// order (rows renumbered or moved between projects).
	ReasonReordered Reason = "reordered"
	// ReasonProjection: the projection's version is not the last event's,
	// or a projection has no events, or events have no projection.
	ReasonProjection Reason = "projection_mismatch"
	// ReasonUnkeyed: a store with a keyring holds a row chained with the
	// plain hash (anyone can recompute such a row; SealUnkeyed seals the
	// rows written before the keyring), or a row names a key the keyring
	// does not hold.
	ReasonUnkeyed Reason = "unkeyed"
)

// Break is the first place where a chain does not verify.
type Break struct {
	// ProjectID is the project whose chain breaks.
	ProjectID string `json:"project_id"`
	// Version is the version where the chain breaks: the edited row's,
	// or the missing one's.
	Version int64 `json:"version"`
	// Reason says how it breaks.
	Reason Reason `json:"reason"`
	// Seq is the row's global sequence number (0 when the row is missing).
	Seq int64 `json:"seq,omitempty"`
	// Expected is the hash the row should have, recomputed from the
	// chain; Stored is the hash it has (both nil when not about a hash).
	Expected []byte `json:"expected,omitempty"`
	Stored   []byte `json:"stored,omitempty"`
	// Detail says what was found, in English.
	Detail string `json:"detail"`
}

// String describes the break in one line.
func (b Break) String() string {
	s := fmt.Sprintf("project %s version %d: %s: %s", b.ProjectID, b.Version, b.Reason, b.Detail)
	if b.Expected != nil || b.Stored != nil {
		s += fmt.Sprintf(" (expected hash %s, stored %s)", hex.EncodeToString(b.Expected), hex.EncodeToString(b.Stored))
	}
	return s
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	// Projects and Events count what was checked before the walk ended.
	Projects int   `json:"projects"`
	Events   int64 `json:"events"`
	// Break is the first break, nil when every chain verifies.
	Break *Break `json:"break,omitempty"`
	// Breaks are the first break of every broken project, in project ID
	// order (Break is the first of them).
	Breaks []Break `json:"breaks,omitempty"`
}

// add records b, if any; Verify points Break at the first once all are in.
func (r *VerifyReport) add(b *Break) {
	if b != nil {
		r.Breaks = append(r.Breaks, *b)
	}
}

// OK reports whether every chain verified.
func (r VerifyReport) OK() bool { return r.Break == nil }

// Verify walks the hash chain of one project, or of every project when
// projectID is "", and reports the first break. For each project, in
// project ID order, it reads the rows in global sequence order and checks,
// in this order:
//
//   - that the versions run 1, 2, 3, … in sequence order: a version that
//     is absent is ReasonMissingVersion, one that is present but out of
//     place is ReasonReordered;
//   - that each row gives its stored hash, recomputed from the row and the
//     hash of the previous version (ReasonEdited);
//   - that the projection names the last version (ReasonMissingVersion if
//     it names a later one, ReasonProjection otherwise, or if it is
//     missing).
//
// A chain cannot show the removal of a project's latest events together
// with the matching rollback of its projection; anchoring the hashes
// elsewhere (printing the latest hash in a report, say) closes that gap.
//
// The store must have been opened with the hash function that wrote the
// chain. The error is for failures to read; a broken chain is a report,
// not an error. An unknown projectID gives an error matching
// lifecycle.ErrNotFound.
func (s *Store) Verify(ctx context.Context, projectID string) (VerifyReport, error) {
	var rep VerifyReport
	if !storable(projectID) {
		return rep, lifecycle.NotFoundError(projectID)
	}
	proj, err := s.projectionVersions(ctx, projectID)
	if err != nil {
		return rep, err
	}
	q := `SELECT seq, project_id, version, action, actor_id, actor_unit, actor_roles, role, at, article, payload, hash, key_id FROM events`
	var args []any
	if projectID != "" {
		q += ` WHERE project_id = $1`
		args = append(args, projectID)
	}
	q += ` ORDER BY project_id, seq`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return rep, s.fail(ctx, "verify", err)
	}
	defer rows.Close()

	seen := map[string]bool{}
	var project []row // the rows of one project, in seq order
	check := func() *Break {
		if len(project) == 0 {
			return nil
		}
		id := project[0].projectID
		seen[id] = true
		rep.Projects++
		b := s.verifyProject(project, proj, &rep)
		project = project[:0]
		return b
	}
	for rows.Next() {
		var (
			r  row
			at dbTime
		)
		if err := rows.Scan(&r.seq, &r.projectID, &r.version, &r.action, &r.actorID, &r.actorUnit, &r.actorRoles, &r.role, &at, &r.article, &r.payload, &r.hash, &r.keyID); err != nil {
			return rep, s.fail(ctx, "verify", err)
		}
		r.at = at.t
		if len(project) > 0 && project[0].projectID != r.projectID {
			rep.add(check())
		}
		project = append(project, r)
	}
	if err := rows.Err(); err != nil {
		return rep, s.fail(ctx, "verify", err)
	}
	rep.add(check())
	if projectID != "" && rep.Projects == 0 {
		if _, ok := proj[projectID]; !ok {
			return rep, lifecycle.NotFoundError(projectID)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(proj)) {
		if !seen[id] {
			rep.add(&Break{ProjectID: id, Version: 1, Reason: ReasonMissingVersion, Detail: "a projection without events"})
		}
	}
	if len(rep.Breaks) > 0 {
		slices.SortStableFunc(rep.Breaks, func(a, b Break) int { return strings.Compare(a.ProjectID, b.ProjectID) })
		rep.Break = &rep.Breaks[0]
	}
	return rep, nil
}

// verifyProject checks the rows of one project, given in seq order,
// counting verified events in rep.
func (s *Store) verifyProject(rs []row, proj map[string]int64, rep *VerifyReport) *Break {
	id := rs[0].projectID
	n, b := s.checkChain(rs, false)
	rep.Events += n
	if b != nil {
		return b
	}
	pv, ok := proj[id]
	return projectionBreak(id, int64(len(rs)), pv, ok)
}

// projectionBreak compares a project's projection, at version pv (ok:
// there is one), with its log, which verified up to version last: nil
// when they agree.
func projectionBreak(id string, last, pv int64, ok bool) *Break {
	switch {
	case !ok:
		return &Break{ProjectID: id, Version: last, Reason: ReasonProjection, Detail: "events without a projection"}
	case pv > last:
		return &Break{ProjectID: id, Version: last + 1, Reason: ReasonMissingVersion,
			Detail: fmt.Sprintf("the projection is at version %d, the log ends at %d", pv, last)}
	case pv < last:
		return &Break{ProjectID: id, Version: pv, Reason: ReasonProjection,
			Detail: fmt.Sprintf("the projection is at version %d, the log at %d", pv, last)}
	}
	return nil
}

// checkChain checks the versions and chain values of one project's rows,
// given in seq order. In a store with a keyring, rows chained with the
// plain hash break the chain unless allowUnkeyed (SealUnkeyed checks
// them before it seals them).
func (s *Store) checkChain(rs []row, allowUnkeyed bool) (verified int64, b *Break) {
	id := rs[0].projectID
	present := make(map[int64]bool, len(rs))
	for _, r := range rs {
		present[r.version] = true
	}
	for i, r := range rs {
		want := int64(i + 1)
		if r.version == want {
			continue
		}
		if !present[want] {
			return verified, &Break{ProjectID: id, Version: want, Reason: ReasonMissingVersion,
				Detail: fmt.Sprintf("version %d is not in the log; after version %d comes version %d", want, want-1, r.version)}
		}
		return verified, &Break{ProjectID: id, Version: r.version, Seq: r.seq, Reason: ReasonReordered,
			Detail: fmt.Sprintf("version %d (seq %d) comes where version %d should", r.version, r.seq, want)}
	}
	prev := make([]byte, s.newHash().Size())
	for _, r := range rs {
		if s.keys != nil && (r.keyID == "" && !allowUnkeyed || r.keyID != "" && s.keys.Key(r.keyID) == nil) {
			return verified, &Break{ProjectID: id, Version: r.version, Seq: r.seq, Reason: ReasonUnkeyed,
				Detail: fmt.Sprintf("the row is sealed by key %q, which is not in the keyring (\"\" is the plain hash, which anyone can recompute)", r.keyID)}
		}
		want, err := s.seal(prev, r)
		if err != nil {
			return verified, &Break{ProjectID: id, Version: r.version, Seq: r.seq, Reason: ReasonUnkeyed, Detail: err.Error()}
		}
		if !bytes.Equal(want, r.hash) {
			return verified, &Break{ProjectID: id, Version: r.version, Seq: r.seq, Reason: ReasonEdited,
				Expected: want, Stored: r.hash, Detail: "the row does not give its stored hash"}
		}
		prev = r.hash
		verified++
	}
	return verified, nil
}

func (s *Store) projectionVersions(ctx context.Context, projectID string) (map[string]int64, error) {
	q := `SELECT project_id, version FROM projections`
	var args []any
	if projectID != "" {
		q += ` WHERE project_id = $1`
		args = append(args, projectID)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.fail(ctx, "verify", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var (
			id string
			v  int64
		)
		if err := rows.Scan(&id, &v); err != nil {
			return nil, s.fail(ctx, "verify", err)
		}
		out[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, "verify", err)
	}
	return out, nil
}
