package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// FeedWriters is the number of goroutines appending at once in the feed's
// concurrency test, and FeedAppends the appends each makes.
const (
	FeedWriters = 16
	FeedAppends = 25
)

// RunFeed runs the contract of lifecycle.FeedStore against the stores
// newStore returns (fresh and empty for each subtest).
func RunFeed(t *testing.T, newStore func(t *testing.T) lifecycle.FeedStore) {
	t.Helper()
	t.Run("concurrent writers leave no gap or duplicate", func(t *testing.T) { testFeedConcurrent(t, newStore(t)) })
	t.Run("a unit reads its own projects only", func(t *testing.T) { testFeedUnit(t, newStore(t)) })
	t.Run("cursors from elsewhere are invalid", func(t *testing.T) { testFeedCursors(t, newStore(t), newStore(t)) })
}

func feedEvent(project, unit string, version int64) lifecycle.Event {
	return lifecycle.Event{
		ProjectID: project, Version: version, Action: "feed_test",
		Actor: lifecycle.Actor{ID: "a", Unit: unit, Roles: []lifecycle.Role{lifecycle.RoleUnit}},
		Role:  lifecycle.RoleUnit, At: time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC).Add(time.Duration(version) * time.Minute),
	}
}

func appendFeed(t testing.TB, s lifecycle.Store, project, unit string, version int64) {
	t.Helper()
	_, err := s.Append(context.Background(), version-1, []lifecycle.Event{feedEvent(project, unit, version)},
		lifecycle.Summary{Name: project, Unit: unit, Kind: "construction", State: "declared"})
	require.NoError(t, err)
}

// readAll reads the feed from after to its end, page by page.
func readAll(t testing.TB, s lifecycle.FeedStore, after string, unit string, limit int) ([]lifecycle.FeedEvent, string) {
	t.Helper()
	var out []lifecycle.FeedEvent
	for {
		page, err := s.Feed(context.Background(), lifecycle.FeedQuery{After: after, Limit: limit, Unit: unit})
		require.NoError(t, err)
		out = append(out, page.Events...)
		require.NotEmpty(t, page.Next)
		if len(page.Events) == 0 {
			return out, page.Next
		}
		after = page.Next
	}
}

func testFeedConcurrent(t *testing.T, s lifecycle.FeedStore) {
	st, ok := s.(lifecycle.Store)
	require.True(t, ok, "a FeedStore is a Store")
	var (
		wg   sync.WaitGroup
		done = make(chan struct{})
		live []lifecycle.FeedEvent
	)
	// A reader follows the feed while the writers append: what it sees,
	// page by page, must be the final feed exactly.
	wg.Add(1)
	go func() {
		defer wg.Done()
		after := ""
		for {
			select {
			case <-done:
				rest, _ := readAll(t, s, after, "", 7)
				live = append(live, rest...)
				return
			default:
			}
			page, err := s.Feed(context.Background(), lifecycle.FeedQuery{After: after, Limit: 7})
			if !assert.NoError(t, err) {
				return
			}
			live = append(live, page.Events...)
			after = page.Next
		}
	}()
	var writers sync.WaitGroup
	for w := range FeedWriters {
		writers.Add(1)
		go func() {
			defer writers.Done()
			// Two projects per writer, appended alternately.
			for i := range FeedAppends {
				project := fmt.Sprintf("w%02d-%d", w, i%2)
				appendFeed(t, st, project, "区教委", int64(i/2+1))
			}
		}()
	}
	writers.Wait()
	close(done)
	wg.Wait()

	all, _ := readAll(t, s, "", "", 100)
	require.Len(t, all, FeedWriters*FeedAppends)
	seen := map[string]bool{}
	last := map[string]int64{}
	for i, e := range all {
		require.Equal(t, int64(i+1), e.Position, "positions run 1, 2, 3, … without a gap")
		key := fmt.Sprintf("%s/%d", e.ProjectID, e.Version)
		require.False(t, seen[key], "event %s twice", key)
		seen[key] = true
		require.Equal(t, last[e.ProjectID]+1, e.Version, "a project's events in version order")
		last[e.ProjectID] = e.Version
	}
	require.Equal(t, len(all), len(live), "the live reader saw every event once")
	for i := range all {
		require.Equal(t, all[i].Position, live[i].Position)
		require.Equal(t, all[i].ProjectID, live[i].ProjectID)
		require.Equal(t, all[i].Version, live[i].Version)
	}
}

func testFeedUnit(t *testing.T, s lifecycle.FeedStore) {
	st := s.(lifecycle.Store)
	for v := int64(1); v <= 3; v++ {
		appendFeed(t, st, "edu", "区教委", v)
		appendFeed(t, st, "health", "区卫健委", v)
	}
	edu, next := readAll(t, s, "", "区教委", 2)
	require.Len(t, edu, 3)
	for _, e := range edu {
		assert.Equal(t, "edu", e.ProjectID)
	}
	assert.Equal(t, []int64{1, 3, 5}, []int64{edu[0].Position, edu[1].Position, edu[2].Position})
	// The cursor at the end skips the other unit's events once.
	page, err := s.Feed(context.Background(), lifecycle.FeedQuery{After: next, Limit: 10, Unit: "区教委"})
	require.NoError(t, err)
	assert.Empty(t, page.Events)
	assert.Equal(t, next, page.Next)
	appendFeed(t, st, "health", "区卫健委", 4)
	appendFeed(t, st, "edu", "区教委", 4)
	page, err = s.Feed(context.Background(), lifecycle.FeedQuery{After: next, Limit: 10, Unit: "区教委"})
	require.NoError(t, err)
	require.Len(t, page.Events, 1)
	assert.Equal(t, int64(8), page.Events[0].Position)
	none, _ := readAll(t, s, "", "区财政局", 10)
	assert.Empty(t, none)
}

func testFeedCursors(t *testing.T, s, other lifecycle.FeedStore) {
	appendFeed(t, s.(lifecycle.Store), "p", "区教委", 1)
	appendFeed(t, other.(lifecycle.Store), "p", "区教委", 1)
	theirs, err := other.Feed(context.Background(), lifecycle.FeedQuery{Limit: 10})
	require.NoError(t, err)
	ours, err := s.Feed(context.Background(), lifecycle.FeedQuery{Limit: 10})
	require.NoError(t, err)
	require.Len(t, ours.Events, 1)
	for _, c := range []string{theirs.Next, "1", "abc", ours.Next + "0", ours.Next + "x", "p", "-1"} {
		_, err := s.Feed(context.Background(), lifecycle.FeedQuery{After: c, Limit: 10})
		require.Error(t, err, "cursor %q", c)
		assert.Equal(t, lifecycle.KindInvalid, lifecycle.KindOf(err), "cursor %q", c)
	}
	page, err := s.Feed(context.Background(), lifecycle.FeedQuery{After: ours.Events[0].Cursor, Limit: 10})
	require.NoError(t, err)
	assert.Empty(t, page.Events)
}
