package calendar

import "time"

// Beijing is China Standard Time, UTC+8, the zone in which every date of
// this package is a civil date. It is a fixed zone, so answers do not depend
// on the machine's time-zone database. Treat it as a constant: it is a
// variable only because Go has no constant *time.Location.
var Beijing = time.FixedZone("CST", beijingOffset)

// cst is the location stamped on every time this package returns; it is the
// value Beijing starts with.
var cst = Beijing

const (
	beijingOffset = 8 * 60 * 60
	secondsPerDay = 24 * 60 * 60
)

// Date returns midnight, Beijing time, of the civil date y-m-d. Like
// time.Date it normalises out-of-range values (2025-02-30 is 2025-03-02).
func Date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, cst)
}

// DateOf returns midnight, Beijing time, of the Beijing date on which the
// instant t falls, whatever t's own location: 2025-09-30 20:00 in UTC−7 is
// 2025-10-01 in Beijing.
func DateOf(t time.Time) time.Time {
	return dayTime(dayOf(t))
}

// ParseDate parses a civil date written YYYY-MM-DD and returns its midnight,
// Beijing time. Anything else (other layouts, 2025-02-30, surrounding
// blanks) is an *Error with code invalid_date.
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, cst)
	if err != nil {
		return time.Time{}, &Error{
			Code:      CodeInvalidDate,
			Date:      s,
			MessageZh: "日期“" + s + "”不是有效的 YYYY-MM-DD 日期",
			MessageEn: "date " + quote(s) + " is not a valid YYYY-MM-DD date",
		}
	}
	return t, nil
}

// dayOf is the Beijing date of instant t as a count of days since
// 1970-01-01.
func dayOf(t time.Time) int {
	s := t.Unix() + beijingOffset
	d := s / secondsPerDay
	if s%secondsPerDay < 0 {
		d--
	}
	return int(d)
}

// dayTime is midnight, Beijing time, of day number d.
func dayTime(d int) time.Time {
	return time.Unix(int64(d)*secondsPerDay-beijingOffset, 0).In(cst)
}

// dayFromCivil is the day number of the civil date y-m-d.
func dayFromCivil(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// civil is the civil date of day number d.
func civil(d int) (int, time.Month, int) {
	return time.Unix(int64(d)*secondsPerDay, 0).UTC().Date()
}

// yearOf is the year of day number d.
func yearOf(d int) int {
	y, _, _ := civil(d)
	return y
}

// weekdayOf is the day of the week of day number d (1970-01-01 was a
// Thursday).
func weekdayOf(d int) time.Weekday {
	return time.Weekday(((d % 7) + 7 + int(time.Thursday)) % 7)
}

// isWeekend reports whether day number d is a Saturday or a Sunday.
func isWeekend(d int) bool {
	w := weekdayOf(d)
	return w == time.Saturday || w == time.Sunday
}

// formatDay writes day number d as YYYY-MM-DD.
func formatDay(d int) string {
	return time.Unix(int64(d)*secondsPerDay, 0).UTC().Format(time.DateOnly)
}
