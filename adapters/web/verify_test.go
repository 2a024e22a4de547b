package web

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/lifecycle"
)

// verifyAfterOf is Config.VerifyAfter over store, as the reference server
// wires it, noting in froms (when not nil) the version each check starts
// from.
func verifyAfterOf(store *sqlstore.Store, froms *[]int64) func(context.Context, string, ChainPoint) (bool, string, ChainPoint, error) {
	return func(ctx context.Context, id string, from ChainPoint) (bool, string, ChainPoint, error) {
		if froms != nil {
			*froms = append(*froms, from.Version)
		}
		rep, to, err := store.VerifyAfter(ctx, id, sqlstore.ChainPoint{Version: from.Version, Hash: from.Hash})
		if err != nil || rep.OK() {
			return err == nil, "", ChainPoint{Version: to.Version, Hash: to.Hash}, err
		}
		return false, rep.Break.String(), ChainPoint{}, nil
	}
}

// TestChainStatusFromAPoint: with VerifyAfter over a SQLite store, the
// first view checks the whole chain, a newer version is checked from the
// point reached (only the events after it), and the whole chain again once
// VerifyEvery has passed. An event edited before the point is not caught
// by the check from the point (documented on Config.VerifyAfter) and shows
// as broken at the next whole check; an event edited after it is caught
// at once.
func TestChainStatusFromAPoint(t *testing.T) {
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, "file:"+filepath.Join(t.TempDir(), "chain.db"))
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	var froms []int64
	f := (&fixture{t: t, clock: &clock{t: start}}).with(store, func(c *Config) {
		c.Verify = nil
		c.VerifyAfter = verifyAfterOf(store, &froms)
	})
	p := f.declare("tok-unit", "学籍平台")
	audit := func() {
		_, _, err := f.engine.DoJSON(ctx, p.ID, lifecycle.AnyVersion, actorOf(t, "tok-audit"), lifecycle.ActAudit, []byte(`{"summary":"例行审计"}`))
		require.NoError(t, err)
	}
	audit()
	c := f.signIn("tok-audit")
	page := func() string {
		_, body := c.get("/projects/" + p.ID)
		return body
	}
	assert.Contains(t, page(), `class="chain chain-ok"`)
	require.Equal(t, []int64{0}, froms, "the first view checks the whole chain")

	audit()
	assert.Contains(t, page(), `class="chain chain-ok"`)
	require.Equal(t, []int64{0, 2}, froms, "a newer version is checked from the point reached")

	// Version 1 edited behind the store's back: before the point, so the
	// check from the point does not see it ...
	_, err = store.DB().ExecContext(ctx, `UPDATE events SET payload = $1 WHERE project_id = $2 AND version = 1`, []byte(`{"forged":true}`), p.ID)
	require.NoError(t, err)
	audit()
	assert.Contains(t, page(), `class="chain chain-ok"`, "an edit before the point waits for the next whole check")
	require.Equal(t, []int64{0, 2, 3}, froms)

	// ... and the whole check, once VerifyEvery has passed, does.
	f.clock.advance(time.Minute)
	body := page()
	assert.Contains(t, body, `class="chain chain-broken"`)
	assert.Contains(t, body, "version 1: edited")
	require.Equal(t, []int64{0, 2, 3, 0}, froms)

	// A broken chain is checked whole on the next version too.
	audit()
	assert.Contains(t, page(), `class="chain chain-broken"`)
	require.Equal(t, []int64{0, 2, 3, 0, 0}, froms)
}

// TestChainStatusEditAfterThePoint: an event edited after the point is
// caught by the check from the point.
func TestChainStatusEditAfterThePoint(t *testing.T) {
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, "file:"+filepath.Join(t.TempDir(), "chain.db"))
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	var froms []int64
	f := (&fixture{t: t, clock: &clock{t: start}}).with(store, func(c *Config) {
		c.VerifyAfter = verifyAfterOf(store, &froms)
	})
	p := f.declare("tok-unit", "学籍平台")
	c := f.signIn("tok-audit")
	_, body := c.get("/projects/" + p.ID)
	assert.Contains(t, body, `class="chain chain-ok"`)
	for range 2 {
		_, _, err := f.engine.DoJSON(ctx, p.ID, lifecycle.AnyVersion, actorOf(t, "tok-audit"), lifecycle.ActAudit, []byte(`{"summary":"例行审计"}`))
		require.NoError(t, err)
	}
	_, err = store.DB().ExecContext(ctx, `UPDATE events SET action = 'approve_everything' WHERE project_id = $1 AND version = 2`, p.ID)
	require.NoError(t, err)
	_, body = c.get("/projects/" + p.ID)
	assert.Contains(t, body, `class="chain chain-broken"`)
	assert.Contains(t, body, "version 2: edited")
	assert.Equal(t, []int64{0, 1}, froms)
}

// TestChainStatusOfALongHistory: a history longer than VerifyInline is
// not verified before its first view is sent: the page says the check is
// under way, and once the background check is done a view shows its
// result, ok or broken; a short history is verified inline as before.
func TestChainStatusOfALongHistory(t *testing.T) {
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, "file:"+filepath.Join(t.TempDir(), "chain.db"))
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	var (
		mu     sync.Mutex
		checks int
	)
	f := (&fixture{t: t, clock: &clock{t: start}}).with(store, func(c *Config) {
		c.VerifyInline = 2
		c.Verify = func(ctx context.Context, id string) (bool, string, error) {
			mu.Lock()
			checks++
			mu.Unlock()
			rep, err := store.Verify(ctx, id)
			if err != nil || rep.OK() {
				return err == nil, "", err
			}
			return false, rep.Break.String(), nil
		}
	})
	short := f.declare("tok-unit", "学籍平台")
	long := f.declare("tok-unit", "校园安全平台")
	for range 2 {
		_, _, err := f.engine.DoJSON(ctx, long.ID, lifecycle.AnyVersion, actorOf(t, "tok-audit"), lifecycle.ActAudit, []byte(`{"summary":"例行审计"}`))
		require.NoError(t, err)
	}
	c := f.signIn("tok-audit")
	page := func(id string) string {
		_, body := c.get("/projects/" + id)
		return body
	}
	done := func(n int) func() bool {
		return func() bool {
			mu.Lock()
			defer mu.Unlock()
			return checks == n
		}
	}

	assert.Contains(t, page(short.ID), `class="chain chain-ok"`, "a short history is verified before the page is sent")
	require.True(t, done(1)())

	assert.Contains(t, page(long.ID), `class="chain chain-pending"`, "a long one is verified in the background")
	require.Eventually(t, done(2), 10*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool { return !strings.Contains(page(long.ID), "chain-pending") }, 10*time.Second, 5*time.Millisecond)
	assert.Contains(t, page(long.ID), `class="chain chain-ok"`, "the next view shows the background check's result")

	// Edited behind the store's back; once the result has aged, the next
	// view checks again in the background and a later one shows the break.
	_, err = store.DB().ExecContext(ctx, `UPDATE events SET payload = $1 WHERE project_id = $2 AND version = 2`, []byte(`{"forged":true}`), long.ID)
	require.NoError(t, err)
	f.clock.advance(time.Minute)
	assert.Contains(t, page(long.ID), `class="chain chain-pending"`)
	require.Eventually(t, func() bool { return strings.Contains(page(long.ID), "chain-broken") }, 10*time.Second, 5*time.Millisecond)
	assert.Contains(t, page(long.ID), "version 2: edited")
}
