package sqlstore

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/fnv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

func testEvents(project string, from, to int64) []lifecycle.Event {
	var out []lifecycle.Event
	for v := from; v <= to; v++ {
		out = append(out, lifecycle.Event{
			ProjectID: project,
			Version:   v,
			Action:    lifecycle.Action(fmt.Sprintf("act_%d", v)),
			Actor:     lifecycle.Actor{ID: "u1", Unit: "区教委", Roles: []lifecycle.Role{"unit"}},
			Role:      "unit",
			At:        time.Date(2024, 1, 2, 3, 4, 5, 6789, time.UTC).Add(time.Duration(v) * time.Hour),
			Article:   "第六条",
			Payload:   []byte(fmt.Sprintf(`{"v":%d}`, v)),
		})
	}
	return out
}

func TestCanonicalEncodingIsTheDocumentedOne(t *testing.T) {
	// Built by hand from the doc comment of canonical.
	field := func(s string) []byte {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(s)))
		return append(n[:], s...)
	}
	var want bytes.Buffer
	want.WriteString("govit/event/v1\x00")
	for _, f := range []string{"项目1", "12", "declare", "u1", "区教委", `["unit","bdb"]`, "unit",
		"2024-01-02T11:04:05.000006Z", "第六条", `{"a": 1}`} {
		want.Write(field(f))
	}
	r, err := rowOf(lifecycle.Event{
		ProjectID: "项目1", Version: 12, Action: "declare",
		Actor: lifecycle.Actor{ID: "u1", Unit: "区教委", Roles: []lifecycle.Role{"unit", "bdb"}},
		Role:  "unit", Article: "第六条", Payload: []byte(`{"a": 1}`),
		At: time.Date(2024, 1, 2, 19, 4, 5, 6999, time.FixedZone("CST", 8*3600)),
	})
	require.NoError(t, err)
	assert.Equal(t, want.Bytes(), canonical(r))

	// And the chain formula: H(prev ‖ canonical ‖ project ‖ version).
	prev := bytes.Repeat([]byte{7}, 32)
	h := sha256.New()
	h.Write(prev)
	h.Write(want.Bytes())
	h.Write([]byte("项目1"))
	h.Write([]byte{0, 0, 0, 0, 0, 0, 0, 12})
	assert.Equal(t, h.Sum(nil), chainHash(sha256.New, prev, r))

	// Fields cannot bleed into each other: moving a byte from one field
	// to the next changes the encoding.
	r2 := r
	r2.actorID, r2.actorUnit = "u1区", "教委"
	assert.NotEqual(t, canonical(r), canonical(r2))
}

// tamper is an edit made behind the store's back, and what Verify must
// say about it. The store holds project "p" at versions 1..4 and project
// "q" at 1..2.
type tamper struct {
	name    string
	sql     []string
	reason  Reason
	version int64
	// arg, if any, is the argument $1 of the single statement.
	arg func(s *Store) any
}

func tampers() []tamper {
	return []tamper{
		{"payload edited", []string{`UPDATE events SET payload = $1 WHERE project_id = 'p' AND version = 2`}, ReasonEdited, 2,
			func(*Store) any { return []byte(`{"v":2,"amount":"999"}`) }},
		{"action edited", []string{`UPDATE events SET action = 'approve_everything' WHERE project_id = 'p' AND version = 3`}, ReasonEdited, 3, nil},
		{"actor roles edited", []string{`UPDATE events SET actor_roles = '["unit","bdb"]' WHERE project_id = 'p' AND version = 1`}, ReasonEdited, 1, nil},
		{"time edited", []string{`UPDATE events SET at = $1 WHERE project_id = 'p' AND version = 4`}, ReasonEdited, 4,
			func(s *Store) any { return s.timeArg(time.Date(2024, 1, 2, 8, 0, 0, 0, time.UTC)) }},
		{"payload cleared", []string{`UPDATE events SET payload = NULL WHERE project_id = 'p' AND version = 2`}, ReasonEdited, 2, nil},
		{"hash replaced", []string{`UPDATE events SET hash = $1 WHERE project_id = 'p' AND version = 2`}, ReasonEdited, 2,
			func(*Store) any { return bytes.Repeat([]byte{1}, sha256.Size) }},
		{"middle version deleted", []string{`DELETE FROM events WHERE project_id = 'p' AND version = 2`}, ReasonMissingVersion, 2, nil},
		{"first version deleted", []string{`DELETE FROM events WHERE project_id = 'p' AND version = 1`}, ReasonMissingVersion, 1, nil},
		{"last version deleted", []string{`DELETE FROM events WHERE project_id = 'p' AND version = 4`}, ReasonMissingVersion, 4, nil},
		{"last version and projection rolled back", []string{
			`DELETE FROM events WHERE project_id = 'p' AND version = 4`,
			`UPDATE projections SET version = 3 WHERE project_id = 'p'`,
		}, "", 0, nil}, // undetectable without an external anchor: documented
		{"versions swapped", []string{
			`UPDATE events SET version = 100 WHERE project_id = 'p' AND version = 2`,
			`UPDATE events SET version = 2 WHERE project_id = 'p' AND version = 3`,
			`UPDATE events SET version = 3 WHERE project_id = 'p' AND version = 100`,
		}, ReasonReordered, 3, nil},
		{"event moved to another project", []string{`UPDATE events SET project_id = 'q', version = 3 WHERE project_id = 'p' AND version = 4`}, ReasonMissingVersion, 4, nil},
		{"projection ahead", []string{`UPDATE projections SET version = 9 WHERE project_id = 'q'`}, ReasonMissingVersion, 3, nil},
		{"projection behind", []string{`UPDATE projections SET version = 1 WHERE project_id = 'q'`}, ReasonProjection, 1, nil},
		{"projection deleted", []string{`DELETE FROM projections WHERE project_id = 'q'`}, ReasonProjection, 2, nil},
	}
}

func TestVerifyCatchesEditsBySQL(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			for _, tc := range tampers() {
				t.Run(tc.name, func(t *testing.T) {
					s := open(t, d.dsn(t))
					ctx := t.Context()
					_, err := s.Append(ctx, 0, testEvents("p", 1, 2), lifecycle.Summary{})
					require.NoError(t, err)
					_, err = s.Append(ctx, 2, testEvents("p", 3, 4), lifecycle.Summary{})
					require.NoError(t, err)
					_, err = s.Append(ctx, 0, testEvents("q", 1, 2), lifecycle.Summary{})
					require.NoError(t, err)
					rep, err := s.Verify(ctx, "")
					require.NoError(t, err)
					require.True(t, rep.OK(), "intact before: %v", rep.Break)
					assert.Equal(t, 2, rep.Projects)
					assert.EqualValues(t, 6, rep.Events)

					for _, q := range tc.sql {
						var args []any
						if tc.arg != nil {
							args = append(args, tc.arg(s))
						}
						_, err := s.DB().ExecContext(ctx, q, args...)
						require.NoError(t, err, q)
					}

					rep, err = s.Verify(ctx, "")
					require.NoError(t, err)
					if tc.reason == "" {
						assert.True(t, rep.OK(), "%v", rep.Break)
						return
					}
					require.NotNil(t, rep.Break, "Verify must catch %s", tc.name)
					assert.Equal(t, tc.reason, rep.Break.Reason, "%v", rep.Break)
					assert.Equal(t, tc.version, rep.Break.Version, "%v", rep.Break)
					assert.Contains(t, []string{"p", "q"}, rep.Break.ProjectID)
					if tc.reason == ReasonEdited {
						assert.NotEqual(t, rep.Break.Expected, rep.Break.Stored)
						assert.Len(t, rep.Break.Expected, sha256.Size)
					}
					assert.NotEmpty(t, rep.Break.String())

					// The same break when walking that project alone.
					one, err := s.Verify(ctx, rep.Break.ProjectID)
					require.NoError(t, err)
					require.NotNil(t, one.Break)
					assert.Equal(t, *rep.Break, *one.Break)
				})
			}
		})
	}
}

func TestVerifyRecomputedHashBreaksTheNextLink(t *testing.T) {
	// Whoever edits a row and recomputes its hash (knowing the formula)
	// still breaks the link of the next version, which was computed over
	// the old hash.
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			s := open(t, d.dsn(t))
			ctx := t.Context()
			_, err := s.Append(ctx, 0, testEvents("p", 1, 3), lifecycle.Summary{})
			require.NoError(t, err)

			forged := testEvents("p", 1, 3)
			forged[1].Payload = []byte(`{"v":2,"forged":true}`)
			r1, err := rowOf(forged[0])
			require.NoError(t, err)
			r2, err := rowOf(forged[1])
			require.NoError(t, err)
			h1 := chainHash(sha256.New, make([]byte, sha256.Size), r1)
			h2 := chainHash(sha256.New, h1, r2)
			_, err = s.DB().ExecContext(ctx, `UPDATE events SET payload = $1, hash = $2 WHERE project_id = 'p' AND version = 2`, r2.payload, h2)
			require.NoError(t, err)

			rep, err := s.Verify(ctx, "p")
			require.NoError(t, err)
			require.NotNil(t, rep.Break)
			assert.Equal(t, ReasonEdited, rep.Break.Reason)
			assert.EqualValues(t, 3, rep.Break.Version)
			assert.EqualValues(t, 2, rep.Events, "versions 1 and 2 verified before the break")
		})
	}
}

func TestVerifyUnknownProject(t *testing.T) {
	s := open(t, sqltest.SQLitePath(t))
	_, err := s.Verify(t.Context(), "nope")
	require.ErrorIs(t, err, lifecycle.ErrNotFound)
	rep, err := s.Verify(t.Context(), "")
	require.NoError(t, err)
	assert.True(t, rep.OK(), "an empty store verifies")
	assert.Zero(t, rep.Projects)
}

func TestHashIsPluggable(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			dsn := d.dsn(t)
			// A 16-byte hash, to show nothing assumes 32 bytes.
			s := open(t, dsn, WithHash(func() hash.Hash { return fnv.New128a() }))
			_, err := s.Append(t.Context(), 0, testEvents("p", 1, 3), lifecycle.Summary{})
			require.NoError(t, err)
			rep, err := s.Verify(t.Context(), "")
			require.NoError(t, err)
			require.True(t, rep.OK(), "%v", rep.Break)
			var stored []byte
			require.NoError(t, s.DB().QueryRowContext(t.Context(), `SELECT hash FROM events WHERE project_id = 'p' AND version = 1`).Scan(&stored))
			assert.Len(t, stored, 16)
			r, err := rowOf(testEvents("p", 1, 1)[0])
			require.NoError(t, err)
			assert.Equal(t, chainHash(func() hash.Hash { return fnv.New128a() }, make([]byte, 16), r), stored)

			// The same database read with another hash does not verify.
			other := open(t, dsn, WithHash(sha512.New512_256))
			rep, err = other.Verify(t.Context(), "p")
			require.NoError(t, err)
			require.NotNil(t, rep.Break)
			assert.Equal(t, ReasonEdited, rep.Break.Reason)
			assert.EqualValues(t, 1, rep.Break.Version)

			// A store written with SHA-512/256 verifies with it.
			_, err = other.Append(t.Context(), 0, testEvents("r", 1, 2), lifecycle.Summary{})
			require.NoError(t, err)
			rep, err = other.Verify(t.Context(), "r")
			require.NoError(t, err)
			assert.True(t, rep.OK(), "%v", rep.Break)
		})
	}
}
