package web

import (
	"bytes"
	"context"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// ChainPoint is a place in a project's hash chain that a check found
// good: a version and the hash stored for it. The zero ChainPoint is the
// start of the chain.
type ChainPoint struct {
	Version int64
	Hash    []byte
}

// verifyResult is a verification of a project's chain at a version.
type verifyResult struct {
	version int64
	ok      bool
	detail  string
	at      time.Time // when this result was made
	// whole is when the chain was last checked from its start, and point
	// the place reached since (VerifyAfter only).
	whole time.Time
	point ChainPoint
}

// verifyCache keeps the latest verification of each project, trusted for
// a while at the same version, and the point a newer version is checked
// from. It keeps the projects viewed last (github.com/hashicorp/golang-lru/v2,
// already the engine's fold cache, safe for concurrent use).
type verifyCache struct {
	every time.Duration
	byID  *lru.Cache[string, verifyResult]
}

// maxVerified bounds the projects whose verification is kept.
const maxVerified = 4096

func newVerifyCache(every time.Duration) *verifyCache {
	c, err := lru.New[string, verifyResult](maxVerified)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &verifyCache{every: every, byID: c}
}

// within reports whether t, a time the cache noted, is less than the
// cache's period before now.
func (vc *verifyCache) within(now, t time.Time) bool {
	return vc.every > 0 && now.Sub(t) < vc.every && now.Sub(t) >= 0
}

// DefaultVerifyInline is the longest history whose chain a page verifies
// before it is sent, unless Config.VerifyInline says otherwise: at 2,000
// events the whole chain reads in well under the 50 ms a page may take.
const DefaultVerifyInline = 2000

// chainStatus is the chain's status for a project page: verifyChain's,
// unless the history is longer than the console's inline limit and no
// verification can be reused or continued from a point. Then the whole
// chain is verified in the background, once per project at a time, and
// pending is true: the page says so and a later view shows the result.
func (c *Console) chainStatus(ctx context.Context, id string, version int64) (ok bool, detail string, pending bool, err error) {
	if c.inline < 0 || version <= c.inline || c.cheap(id, version) {
		ok, detail, err = c.verifyChain(ctx, id, version)
		return ok, detail, false, err
	}
	if _, running := c.verifying.LoadOrStore(id, struct{}{}); !running {
		bg := context.WithoutCancel(ctx)
		go func() {
			defer c.verifying.Delete(id)
			vctx, cancel := context.WithTimeout(bg, time.Minute)
			defer cancel()
			if _, _, err := c.verifyChain(vctx, id, version); err != nil {
				c.log.WarnContext(vctx, "web console: chain verification", "project", id, "err", err)
			}
		}()
	}
	return false, "", true, nil
}

// reusable reports whether r, the cached verification of a project, is
// the answer at version: the same version, made within the period.
func (vc *verifyCache) reusable(r verifyResult, version int64, now time.Time) bool {
	return r.version == version && vc.within(now, r.at)
}

// continuable reports whether version may be checked from r's point:
// the chain verified good up to it, checked whole within the period.
func (vc *verifyCache) continuable(r verifyResult, version int64, now time.Time) bool {
	return r.ok && r.point.Version > 0 && r.point.Version <= version && vc.within(now, r.whole)
}

// cheap reports whether verifyChain would answer for the project at
// version from the cache, or by checking from a point reached within the
// cache's period, rather than from the start of the chain.
func (c *Console) cheap(id string, version int64) bool {
	now := c.clock()
	r, cached := c.verified.byID.Peek(id)
	return cached && (c.verified.reusable(r, version, now) || c.after != nil && c.verified.continuable(r, version, now))
}

// verifyChain verifies a project's chain at version, or takes a
// verification of the same version made within the cache's period. With
// VerifyAfter, a newer version whose chain was checked whole within the
// period is checked from the point reached then; anything else, from the
// start.
func (c *Console) verifyChain(ctx context.Context, id string, version int64) (bool, string, error) {
	now := c.clock()
	vc := c.verified
	r, cached := vc.byID.Get(id)
	if cached && vc.reusable(r, version, now) {
		return r.ok, r.detail, nil
	}
	if c.after == nil {
		good, detail, err := c.verify(ctx, id)
		if err != nil {
			return false, "", err
		}
		vc.byID.Add(id, verifyResult{version: version, ok: good, detail: detail, at: now, whole: now})
		return good, detail, nil
	}
	from, whole := ChainPoint{}, now
	if cached && vc.continuable(r, version, now) {
		from, whole = r.point, r.whole
	}
	good, detail, to, err := c.after(ctx, id, from)
	if err != nil {
		return false, "", err
	}
	if !good {
		to = from
	}
	vc.byID.Add(id, verifyResult{version: version, ok: good, detail: detail, at: now, whole: whole,
		point: ChainPoint{Version: to.Version, Hash: bytes.Clone(to.Hash)}})
	return good, detail, nil
}
