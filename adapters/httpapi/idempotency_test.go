package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

// replicas opens n stores on one database (each as a server instance
// would), or returns the one memory store n times.
type replicaSet struct {
	name string
	open func(t *testing.T, n int) []lifecycle.Store
}

func replicaSets() []replicaSet {
	sql := func(dsn func(testing.TB) string) func(t *testing.T, n int) []lifecycle.Store {
		return func(t *testing.T, n int) []lifecycle.Store {
			d := dsn(t)
			var out []lifecycle.Store
			for range n {
				out = append(out, openStore(t, d))
			}
			return out
		}
	}
	return []replicaSet{
		{"memory", func(_ *testing.T, n int) []lifecycle.Store {
			m := lifecycle.NewMemoryStore()
			out := make([]lifecycle.Store, n)
			for i := range out {
				out[i] = m
			}
			return out
		}},
		{"sqlite", sql(func(t testing.TB) string { return filepath.Join(t.TempDir(), "govit.db") })},
		{"postgres", sql(sqltest.PostgresDSN)},
	}
}

func keyed(key string) map[string]string { return map[string]string{"Idempotency-Key": key} }

// declareBody is a declaration as fixed bytes, so that a retry sends the
// very same body.
func declareBody(t testing.TB, name string) []byte {
	b, err := json.Marshal(declaration(unitA, name))
	require.NoError(t, err)
	return b
}

func TestIdempotencyKeySurvivesARestartAndOtherInstances(t *testing.T) {
	for _, rs := range replicaSets() {
		t.Run(rs.name, func(t *testing.T) {
			stores := rs.open(t, 2)
			a := newHarness(t, stores[0])
			body := declareBody(t, "学籍与资助管理平台")
			first := a.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: body, header: keyed("k-1")})
			require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
			id := first.project().Project.ID

			// A restart: a new engine and server on the same database; and
			// another instance on its own connection to it.
			for _, h := range []*harness{newHarness(t, stores[0]), newHarness(t, stores[1])} {
				again := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: body, header: keyed("k-1")})
				require.Equal(t, http.StatusCreated, again.status, "%s", again.body)
				assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
				assert.JSONEq(t, string(first.body), string(again.body))
				assert.Equal(t, first.header.Get("Location"), again.header.Get("Location"))
				other := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: declareBody(t, "另一项目"), header: keyed("k-1")})
				assert.Equal(t, http.StatusUnprocessableEntity, other.status)
				assert.Equal(t, "idempotency_key_reused", other.problem().Code)
				// Keys are per actor.
				b := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitB, body: declaration(unitB, "卫健平台"), header: keyed("k-1")})
				assert.Equal(t, http.StatusCreated, b.status)
			}
			assert.Equal(t, 2, a.listed(), "one project of unit A, one of unit B (its retry replayed)")

			// An action retried on the other instance gets its answer, not
			// 412, and with If-Match: * is not done twice.
			tag := first.header.Get("ETag")
			b := newHarness(t, stores[1])
			act := func(h *harness, ifMatch string) *reply {
				return h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/actions/withdraw", token: asUnitA,
					body: []byte(`{"reason":"重复申报"}`), header: map[string]string{"Idempotency-Key": "w-1", "If-Match": ifMatch}})
			}
			done := act(a, tag)
			require.Equal(t, http.StatusOK, done.status, "%s", done.body)
			for _, ifMatch := range []string{tag, "*"} {
				r := act(b, ifMatch)
				require.Equal(t, http.StatusOK, r.status, "%s", r.body)
				assert.JSONEq(t, string(done.body), string(r.body))
			}
			r := a.get("/v1/projects/"+id+"/events", asUnitA)
			var evs struct {
				Items []lifecycle.Event `json:"items"`
			}
			r.decode(&evs)
			assert.Len(t, evs.Items, 2, "declared and withdrawn once")
		})
	}
}

func TestOneKeyRacedOverTwoInstancesActsOnce(t *testing.T) {
	for _, rs := range replicaSets() {
		t.Run(rs.name, func(t *testing.T) {
			stores := rs.open(t, 2)
			hs := []*harness{newHarness(t, stores[0]), newHarness(t, stores[1])}
			body := declareBody(t, "学籍与资助管理平台")
			for round := range 3 {
				key := fmt.Sprintf("race-%d", round)
				var wg sync.WaitGroup
				var mu sync.Mutex
				ids := map[string]bool{}
				for i := range 16 {
					wg.Go(func() {
						r := hs[i%2].send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: body, header: keyed(key)})
						switch r.status {
						case http.StatusCreated:
							mu.Lock()
							ids[r.project().Project.ID] = true
							mu.Unlock()
						case http.StatusConflict:
							assert.Equal(t, "idempotency_key_in_flight", r.problem().Code)
						default:
							t.Errorf("status %d: %s", r.status, r.body)
						}
					})
				}
				wg.Wait()
				assert.Len(t, ids, 1, "round %d: one project whatever the instance", round)
			}
			assert.Equal(t, 3, hs[0].listed())
		})
	}
}

// claimAs claims key on store as a request of actor unit-a would, with
// the fingerprint of a POST of body to path.
func claimAs(t *testing.T, store lifecycle.Store, key, path string, body []byte, now time.Time, lease time.Duration) lifecycle.KeyClaim {
	ks := store.(lifecycle.KeyStore)
	fp := fingerprint(http.MethodPost, path, body)
	_, claimed, err := ks.ClaimKey(t.Context(), "unit-a", key, fp[:], "dead-"+key, now, now.Add(lease), now.Add(-DefaultIdempotencyTTL))
	require.NoError(t, err)
	require.True(t, claimed)
	return lifecycle.KeyClaim{Actor: "unit-a", Key: key, Token: "dead-" + key}
}

func TestARetryAfterACrashIsAnsweredFromTheStore(t *testing.T) {
	for _, rs := range replicaSets() {
		t.Run(rs.name, func(t *testing.T) {
			store := rs.open(t, 1)[0]
			h := newHarness(t, store)
			actor := lifecycle.Actor{ID: "unit-a", Unit: unitA, Roles: []lifecycle.Role{lifecycle.RoleUnit}}

			// The process died after its append committed and before its
			// answer was stored: the retry gets the answer rebuilt.
			body := declareBody(t, "学籍与资助管理平台")
			c := claimAs(t, store, "crash-after", "/v1/projects", body, testNow, time.Minute)
			p, _, err := h.engine.Declare(lifecycle.WithKeyClaim(t.Context(), c), actor, mustDeclaration(t, declaration(unitA, "学籍与资助管理平台")))
			require.NoError(t, err)
			r := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: body, header: keyed("crash-after")})
			require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
			assert.Equal(t, "true", r.header.Get("Idempotent-Replayed"))
			assert.Equal(t, p.ID, r.project().Project.ID)
			assert.Equal(t, "/v1/projects/"+p.ID, r.header.Get("Location"))
			assert.Equal(t, 1, h.listed(), "not declared twice")

			// The process died before its append: once the lease has
			// passed, the retry runs, once.
			body2 := declareBody(t, "资助平台")
			claimAs(t, store, "crash-before", "/v1/projects", body2, testNow, time.Minute)
			r = h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: body2, header: keyed("crash-before")})
			assert.Equal(t, http.StatusConflict, r.status, "within the lease the first request may still run")
			h.now.Set(testNow.Add(2 * time.Minute))
			r = h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: body2, header: keyed("crash-before")})
			require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
			r2 := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: body2, header: keyed("crash-before")})
			assert.Equal(t, r.project().Project.ID, r2.project().Project.ID)
			assert.Equal(t, 2, h.listed())

			// The claim taken over cannot append any more.
			_, _, err = h.engine.Declare(lifecycle.WithKeyClaim(t.Context(), lifecycle.KeyClaim{Actor: "unit-a", Key: "crash-before", Token: "dead-crash-before"}),
				actor, mustDeclaration(t, declaration(unitA, "资助平台")))
			require.Error(t, err)
			assert.Equal(t, lifecycle.KindConflict, lifecycle.KindOf(err))
			assert.Equal(t, 2, h.listed())
		})
	}
}

func TestIdempotencyKeysExpireByAgeAndAreBoundedByBytes(t *testing.T) {
	for _, rs := range replicaSets() {
		t.Run(rs.name, func(t *testing.T) {
			store := rs.open(t, 1)[0]
			h := newHarness(t, store)
			ks := store.(lifecycle.KeyStore)
			remark := strings.Repeat("备注", 20000) // 120 KB of UTF-8
			var firsts []*reply
			var bodies [][]byte
			for i := range 6 {
				d := declaration(unitA, fmt.Sprintf("平台%d", i))
				d["remarks"] = remark
				b, err := json.Marshal(d)
				require.NoError(t, err)
				r := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: b, header: keyed(fmt.Sprint("big-", i))})
				require.Equal(t, http.StatusCreated, r.status, "%.200s", r.body)
				firsts, bodies = append(firsts, r), append(bodies, b)
			}
			const bound = 300 << 10
			_, err := ks.PruneKeys(t.Context(), testNow.Add(-DefaultIdempotencyTTL), bound)
			require.NoError(t, err)
			if s, ok := store.(*sqlstore.Store); ok {
				var total int64
				require.NoError(t, s.DB().QueryRowContext(t.Context(), `SELECT COALESCE(SUM(size), 0) FROM idempotency_keys`).Scan(&total))
				assert.LessOrEqual(t, total, int64(bound))
			}
			for i, b := range bodies {
				r := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: b, header: keyed(fmt.Sprint("big-", i))})
				require.Equal(t, http.StatusCreated, r.status)
				assert.JSONEq(t, string(firsts[i].body), string(r.body), "kept or rebuilt, the same answer")
			}
			assert.Equal(t, 6, h.listed())

			// After the TTL the key is new again.
			h.now.Set(testNow.Add(DefaultIdempotencyTTL + time.Minute))
			r := h.send(req{method: http.MethodPost, path: "/v1/projects", token: asUnitA, body: declareBody(t, "新项目"), header: keyed("big-0")})
			assert.Equal(t, http.StatusCreated, r.status, "%.300s", r.body)
			n, err := ks.PruneKeys(t.Context(), h.now.Now().Add(-DefaultIdempotencyTTL), bound)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, n, 5, "the expired keys are deleted")
		})
	}
}
