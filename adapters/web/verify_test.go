package web

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/lifecycle"
)

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
		c.VerifyAfter = func(ctx context.Context, id string, from ChainPoint) (bool, string, ChainPoint, error) {
			froms = append(froms, from.Version)
			rep, to, err := store.VerifyAfter(ctx, id, sqlstore.ChainPoint{Version: from.Version, Hash: from.Hash})
			if err != nil || rep.OK() {
				return err == nil, "", ChainPoint{Version: to.Version, Hash: to.Hash}, err
			}
			return false, rep.Break.String(), ChainPoint{}, nil
		}
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
		c.VerifyAfter = func(ctx context.Context, id string, from ChainPoint) (bool, string, ChainPoint, error) {
			froms = append(froms, from.Version)
			rep, to, err := store.VerifyAfter(ctx, id, sqlstore.ChainPoint{Version: from.Version, Hash: from.Hash})
			if err != nil || rep.OK() {
				return err == nil, "", ChainPoint{Version: to.Version, Hash: to.Hash}, err
			}
			return false, rep.Break.String(), ChainPoint{}, nil
		}
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
