// Package calendar is mainland China's working-day calendar for the
// deadlines of 《重庆市渝北区政务信息化项目管理暂行办法》(渝北府办发〔2019〕26号)
// that are counted in working days (工作日): 第十二条 (file a copy of each
// contract with the 区大数据发展局 within 7 working days of signing),
// 第十五条 (file the project documents within 10 working days of
// acceptance), and 第五条's year-end declaration of the next year's O&M
// needs, for a rulebook that reads 年底 as the last working day of the year
// (LastWorkdayOfYear).
//
// Working days follow the State Council General Office's yearly notice
// (国务院办公厅关于YYYY年部分节假日安排的通知): its days off, and the weekend
// days it makes working days (调休上班). The package embeds the notices for
// 2007–2027 (data/, one JSON file a notice, each citing its address; 2027 is
// transcribed from a secondary source and says so in its note), and loads
// a newly published year at run time from the same JSON form or a short CSV
// (ParseScheduleJSON, ParseScheduleCSV, Calendar.WithSchedule).
//
// Dates are civil dates in Beijing time (UTC+8, the fixed zone Beijing,
// never the machine's time-zone database): an instant anywhere in the world
// is read as its Beijing date. The day of an event is day 0 and a deadline
// of n working days is the nth working day after it (AddWorkdays,
// Deadline); WorkdaysBetween counts back the other way, e.g. how many
// working days late a filing came.
//
// A year with no published notice is an error (ErrYearNotPublished), never
// silently counted as Monday to Friday. A calendar built WithProjection
// instead projects such years (2025–2100) from the statutory holidays of
// the national regulation as revised in 2024, with the lunar dates and the
// Qingming solar term from github.com/6tail/lunar-go (ProjectedSchedule), and marks
// every answer resting on them provisional.
//
// The calendar is offered as a github.com/rickar/cal/v2 BusinessCalendar
// too (Calendar.BusinessCalendar, Calendar.Holidays); its own answers come
// from precomputed bitsets, in O(1) or O(log n) time and without
// allocating. Calendars are immutable and safe for concurrent use; China
// returns a shared one built on first use.
package calendar
