package review

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var cst = time.FixedZone("CST", 8*3600)

func TestOMDeclarationDue(t *testing.T) {
	cases := []struct {
		name string
		year int
		p    OMPolicy
		want string
	}{
		{"default is 31 December of the year before", 2021, DefaultOMPolicy(), "2020-12-31"},
		{"a policy day", 2022, OMPolicy{DueMonth: time.December, DueDay: 20}, "2021-12-20"},
		{"zero policy reads as the default", 2021, OMPolicy{}, "2020-12-31"},
		{"29 February in a leap year", 2021, OMPolicy{DueMonth: time.February, DueDay: 29}, "2020-02-29"},
		{"29 February in a common year falls on the 28th", 2022, OMPolicy{DueMonth: time.February, DueDay: 29}, "2021-02-28"},
		{"day past the month is its last day", 2021, OMPolicy{DueMonth: time.November, DueDay: 31}, "2020-11-30"},
		{"zero day is the month's last day", 2021, OMPolicy{DueMonth: time.November}, "2020-11-30"},
		{"negative day is the first", 2021, OMPolicy{DueMonth: time.November, DueDay: -3}, "2020-11-01"},
		{"bad month reads as December", 2021, OMPolicy{DueMonth: 13, DueDay: 15}, "2020-12-15"},
	}
	for _, c := range cases {
		t.Run("第五条/"+c.name, func(t *testing.T) {
			due := OMDeclarationDue(c.year, c.p)
			assert.Equal(t, c.want, due.Format("2006-01-02"))
			_, off := due.Zone()
			assert.Equal(t, 8*3600, off, "Beijing time")
			assert.Equal(t, 0, due.Hour()+due.Minute()+due.Second()+due.Nanosecond())
		})
	}
}

func TestOMDeclarationOnTime(t *testing.T) {
	p := DefaultOMPolicy()
	cases := []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"the due day, last instant", time.Date(2020, 12, 31, 23, 59, 59, 999999999, cst), true},
		{"the due day, first instant", time.Date(2020, 12, 31, 0, 0, 0, 0, cst), true},
		{"the next day in Beijing", time.Date(2021, 1, 1, 0, 0, 0, 0, cst), false},
		{"still 31 December in UTC but 1 January in Beijing", time.Date(2020, 12, 31, 16, 0, 0, 0, time.UTC), false},
		{"31 December in UTC, still 31 December in Beijing", time.Date(2020, 12, 31, 15, 59, 59, 0, time.UTC), true},
		{"early in the year", time.Date(2020, 3, 1, 9, 0, 0, 0, cst), true},
	}
	for _, c := range cases {
		t.Run("第五条/"+c.name, func(t *testing.T) {
			assert.Equal(t, c.ok, OMDeclarationOnTime(2021, c.at, p))
		})
	}
}

func TestOMPolicyValidate(t *testing.T) {
	cases := []struct {
		name  string
		p     OMPolicy
		field string
	}{
		{"default", DefaultOMPolicy(), ""},
		{"29 February", OMPolicy{time.February, 29}, ""},
		{"30 February", OMPolicy{time.February, 30}, "due_day"},
		{"31 November", OMPolicy{time.November, 31}, "due_day"},
		{"day 0", OMPolicy{time.December, 0}, "due_day"},
		{"month 0", OMPolicy{0, 31}, "due_month"},
		{"month 13", OMPolicy{13, 1}, "due_month"},
	}
	for _, c := range cases {
		t.Run("第五条/"+c.name, func(t *testing.T) {
			err := c.p.Validate()
			if c.field == "" {
				assert.NoError(t, err)
				return
			}
			var rerr *Error
			require.ErrorAs(t, err, &rerr)
			require.Len(t, rerr.Findings, 1)
			assertFinding(t, rerr.Findings[0], "第五条", c.field)
		})
	}
}

func TestCheckOMDeclaration(t *testing.T) {
	m := declMap(t)
	operation(m)
	d := decode(t, m) // budget year 2021
	p := DefaultOMPolicy()
	t.Run("第五条/on time", func(t *testing.T) {
		assert.Empty(t, CheckOMDeclaration(d, time.Date(2020, 12, 31, 18, 0, 0, 0, cst), p))
	})
	t.Run("第五条/late", func(t *testing.T) {
		fs := CheckOMDeclaration(d, time.Date(2021, 1, 4, 9, 0, 0, 0, cst), p)
		require.Len(t, fs, 1)
		assert.Equal(t, "om_declaration_late", fs[0].Code)
		assertFinding(t, fs[0], "第五条", "budget_year")
		assert.Contains(t, fs[0].ZH, "2020-12-31")
		assert.Contains(t, fs[0].ZH, "2021-01-04")
	})
	t.Run("第五条/construction project", func(t *testing.T) {
		fs := CheckOMDeclaration(validDeclaration(t), time.Date(2020, 6, 1, 0, 0, 0, 0, cst), p)
		assert.Equal(t, []string{"om_not_operation"}, codesOf(fs))
		assertFinding(t, fs[0], "第五条", "kind")
	})
	t.Run("第五条/no budget year", func(t *testing.T) {
		e := d
		e.BudgetYear = 0
		fs := CheckOMDeclaration(e, time.Date(2020, 6, 1, 0, 0, 0, 0, cst), p)
		assert.Equal(t, []string{"field_required"}, codesOf(fs))
	})
}

func goodOMEvaluation() OMEvaluation {
	return OMEvaluation{
		BudgetYear:  2021,
		Organisers:  []string{"bdb", "finance"},
		Experts:     []Panelist{{Name: "赵六"}},
		Grade:       OMGood,
		Opinion:     "运维需求合理，核减巡检费用。",
		Requested:   MustBudget("", "", "80", "20"),
		Recommended: MustBudget("", "", "70", "20"),
	}
}

func TestOMEvaluate(t *testing.T) {
	type want struct{ code, field string }
	cases := []struct {
		name   string
		mutate func(e *OMEvaluation)
		want   []want
	}{
		{"evaluated by experts", func(*OMEvaluation) {}, nil},
		{"evaluated by an entrusted agency", func(e *OMEvaluation) { e.Experts = nil; e.Agency = "重庆某咨询公司" }, nil},
		{"recommended equal to requested", func(e *OMEvaluation) { e.Recommended = e.Requested }, nil},
		{"poor grade, nothing recommended", func(e *OMEvaluation) { e.Grade = OMPoor; e.Recommended = Budget{} }, nil},
		{"not organised by bdb", func(e *OMEvaluation) { e.Organisers = []string{"finance"} }, []want{{"om_organiser_missing", "organisers"}}},
		{"neither experts nor agency", func(e *OMEvaluation) { e.Experts = nil }, []want{{"om_evaluator_missing", "experts"}}},
		{"no grade", func(e *OMEvaluation) { e.Grade = "" }, []want{{"om_grade_invalid", "grade"}}},
		{"letter grade", func(e *OMEvaluation) { e.Grade = "A" }, []want{{"om_grade_invalid", "grade"}}},
		{"no opinion", func(e *OMEvaluation) { e.Opinion = " " }, []want{{"om_opinion_missing", "opinion"}}},
		{"budget year before the measure", func(e *OMEvaluation) { e.BudgetYear = 2019 }, []want{{"budget_year_invalid", "budget_year"}}},
		{"recommended over requested by one fen", func(e *OMEvaluation) { e.Recommended = MustBudget("", "", "70", "20.000001") },
			[]want{{"approved_exceeds_requested", "recommended.self_funded"}}},
		{"recommended over requested in total", func(e *OMEvaluation) { e.Recommended = MustBudget("", "", "80.5", "20") },
			[]want{{"approved_exceeds_requested", "recommended.district"}, {"approved_exceeds_requested", "recommended.total"}}},
		{"requested amount invalid", func(e *OMEvaluation) { e.Requested = MustBudget("", "", "-80", "20") },
			[]want{{"amount_negative", "requested.district"}}},
		{"poor grade yet funded", func(e *OMEvaluation) { e.Grade = OMPoor }, []want{{"om_poor_grade_funded", "recommended"}}},
	}
	for _, c := range cases {
		t.Run("第五条/"+c.name, func(t *testing.T) {
			e := goodOMEvaluation()
			c.mutate(&e)
			r := OMEvaluate(e)
			assert.Equal(t, len(c.want) == 0, r.Complete, "%v", r.Findings)
			require.Len(t, r.Findings, len(c.want), "%v", r.Findings)
			for i, w := range c.want {
				assert.Equal(t, w.code, r.Findings[i].Code)
				assert.Equal(t, w.field, r.Findings[i].Field)
			}
			assertShape(t, r.Findings)
		})
	}
	t.Run("第五条/the result carries grade, recommendation and reduction", func(t *testing.T) {
		r := OMEvaluate(goodOMEvaluation())
		assert.Equal(t, OMGood, r.Grade)
		assert.True(t, r.Funded)
		assert.True(t, r.Recommended.Total().Equal(dec("90")))
		assert.True(t, r.Reduction.Total().Equal(dec("10")))
	})
	t.Run("第五条/nothing recommended is not funded", func(t *testing.T) {
		e := goodOMEvaluation()
		e.Grade, e.Recommended = OMPoor, Budget{}
		assert.False(t, OMEvaluate(e).Funded)
	})
	t.Run("第五条/grades", func(t *testing.T) {
		var zh []string
		for _, g := range OMGrades() {
			assert.True(t, g.Valid())
			zh = append(zh, g.ZH())
		}
		assert.Equal(t, []string{"优", "良", "中", "差"}, zh)
	})
}
