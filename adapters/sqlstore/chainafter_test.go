package sqlstore

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/integrity"
	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

// TestVerifyAfterFromTheStartIsVerify: from the zero point, VerifyAfter
// finds every break Verify finds for that project, at the same version and
// for the same reason, and reaches the last version of an intact chain.
func TestVerifyAfterFromTheStartIsVerify(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			for _, tc := range tampers() {
				t.Run(tc.name, func(t *testing.T) {
					s := open(t, d.dsn(t))
					ctx := t.Context()
					fill(t, s)
					rep, at, err := s.VerifyAfter(ctx, "p", ChainPoint{})
					require.NoError(t, err)
					require.True(t, rep.OK(), "intact before: %v", rep.Break)
					assert.EqualValues(t, 4, rep.Events)
					assert.EqualValues(t, 4, at.Version)
					assert.Len(t, at.Hash, sha256.Size)

					for _, q := range tc.sql {
						var args []any
						if tc.arg != nil {
							args = append(args, tc.arg(s))
						}
						_, err := s.DB().ExecContext(ctx, q, args...)
						require.NoError(t, err, q)
					}
					for _, id := range []string{"p", "q"} {
						want, err := s.Verify(ctx, id)
						if err != nil {
							_, _, got := s.VerifyAfter(ctx, id, ChainPoint{})
							require.ErrorIs(t, got, lifecycle.ErrNotFound)
							continue
						}
						got, _, err := s.VerifyAfter(ctx, id, ChainPoint{})
						require.NoError(t, err)
						require.Equal(t, want.OK(), got.OK(), "%s: Verify %v, VerifyAfter %v", id, want.Break, got.Break)
						if !want.OK() {
							assert.Equal(t, want.Break.Reason, got.Break.Reason, "%v / %v", want.Break, got.Break)
							assert.Equal(t, want.Break.Version, got.Break.Version, "%v / %v", want.Break, got.Break)
							assert.Equal(t, want.Break.Expected, got.Break.Expected)
						}
					}
				})
			}
		})
	}
}

// TestVerifyAfterAPoint: from a verified point, only the rows after it
// are checked. An edit after the point, or to the row at the point, is
// caught; an edit before the point is not (the documented blind spot), and
// a check from the start still catches it.
func TestVerifyAfterAPoint(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			s := open(t, d.dsn(t))
			ctx := t.Context()
			_, err := s.Append(ctx, 0, testEvents("p", 1, 4), lifecycle.Summary{})
			require.NoError(t, err)
			rep, at4, err := s.VerifyAfter(ctx, "p", ChainPoint{})
			require.NoError(t, err)
			require.True(t, rep.OK())
			_, err = s.Append(ctx, 4, testEvents("p", 5, 6), lifecycle.Summary{})
			require.NoError(t, err)

			rep, at6, err := s.VerifyAfter(ctx, "p", at4)
			require.NoError(t, err)
			require.True(t, rep.OK(), "%v", rep.Break)
			assert.EqualValues(t, 2, rep.Events, "versions 5 and 6 alone")
			assert.EqualValues(t, 6, at6.Version)
			full, atFull, err := s.VerifyAfter(ctx, "p", ChainPoint{})
			require.NoError(t, err)
			require.True(t, full.OK())
			assert.Equal(t, atFull, at6)

			// Same version again: nothing after it, still good.
			rep, again, err := s.VerifyAfter(ctx, "p", at6)
			require.NoError(t, err)
			require.True(t, rep.OK())
			assert.Equal(t, at6, again)

			// An edit before the point is not seen from the point; from
			// the start it is.
			_, err = s.DB().ExecContext(ctx, `UPDATE events SET payload = $1 WHERE project_id = 'p' AND version = 2`, []byte(`{"v":2,"amount":"999"}`))
			require.NoError(t, err)
			rep, _, err = s.VerifyAfter(ctx, "p", at4)
			require.NoError(t, err)
			assert.True(t, rep.OK(), "an edit before the point is outside the incremental check")
			rep, _, err = s.VerifyAfter(ctx, "p", ChainPoint{})
			require.NoError(t, err)
			require.NotNil(t, rep.Break)
			assert.Equal(t, ReasonEdited, rep.Break.Reason)
			assert.EqualValues(t, 2, rep.Break.Version)

			// An edit after the point is seen.
			_, err = s.DB().ExecContext(ctx, `UPDATE events SET action = 'approve_everything' WHERE project_id = 'p' AND version = 5`)
			require.NoError(t, err)
			rep, back, err := s.VerifyAfter(ctx, "p", at4)
			require.NoError(t, err)
			require.NotNil(t, rep.Break)
			assert.Equal(t, ReasonEdited, rep.Break.Reason)
			assert.EqualValues(t, 5, rep.Break.Version)
			assert.Equal(t, at4, back, "a break reaches nothing")

			// The row at the point with another hash is seen.
			_, err = s.DB().ExecContext(ctx, `UPDATE events SET hash = $1 WHERE project_id = 'p' AND version = 4`, bytes.Repeat([]byte{1}, sha256.Size))
			require.NoError(t, err)
			rep, _, err = s.VerifyAfter(ctx, "p", at4)
			require.NoError(t, err)
			require.NotNil(t, rep.Break)
			assert.Equal(t, ReasonEdited, rep.Break.Reason)
			assert.EqualValues(t, 4, rep.Break.Version)

			// The point's row deleted: missing.
			_, err = s.DB().ExecContext(ctx, `DELETE FROM events WHERE project_id = 'p' AND version >= 4`)
			require.NoError(t, err)
			rep, _, err = s.VerifyAfter(ctx, "p", at4)
			require.NoError(t, err)
			require.NotNil(t, rep.Break)
			assert.Equal(t, ReasonMissingVersion, rep.Break.Reason)
		})
	}
}

func TestVerifyAfterUnknownProject(t *testing.T) {
	s := open(t, sqltest.SQLitePath(t))
	_, _, err := s.VerifyAfter(t.Context(), "nope", ChainPoint{})
	require.ErrorIs(t, err, lifecycle.ErrNotFound)
	_, _, err = s.VerifyAfter(t.Context(), "", ChainPoint{})
	require.ErrorIs(t, err, lifecycle.ErrNotFound)
}

// TestVerifyAfterKeyed: in a store with a keyring, VerifyAfter checks the
// keyed values as Verify does, and plain rows break as unkeyed.
func TestVerifyAfterKeyed(t *testing.T) {
	for _, d := range dialects {
		for _, suite := range integrity.Suites() {
			t.Run(string(d.name)+"/"+string(suite), func(t *testing.T) {
				s := open(t, d.dsn(t), WithKeyring(keyring(t, suite)))
				ctx := t.Context()
				fill(t, s)
				rep, at, err := s.VerifyAfter(ctx, "p", ChainPoint{})
				require.NoError(t, err)
				require.True(t, rep.OK(), "%v", rep.Break)
				assert.EqualValues(t, 4, at.Version)
				_, err = s.DB().ExecContext(ctx, `UPDATE events SET payload = $1 WHERE project_id = 'p' AND version = 3`, []byte(`{"v":3,"amount":"999"}`))
				require.NoError(t, err)
				rep, _, err = s.VerifyAfter(ctx, "p", ChainPoint{})
				require.NoError(t, err)
				require.NotNil(t, rep.Break)
				assert.Equal(t, ReasonEdited, rep.Break.Reason)
				assert.EqualValues(t, 3, rep.Break.Version)

				_, err = s.DB().ExecContext(ctx, `UPDATE events SET key_id = '' WHERE project_id = 'q'`)
				require.NoError(t, err)
				rep, _, err = s.VerifyAfter(ctx, "q", ChainPoint{})
				require.NoError(t, err)
				require.NotNil(t, rep.Break)
				assert.Equal(t, ReasonUnkeyed, rep.Break.Reason)
			})
		}
	}
}

// TestVerifyAfterReadsTimesAsVerify: a stored time in another text of the
// same instant (a one-digit hour, a decimal comma) is read as Verify reads
// it: parsed, then encoded in the canonical layout.
func TestVerifyAfterReadsTimesAsVerify(t *testing.T) {
	for _, text := range []string{"2024-01-02T7:04:05.000006Z", "2024-01-02T07:04:05,000006Z", "2024-01-02T07:04:05.000006Z", "2024-01-02T08:04:05.000006Z"} {
		t.Run(text, func(t *testing.T) {
			s := open(t, sqltest.SQLitePath(t))
			ctx := t.Context()
			_, err := s.Append(ctx, 0, testEvents("p", 1, 4), lifecycle.Summary{})
			require.NoError(t, err)
			_, err = s.DB().ExecContext(ctx, `UPDATE events SET at = $1 WHERE project_id = 'p' AND version = 4`, text)
			require.NoError(t, err)
			want, err := s.Verify(ctx, "p")
			require.NoError(t, err)
			got, _, err := s.VerifyAfter(ctx, "p", ChainPoint{})
			require.NoError(t, err)
			assert.Equal(t, want.OK(), got.OK(), "Verify %v, VerifyAfter %v", want.Break, got.Break)
		})
	}
}
