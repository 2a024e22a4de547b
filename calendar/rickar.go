package calendar

import (
	"time"

	"github.com/rickar/cal/v2"
)

// BusinessCalendar returns a new github.com/rickar/cal/v2 business calendar
// with the same days: every day off the calendar's notices (and, when
// projecting, its projections) arrange, as a cal.Holiday named in Chinese
// (Name) and English (Description), and a WorkdayFunc making Monday to
// Friday and the arranged weekend working days (调休上班) working days.
//
// It is for code built on rickar/cal. Give it dates in Beijing (Date,
// DateOf): it reads a time's date in the time's own location. Unlike the
// Calendar it cannot refuse, so outside the years the Calendar covers it
// answers Monday to Friday: check Calendar.Years and Calendar.Published
// first. Each call returns a fresh value the caller may change; rickar/cal
// calendars are not safe for concurrent use when Cacheable is set.
func (c *Calendar) BusinessCalendar() *cal.BusinessCalendar {
	bc := cal.NewBusinessCalendar()
	bc.Name = "CN"
	bc.Description = "Mainland China working days (State Council holiday notices) / 中国大陆工作日（国务院节假日安排）"
	makeup := make(map[int]bool)
	for _, e := range c.entries {
		if e.off {
			bc.AddHoliday(holidayOf(e))
		} else {
			makeup[e.day] = true
		}
	}
	bc.WorkdayFunc = func(date time.Time) bool {
		y, m, d := date.Date()
		dn := dayFromCivil(y, m, d)
		return makeup[dn] || !isWeekend(dn)
	}
	return bc
}

// Holidays returns, as new cal.Holiday values, the days off that the
// calendar's notices (or projection) arrange in year y, in date order:
// Name is the Chinese name, Description the English one (marked
// provisional for a projected day). Empty when the calendar knows none.
func (c *Calendar) Holidays(y int) []*cal.Holiday {
	var out []*cal.Holiday
	for _, e := range c.entries {
		if e.off && yearOf(e.day) == y {
			out = append(out, holidayOf(e))
		}
	}
	return out
}

// holidayOf turns an arranged day off into a cal.Holiday observed on that
// date only.
func holidayOf(e entry) *cal.Holiday {
	y, m, d := civil(e.day)
	desc := e.nameEn
	if e.provisional {
		desc += " (provisional)"
	}
	return &cal.Holiday{
		Name:        e.name,
		Description: desc,
		Type:        cal.ObservancePublic,
		StartYear:   y,
		EndYear:     y,
		Month:       m,
		Day:         d,
		Func:        onDate,
	}
}

// onDate is the cal.HolidayFn of a holiday on one fixed date, at midnight
// Beijing time.
func onDate(h *cal.Holiday, year int) time.Time {
	return time.Date(year, h.Month, h.Day, 0, 0, 0, 0, cst)
}
