package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/adapters/webhook"
	"github.com/govit-cn/govit/lifecycle"
)

var dialects = []struct {
	name string
	dsn  func(t testing.TB) string
}{
	{"sqlite", sqltest.SQLitePath},
	{"postgres", sqltest.PostgresDSN},
}

var (
	bureau = lifecycle.Actor{ID: "bdb", Unit: "区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}}
	edu    = lifecycle.Actor{ID: "edu", Unit: "区教委", Roles: []lifecycle.Role{lifecycle.RoleUnit}}
)

func open(t testing.TB, dsn string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// appendEvent appends version v of project p of unit.
func appendEvent(t testing.TB, s lifecycle.Store, p, unit string, v int64) {
	t.Helper()
	e := lifecycle.Event{ProjectID: p, Version: v, Action: "declare",
		Actor: lifecycle.Actor{ID: "a", Unit: unit, Roles: []lifecycle.Role{lifecycle.RoleUnit}}, Role: lifecycle.RoleUnit,
		At: time.Now().UTC()}
	_, err := s.Append(context.Background(), v-1, []lifecycle.Event{e}, lifecycle.Summary{Name: p, Unit: unit, Kind: "construction", State: "declared"})
	require.NoError(t, err)
}

// receiver records the requests it gets and answers with answer(n), n
// counting from 1.
type receiver struct {
	mu     sync.Mutex
	got    []received
	answer func(n int) int
	srv    *httptest.Server
}

type received struct {
	header http.Header
	body   []byte
	msg    webhook.Message
	status int
}

func newReceiver(t *testing.T, answer func(n int) int) *receiver {
	r := &receiver{answer: answer}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var m webhook.Message
		assert.NoError(t, json.Unmarshal(body, &m))
		r.mu.Lock()
		status := r.answer(len(r.got) + 1)
		r.got = append(r.got, received{req.Header.Clone(), body, m, status})
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func register(t testing.TB, s webhook.Store, id string, actor lifecycle.Actor, url string) {
	t.Helper()
	require.NoError(t, s.CreateHook(context.Background(), webhook.Hook{ID: id, Actor: actor, URL: url, Secret: "s3cret-" + id, CreatedAt: time.Now()}))
}

func dispatcher(t testing.TB, s webhook.Store, opts ...func(*webhook.Config)) *webhook.Dispatcher {
	t.Helper()
	cfg := webhook.Config{Store: s, Allowed: webhook.Hosts{"127.0.0.1"}, Backoff: func(int) time.Duration { return time.Millisecond }, Poll: 5 * time.Millisecond}
	for _, o := range opts {
		o(&cfg)
	}
	d, err := webhook.New(cfg)
	require.NoError(t, err)
	return d
}

// drain runs the dispatcher until nothing is pending for a while.
func drain(t testing.TB, d *webhook.Dispatcher) {
	t.Helper()
	idle := 0
	for deadline := time.Now().Add(20 * time.Second); idle < 5; {
		require.True(t, time.Now().Before(deadline), "the outbox does not drain")
		n, err := d.RunOnce(context.Background())
		require.NoError(t, err)
		if n == 0 {
			idle++
			time.Sleep(3 * time.Millisecond)
		} else {
			idle = 0
		}
	}
}

// TestRetriedUntilAcceptedThenStopped: a receiver that answers 500 twice
// and then 200 gets the event three times, the same event each time with
// a valid signature, and then no more.
func TestRetriedUntilAcceptedThenStopped(t *testing.T) {
	for _, db := range dialects {
		t.Run(db.name, func(t *testing.T) {
			s := open(t, db.dsn(t))
			rcv := newReceiver(t, func(n int) int {
				if n <= 2 {
					return 500
				}
				return 200
			})
			register(t, s, "h1", bureau, rcv.srv.URL+"/hook")
			appendEvent(t, s, "p1", "区教委", 1)
			drain(t, dispatcher(t, s))
			time.Sleep(20 * time.Millisecond)
			drain(t, dispatcher(t, s))

			got := rcv.all()
			require.Len(t, got, 3, "once per retry, then it stops")
			for i, g := range got {
				assert.Equal(t, "p1/1", g.header.Get("Govit-Event-Id"))
				assert.Equal(t, strconv.Itoa(i+1), g.header.Get("Govit-Attempt"))
				ts, err := strconv.ParseInt(g.header.Get("Govit-Timestamp"), 10, 64)
				require.NoError(t, err)
				assert.True(t, webhook.Verify("s3cret-h1", ts, g.body, g.header.Get("Govit-Signature")), "signature")
				assert.False(t, webhook.Verify("wrong", ts, g.body, g.header.Get("Govit-Signature")))
				assert.Equal(t, "p1/1", g.msg.EventID)
				assert.Equal(t, int64(1), g.msg.Position)
				assert.Equal(t, "p1", g.msg.ProjectID)
			}
			ds, err := s.Deliveries(context.Background(), "h1", 0, 10)
			require.NoError(t, err)
			require.Len(t, ds, 1)
			assert.Equal(t, webhook.StatusDelivered, ds[0].Status)
			assert.Equal(t, 3, ds[0].Attempts)
			assert.Equal(t, 200, ds[0].LastStatus)
			assert.Equal(t, "p1/1", ds[0].EventID)
			assert.False(t, ds[0].DeliveredAt.IsZero())
		})
	}
}

// TestGivesUpAfterMaxAttempts: a receiver that never accepts is tried
// MaxAttempts times; the delivery fails and the project's next event is
// delivered after it.
func TestGivesUpAfterMaxAttempts(t *testing.T) {
	s := open(t, sqltest.SQLitePath(t))
	rcv := newReceiver(t, func(n int) int {
		if n <= 3 {
			return 503
		}
		return 204
	})
	register(t, s, "h", bureau, rcv.srv.URL)
	appendEvent(t, s, "p", "区教委", 1)
	appendEvent(t, s, "p", "区教委", 2)
	drain(t, dispatcher(t, s, func(c *webhook.Config) { c.MaxAttempts = 3 }))
	got := rcv.all()
	require.Len(t, got, 4)
	assert.Equal(t, "p/2", got[3].msg.EventID, "the next event waits for the first to be settled")
	ds, err := s.Deliveries(context.Background(), "h", 0, 10)
	require.NoError(t, err)
	assert.Equal(t, webhook.StatusFailed, ds[0].Status)
	assert.Equal(t, 503, ds[0].LastStatus)
	assert.Equal(t, webhook.StatusDelivered, ds[1].Status)
}

// TestInOrderPerProject: with a receiver that fails at random, each
// project's events are accepted in version order, each exactly once.
func TestInOrderPerProject(t *testing.T) {
	for _, db := range dialects {
		t.Run(db.name, func(t *testing.T) {
			s := open(t, db.dsn(t))
			rnd := rand.New(rand.NewPCG(1, 2))
			var mu sync.Mutex
			rcv := newReceiver(t, func(int) int {
				mu.Lock()
				defer mu.Unlock()
				if rnd.IntN(3) == 0 {
					return 500
				}
				return 200
			})
			register(t, s, "h", bureau, rcv.srv.URL)
			for v := int64(1); v <= 6; v++ {
				for p := range 4 {
					appendEvent(t, s, fmt.Sprintf("p%d", p), "区教委", v)
				}
			}
			drain(t, dispatcher(t, s))
			accepted := map[string][]int64{}
			for _, g := range rcv.all() {
				if g.status == 200 {
					accepted[g.msg.ProjectID] = append(accepted[g.msg.ProjectID], g.msg.Version)
				}
			}
			require.Len(t, accepted, 4)
			for p, vs := range accepted {
				assert.Equal(t, []int64{1, 2, 3, 4, 5, 6}, vs, "project %s", p)
			}
		})
	}
}

// TestUnitHookSeesItsOwn: a unit's hook gets its own projects' events;
// a bureau's gets every project's.
func TestUnitHookSeesItsOwn(t *testing.T) {
	s := open(t, sqltest.SQLitePath(t))
	rcvUnit := newReceiver(t, func(int) int { return 200 })
	rcvBureau := newReceiver(t, func(int) int { return 200 })
	register(t, s, "unit", edu, rcvUnit.srv.URL)
	register(t, s, "bureau", bureau, rcvBureau.srv.URL)
	appendEvent(t, s, "mine", "区教委", 1)
	appendEvent(t, s, "theirs", "区卫健委", 1)
	drain(t, dispatcher(t, s))
	require.Len(t, rcvUnit.all(), 1)
	assert.Equal(t, "mine", rcvUnit.all()[0].msg.ProjectID)
	assert.Len(t, rcvBureau.all(), 2)
}

// TestOneSenderAcrossInstances: several dispatchers, each on its own
// connection pool to one database, as server instances would be, send
// each delivery once.
func TestOneSenderAcrossInstances(t *testing.T) {
	for _, db := range dialects {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			s := open(t, dsn)
			rcv := newReceiver(t, func(int) int { return 200 })
			register(t, s, "h", bureau, rcv.srv.URL)
			const projects, versions = 20, 5
			for v := int64(1); v <= versions; v++ {
				for p := range projects {
					appendEvent(t, s, fmt.Sprintf("p%02d", p), "区教委", v)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for range 3 {
				inst := open(t, dsn)
				d := dispatcher(t, inst, func(c *webhook.Config) { c.Batch = 4 })
				wg.Add(1)
				go func() { defer wg.Done(); _ = d.Run(ctx) }()
			}
			require.Eventually(t, func() bool { return len(rcv.all()) >= projects*versions }, 30*time.Second, 10*time.Millisecond)
			time.Sleep(100 * time.Millisecond)
			cancel()
			wg.Wait()
			count := map[string]int{}
			for _, g := range rcv.all() {
				count[g.msg.EventID]++
			}
			require.Len(t, count, projects*versions)
			for id, n := range count {
				assert.Equal(t, 1, n, "event %s sent %d times", id, n)
			}
		})
	}
}

// TestExpiredLeaseIsClaimedAgain: a delivery whose sender died mid-send
// (its lease never settled) is sent again once the lease has passed.
func TestExpiredLeaseIsClaimedAgain(t *testing.T) {
	s := open(t, sqltest.SQLitePath(t))
	register(t, s, "h", bureau, "http://127.0.0.1:1/")
	appendEvent(t, s, "p", "区教委", 1)
	now := time.Now()
	c, err := s.Claim(context.Background(), "dead", now, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, c, 1)
	again, err := s.Claim(context.Background(), "other", now.Add(30*time.Second), time.Minute, 10)
	require.NoError(t, err)
	assert.Empty(t, again, "under a live lease")
	again, err = s.Claim(context.Background(), "other", now.Add(61*time.Second), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, again, 1, "past the lease")
	// The dead sender's late settle changes nothing.
	require.NoError(t, s.Settle(context.Background(), c[0], webhook.Outcome{Delivered: true, Status: 200, At: now}))
	ds, err := s.Deliveries(context.Background(), "h", 0, 10)
	require.NoError(t, err)
	assert.Equal(t, webhook.StatusPending, ds[0].Status)
}

func TestCheckURL(t *testing.T) {
	hs := webhook.ParseHosts(" OA.example.gov.cn, 127.0.0.1 ,[::1]")
	for _, ok := range []string{"https://oa.example.gov.cn/hooks/govit", "http://127.0.0.1:8081/x?y=1", "http://[::1]:9/"} {
		_, err := hs.CheckURL(ok)
		assert.NoError(t, err, ok)
	}
	for _, bad := range []string{"ftp://oa.example.gov.cn/", "oa.example.gov.cn/x", "/relative", "https://", "mailto:a@b", "https://u:p@oa.example.gov.cn/", "https://oa.example.gov.cn/#f", "%zz"} {
		_, err := hs.CheckURL(bad)
		require.Error(t, err, bad)
		assert.NotErrorIs(t, err, webhook.ErrHostNotAllowed, bad)
	}
	for _, notAllowed := range []string{"https://evil.example.com/", "http://127.0.0.2/", "https://oa.example.gov.cn.evil.com/"} {
		_, err := hs.CheckURL(notAllowed)
		assert.ErrorIs(t, err, webhook.ErrHostNotAllowed, notAllowed)
	}
}
