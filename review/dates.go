package review

import (
	"fmt"
	"time"
)

// CheckFilledOn checks the form's 填报时间 (附件1, Declaration.FilledOn)
// against the day the declaration reaches the bureau: a date written
// YYYY-MM-DD, not after today (a form is not filled in in the future) and
// not before earliest, the day the measure took effect (第二十条; Effective
// for 渝北府办发〔2019〕26号). Both days are civil dates in Beijing time. A
// form without 填报时间 passes: the day it is declared stands for it.
func CheckFilledOn(d Declaration, today, earliest time.Time) []Finding {
	if d.FilledOn == "" {
		return nil
	}
	filled, err := time.ParseInLocation(time.DateOnly, d.FilledOn, beijing())
	if err != nil {
		return []Finding{{
			Code: "date_invalid", Article: "附件1", Field: "filled_on",
			ZH: fmt.Sprintf("填报时间须为“年-月-日”格式，如2020-01-15，而不是“%s”（filled_on）", d.FilledOn),
			EN: fmt.Sprintf("filled_on must be a date written YYYY-MM-DD, such as 2020-01-15, not %q", d.FilledOn),
		}}
	}
	day := func(t time.Time) time.Time {
		t = t.In(beijing())
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, beijing())
	}
	switch {
	case filled.After(day(today)):
		return []Finding{{
			Code: "filled_on_in_future", Article: "附件1", Field: "filled_on",
			ZH: fmt.Sprintf("填报时间 %s 晚于申报当日 %s（filled_on）", d.FilledOn, day(today).Format(time.DateOnly)),
			EN: fmt.Sprintf("filled_on %s is after the day of declaration, %s", d.FilledOn, day(today).Format(time.DateOnly)),
		}}
	case filled.Before(day(earliest)):
		return []Finding{{
			Code: "filled_on_before_measure", Article: "第二十条", Field: "filled_on",
			ZH: fmt.Sprintf("填报时间 %s 早于本办法施行日期 %s（filled_on）", d.FilledOn, day(earliest).Format(time.DateOnly)),
			EN: fmt.Sprintf("filled_on %s is before the measure took effect on %s", d.FilledOn, day(earliest).Format(time.DateOnly)),
		}}
	}
	return nil
}

// FilledDay returns the form's 填报时间 as midnight Beijing time, and
// false when the form has none or it is not a date.
func (d Declaration) FilledDay() (time.Time, bool) {
	if d.FilledOn == "" {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(time.DateOnly, d.FilledOn, beijing())
	return t, err == nil
}

// CheckBudgetYear checks the year of a budget entry (第七条: 纳入财政预算或
// 新增预算; 第五条: 年度预算) at the JSON path field: given, and from
// FirstBudgetYear to 9999. A missing year is "field_required"; a year
// given but out of range is "budget_year_invalid", so the caller is told
// what is wrong with the year it gave.
func CheckBudgetYear(year int, field, article string) []Finding {
	switch {
	case year == 0:
		return []Finding{{
			Code: "field_required", Article: article, Field: field,
			ZH: fmt.Sprintf("须填写预算年度（%s）", field), EN: field + " is required",
		}}
	case year < FirstBudgetYear || year > 9999:
		return []Finding{{
			Code: "budget_year_invalid", Article: article, Field: field,
			ZH: fmt.Sprintf("预算年度须为 %d 至 9999 年（本办法 2019 年 12 月 12 日施行），而不是 %d（%s）", FirstBudgetYear, year, field),
			EN: fmt.Sprintf("%s must be a year from %d (the measure took effect on 2019-12-12) to 9999, not %d", field, FirstBudgetYear, year),
		}}
	}
	return nil
}
