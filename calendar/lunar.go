package calendar

import (
	"time"

	lunar "github.com/6tail/lunar-go/calendar"
)

// The dates the statutory holidays hang on — the Chinese lunisolar new
// year, the fifth and eighth lunar months, and the Qingming solar term —
// come from github.com/6tail/lunar-go, a maintained implementation of the
// Chinese calendar (GB/T 33661-2017), for the provisional projection of a
// year the State Council has not yet published.

// lunarDates holds, for one Gregorian year, the first days (Beijing dates)
// of the lunar months the statutory holidays hang on.
type lunarDates struct {
	// newYear is 正月初一 (Spring Festival); the day before is 除夕.
	newYear int
	// month5 is 五月初一; 端午 is 五月初五.
	month5 int
	// month8 is 八月初一; 中秋 is 八月十五.
	month8 int
}

// lunarYear returns the months of the lunar year that begins in Gregorian
// year y.
func lunarYear(y int) lunarDates {
	first := func(month int) int { return solarDay(lunar.NewLunarFromYmd(y, month, 1).GetSolar()) }
	return lunarDates{newYear: first(1), month5: first(5), month8: first(8)}
}

// qingming is the Beijing date of the Qingming solar term (the Sun at
// longitude 15°) of year y.
func qingming(y int) int {
	return solarDay(lunar.NewSolarFromYmd(y, 4, 5).GetLunar().GetJieQiTable()["清明"])
}

// solarDay is the day number of a Gregorian date of lunar-go.
func solarDay(s *lunar.Solar) int {
	return dayFromCivil(s.GetYear(), time.Month(s.GetMonth()), s.GetDay())
}
