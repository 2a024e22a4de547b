package sqlstore

import (
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/integrity"
	"github.com/govit-cn/govit/lifecycle"
)

func keyring(t testing.TB, s integrity.Suite) *integrity.Keyring {
	t.Helper()
	kr, err := integrity.NewKeyring(s)
	require.NoError(t, err)
	return kr
}

// fill appends project p at versions 1..4 and q at 1..2.
func fill(t testing.TB, s *Store) {
	t.Helper()
	ctx := t.Context()
	_, err := s.Append(ctx, 0, testEvents("p", 1, 2), lifecycle.Summary{})
	require.NoError(t, err)
	_, err = s.Append(ctx, 2, testEvents("p", 3, 4), lifecycle.Summary{})
	require.NoError(t, err)
	_, err = s.Append(ctx, 0, testEvents("q", 1, 2), lifecycle.Summary{})
	require.NoError(t, err)
}

func TestKeyedChainCatchesARecomputedEdit(t *testing.T) {
	// Whoever knows the formula but not the key cannot forge a chain: an
	// edited row with the plain hash recomputed over the whole project
	// still breaks, and so does moving the rows to the plain hash.
	for _, d := range dialects {
		for _, suite := range integrity.Suites() {
			t.Run(string(d.name)+"/"+string(suite), func(t *testing.T) {
				s := open(t, d.dsn(t), WithKeyring(keyring(t, suite)))
				ctx := t.Context()
				fill(t, s)
				rep, err := s.Verify(ctx, "")
				require.NoError(t, err)
				require.True(t, rep.OK(), "%v", rep.Break)

				forged := testEvents("p", 1, 4)
				forged[1].Payload = []byte(`{"v":2,"amount":"999"}`)
				prev := make([]byte, sha256.Size)
				for _, e := range forged {
					r, err := rowOf(e)
					require.NoError(t, err)
					r.keyID = "k1"
					h := chainHash(sha256.New, prev, r)
					_, err = s.DB().ExecContext(ctx, `UPDATE events SET payload = $1, hash = $2 WHERE project_id = 'p' AND version = $3`, r.payload, h, r.version)
					require.NoError(t, err)
					prev = h
				}
				rep, err = s.Verify(ctx, "")
				require.NoError(t, err)
				require.NotNil(t, rep.Break)
				assert.Equal(t, ReasonEdited, rep.Break.Reason)
				assert.Equal(t, "p", rep.Break.ProjectID)
				assert.EqualValues(t, 1, rep.Break.Version, "the first forged value already fails")

				_, err = s.DB().ExecContext(ctx, `UPDATE events SET key_id = '' WHERE project_id = 'p'`)
				require.NoError(t, err)
				rep, err = s.Verify(ctx, "")
				require.NoError(t, err)
				require.NotNil(t, rep.Break)
				assert.Equal(t, ReasonUnkeyed, rep.Break.Reason, "plain rows in a keyed store: %v", rep.Break)
			})
		}
	}
}

func TestKeyedChainCatchesEveryTamper(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			for _, tc := range tampers() {
				t.Run(tc.name, func(t *testing.T) {
					s := open(t, d.dsn(t), WithKeyring(keyring(t, integrity.SM3SM2)))
					ctx := t.Context()
					fill(t, s)
					head, err := s.Head(ctx)
					require.NoError(t, err)
					require.NoError(t, s.CheckHead(ctx, head))
					for _, q := range tc.sql {
						var args []any
						if tc.arg != nil {
							args = append(args, tc.arg(s))
						}
						_, err := s.DB().ExecContext(ctx, q, args...)
						require.NoError(t, err, q)
					}
					rep, err := s.Verify(ctx, "")
					require.NoError(t, err)
					if tc.reason != "" {
						require.NotNil(t, rep.Break, tc.name)
						assert.Equal(t, tc.reason, rep.Break.Reason, "%v", rep.Break)
					}
					if tc.name == "projection ahead" || tc.name == "projection behind" || tc.name == "projection deleted" || tc.name == "hash replaced" {
						assert.NoError(t, s.CheckHead(ctx, head), "the events' content is intact")
						return
					}
					// Every edit of the events, including the rollback
					// the chain alone cannot see, fails the kept head.
					var mismatch *HeadMismatchError
					require.ErrorAs(t, s.CheckHead(ctx, head), &mismatch, tc.name)
					assert.NotEmpty(t, mismatch.Error())
				})
			}
		})
	}
}

func TestHeadStaysTrueAsTheLogGrows(t *testing.T) {
	for _, d := range dialects {
		for _, suite := range integrity.Suites() {
			t.Run(string(d.name)+"/"+string(suite), func(t *testing.T) {
				kr := keyring(t, suite)
				s := open(t, d.dsn(t), WithKeyring(kr))
				ctx := t.Context()
				empty, err := s.Head(ctx)
				require.NoError(t, err)
				assert.Zero(t, empty.Projects)
				fill(t, s)
				h1, err := s.Head(ctx)
				require.NoError(t, err)
				assert.EqualValues(t, 2, h1.Projects)
				assert.EqualValues(t, 6, h1.Events)
				pub, err := kr.CurrentKey().Public()
				require.NoError(t, err)
				require.NoError(t, integrity.VerifyHead(h1, pub), "an auditor checks the head with the public key alone")

				_, err = s.Append(ctx, 4, testEvents("p", 5, 5), lifecycle.Summary{})
				require.NoError(t, err)
				_, err = s.Append(ctx, 0, testEvents("r", 1, 1), lifecycle.Summary{})
				require.NoError(t, err)
				h2, err := s.Head(ctx)
				require.NoError(t, err)
				assert.EqualValues(t, 3, h2.Projects)
				assert.NotEqual(t, h1.Root, h2.Root)
				for _, h := range []integrity.Head{empty, h1, h2} {
					assert.NoError(t, s.CheckHead(ctx, h), "an older head still matches a grown log")
				}
				forged := h1
				forged.Events++
				assert.Error(t, s.CheckHead(ctx, forged), "a head edited after signing")

				_, err = s.DB().ExecContext(ctx, `DELETE FROM events WHERE project_id = 'r'`)
				require.NoError(t, err)
				assert.NoError(t, s.CheckHead(ctx, h1), "h1 did not cover r")
				assert.Error(t, s.CheckHead(ctx, h2), "h2 did")
			})
		}
	}
}

func TestHeadsOfTwoInstancesUnderConcurrentAppends(t *testing.T) {
	// Two stores (as two server instances) on one database: heads made on
	// one while the other appends each cover an exact prefix of the log,
	// so every one of them checks later.
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			dsn := d.dsn(t)
			kr := keyring(t, integrity.SHA256Ed25519)
			a := open(t, dsn, WithKeyring(kr))
			b := open(t, dsn, WithKeyring(kr))
			ctx := t.Context()
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for i := range 10 {
						_, err := b.Append(ctx, 0, testEvents(fmt.Sprintf("w%d-%d", w, i), 1, 2), lifecycle.Summary{})
						assert.NoError(t, err)
					}
				})
			}
			var heads []integrity.Head
			for range 8 {
				h, err := a.Head(ctx)
				require.NoError(t, err)
				heads = append(heads, h)
			}
			wg.Wait()
			for _, h := range heads {
				assert.NoError(t, b.CheckHead(ctx, h), "head at seq %d", h.Seq)
			}
			rep, err := a.Verify(ctx, "")
			require.NoError(t, err)
			assert.True(t, rep.OK(), "%v", rep.Break)
			assert.Equal(t, 40, rep.Projects)
		})
	}
}

func TestKeyRotation(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			dsn := d.dsn(t)
			ctx := t.Context()
			k1 := keyring(t, integrity.SHA256Ed25519)
			s := open(t, dsn, WithKeyring(k1))
			_, err := s.Append(ctx, 0, testEvents("p", 1, 2), lifecycle.Summary{})
			require.NoError(t, err)
			h1, err := s.Head(ctx)
			require.NoError(t, err)

			k2, err := k1.Rotate(integrity.SM3SM2)
			require.NoError(t, err)
			s2 := open(t, dsn, WithKeyring(k2))
			_, err = s2.Append(ctx, 2, testEvents("p", 3, 4), lifecycle.Summary{})
			require.NoError(t, err)
			_, err = s2.Append(ctx, 0, testEvents("q", 1, 1), lifecycle.Summary{})
			require.NoError(t, err)
			var ids []string
			rows, err := s2.DB().QueryContext(ctx, `SELECT key_id FROM events WHERE project_id = 'p' ORDER BY version`)
			require.NoError(t, err)
			for rows.Next() {
				var id string
				require.NoError(t, rows.Scan(&id))
				ids = append(ids, id)
			}
			require.NoError(t, rows.Err())
			rows.Close()
			assert.Equal(t, []string{"k1", "k1", "k2", "k2"}, ids)
			rep, err := s2.Verify(ctx, "")
			require.NoError(t, err)
			assert.True(t, rep.OK(), "old rows verify with the old key: %v", rep.Break)
			h2, err := s2.Head(ctx)
			require.NoError(t, err)
			assert.Equal(t, "k2", h2.KeyID)
			assert.NoError(t, s2.CheckHead(ctx, h1), "a head signed by the old key")
			assert.NoError(t, s2.CheckHead(ctx, h2))

			// A keyring that lost the old key cannot vouch for its rows.
			onlyNew := &integrity.Keyring{Current: "k2", Keys: []*integrity.Key{k2.Key("k2")}}
			s3 := open(t, dsn, WithKeyring(onlyNew))
			rep, err = s3.Verify(ctx, "p")
			require.NoError(t, err)
			require.NotNil(t, rep.Break)
			assert.Equal(t, ReasonUnkeyed, rep.Break.Reason)
		})
	}
}

func TestSealUnkeyed(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			dsn := d.dsn(t)
			ctx := t.Context()
			plain := open(t, dsn)
			fill(t, plain)
			_, err := plain.Append(ctx, 0, testEvents("x", 1, 2), lifecycle.Summary{})
			require.NoError(t, err)
			_, err = plain.DB().ExecContext(ctx, `UPDATE events SET action = 'forged' WHERE project_id = 'x' AND version = 2`)
			require.NoError(t, err)

			s := open(t, dsn, WithKeyring(keyring(t, integrity.SM3SM2)))
			rep, err := s.Verify(ctx, "")
			require.NoError(t, err)
			assert.Len(t, rep.Breaks, 3, "every plain project is reported: %v", rep.Breaks)

			n, err := s.SealUnkeyed(ctx)
			require.Error(t, err, "x does not verify and is left alone")
			assert.Contains(t, err.Error(), "project x")
			assert.Equal(t, 2, n)
			rep, err = s.Verify(ctx, "")
			require.NoError(t, err)
			require.Len(t, rep.Breaks, 1, "%v", rep.Breaks)
			assert.Equal(t, "x", rep.Breaks[0].ProjectID)

			n, err = s.SealUnkeyed(ctx)
			require.Error(t, err)
			assert.Zero(t, n)
			_, err = s.Append(ctx, 4, testEvents("p", 5, 5), lifecycle.Summary{})
			require.NoError(t, err)
			rep, err = s.Verify(ctx, "p")
			require.NoError(t, err)
			assert.True(t, rep.OK(), "%v", rep.Break)
		})
	}
}
