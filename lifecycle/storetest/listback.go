package storetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// forwardPages follows List from the start and returns its pages.
func forwardPages(t *testing.T, s lifecycle.Store, q lifecycle.Query) [][]string {
	t.Helper()
	var pages [][]string
	for {
		page, next, err := s.List(t.Context(), q)
		require.NoError(t, err)
		var ids []string
		for _, p := range page {
			ids = append(ids, p.ProjectID)
		}
		pages = append(pages, ids)
		if next == "" {
			return pages
		}
		q.After = next
	}
}

func testListBefore(t *testing.T, s lifecycle.Store) {
	bl, ok := s.(lifecycle.BackLister)
	if !ok {
		t.Skip("the store is not a lifecycle.BackLister")
	}
	all := fixture(t, s, 150)
	for _, c := range []struct {
		name string
		q    lifecycle.Query
		keep func(lifecycle.Summary) bool
	}{
		{"none", lifecycle.Query{}, func(lifecycle.Summary) bool { return true }},
		{"unit", lifecycle.Query{Unit: "区卫健委"}, func(s lifecycle.Summary) bool { return s.Unit == "区卫健委" }},
		{"state and budget year", lifecycle.Query{State: "approved", BudgetYear: 2026}, func(s lifecycle.Summary) bool {
			return s.State == "approved" && s.InBudgetYear(2026)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := expect(all, c.keep)
			require.NotEmpty(t, want)
			for _, limit := range []int{1, 7, 50, len(want), len(want) + 1} {
				q := c.q
				q.Limit = limit
				// Each page before the first of a page List gave is the
				// page List gave before it; the first has no cursor back.
				pages := forwardPages(t, s, q)
				for i := 1; i < len(pages); i++ {
					page, prev, err := bl.ListBefore(t.Context(), q, pages[i][0])
					require.NoError(t, err)
					var ids []string
					for _, p := range page {
						ids = append(ids, p.ProjectID)
					}
					assert.Equal(t, pages[i-1], ids, "limit %d, page %d", limit, i)
					if i == 1 {
						assert.Empty(t, prev, "limit %d: nothing before the first page", limit)
					} else {
						assert.Equal(t, pages[i-1][0], prev, "limit %d, page %d", limit, i)
					}
				}
				// Backwards from past the end, then on by the cursors:
				// every project once, in order.
				var back []string
				before := "\uffff"
				for range 1000 {
					page, prev, err := bl.ListBefore(t.Context(), q, before)
					require.NoError(t, err)
					require.LessOrEqual(t, len(page), limit)
					var ids []string
					for _, p := range page {
						ids = append(ids, p.ProjectID)
					}
					back = append(ids, back...)
					if prev == "" {
						break
					}
					before = prev
				}
				assert.Equal(t, want, back, "limit %d", limit)
			}
		})
	}
	// A cursor that is not a project ID is a position; before the first
	// project there is nothing.
	ids := expect(all, func(lifecycle.Summary) bool { return true })
	page, _, err := bl.ListBefore(t.Context(), lifecycle.Query{Limit: 2}, ids[10]+"!")
	require.NoError(t, err)
	require.Len(t, page, 2)
	assert.Equal(t, []string{ids[9], ids[10]}, []string{page[0].ProjectID, page[1].ProjectID})
	page, prev, err := bl.ListBefore(t.Context(), lifecycle.Query{}, ids[0])
	require.NoError(t, err)
	assert.Empty(t, page)
	assert.Empty(t, prev)
}
