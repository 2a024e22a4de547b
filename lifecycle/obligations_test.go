package lifecycle_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// approvedProject declares a non-fixed-asset construction project on
// the clock's day and takes it to procurement.
func approvedProject(t testing.TB, e *lifecycle.Engine) string {
	t.Helper()
	id := declare(t, e, declaration(review.Construction, false, district("1000")))
	toBudget(t, e, id, district("1000"))
	do(t, e, id, unitA, lifecycle.ActStartProcurement, nil)
	return id
}

func obligation(t *testing.T, e *lifecycle.Engine, id, duty string, asOf time.Time) lifecycle.Obligation {
	t.Helper()
	obs, err := e.Obligations(context.Background(), unitA, id, asOf)
	require.NoError(t, err)
	for _, o := range obs {
		if o.Duty == duty {
			return o
		}
	}
	t.Fatalf("no %s obligation in %v", duty, obs)
	return lifecycle.Obligation{}
}

// TestObligationsAcrossNationalDay2025 counts the deadlines of 第十二条 and
// 第十五条 over the 2025 National Day and Mid-Autumn holiday. The State
// Council notice for 2025 gives 10-01 to 10-08 off and makes Sunday 09-28
// and Saturday 10-11 working days. The expectations are counted by hand
// from those facts:
//
//	signed Fri 09-26 (day 0): 09-28 Sun (1), 09-29 (2), 09-30 (3),
//	  10-09 (4), 10-10 (5), 10-11 Sat (6), 10-13 Mon (7) → due 10-13;
//	signed Tue 09-30 (day 0): 10-09 (1), 10-10 (2), 10-11 Sat (3),
//	  10-13 (4), 10-14 (5), 10-15 (6), 10-16 (7) → due 10-16;
//	accepted Fri 09-26: ten working days → 10-16.
func TestObligationsAcrossNationalDay2025(t *testing.T) {
	cases := []struct {
		name   string
		signed time.Time
		filed  time.Time // zero: not filed
		asOf   time.Time
		due    time.Time
		status lifecycle.ObligationStatus
		lateBy int
	}{
		{"第十二条/filed on the due day", day(2025, 9, 26), day(2025, 10, 13), day(2025, 10, 20), day(2025, 10, 13), lifecycle.ObligationMetOnTime, 0},
		{"第十二条/filed on the makeup Saturday", day(2025, 9, 26), day(2025, 10, 11), day(2025, 10, 20), day(2025, 10, 13), lifecycle.ObligationMetOnTime, 0},
		{"第十二条/filed one working day late", day(2025, 9, 26), day(2025, 10, 14), day(2025, 10, 20), day(2025, 10, 13), lifecycle.ObligationMetLate, 1},
		{"第十二条/pending on the due day", day(2025, 9, 26), time.Time{}, day(2025, 10, 13), day(2025, 10, 13), lifecycle.ObligationPending, 0},
		{"第十二条/pending during the holiday", day(2025, 9, 26), time.Time{}, day(2025, 10, 5), day(2025, 10, 13), lifecycle.ObligationPending, 0},
		{"第十二条/overdue the day after", day(2025, 9, 26), time.Time{}, day(2025, 10, 14), day(2025, 10, 13), lifecycle.ObligationOverdue, 1},
		{"第十二条/overdue a week after", day(2025, 9, 26), time.Time{}, day(2025, 10, 20), day(2025, 10, 13), lifecycle.ObligationOverdue, 5},
		{"第十二条/signed the day before the holiday", day(2025, 9, 30), time.Time{}, day(2025, 10, 16), day(2025, 10, 16), lifecycle.ObligationPending, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock(at(2025, time.September, 1))
			e := newEngine(t, c)
			id := approvedProject(t, e)
			c.Set(tc.signed.Year(), tc.signed.Month(), tc.signed.Day())
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-1", "100", tc.signed.Format(time.DateOnly), false))
			if !tc.filed.IsZero() {
				c.Set(tc.filed.Year(), tc.filed.Month(), tc.filed.Day())
				do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-1"})
			}
			o := obligation(t, e, id, lifecycle.DutyContractFiling, tc.asOf)
			assert.Equal(t, "第十二条", o.Article)
			assert.Equal(t, "HT-1", o.Ref)
			assert.True(t, o.Trigger.Equal(tc.signed), "trigger %s", o.Trigger)
			assert.True(t, o.Due.Equal(tc.due), "due %s, want %s", o.Due.Format(time.DateOnly), tc.due.Format(time.DateOnly))
			assert.Equal(t, tc.status, o.Status)
			assert.Equal(t, tc.lateBy, o.LateBy)
		})
	}

	t.Run("第十二条/the signing date is the contract's, not the event's", func(t *testing.T) {
		c := newClock(at(2025, time.September, 1))
		e := newEngine(t, c)
		id := approvedProject(t, e)
		c.Set(2025, time.October, 9) // recorded after the holiday
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-1", "100", "2025-09-26", false))
		o := obligation(t, e, id, lifecycle.DutyContractFiling, day(2025, 10, 9))
		assert.True(t, o.Due.Equal(day(2025, 10, 13)), "due %s", o.Due)
	})

	t.Run("第十五条/archive within ten working days of acceptance", func(t *testing.T) {
		c := newClock(at(2025, time.September, 1))
		e := newEngine(t, c)
		id := approvedProject(t, e)
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-1", "100", "2025-09-01", false))
		do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-1"})
		do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false))
		c.Set(2025, time.September, 26)
		do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "通过"})
		do(t, e, id, unitA, lifecycle.ActDeliver, nil)
		o := obligation(t, e, id, lifecycle.DutyArchive, day(2025, 10, 16))
		assert.True(t, o.Due.Equal(day(2025, 10, 16)), "due %s", o.Due.Format(time.DateOnly))
		assert.Equal(t, lifecycle.ObligationPending, o.Status)
		assert.Equal(t, "第十五条", o.Article)
		c.Set(2025, time.October, 17)
		do(t, e, id, unitA, lifecycle.ActArchive, allDocuments())
		o = obligation(t, e, id, lifecycle.DutyArchive, day(2025, 10, 20))
		assert.Equal(t, lifecycle.ObligationMetLate, o.Status)
		assert.Equal(t, 1, o.LateBy)
	})
}

// TestOMDeclarationDue checks the year-end duty of 第五条.
func TestOMDeclarationDue(t *testing.T) {
	c := newClock(at(2025, time.December, 1))
	e := newEngine(t, c)
	id := declare(t, e, declaration(review.Operation, false, district("80")))
	do(t, e, id, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMGood, district("60")))
	c.Set(2026, time.January, 5)
	do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2026, "type": "annual"})

	t.Run("第五条/pending until the year-end", func(t *testing.T) {
		o := obligation(t, e, id, lifecycle.DutyOMDeclaration, day(2026, 12, 31))
		assert.Equal(t, "2027", o.Ref)
		assert.True(t, o.Due.Equal(day(2026, 12, 31)))
		assert.Equal(t, lifecycle.ObligationPending, o.Status)
	})
	t.Run("第五条/overdue in the new year", func(t *testing.T) {
		o := obligation(t, e, id, lifecycle.DutyOMDeclaration, day(2027, 1, 5))
		assert.Equal(t, lifecycle.ObligationOverdue, o.Status)
		// 2027-01-01 to 01-03 are the New Year holiday: 01-04 and 01-05
		// are the working days after the due day.
		assert.Equal(t, 2, o.LateBy)
	})
	t.Run("第五条/met late by the next declaration", func(t *testing.T) {
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-1", "60", "2026-01-05", false))
		c.Set(2027, time.January, 5)
		next := declaration(review.Operation, false, district("70"))
		next.BudgetYear = 2027
		do(t, e, id, unitA, lifecycle.ActDeclare, next)
		o := obligation(t, e, id, lifecycle.DutyOMDeclaration, day(2027, 1, 6))
		assert.Equal(t, lifecycle.ObligationMetLate, o.Status)
		assert.True(t, o.Met.Equal(day(2027, 1, 5)))
		assert.Equal(t, 2, o.LateBy)
	})
	t.Run("第五条/no duty once the O&M is final", func(t *testing.T) {
		c := newClock(at(2025, time.December, 1))
		e := newEngine(t, c)
		id := declare(t, e, declaration(review.Operation, false, district("80")))
		do(t, e, id, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMGood, district("60")))
		do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2026, "type": "annual"})
		do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-1", "60", "2025-12-01", false))
		do(t, e, id, unitA, lifecycle.ActComplete, map[string]any{"final": true, "note": "系统下线"})
		obs, err := e.Obligations(context.Background(), unitA, id, day(2027, 3, 1))
		require.NoError(t, err)
		for _, o := range obs {
			assert.NotEqual(t, lifecycle.DutyOMDeclaration, o.Duty)
		}
	})
}

// TestObligationsNeedAPublishedYear: a deadline that runs into a year with
// no published holiday schedule is an error wrapping the calendar's, never
// a guess; the action that gave rise to it still stands.
func TestObligationsNeedAPublishedYear(t *testing.T) {
	c := newClock(at(2027, time.December, 1))
	e := newEngine(t, c)
	id := approvedProject(t, e)
	c.Set(2027, time.December, 27)
	p := do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-1", "100", "2027-12-27", false))
	assert.Equal(t, lifecycle.StateImplementing, p.State)
	_, err := e.Obligations(context.Background(), unitA, id, day(2027, 12, 28))
	require.Error(t, err)
	assert.True(t, errors.Is(err, calendar.ErrYearNotPublished), "%v", err)
	assert.True(t, errors.Is(err, lifecycle.ErrUnavailable))
	summaries, _, err := e.List(context.Background(), bdb, lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, summaries, 1)
	assert.True(t, summaries[0].NextDue.IsZero(), "no due date is guessed")

	_, err = lifecycle.Obligations(lifecycle.Yubei2019(), nil, nil, at(2025, time.March, 3))
	assert.True(t, errors.Is(err, lifecycle.ErrInvalid))
}

// TestSummaryNextDue: the summary stored with each event names the
// earliest duty not yet met, so a store can list the overdue.
func TestSummaryNextDue(t *testing.T) {
	c := newClock(at(2025, time.September, 1))
	e := newEngine(t, c)
	id := approvedProject(t, e)
	c.Set(2025, time.September, 26)
	do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-1", "100", "2025-09-26", false))
	do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-2", "100", "2025-09-26", false))
	page, _, err := e.List(context.Background(), bdb, lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, lifecycle.DutyContractFiling, page[0].NextDuty)
	assert.True(t, page[0].NextDue.Equal(day(2025, 10, 13)), "next due %s", page[0].NextDue)

	overdue, _, err := e.List(context.Background(), bdb, lifecycle.Query{DueBefore: day(2025, 10, 14)})
	require.NoError(t, err)
	assert.Len(t, overdue, 1)
	notYet, _, err := e.List(context.Background(), bdb, lifecycle.Query{DueBefore: day(2025, 10, 13)})
	require.NoError(t, err)
	assert.Empty(t, notYet)

	c.Set(2025, time.October, 9)
	do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-1"})
	do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-2"})
	page, _, err = e.List(context.Background(), bdb, lifecycle.Query{})
	require.NoError(t, err)
	assert.True(t, page[0].NextDue.IsZero())
	assert.Empty(t, page[0].NextDuty)
}
