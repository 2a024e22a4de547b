package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// dueFixture appends projects with due dates that tie (several projects
// due the same instant, written in other zones), IDs whose byte order
// differs from dictionary orders, three units, and some with nothing due.
// It returns the summaries as given.
func dueFixture(t *testing.T, s lifecycle.Store) []lifecycle.Summary {
	t.Helper()
	units := []string{"区教委", "区卫健委", "unit-a"}
	zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("W", -10*3600)}
	var all []lifecycle.Summary
	for i := range 45 {
		id := []string{"P", "p", "Z", "项", "a-"}[i%5] + fmt.Sprintf("%02d", (i*7)%45)
		sum := summary(id, 1)
		sum.Unit = units[i%len(units)]
		if i%4 != 0 {
			// Eleven distinct days, so that most days hold several projects.
			sum.NextDue = base.AddDate(0, 0, (i*5)%11-4).In(zones[i%len(zones)])
			sum.NextDuty = "file_contract"
		}
		_, err := s.Append(t.Context(), 0, events(id, 1, 1), sum)
		require.NoError(t, err)
		all = append(all, sum)
	}
	return all
}

// expectDue is the answer of ListDue computed here: the projects with a
// due date kept by keep, by due instant, then by project ID in bytes.
func expectDue(all []lifecycle.Summary, keep func(lifecycle.Summary) bool) []string {
	var hits []lifecycle.Summary
	for _, s := range all {
		if !s.NextDue.IsZero() && keep(s) {
			hits = append(hits, s)
		}
	}
	slices.SortFunc(hits, func(a, b lifecycle.Summary) int {
		if !a.NextDue.Equal(b.NextDue) {
			return a.NextDue.Compare(b.NextDue)
		}
		return strings.Compare(a.ProjectID, b.ProjectID)
	})
	var ids []string
	for _, s := range hits {
		ids = append(ids, s.ProjectID)
	}
	return ids
}

// listDueAll follows the positions of ListDue from the start.
func listDueAll(t *testing.T, s lifecycle.DueLister, q lifecycle.DueQuery) []string {
	t.Helper()
	var ids []string
	for range 10000 {
		page, next, err := s.ListDue(t.Context(), q)
		require.NoError(t, err)
		if q.Limit > 0 {
			require.LessOrEqual(t, len(page), q.Limit)
		}
		for i, p := range page {
			require.False(t, p.NextDue.IsZero(), "%s has nothing due", p.ProjectID)
			if i > 0 {
				prev := page[i-1]
				require.True(t, prev.NextDue.Before(p.NextDue) || (prev.NextDue.Equal(p.NextDue) && prev.ProjectID < p.ProjectID),
					"%s before %s", prev.ProjectID, p.ProjectID)
			}
			ids = append(ids, p.ProjectID)
		}
		if next.Due.IsZero() {
			return ids
		}
		require.NotEmpty(t, page, "a position after an empty page")
		last := page[len(page)-1]
		require.Equal(t, last.ProjectID, next.ProjectID, "the position is the page's last project")
		require.True(t, last.NextDue.Equal(next.Due), "the position is the page's last due date")
		q.After = next
	}
	t.Fatal("ListDue did not end")
	return nil
}

func testListDue(t *testing.T, s lifecycle.Store) {
	dl, ok := s.(lifecycle.DueLister)
	if !ok {
		t.Skip("the store is not a lifecycle.DueLister")
	}
	all := dueFixture(t, s)
	// Stored due dates are whole microseconds (lifecycle.StoreTime); the
	// fixture's carry nanoseconds, so the cut compares with what is kept.
	cut := base.AddDate(0, 0, 2)
	before := func(s lifecycle.Summary) bool { return lifecycle.StoreTime(s.NextDue).Before(cut) }
	cases := []struct {
		name string
		q    lifecycle.DueQuery
		keep func(lifecycle.Summary) bool
	}{
		{"every unit", lifecycle.DueQuery{}, func(lifecycle.Summary) bool { return true }},
		{"one unit", lifecycle.DueQuery{Unit: "区卫健委"}, func(s lifecycle.Summary) bool { return s.Unit == "区卫健委" }},
		{"due before, strictly", lifecycle.DueQuery{DueBefore: cut}, before},
		{"one unit, due before", lifecycle.DueQuery{Unit: "unit-a", DueBefore: cut.UTC()}, func(s lifecycle.Summary) bool {
			return s.Unit == "unit-a" && before(s)
		}},
		{"no such unit", lifecycle.DueQuery{Unit: "nobody"}, func(lifecycle.Summary) bool { return false }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := expectDue(all, c.keep)
			if c.q.Unit == "" && c.q.DueBefore.IsZero() {
				require.Len(t, want, 33, "the fixture means what it says")
			}
			for _, limit := range []int{0, 1, 4, 32, 33, 34} {
				q := c.q
				q.Limit = limit
				assert.Equal(t, want, listDueAll(t, dl, q), "limit %d", limit)
			}
		})
	}
	// A page that ends exactly at the last project has no next position.
	want := expectDue(all, func(lifecycle.Summary) bool { return true })
	page, next, err := dl.ListDue(t.Context(), lifecycle.DueQuery{Limit: len(want)})
	require.NoError(t, err)
	assert.Len(t, page, len(want))
	assert.True(t, next.Due.IsZero())

	// The summaries are the stored ones.
	byID := map[string]lifecycle.Summary{}
	for _, p := range all {
		byID[p.ProjectID] = p
	}
	for _, p := range page {
		AssertSummaryEqual(t, byID[p.ProjectID], p)
	}

	// A project whose duty is met leaves the list; one whose due date
	// moves is found at its new place.
	first, moved := byID[want[0]], byID[want[1]]
	first.Version, first.NextDue, first.NextDuty = 2, time.Time{}, ""
	_, err = s.Append(t.Context(), 1, events(first.ProjectID, 2, 2), first)
	require.NoError(t, err)
	moved.Version, moved.NextDue = 2, base.AddDate(1, 0, 0)
	_, err = s.Append(t.Context(), 1, events(moved.ProjectID, 2, 2), moved)
	require.NoError(t, err)
	got := listDueAll(t, dl, lifecycle.DueQuery{Limit: 5})
	assert.Equal(t, append(slices.Clone(want[2:]), moved.ProjectID), got)
}
