package sqlstore

import (
	"context"
	"slices"

	"github.com/govit-cn/govit/lifecycle"
)

var _ lifecycle.ActionPager = (*Store)(nil)

// LoadActionPage implements lifecycle.ActionPager from the (project_id,
// action, version) index: one query per action, each reading at most
// limit rows in version order, merged. A page costs its own rows however
// many events of other actions the history holds.
func (s *Store) LoadActionPage(ctx context.Context, projectID string, actions []lifecycle.Action, after int64, limit int) ([]lifecycle.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !storable(projectID) {
		return nil, lifecycle.NotFoundError(projectID)
	}
	if limit <= 0 {
		limit = lifecycle.DefaultListLimit
	}
	var out []lifecycle.Event
	seen := make(map[lifecycle.Action]bool, len(actions))
	for _, a := range actions {
		if seen[a] {
			continue
		}
		seen[a] = true
		evs, err := s.queryEvents(ctx, "load action page", `SELECT `+eventColumns+` FROM events
			WHERE project_id = $1 AND action = $2 AND version > $3 ORDER BY version LIMIT $4`, projectID, string(a), after, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, evs...)
	}
	if len(seen) > 1 {
		slices.SortFunc(out, func(a, b lifecycle.Event) int { return int(a.Version - b.Version) })
	}
	if len(out) > limit {
		out = out[:limit]
	}
	if len(out) == 0 {
		// An empty page of a known project is not an error.
		if _, err := s.Summary(ctx, projectID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
