package httpapi

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// withLog sends the server's logs to buf.
func withLog(buf *lockedBuffer) harnessOption {
	return func(_ *lifecycle.Config, c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
}

// tamperable is a store and a way to run SQL behind its back.
type tamperable struct {
	name  string
	store lifecycle.Store
	exec  func(t *testing.T, q string, args ...any)
}

func sqlStores(t *testing.T) []tamperable {
	var out []tamperable
	for _, d := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", sqltest.SQLitePath}, {"postgres", sqltest.PostgresDSN}} {
		s, err := sqlstore.Open(t.Context(), d.dsn(t))
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		out = append(out, tamperable{name: d.name, store: s, exec: func(t *testing.T, q string, args ...any) {
			_, err := s.DB().ExecContext(t.Context(), q, args...)
			require.NoError(t, err, q)
		}})
	}
	return out
}

func TestProjectionEditedBySQLIsFound(t *testing.T) {
	// Editing projections.unit moves a unit's project into another's
	// list; the audit against the fold of the events names it.
	for _, st := range sqlStores(t) {
		t.Run(st.name, func(t *testing.T) {
			h := newHarness(t, st.store)
			id, _ := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))
			other, _ := h.declare(asUnitA, declaration(unitA, "校园安全监控平台"))
			n, err := lifecycle.AuditProjections(t.Context(), st.store, func(m lifecycle.ProjectionMismatch) {
				t.Errorf("intact store: %v", m)
			})
			require.NoError(t, err)
			assert.Equal(t, 2, n)

			st.exec(t, `UPDATE projections SET unit = $1 WHERE project_id = $2`, unitB, id)
			st.exec(t, `UPDATE projections SET state = 'approved' WHERE project_id = $1`, other)
			// The kept fold the engine reads projects from is checked too.
			third, _ := h.declare(asUnitA, declaration(unitA, "食堂管理平台"))
			var data []byte
			require.NoError(t, st.store.(*sqlstore.Store).DB().QueryRowContext(t.Context(), `SELECT data FROM snapshots WHERE project_id = $1`, third).Scan(&data))
			st.exec(t, `UPDATE snapshots SET data = $1 WHERE project_id = $2`, bytes.ReplaceAll(data, []byte(unitA), []byte(unitB)), third)
			var found []lifecycle.ProjectionMismatch
			_, err = lifecycle.AuditProjections(t.Context(), st.store, func(m lifecycle.ProjectionMismatch) { found = append(found, m) })
			require.NoError(t, err)
			require.Len(t, found, 3)
			byID := map[string]lifecycle.ProjectionMismatch{}
			for _, m := range found {
				byID[m.ProjectID] = m
			}
			require.Contains(t, byID, id)
			require.Len(t, byID[id].Fields, 1)
			assert.Contains(t, byID[id].Fields[0], "unit")
			assert.Contains(t, byID[id].String(), unitA)
			require.Contains(t, byID, other)
			assert.Contains(t, byID[other].Fields[0], "state")
			require.Contains(t, byID, third)
			require.NotEmpty(t, byID[third].Fields)
			assert.Contains(t, byID[third].Fields[0], "snapshot.unit")
		})
	}
}

func TestProjectionAuditOnTheMemoryStore(t *testing.T) {
	store := &skewedStore{MemoryStore: lifecycle.NewMemoryStore()}
	h := newHarness(t, store)
	id, _ := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))
	n, err := lifecycle.AuditProjections(t.Context(), store, func(m lifecycle.ProjectionMismatch) { t.Errorf("%v", m) })
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	store.unit = unitB
	var found []lifecycle.ProjectionMismatch
	_, err = lifecycle.AuditProjections(t.Context(), store, func(m lifecycle.ProjectionMismatch) { found = append(found, m) })
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, id, found[0].ProjectID)
}

// skewedStore answers List with every unit replaced, as a projection
// edited in place would.
type skewedStore struct {
	*lifecycle.MemoryStore
	unit string
}

func (s *skewedStore) List(ctx context.Context, q lifecycle.Query) ([]lifecycle.Summary, string, error) {
	page, next, err := s.MemoryStore.List(ctx, q)
	for i := range page {
		if s.unit != "" {
			page[i].Unit = s.unit
		}
	}
	return page, next, err
}

func TestCorruptedEventIsA500LoggedAsError(t *testing.T) {
	for _, st := range sqlStores(t) {
		for _, tc := range []struct{ name, sql string }{
			{"payload", `UPDATE events SET payload = $1 WHERE project_id = $2 AND version = 1`},
			{"actor_roles", `UPDATE events SET actor_roles = $1 WHERE project_id = $2 AND version = 1`},
		} {
			t.Run(st.name+"/"+tc.name, func(t *testing.T) {
				var logs lockedBuffer
				// No snapshots: a fresh engine, as after a restart.
				noSnaps := func(lc *lifecycle.Config, _ *Config) { lc.Snapshots = -1 }
				h := newHarness(t, st.store, withLog(&logs), noSnaps)
				id, tag := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台 "+tc.name))
				st.exec(t, tc.sql, []byte(`{not json`), id)
				r := h.get("/v1/projects/"+id+"/events", asUnitA)
				assert.Equal(t, http.StatusInternalServerError, r.status, "%s", r.body)
				// Without the kept fold, as for a project appended before
				// folds were kept, reads and actions replay the history.
				st.exec(t, `DELETE FROM snapshots WHERE project_id = $1`, id)

				r = h.get("/v1/projects/"+id, asUnitA)
				assert.Equal(t, http.StatusInternalServerError, r.status, "%s", r.body)
				assert.Equal(t, "history_corrupt", r.problem().Code)
				assert.NotContains(t, string(r.body), "not json", "the cause is logged, not shown")
				r = h.act(id, "withdraw", asUnitA, tag, obj{"reason": "重复申报"})
				assert.Equal(t, http.StatusInternalServerError, r.status, "%s", r.body)
				assert.Empty(t, r.header.Get("Retry-After"), "nothing invites a retry")
				out := logs.String()
				assert.Contains(t, out, `"level":"ERROR"`)
				assert.True(t, strings.Contains(out, "history_corrupt"), "%s", out)
			})
		}
	}
}
