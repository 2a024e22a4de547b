package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// feedFrom reads a store's feed from after to its end.
func feedFrom(t *testing.T, s *Store, after string) ([]lifecycle.FeedEvent, string) {
	t.Helper()
	var out []lifecycle.FeedEvent
	for {
		page, err := s.Feed(t.Context(), lifecycle.FeedQuery{After: after, Limit: 500})
		require.NoError(t, err)
		out = append(out, page.Events...)
		if len(page.Events) == 0 {
			return out, page.Next
		}
		after = page.Next
	}
}

// pgSummary varies what the statistics keep with the version: unit, kind,
// state, amounts, the next duty and its due date, the approval time.
func pgSummary(project string, v int64) lifecycle.Summary {
	units := []string{"区教委", "区卫健委", "区大数据局"}
	states := []lifecycle.State{"declared", "approved", "under_construction", "accepted"}
	sum := lifecycle.Summary{
		Name: project, Unit: units[len(project)%len(units)], Kind: "construction", BudgetYear: 2026,
		State:     states[int(v)%len(states)],
		Requested: review.MustBudget(fmt.Sprintf("%d.25", v), "", "3", ""),
		Approved:  review.MustBudget(fmt.Sprintf("%d", v), "", "", "0.5"),
	}
	if v%2 == 0 {
		sum.NextDuty, sum.NextDue = "acceptance", time.Date(2026, 3, int(v%28)+1, 16, 0, 0, 0, time.UTC)
	}
	sum.ApprovedAt, sum.ApprovalWorkdays = time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC), int(v%5)
	return sum
}

// TestFeedPositionsAcrossInstances: two store instances on one
// PostgreSQL database append at once, with no row they share. The feed,
// read through either, holds every acknowledged event exactly once, at
// consecutive positions from 1, each project's versions in order; what
// one instance acknowledged is in what the other reads next, with no
// sequencer of its own running; and the running totals, folded from the
// changes the appends' marks carry, are what a recomputation from the
// figures gives.
func TestFeedPositionsAcrossInstances(t *testing.T) {
	dsn := sqltest.PostgresDSN(t)
	a, b := open(t, dsn), open(t, dsn)
	stores := []*Store{a, b}

	const writers, projects, rounds = 8, 6, 12
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		acked = map[string]int64{} // project → latest acknowledged version
	)
	for w := range writers {
		wg.Go(func() {
			s := stores[w%2]
			for r := range rounds {
				// Writers share projects: conflicts are retried from the
				// version the store reports.
				p := fmt.Sprintf("p%d", (w+r)%projects)
				for {
					v, err := s.currentVersion(t.Context(), p)
					if !assert.NoError(t, err) {
						return
					}
					ev := testEvents(p, v+1, v+1)
					_, err = s.Append(t.Context(), v, ev, pgSummary(p, v+1))
					if errors.Is(err, lifecycle.ErrConflict) {
						continue
					}
					if !assert.NoError(t, err) {
						return
					}
					mu.Lock()
					acked[p] = max(acked[p], v+1)
					mu.Unlock()
					break
				}
			}
		})
	}
	wg.Wait()

	total := int64(0)
	for _, v := range acked {
		total += v
	}
	require.EqualValues(t, writers*rounds, total)
	var feeds [2][]lifecycle.FeedEvent
	for i, s := range stores {
		feeds[i], _ = feedFrom(t, s, "")
		require.Len(t, feeds[i], int(total))
	}
	seen := map[string]int64{}
	for i, fe := range feeds[0] {
		assert.EqualValues(t, i+1, fe.Position, "consecutive from 1")
		assert.Equal(t, seen[fe.Event.ProjectID]+1, fe.Event.Version, "%s in version order", fe.Event.ProjectID)
		seen[fe.Event.ProjectID] = fe.Event.Version
		assert.Equal(t, fe.Event.Seq, feeds[1][i].Event.Seq, "both instances read one feed")
	}
	assert.Equal(t, acked, seen)

	// With both sequencers stopped, an append acknowledged by one
	// instance is in the next read through the other.
	a.stopBackground()
	b.stopBackground()
	_, next := feedFrom(t, b, "")
	for i := range 3 {
		p := fmt.Sprintf("late%d", i)
		_, err := a.Append(t.Context(), 0, testEvents(p, 1, 1), pgSummary(p, 1))
		require.NoError(t, err)
		got, n := feedFrom(t, b, next)
		require.Len(t, got, 1)
		assert.Equal(t, p, got[0].Event.ProjectID)
		assert.EqualValues(t, total+int64(i)+1, got[0].Position)
		next = n
	}

	// The totals as Stats reads them before the last marks' changes are
	// folded, after, and after a recomputation from the figures agree.
	before, err := a.Stats(t.Context(), lifecycle.StatsQuery{OverdueBefore: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	_, err = a.Sequence(t.Context())
	require.NoError(t, err)
	folded := totals(t, a)
	after, err := a.Stats(t.Context(), lifecycle.StatsQuery{OverdueBefore: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	require.NoError(t, a.RebuildTotals(t.Context()))
	assert.Equal(t, totals(t, a), folded)
	rebuilt, err := a.Stats(t.Context(), lifecycle.StatsQuery{OverdueBefore: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.ElementsMatch(t, statesText(rebuilt), statesText(before))
	assert.ElementsMatch(t, statesText(rebuilt), statesText(after))
	assert.ElementsMatch(t, rebuilt.Duties, before.Duties)
	assert.Equal(t, rebuilt.ApprovalWorkdays, before.ApprovalWorkdays)
	require.NotEmpty(t, rebuilt.Duties)
	require.NotEmpty(t, rebuilt.ApprovalWorkdays)
}

// TestPendingEventsOfAStoppedInstance: events an instance acknowledged
// but never positioned (it stopped first) are positioned by another
// instance's sequencer on its own, with their webhook deliveries.
func TestPendingEventsOfAStoppedInstance(t *testing.T) {
	dsn := sqltest.PostgresDSN(t)
	a := open(t, dsn)
	_, err := a.DB().ExecContext(t.Context(), `INSERT INTO webhooks (id, actor_id, sees_all, unit, url, secret, created_at)
		VALUES ('h', 'bureau', 1, '', 'http://127.0.0.1:1/', 's', now())`)
	require.NoError(t, err)
	a.stopBackground()
	for i := range 5 {
		p := fmt.Sprintf("q%d", i)
		_, err := a.Append(t.Context(), 0, testEvents(p, 1, 2), pgSummary(p, 2))
		require.NoError(t, err)
	}
	count := func(q string) int {
		var n int
		require.NoError(t, a.DB().QueryRowContext(t.Context(), q).Scan(&n))
		return n
	}
	require.Equal(t, 10, count(`SELECT count(*) FROM feed_pending`))

	b := open(t, dsn)
	require.Eventually(t, func() bool {
		var n int
		err := b.DB().QueryRowContext(context.Background(), `SELECT count(*) FROM feed_pending`).Scan(&n)
		return err == nil && n == 0
	}, 10*time.Second, 20*time.Millisecond, "the other instance's sequencer positions them unasked")
	var feed, deliveries int
	require.NoError(t, b.DB().QueryRowContext(t.Context(), `SELECT count(*), max(pos) FROM event_feed`).Scan(&feed, new(int64)))
	require.NoError(t, b.DB().QueryRowContext(t.Context(), `SELECT count(*) FROM webhook_deliveries WHERE webhook_id = 'h'`).Scan(&deliveries))
	assert.Equal(t, 10, feed)
	assert.Equal(t, 10, deliveries)
}

// statesText writes the figures by state with their amounts' exact text,
// the summed projects of each state together.
func statesText(agg lifecycle.StatsAggregate) []string {
	type sums struct {
		n    int
		r, a [4]decimal.Decimal
	}
	by := map[lifecycle.State]*sums{}
	for _, f := range agg.States {
		s := by[f.State]
		if s == nil {
			s = &sums{}
			by[f.State] = s
		}
		s.n += f.Projects
		for i, d := range []decimal.Decimal{f.Requested.Central, f.Requested.Municipal, f.Requested.District, f.Requested.SelfFunded} {
			s.r[i] = s.r[i].Add(d)
		}
		for i, d := range []decimal.Decimal{f.Approved.Central, f.Approved.Municipal, f.Approved.District, f.Approved.SelfFunded} {
			s.a[i] = s.a[i].Add(d)
		}
	}
	var out []string
	for st, s := range by {
		if s.n == 0 {
			continue // a state no project is in any more
		}
		line := fmt.Sprintf("%s %d", st, s.n)
		for _, d := range append(s.r[:], s.a[:]...) {
			line += " " + d.String()
		}
		out = append(out, line)
	}
	return out
}
