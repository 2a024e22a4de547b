package sqlstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/lifecycle/storetest"
)

// dialects are the databases every test runs on; dsn gives an isolated
// database for t (or skips t).
var dialects = []struct {
	name Dialect
	dsn  func(t testing.TB) string
}{
	{SQLite, sqltest.SQLitePath},
	{Postgres, sqltest.PostgresDSN},
}

// open opens a store at dsn, closed when t ends.
func open(t testing.TB, dsn string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	return s
}

// portfolioOn declares n generated projects (storetest.Portfolio with
// seed) through an engine over s that keeps no folds of its own, on the
// portfolio's clock.
func portfolioOn(t *testing.T, s *Store, n int, seed uint64) (*lifecycle.Engine, *storetest.Clock, []string) {
	t.Helper()
	c := storetest.NewClock(storetest.PortfolioStart())
	e, err := lifecycle.New(lifecycle.Config{Store: s, Clock: c.Now, Snapshots: -1})
	require.NoError(t, err)
	return e, c, storetest.Portfolio(t, e, c, n, seed)
}

func TestContract(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			d.dsn(t) // skips (or fails in CI) once here, not in every subtest
			storetest.Run(t, func(t *testing.T) lifecycle.Store {
				s := open(t, d.dsn(t))
				require.Equal(t, d.name, s.Dialect())
				// Whatever a subtest did, the chains it left verify.
				t.Cleanup(func() {
					rep, err := s.Verify(context.Background(), "")
					require.NoError(t, err)
					assert.True(t, rep.OK(), "chain break: %v", rep.Break)
				})
				return s
			})
		})
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			dsn := d.dsn(t)
			s, err := Open(t.Context(), dsn)
			require.NoError(t, err)
			in := testEvents("p-reopen", 1, 3)
			out, err := s.Append(t.Context(), 0, in, lifecycle.Summary{Name: "n", Unit: "u", Kind: "k", State: "s"})
			require.NoError(t, err)
			require.NoError(t, s.Close())

			s2 := open(t, dsn) // migrations are idempotent
			loaded, err := s2.Load(t.Context(), "p-reopen")
			require.NoError(t, err)
			storetest.AssertEventsEqual(t, out, loaded)
			rep, err := s2.Verify(t.Context(), "p-reopen")
			require.NoError(t, err)
			assert.True(t, rep.OK(), "%v", rep.Break)
			assert.Equal(t, 1, rep.Projects)
			assert.EqualValues(t, 3, rep.Events)

			_, err = s2.Append(t.Context(), 3, testEvents("p-reopen", 4, 4), lifecycle.Summary{})
			require.NoError(t, err)
			rep, err = s2.Verify(t.Context(), "")
			require.NoError(t, err)
			assert.True(t, rep.OK(), "the chain continues across reopening: %v", rep.Break)
		})
	}
}

func TestTwoStoresOnOneDatabase(t *testing.T) {
	// Two handles on one database (two processes, in production) still get
	// one winner per version: the database decides, not the process.
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			dsn := d.dsn(t)
			a, b := open(t, dsn), open(t, dsn)
			_, err := a.Append(t.Context(), 0, testEvents("p", 1, 1), lifecycle.Summary{})
			require.NoError(t, err)
			_, err = b.Append(t.Context(), 0, testEvents("p", 1, 1), lifecycle.Summary{})
			require.ErrorIs(t, err, lifecycle.ErrConflict)
			_, err = b.Append(t.Context(), 1, testEvents("p", 2, 2), lifecycle.Summary{})
			require.NoError(t, err)
			_, err = a.Append(t.Context(), 1, testEvents("p", 2, 2), lifecycle.Summary{})
			require.ErrorIs(t, err, lifecycle.ErrConflict)
			var le *lifecycle.Error
			require.ErrorAs(t, err, &le)
			assert.Contains(t, le.EN, "expected version 1, current version 2")
		})
	}
}
