package review

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckFilledOn(t *testing.T) {
	today := time.Date(2026, time.March, 2, 23, 30, 0, 0, beijing())
	cases := []struct {
		name, filled string
		code, art    string
	}{
		{"附件1/no 填报时间", "", "", ""},
		{"附件1/filled in today", "2026-03-02", "", ""},
		{"附件1/filled in the day before", "2026-03-01", "", ""},
		{"附件1/filled in tomorrow", "2026-03-03", "filled_on_in_future", "附件1"},
		{"附件1/not a date", "2026-02-30", "date_invalid", "附件1"},
		{"附件1/a month only", "2026-03", "date_invalid", "附件1"},
		{"第二十条/filled in on the day of publication", "2019-12-12", "", ""},
		{"第二十条/filled in the day before publication", "2019-12-11", "filled_on_before_measure", "第二十条"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := CheckFilledOn(Declaration{FilledOn: tc.filled}, today, Effective())
			if tc.code == "" {
				assert.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			assert.Equal(t, tc.code, fs[0].Code)
			assert.Equal(t, tc.art, fs[0].Article)
			assert.Equal(t, "filled_on", fs[0].Field)
		})
	}
	t.Run("附件1/the day is Beijing's", func(t *testing.T) {
		// 2026-03-02 17:00 UTC is 03-03 01:00 in Beijing.
		utc := time.Date(2026, time.March, 2, 17, 0, 0, 0, time.UTC)
		assert.Empty(t, CheckFilledOn(Declaration{FilledOn: "2026-03-03"}, utc, Effective()))
	})
}

func TestFilledOnInTheForm(t *testing.T) {
	v := NewValidator()
	d := validDeclaration(t)
	d.FilledOn = "2026-13-01"
	err := v.Declaration(d)
	require.Error(t, err)
	var re *Error
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "filled_on", re.Findings[0].Field)
	assert.Equal(t, "date_invalid", re.Findings[0].Code)
	d.FilledOn = "2026-01-31"
	require.NoError(t, v.Declaration(d))
	data, err := json.Marshal(d)
	require.NoError(t, err)
	var back Declaration
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, "2026-01-31", back.FilledOn)
	day, ok := back.FilledDay()
	require.True(t, ok)
	assert.True(t, day.Equal(time.Date(2026, time.January, 31, 0, 0, 0, 0, beijing())))
}

func TestCheckBudgetYear(t *testing.T) {
	cases := []struct {
		name string
		year int
		code string
	}{
		{"第七条/missing", 0, "field_required"},
		{"第七条/2018 is before the measure", 2018, "budget_year_invalid"},
		{"第七条/2019 新增预算 after 2019-12-12", 2019, ""},
		{"第七条/2020", 2020, ""},
		{"第七条/9999", 9999, ""},
		{"第七条/10000", 10000, "budget_year_invalid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := CheckBudgetYear(tc.year, "year", "第七条")
			if tc.code == "" {
				assert.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			assert.Equal(t, tc.code, fs[0].Code)
			assert.Equal(t, "year", fs[0].Field)
			assert.Equal(t, "第七条", fs[0].Article)
		})
	}
}

func TestBudgetYearByKind(t *testing.T) {
	v := NewValidator()
	d := validDeclaration(t)
	d.BudgetYear = 2019
	assert.NoError(t, v.Declaration(d), "第七条/a construction project may ask for the 2019 新增预算")
	d.Kind, d.ConstructionType = Operation, ""
	err := v.Declaration(d)
	var re *Error
	require.ErrorAs(t, err, &re, "第五条/the first O&M year is 2020")
	assert.Equal(t, "budget_year_invalid", re.Findings[0].Code)
	assert.Equal(t, "第五条", re.Findings[0].Article)
}
