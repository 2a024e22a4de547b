package lifecycle

import (
	"slices"

	lru "github.com/hashicorp/golang-lru/v2"
)

// DefaultSnapshots is the number of projects an Engine keeps folded in
// memory when Config.Snapshots is 0.
const DefaultSnapshots = 1024

// snapshots keeps the latest fold of recently used projects, so that the
// engine replays a history only when it has not seen its latest version.
// A snapshot is only a shortcut: the store stays the truth, every append
// still carries the expected version, and a snapshot found stale is
// dropped. Events of a version never change once appended, so a snapshot
// of version v equals the replay of the store's first v events. The
// least recently used project is forgotten first
// (github.com/hashicorp/golang-lru/v2, safe for concurrent use).
type snapshots struct {
	cache *lru.Cache[string, *Project]
}

func newSnapshots(max int) *snapshots {
	if max <= 0 {
		return nil
	}
	c, err := lru.New[string, *Project](max)
	if err != nil {
		return nil // only for a size that is not positive
	}
	return &snapshots{cache: c}
}

// get returns a copy of the snapshot of project id, or nil.
func (s *snapshots) get(id string) *Project {
	if s == nil {
		return nil
	}
	p, ok := s.cache.Get(id)
	if !ok {
		return nil
	}
	return p.clone()
}

// put keeps a copy of p.
func (s *snapshots) put(p *Project) {
	if s == nil {
		return
	}
	s.cache.Add(p.ID, p.clone())
}

// drop forgets project id.
func (s *snapshots) drop(id string) {
	if s == nil {
		return
	}
	s.cache.Remove(id)
}

// clone returns a copy of the project that can be folded further without
// touching p. It copies no list: they are clipped, so that an append by
// either project reallocates, and Apply copies a list before it changes
// one of its elements. The records the fold replaces but never changes
// (reviews, payloads) are shared too.
func (p *Project) clone() *Project {
	q := *p
	q.Years = slices.Clip(p.Years)
	q.Contracts = slices.Clip(p.Contracts)
	q.Changes = slices.Clip(p.Changes)
	q.Supervision = slices.Clip(p.Supervision)
	q.Acceptances = slices.Clip(p.Acceptances)
	q.Findings = slices.Clip(p.Findings)
	q.Audits = slices.Clip(p.Audits)
	q.SecurityOpinions = slices.Clip(p.SecurityOpinions)
	return &q
}
