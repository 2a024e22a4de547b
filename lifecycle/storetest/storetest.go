package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// Racers is the number of goroutines that race to append the same version
// of one project in the concurrency test.
const Racers = 64

// RaceRounds is the number of consecutive versions the racers contend for.
const RaceRounds = 5

// Run runs the contract of lifecycle.Store against the stores newStore
// returns. Each subtest asks for a fresh, empty store; newStore should
// register its own cleanup with t.Cleanup and fail t if the store cannot be
// made.
//
// The suite uses nothing but the Store interface: it builds events and
// summaries itself, with action names of its own, and needs no engine.
// Times are compared after lifecycle.StoreTime (microseconds, UTC);
// amounts with decimal equality; an empty Payload or Roles may come back
// nil.
func Run(t *testing.T, newStore func(t *testing.T) lifecycle.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s lifecycle.Store)
	}{
		{"load unknown project is not found", testLoadUnknown},
		{"append a new project at version 0", testAppendNew},
		{"append at a stale or future version conflicts and appends nothing", testConflict},
		{"malformed appends are invalid and append nothing", testInvalid},
		{"events round-trip exactly", testRoundTrip},
		{"seq increases strictly across projects", testSeq},
		{"events are copied in and out", testImmutability},
		{"summary is the latest projection", testSummary},
		{"decimal amounts round-trip exactly", testDecimals},
		{"list filters by unit, state and kind", testListFilters},
		{"list due before is strict and skips projects with nothing due", testDueBefore},
		{"list pages by project id without duplicates or misses", testPagination},
		{"list due orders by due date, then project id, and pages by position", testListDue},
		{"list before pages backwards as list pages forwards", testListBefore},
		{"racing appends have one winner per version", testRace},
		{"cancelled context is respected", testCancelled},
		{"pages by action hold only those actions, in version order", testActionPages},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			require.NotNil(t, s, "newStore returned nil")
			tc.fn(t, s)
		})
	}
}

// base is an instant with nanoseconds in a zone other than UTC, so that a
// store that keeps only the wall clock, drops the zone offset or rounds
// instead of truncating is caught.
var base = time.Date(2024, 3, 15, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600))

func event(project string, version int64, action string) lifecycle.Event {
	return lifecycle.Event{
		ProjectID: project,
		Version:   version,
		Action:    lifecycle.Action(action),
		Actor:     lifecycle.Actor{ID: "user-" + project, Unit: "unit-" + project, Roles: []lifecycle.Role{"unit", "bdb"}},
		Role:      "unit",
		At:        base.Add(time.Duration(version) * time.Minute),
		Article:   "第六条",
		Payload:   []byte(fmt.Sprintf(`{"version": %d,  "note":"第%d次"}`, version, version)),
	}
}

func events(project string, from, to int64) []lifecycle.Event {
	var out []lifecycle.Event
	for v := from; v <= to; v++ {
		out = append(out, event(project, v, fmt.Sprintf("act_%d", v)))
	}
	return out
}

func summary(project string, version int64) lifecycle.Summary {
	return lifecycle.Summary{
		ProjectID: project,
		Name:      "项目 " + project,
		Unit:      "unit-" + project,
		Kind:      "construction",
		State:     "declared",
		Version:   version,
		UpdatedAt: base.Add(time.Duration(version) * time.Minute),
	}
}

// appendNew appends versions 1..n of a new project and fails t on error.
func appendNew(t *testing.T, s lifecycle.Store, project string, n int64) []lifecycle.Event {
	t.Helper()
	out, err := s.Append(t.Context(), 0, events(project, 1, n), summary(project, n))
	require.NoError(t, err)
	return out
}

// AssertEventsEqual asserts that got are the events want as a store keeps
// them: same fields, At equal after lifecycle.StoreTime, an empty Payload
// or Roles equal to nil. Seq is compared where want has one.
func AssertEventsEqual(t *testing.T, want, got []lifecycle.Event) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := want[i], got[i]
		msg := fmt.Sprintf("event %d (project %s version %d)", i, w.ProjectID, w.Version)
		assert.Equal(t, w.ProjectID, g.ProjectID, msg)
		assert.Equal(t, w.Version, g.Version, msg)
		assert.Equal(t, w.Action, g.Action, msg)
		assert.Equal(t, w.Actor.ID, g.Actor.ID, msg)
		assert.Equal(t, w.Actor.Unit, g.Actor.Unit, msg)
		assert.Equal(t, nilIfEmpty(w.Actor.Roles), nilIfEmpty(g.Actor.Roles), msg)
		assert.Equal(t, w.Role, g.Role, msg)
		assert.True(t, lifecycle.StoreTime(w.At).Equal(g.At), "%s: at %s, want %s", msg, g.At, lifecycle.StoreTime(w.At))
		assert.Equal(t, w.Article, g.Article, msg)
		assert.True(t, bytes.Equal(w.Payload, g.Payload), "%s: payload %q, want %q", msg, g.Payload, w.Payload)
		if w.Seq != 0 {
			assert.Equal(t, w.Seq, g.Seq, msg)
		}
	}
}

func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

// AssertSummaryEqual asserts that got is the summary want as a store
// keeps it (times after lifecycle.StoreTime, amounts by decimal equality).
func AssertSummaryEqual(t *testing.T, want, got lifecycle.Summary) {
	t.Helper()
	msg := "summary of " + want.ProjectID
	assert.Equal(t, want.ProjectID, got.ProjectID, msg)
	assert.Equal(t, want.Name, got.Name, msg)
	assert.Equal(t, want.Unit, got.Unit, msg)
	assert.Equal(t, want.Kind, got.Kind, msg)
	assert.Equal(t, want.State, got.State, msg)
	assert.Equal(t, want.Version, got.Version, msg)
	for _, src := range review.FundingSources() {
		w, g := want.Approved.Get(src), got.Approved.Get(src)
		assert.True(t, w.Equal(g), "%s: approved.%s = %s, want %s", msg, src, g, w)
	}
	assert.True(t, lifecycle.StoreTime(want.NextDue).Equal(got.NextDue), "%s: next_due %s, want %s", msg, got.NextDue, want.NextDue)
	assert.Equal(t, want.NextDuty, got.NextDuty, msg)
	assert.True(t, lifecycle.StoreTime(want.UpdatedAt).Equal(got.UpdatedAt), "%s: updated_at %s, want %s", msg, got.UpdatedAt, want.UpdatedAt)
	assert.Equal(t, want.BudgetYear, got.BudgetYear, "%s: budget year", msg)
	assert.Equal(t, want.BudgetEntryYear, got.BudgetEntryYear, "%s: budget entry year", msg)
}

func testLoadUnknown(t *testing.T, s lifecycle.Store) {
	_, err := s.Load(t.Context(), "no-such-project")
	require.Error(t, err)
	assert.ErrorIs(t, err, lifecycle.ErrNotFound)
	assert.Equal(t, lifecycle.KindNotFound, lifecycle.KindOf(err))

	appendNew(t, s, "p-1", 1)
	_, err = s.Load(t.Context(), "p-2")
	assert.ErrorIs(t, err, lifecycle.ErrNotFound, "a project next to an existing one")
	_, err = s.Load(t.Context(), "")
	assert.ErrorIs(t, err, lifecycle.ErrNotFound, "the empty project id")
}

func testAppendNew(t *testing.T, s lifecycle.Store) {
	in := events("p-new", 1, 3)
	out, err := s.Append(t.Context(), 0, in, summary("p-new", 3))
	require.NoError(t, err)
	AssertEventsEqual(t, in, out)
	for _, e := range out {
		assert.Positive(t, e.Seq, "seq assigned on append")
	}
	loaded, err := s.Load(t.Context(), "p-new")
	require.NoError(t, err)
	AssertEventsEqual(t, out, loaded)

	// Then one more, at the current version.
	more, err := s.Append(t.Context(), 3, events("p-new", 4, 4), summary("p-new", 4))
	require.NoError(t, err)
	loaded, err = s.Load(t.Context(), "p-new")
	require.NoError(t, err)
	AssertEventsEqual(t, append(slices.Clone(out), more...), loaded)
}

func testConflict(t *testing.T, s lifecycle.Store) {
	first := appendNew(t, s, "p-c", 2)
	before, _, err := s.List(t.Context(), lifecycle.Query{})
	require.NoError(t, err)

	cases := []struct {
		name     string
		expected int64
	}{
		{"new project that exists", 0},
		{"stale", 1},
		{"future", 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			other := summary("p-c", c.expected+1)
			other.Name = "must not be stored"
			_, err := s.Append(t.Context(), c.expected, events("p-c", c.expected+1, c.expected+1), other)
			require.Error(t, err)
			assert.ErrorIs(t, err, lifecycle.ErrConflict)
			assert.Equal(t, lifecycle.KindConflict, lifecycle.KindOf(err))

			loaded, err := s.Load(t.Context(), "p-c")
			require.NoError(t, err)
			AssertEventsEqual(t, first, loaded)
			after, _, err := s.List(t.Context(), lifecycle.Query{})
			require.NoError(t, err)
			require.Len(t, after, len(before))
			AssertSummaryEqual(t, before[0], after[0])
		})
	}
}

func testInvalid(t *testing.T, s lifecycle.Store) {
	appendNew(t, s, "p-ok", 1)
	mixed := events("p-x", 1, 2)
	mixed[1].ProjectID = "p-y"
	cases := []struct {
		name     string
		expected int64
		events   []lifecycle.Event
		summary  lifecycle.Summary
	}{
		{"no events", 0, nil, summary("p-x", 1)},
		{"negative expected", -1, events("p-x", 0, 0), summary("p-x", 0)},
		{"first version not expected+1", 0, events("p-x", 2, 2), summary("p-x", 2)},
		{"gap between versions", 0, []lifecycle.Event{event("p-x", 1, "a"), event("p-x", 3, "b")}, summary("p-x", 3)},
		{"repeated version", 0, []lifecycle.Event{event("p-x", 1, "a"), event("p-x", 1, "b")}, summary("p-x", 1)},
		{"versions out of order", 0, []lifecycle.Event{event("p-x", 2, "a"), event("p-x", 1, "b")}, summary("p-x", 1)},
		{"gap after an existing project", 1, events("p-ok", 3, 3), summary("p-ok", 3)},
		{"mixed projects", 0, mixed, summary("p-x", 2)},
		{"empty project id", 0, events("", 1, 1), summary("", 1)},
		{"summary of another project", 0, events("p-x", 1, 1), summary("p-z", 1)},
		{"summary of another version", 0, events("p-x", 1, 2), summary("p-x", 1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Append(t.Context(), c.expected, c.events, c.summary)
			require.Error(t, err)
			assert.ErrorIs(t, err, lifecycle.ErrInvalid)
			for _, id := range []string{"p-x", "p-y", "p-z", ""} {
				_, err := s.Load(t.Context(), id)
				assert.ErrorIs(t, err, lifecycle.ErrNotFound, "nothing appended to %q", id)
			}
			loaded, err := s.Load(t.Context(), "p-ok")
			require.NoError(t, err)
			assert.Len(t, loaded, 1, "p-ok unchanged")
		})
	}
	page, _, err := s.List(t.Context(), lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, "p-ok", page[0].ProjectID)
}

func testRoundTrip(t *testing.T, s lifecycle.Store) {
	utc := time.Date(2025, 12, 31, 23, 59, 59, 999999999, time.UTC)
	in := []lifecycle.Event{
		{
			ProjectID: "项目/2025-001",
			Version:   1,
			Action:    "declare",
			Actor:     lifecycle.Actor{ID: "张三", Unit: "区教委", Roles: []lifecycle.Role{"unit"}},
			Role:      "unit",
			At:        base,
			Article:   "第六条第（一）项",
			// Whitespace, key order, escapes and non-ASCII must all survive:
			// the payload is bytes, not a JSON value to be re-encoded.
			Payload: []byte("{\"b\": 2,\n \"a\":\"\\u4e2d \u4e2d\",\"amount\":\"333.333333\"}"),
		},
		{
			ProjectID: "项目/2025-001",
			Version:   2,
			Action:    "some_action_of_the_caller",
			Actor:     lifecycle.Actor{ID: "sys", Unit: "", Roles: []lifecycle.Role{"bdb", "finance", "drc"}},
			Role:      "finance",
			At:        utc,
		},
		{
			ProjectID: "项目/2025-001",
			Version:   3,
			Action:    "x",
			Actor:     lifecycle.Actor{ID: "a'b\"c;--", Roles: nil},
			Role:      "",
			At:        time.Date(1999, 1, 1, 0, 0, 0, 1000, time.FixedZone("W", -5*3600)),
			Payload:   []byte(`[]`),
		},
	}
	out, err := s.Append(t.Context(), 0, in, summary("项目/2025-001", 3))
	require.NoError(t, err)
	AssertEventsEqual(t, in, out)
	loaded, err := s.Load(t.Context(), "项目/2025-001")
	require.NoError(t, err)
	AssertEventsEqual(t, out, loaded)
	// Truncated, not rounded: 999999999ns keeps 999999µs in the same second.
	assert.Equal(t, 2025, loaded[1].At.UTC().Year())
	assert.Equal(t, 999999000, loaded[1].At.Nanosecond())
}

func testSeq(t *testing.T, s lifecycle.Store) {
	var seqs []int64
	versions := map[string]int64{}
	for i, p := range []string{"a", "b", "a", "c", "b", "a", "c", "c"} {
		n := int64(1 + i%2)
		v := versions[p]
		out, err := s.Append(t.Context(), v, events(p, v+1, v+n), summary(p, v+n))
		require.NoError(t, err)
		versions[p] = v + n
		for _, e := range out {
			seqs = append(seqs, e.Seq)
		}
	}
	for i := 1; i < len(seqs); i++ {
		assert.Greater(t, seqs[i], seqs[i-1], "seq %d after %d", i, i-1)
	}
	for p, n := range versions {
		loaded, err := s.Load(t.Context(), p)
		require.NoError(t, err)
		require.Len(t, loaded, int(n))
		for i, e := range loaded {
			assert.Equal(t, int64(i+1), e.Version, "project %s loads in version order", p)
			assert.Contains(t, seqs, e.Seq, "project %s loads the seq returned by append", p)
			if i > 0 {
				assert.Greater(t, e.Seq, loaded[i-1].Seq)
			}
		}
	}
}

func testImmutability(t *testing.T, s lifecycle.Store) {
	in := events("p-imm", 1, 2)
	want := events("p-imm", 1, 2) // equal to in, sharing nothing with it
	out, err := s.Append(t.Context(), 0, in, summary("p-imm", 2))
	require.NoError(t, err)

	// Scribble over everything the caller still holds.
	for _, es := range [][]lifecycle.Event{in, out} {
		for i := range es {
			es[i].Payload[0] = 'X'
			es[i].Actor.Roles[0] = "scribbled"
			es[i].Action = "scribbled"
		}
	}
	loaded, err := s.Load(t.Context(), "p-imm")
	require.NoError(t, err)
	AssertEventsEqual(t, want, loaded)

	loaded[0].Payload[0] = 'Y'
	loaded[0].Actor.Roles[0] = "scribbled"
	again, err := s.Load(t.Context(), "p-imm")
	require.NoError(t, err)
	AssertEventsEqual(t, want, again)
}

func testSummary(t *testing.T, s lifecycle.Store) {
	first := summary("p-s", 1)
	first.ProjectID = "" // the store fills in project and version
	first.Version = 0
	_, err := s.Append(t.Context(), 0, events("p-s", 1, 1), first)
	require.NoError(t, err)
	page, next, err := s.List(t.Context(), lifecycle.Query{})
	require.NoError(t, err)
	assert.Empty(t, next)
	require.Len(t, page, 1)
	first.ProjectID, first.Version = "p-s", 1
	AssertSummaryEqual(t, first, page[0])

	second := lifecycle.Summary{
		ProjectID: "p-s",
		Name:      "改名后的项目",
		Unit:      "区大数据发展局",
		Kind:      "operation",
		State:     "approved",
		Version:   3,
		Approved:  review.MustBudget("1", "2.5", "0", "100.000001"),
		NextDue:   time.Date(2024, 5, 6, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)),
		NextDuty:  "file_contract",
		UpdatedAt: base.Add(time.Hour + time.Nanosecond),
		// Kept with the projection and returned by List (Query.BudgetYear).
		BudgetYear:      2025,
		BudgetEntryYear: 2026,
	}
	_, err = s.Append(t.Context(), 1, events("p-s", 2, 3), second)
	require.NoError(t, err)
	page, _, err = s.List(t.Context(), lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, 1)
	AssertSummaryEqual(t, second, page[0])

	// Back to nothing due.
	third := second
	third.Version = 4
	third.NextDue = time.Time{}
	third.NextDuty = ""
	third.BudgetEntryYear = 0 // a re-declaration ends the budget entry
	_, err = s.Append(t.Context(), 3, events("p-s", 4, 4), third)
	require.NoError(t, err)
	page, _, err = s.List(t.Context(), lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, 1)
	AssertSummaryEqual(t, third, page[0])
	assert.True(t, page[0].NextDue.IsZero(), "next_due cleared")
}

func testDecimals(t *testing.T, s lifecycle.Store) {
	amounts := [][4]string{
		{"333.333333", "0.000001", "12345678901234.5", "0"},
		{"0.1", "0.2", "0.3", "99999999999999.999999"},
		{"1.10", "2.500000", "1000000", "0.000010"},
	}
	want := map[string]review.Budget{}
	for i, a := range amounts {
		id := fmt.Sprintf("p-d%d", i)
		sum := summary(id, 1)
		sum.Approved = review.MustBudget(a[0], a[1], a[2], a[3])
		want[id] = sum.Approved
		_, err := s.Append(t.Context(), 0, events(id, 1, 1), sum)
		require.NoError(t, err)
	}
	page, _, err := s.List(t.Context(), lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, len(amounts))
	for _, got := range page {
		w := want[got.ProjectID]
		for _, src := range review.FundingSources() {
			assert.True(t, w.Get(src).Equal(got.Approved.Get(src)), "%s approved.%s = %s, want %s",
				got.ProjectID, src, got.Approved.Get(src), w.Get(src))
		}
		assert.True(t, w.Total().Equal(got.Approved.Total()), "%s total", got.ProjectID)
	}
}

// fixture is a set of projects with varied units, states, kinds and due
// dates, from which the expected answer of every query is computed here,
// independently of the store.
func fixture(t *testing.T, s lifecycle.Store, n int) []lifecycle.Summary {
	t.Helper()
	units := []string{"区教委", "区卫健委", "unit-a"}
	states := []lifecycle.State{"declared", "approved", "contracted", "archived"}
	kinds := []string{"construction", "operation"}
	var all []lifecycle.Summary
	for i := range n {
		// IDs whose byte order differs from dictionary orders (case,
		// digits, non-ASCII) so that a collation-dependent order is caught.
		id := []string{"P", "p", "Z", "项", "a-"}[i%5] + fmt.Sprintf("%03d", (i*37)%1000)
		sum := summary(id, 1)
		sum.Unit = units[i%len(units)]
		sum.State = states[i%len(states)]
		sum.Kind = kinds[i%len(kinds)]
		if i%3 != 0 {
			sum.NextDue = base.Add(time.Duration(i-n/2) * 24 * time.Hour)
			sum.NextDuty = "duty"
		}
		// Declared for 2025, 2026 or no year; some entered in the budget
		// of the year declared, some of another.
		sum.BudgetYear = []int{0, 2025, 2026}[i%3]
		sum.BudgetEntryYear = []int{0, 2026, 0, 2025, 2027}[i%5]
		_, err := s.Append(t.Context(), 0, events(id, 1, 1), sum)
		require.NoError(t, err)
		all = append(all, sum)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ProjectID < all[j].ProjectID })
	return all
}

func expect(all []lifecycle.Summary, keep func(lifecycle.Summary) bool) []string {
	var ids []string
	for _, s := range all {
		if keep(s) {
			ids = append(ids, s.ProjectID)
		}
	}
	return ids
}

// listAll follows the cursors of List from the start and returns every
// project ID in order, failing on a repeated cursor.
func listAll(t *testing.T, s lifecycle.Store, q lifecycle.Query) []string {
	t.Helper()
	var ids []string
	seen := map[string]bool{}
	for range 10000 {
		page, next, err := s.List(t.Context(), q)
		require.NoError(t, err)
		if q.Limit > 0 {
			require.LessOrEqual(t, len(page), q.Limit)
		}
		for _, p := range page {
			ids = append(ids, p.ProjectID)
		}
		if next == "" {
			return ids
		}
		require.NotEmpty(t, page, "a cursor after an empty page")
		require.Equal(t, page[len(page)-1].ProjectID, next, "cursor is the last project of the page")
		require.False(t, seen[next], "cursor %q repeated", next)
		seen[next] = true
		q.After = next
	}
	t.Fatal("List did not end")
	return nil
}

func testListFilters(t *testing.T, s lifecycle.Store) {
	all := fixture(t, s, 60)
	cases := []struct {
		name string
		q    lifecycle.Query
		keep func(lifecycle.Summary) bool
	}{
		{"none", lifecycle.Query{}, func(lifecycle.Summary) bool { return true }},
		{"unit", lifecycle.Query{Unit: "区卫健委"}, func(s lifecycle.Summary) bool { return s.Unit == "区卫健委" }},
		{"state", lifecycle.Query{State: "approved"}, func(s lifecycle.Summary) bool { return s.State == "approved" }},
		{"kind", lifecycle.Query{Kind: "operation"}, func(s lifecycle.Summary) bool { return s.Kind == "operation" }},
		{"unit and kind", lifecycle.Query{Unit: "unit-a", Kind: "construction"}, func(s lifecycle.Summary) bool {
			return s.Unit == "unit-a" && s.Kind == "construction"
		}},
		{"state and due", lifecycle.Query{State: "declared", DueBefore: base}, func(s lifecycle.Summary) bool {
			return s.State == "declared" && !s.NextDue.IsZero() && s.NextDue.Before(base)
		}},
		{"no match", lifecycle.Query{Unit: "nobody"}, func(lifecycle.Summary) bool { return false }},
		{"budget year, declared or entered", lifecycle.Query{BudgetYear: 2026}, func(s lifecycle.Summary) bool {
			return s.BudgetYear == 2026 || s.BudgetEntryYear == 2026
		}},
		{"budget year entered only", lifecycle.Query{BudgetYear: 2027}, func(s lifecycle.Summary) bool { return s.BudgetEntryYear == 2027 }},
		{"budget year and unit", lifecycle.Query{BudgetYear: 2025, Unit: "区教委"}, func(s lifecycle.Summary) bool {
			return s.Unit == "区教委" && (s.BudgetYear == 2025 || s.BudgetEntryYear == 2025)
		}},
		{"budget year of none", lifecycle.Query{BudgetYear: 2030}, func(lifecycle.Summary) bool { return false }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := expect(all, c.keep)
			page, next, err := s.List(t.Context(), c.q)
			require.NoError(t, err)
			assert.Empty(t, next, "all fit in the default page")
			var got []string
			for _, p := range page {
				got = append(got, p.ProjectID)
			}
			assert.Equal(t, want, got)
			q := c.q
			q.Limit = 4
			assert.Equal(t, want, listAll(t, s, q),
				"the same through pages of 4")
		})
	}
	page, _, err := s.List(t.Context(), lifecycle.Query{})
	require.NoError(t, err)
	byID := map[string]lifecycle.Summary{}
	for _, p := range all {
		byID[p.ProjectID] = p
	}
	for _, p := range page {
		AssertSummaryEqual(t, byID[p.ProjectID], p)
	}
}

func testDueBefore(t *testing.T, s lifecycle.Store) {
	cut := time.Date(2024, 6, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	due := map[string]time.Time{
		"at-cut":         cut,
		"just-before":    cut.Add(-time.Microsecond),
		"just-after":     cut.Add(time.Microsecond),
		"day-before":     cut.AddDate(0, 0, -1),
		"long-ago":       time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		"utc-same-inst":  cut.UTC(),
		"utc-before":     cut.UTC().Add(-time.Second),
		"nothing-due":    {},
		"far-future":     time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC),
		"other-zone-bef": cut.In(time.FixedZone("W", -10*3600)).Add(-time.Hour),
	}
	var all []lifecycle.Summary
	for id, d := range due {
		sum := summary(id, 1)
		sum.NextDue = d
		if !d.IsZero() {
			sum.NextDuty = "file_contract"
		}
		_, err := s.Append(t.Context(), 0, events(id, 1, 1), sum)
		require.NoError(t, err)
		all = append(all, sum)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ProjectID < all[j].ProjectID })
	want := []string{"day-before", "just-before", "long-ago", "other-zone-bef", "utc-before"}
	assert.Equal(t, want, expect(all, func(s lifecycle.Summary) bool { return !s.NextDue.IsZero() && s.NextDue.Before(cut) }),
		"the fixture means what it says")
	for _, q := range []time.Time{cut, cut.UTC(), cut.In(time.FixedZone("W", -10*3600))} {
		got := listAll(t, s, lifecycle.Query{DueBefore: q, Limit: 2})
		assert.Equal(t, want, got, "due before %s", q)
	}
	// A cut with nanoseconds: strictly before still means strictly.
	got := listAll(t, s, lifecycle.Query{DueBefore: cut.Add(-time.Microsecond + time.Nanosecond)})
	assert.Equal(t, want, got, "cut 1ns after just-before")
	got = listAll(t, s, lifecycle.Query{DueBefore: cut.Add(-time.Microsecond)})
	assert.Equal(t, []string{"day-before", "long-ago", "other-zone-bef", "utc-before"}, got, "cut at just-before")
}

func testPagination(t *testing.T, s lifecycle.Store) {
	all := fixture(t, s, 150)
	var ids []string
	for _, p := range all {
		ids = append(ids, p.ProjectID)
	}
	require.Len(t, ids, 150, "fixture ids are distinct")

	page, next, err := s.List(t.Context(), lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, lifecycle.DefaultListLimit, "default page size")
	assert.Equal(t, ids[lifecycle.DefaultListLimit-1], next)

	for _, limit := range []int{1, 7, 50, 75, 149, 150, 151, 1000} {
		assert.Equal(t, ids, listAll(t, s, lifecycle.Query{Limit: limit}), "limit %d", limit)
	}
	// A page that ends exactly at the last project has no next cursor.
	page, next, err = s.List(t.Context(), lifecycle.Query{After: ids[99], Limit: 50})
	require.NoError(t, err)
	assert.Len(t, page, 50)
	assert.Empty(t, next)
	// A cursor that is not a project ID still works: it is a position.
	page, _, err = s.List(t.Context(), lifecycle.Query{After: ids[10] + "!", Limit: 3})
	require.NoError(t, err)
	require.Len(t, page, 3)
	assert.Equal(t, ids[11], page[0].ProjectID)
	// Past the end.
	page, next, err = s.List(t.Context(), lifecycle.Query{After: ids[149]})
	require.NoError(t, err)
	assert.Empty(t, page)
	assert.Empty(t, next)

	// Projects appended between pages appear once, in order, if after the
	// cursor.
	q := lifecycle.Query{Limit: 40}
	var got []string
	for {
		page, next, err := s.List(t.Context(), q)
		require.NoError(t, err)
		for _, p := range page {
			got = append(got, p.ProjectID)
		}
		if q.After == "" {
			appendNew(t, s, "~late", 1) // '~' sorts after ASCII letters and digits
			appendNew(t, s, "0early", 1)
		}
		if next == "" {
			break
		}
		q.After = next
	}
	want := slices.Clone(ids)
	want = append(want, "~late")
	sort.Strings(want)
	assert.Equal(t, want, got)
}

func testRace(t *testing.T, s lifecycle.Store) {
	const project = "p-race"
	var winners []int
	for round := int64(1); round <= RaceRounds; round++ {
		var (
			wg       sync.WaitGroup
			start    = make(chan struct{})
			mu       sync.Mutex
			won      []int
			conflict int
			other    []error
		)
		for g := range Racers {
			wg.Go(func() {
				e := event(project, round, fmt.Sprintf("racer_%d", g))
				e.Payload = []byte(fmt.Sprintf(`{"racer":%d}`, g))
				<-start
				_, err := s.Append(t.Context(), round-1, []lifecycle.Event{e}, summary(project, round))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won = append(won, g)
				case errors.Is(err, lifecycle.ErrConflict):
					conflict++
				default:
					other = append(other, err)
				}
			})
		}
		close(start)
		wg.Wait()
		require.Empty(t, other, "round %d: errors other than conflict", round)
		require.Len(t, won, 1, "round %d: exactly one winner", round)
		require.Equal(t, Racers-1, conflict, "round %d: every loser gets a conflict", round)
		winners = append(winners, won[0])

		loaded, err := s.Load(t.Context(), project)
		require.NoError(t, err)
		require.Len(t, loaded, int(round), "round %d: no lost or duplicated event", round)
		seqs := map[int64]bool{}
		for i, e := range loaded {
			assert.Equal(t, int64(i+1), e.Version)
			assert.Equal(t, lifecycle.Action(fmt.Sprintf("racer_%d", winners[i])), e.Action, "version %d is its winner's", i+1)
			assert.Equal(t, fmt.Sprintf(`{"racer":%d}`, winners[i]), string(e.Payload))
			assert.False(t, seqs[e.Seq], "seq %d repeated", e.Seq)
			seqs[e.Seq] = true
		}
	}
	page, _, err := s.List(t.Context(), lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, int64(RaceRounds), page[0].Version)
}

func testCancelled(t *testing.T, s lifecycle.Store) {
	appendNew(t, s, "p-ctx", 1)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, err := s.Load(ctx, "p-ctx")
	assert.ErrorIs(t, err, context.Canceled, "load")
	_, _, err = s.List(ctx, lifecycle.Query{})
	assert.ErrorIs(t, err, context.Canceled, "list")
	_, err = s.Append(ctx, 1, events("p-ctx", 2, 2), summary("p-ctx", 2))
	assert.ErrorIs(t, err, context.Canceled, "append to an existing project")
	_, err = s.Append(ctx, 0, events("p-ctx2", 1, 1), summary("p-ctx2", 1))
	assert.ErrorIs(t, err, context.Canceled, "append a new project")

	loaded, err := s.Load(t.Context(), "p-ctx")
	require.NoError(t, err)
	assert.Len(t, loaded, 1, "nothing appended under a cancelled context")
	_, err = s.Load(t.Context(), "p-ctx2")
	assert.ErrorIs(t, err, lifecycle.ErrNotFound)

	expired, cancel2 := context.WithDeadline(t.Context(), base) // a deadline long past
	defer cancel2()
	_, err = s.Append(expired, 1, events("p-ctx", 2, 2), summary("p-ctx", 2))
	assert.ErrorIs(t, err, context.DeadlineExceeded, "append past its deadline")
	loaded, err = s.Load(t.Context(), "p-ctx")
	require.NoError(t, err)
	assert.Len(t, loaded, 1)
}
