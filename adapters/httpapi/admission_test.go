package httpapi

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// gatedStore holds every List until its gate opens, ignoring the
// context, as a slow query would.
type gatedStore struct {
	*lifecycle.MemoryStore
	mu      sync.Mutex
	closed  bool
	gate    chan struct{}
	waiting chan struct{}
}

func newGatedStore() *gatedStore {
	return &gatedStore{MemoryStore: lifecycle.NewMemoryStore(), gate: make(chan struct{}), waiting: make(chan struct{}, 100)}
}

func (g *gatedStore) List(ctx context.Context, q lifecycle.Query) ([]lifecycle.Summary, string, error) {
	g.waiting <- struct{}{}
	<-g.gate
	return g.MemoryStore.List(ctx, q)
}

func (g *gatedStore) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.closed {
		close(g.gate)
		g.closed = true
	}
}

func withAdmission(maxInFlight int, timeout time.Duration, overlaps int) harnessOption {
	return func(_ *lifecycle.Config, c *Config) {
		c.MaxInFlight, c.RequestTimeout, c.MaxOverlapChecks = maxInFlight, timeout, overlaps
	}
}

func TestRequestsOverTheInFlightBoundAre503(t *testing.T) {
	store := newGatedStore()
	h := newHarness(t, store, withAdmission(2, time.Minute, 0))
	t.Cleanup(store.open)
	var wg sync.WaitGroup
	statuses := make(chan int, 2)
	for range 2 {
		wg.Go(func() { statuses <- h.get("/v1/projects", asBDB).status })
	}
	<-store.waiting
	<-store.waiting
	r := h.get("/v1/projects", asBDB)
	assert.Equal(t, http.StatusServiceUnavailable, r.status)
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	assert.Equal(t, "overloaded", r.problem().Code)
	assert.Equal(t, http.StatusOK, h.get("/healthz", "").status, "probes are not counted")

	store.open()
	wg.Wait()
	close(statuses)
	for s := range statuses {
		assert.Equal(t, http.StatusOK, s)
	}
	assert.Equal(t, http.StatusOK, h.get("/v1/projects", asBDB).status, "the slots are free again")
}

func TestWorkPastTheDeadlineIsA503NotACutConnection(t *testing.T) {
	store := newGatedStore()
	h := newHarness(t, store, withAdmission(1, 100*time.Millisecond, 0))
	t.Cleanup(store.open)
	start := time.Now()
	r := h.get("/v1/projects", asBDB)
	assert.Equal(t, http.StatusServiceUnavailable, r.status, "%s", r.body)
	assert.Equal(t, "deadline_exceeded", r.problem().Code)
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	assert.Less(t, time.Since(start), 5*time.Second)

	// The work cut short still holds its slot until it ends.
	r = h.get("/v1/projects", asBDB)
	assert.Equal(t, "overloaded", r.problem().Code)
	store.open()
	assert.Eventually(t, func() bool { return h.get("/v1/projects", asBDB).status == http.StatusOK }, 5*time.Second, 10*time.Millisecond)
}

func TestOverlapChecksAreBounded(t *testing.T) {
	store := newGatedStore()
	h := newHarness(t, store, withAdmission(10, time.Minute, 1))
	t.Cleanup(store.open)
	done := make(chan int, 1)
	go func() {
		done <- h.send(req{method: http.MethodPost, path: "/v1/declarations/overlaps", token: asUnitA, body: declaration(unitA, "学籍平台")}).status
	}()
	<-store.waiting
	r := h.send(req{method: http.MethodPost, path: "/v1/declarations/overlaps", token: asUnitA, body: declaration(unitA, "资助平台")})
	assert.Equal(t, http.StatusServiceUnavailable, r.status, "%s", r.body)
	assert.Equal(t, "overlap_checks_busy", r.problem().Code)
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	store.open()
	require.Equal(t, http.StatusOK, <-done)
}
