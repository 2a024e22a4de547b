package storetest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// testActionPages checks a store's pages of one project's events by
// action (lifecycle.ActionPager), when the store has them: only the
// actions asked for, in version order, after the cursor, up to the limit;
// another project's events never; an unknown project not found.
func testActionPages(t *testing.T, s lifecycle.Store) {
	ap, ok := s.(lifecycle.ActionPager)
	if !ok {
		t.Skip("the store reads no pages by action")
	}
	ctx := t.Context()
	var evs []lifecycle.Event
	for v := int64(1); v <= 30; v++ {
		a := "report"
		switch v % 3 {
		case 1:
			a = "audit"
		case 2:
			a = "opinion"
		}
		evs = append(evs, event("P1", v, a))
	}
	_, err := s.Append(ctx, 0, evs, summary("P1", 30))
	require.NoError(t, err)
	appendNew(t, s, "P2", 5) // act_1 … act_5, and audits of its own below
	_, err = s.Append(ctx, 5, []lifecycle.Event{event("P2", 6, "audit")}, summary("P2", 6))
	require.NoError(t, err)

	versions := func(page []lifecycle.Event) []int64 {
		var out []int64
		for _, e := range page {
			assert.Equal(t, "P1", e.ProjectID)
			out = append(out, e.Version)
		}
		return out
	}
	page, err := ap.LoadActionPage(ctx, "P1", []lifecycle.Action{"audit"}, 0, 4)
	require.NoError(t, err)
	assert.Equal(t, []int64{1, 4, 7, 10}, versions(page))
	AssertEventsEqual(t, evs[:1], page[:1])
	page, err = ap.LoadActionPage(ctx, "P1", []lifecycle.Action{"audit"}, 10, 100)
	require.NoError(t, err)
	assert.Equal(t, []int64{13, 16, 19, 22, 25, 28}, versions(page))
	page, err = ap.LoadActionPage(ctx, "P1", []lifecycle.Action{"report", "audit"}, 2, 5)
	require.NoError(t, err)
	assert.Equal(t, []int64{3, 4, 6, 7, 9}, versions(page), "several actions merge in version order")
	page, err = ap.LoadActionPage(ctx, "P1", []lifecycle.Action{"audit", "audit"}, 25, 5)
	require.NoError(t, err)
	assert.Equal(t, []int64{28}, versions(page), "an action named twice is read once")
	page, err = ap.LoadActionPage(ctx, "P1", []lifecycle.Action{"withdraw"}, 0, 5)
	require.NoError(t, err)
	assert.Empty(t, page)
	_, err = ap.LoadActionPage(ctx, "nope", []lifecycle.Action{"audit"}, 0, 5)
	require.True(t, errors.Is(err, lifecycle.ErrNotFound) || lifecycle.KindOf(err) == lifecycle.KindNotFound, "%v", err)
}
