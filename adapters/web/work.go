package web

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// maxWork bounds the answers the work cache keeps; when full it starts
// over.
const maxWork = 8192

// workKey names one answer of the to-do's "what may I do here": a
// project at a version, an actor (its unit and roles decide), and the
// rulebook that says which actions move a project on.
type workKey struct {
	id      string
	version int64
	actor   string
	rb      *lifecycle.Rulebook
}

// workCache keeps, for each project version and actor, the actions the
// to-do lists: a pure function of the project at that version, the actor
// and the rulebook (lifecycle.Permitted reads nothing else), so an answer
// stays true for as long as the version is the project's. A to-do viewed
// again decodes only the projects that changed since.
type workCache struct {
	mu sync.Mutex
	by map[workKey][]lifecycle.Action
}

func newWorkCache() *workCache { return &workCache{by: map[workKey][]lifecycle.Action{}} }

// actorKey is what of an actor Permitted depends on: its unit and roles.
func actorKey(a lifecycle.Actor) string {
	roles := make([]string, len(a.Roles))
	for i, r := range a.Roles {
		roles[i] = string(r)
	}
	slices.Sort(roles)
	return a.Unit + "\x00" + strings.Join(roles, ",")
}

// awaitedWork returns the actions the actor may take now on the project
// of sum that move it on (awaited), from the cache when it holds the
// summary's version, else from the project read once.
func (c *Console) awaitedWork(ctx context.Context, actor lifecycle.Actor, rb *lifecycle.Rulebook, sum lifecycle.Summary) ([]lifecycle.Action, error) {
	key := workKey{id: sum.ProjectID, version: sum.Version, actor: actorKey(actor), rb: rb}
	wc := c.work
	wc.mu.Lock()
	acts, ok := wc.by[key]
	wc.mu.Unlock()
	if ok {
		return acts, nil
	}
	p, err := c.engine.Get(ctx, actor, sum.ProjectID)
	if err != nil {
		return nil, err
	}
	acts = slices.DeleteFunc(c.engine.PermittedOn(p, actor), func(a lifecycle.Action) bool {
		return !awaited(rb, review.Kind(p.Kind), p.State, a)
	})
	key.version = p.Version
	wc.mu.Lock()
	defer wc.mu.Unlock()
	if len(wc.by) >= maxWork {
		clear(wc.by)
	}
	wc.by[key] = acts
	return acts, nil
}
