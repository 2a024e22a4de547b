package calendar

import "time"

// englishNames translates the holiday names used by the notices.
var englishNames = map[string]string{
	"元旦":        "New Year's Day",
	"春节":        "Spring Festival",
	"清明节":       "Qingming Festival",
	"劳动节":       "Labour Day",
	"“五一”":      "Labour Day",
	"“五一”国际劳动节": "International Labour Day",
	"端午节":       "Dragon Boat Festival",
	"中秋节":       "Mid-Autumn Festival",
	"国庆节":       "National Day",
	"“十一”":      "National Day",
	"国庆节、中秋节":   "National Day and Mid-Autumn Festival",
	"中秋节、国庆节":   "Mid-Autumn Festival and National Day",
	"抗日战争暨世界反法西斯战争胜利70周年纪念日": "70th anniversary of the victory of the War of Resistance against Japanese Aggression and the World Anti-Fascist War",
}

// englishName is the English name of a holiday named zh by a notice, or zh
// itself when the package has no translation.
func englishName(zh string) string {
	if en, ok := englishNames[zh]; ok {
		return en
	}
	return zh
}

// weekdayZh names the days of the week in Chinese.
var weekdayZh = [7]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// WeekdayZh is the Chinese name of w, e.g. 星期六.
func WeekdayZh(w time.Weekday) string {
	return weekdayZh[((w%7)+7)%7]
}
