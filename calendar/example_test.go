package calendar_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/govit-cn/govit/calendar"
)

// A contract signed on 30 September 2026 must be filed within 7 working
// days (第十二条): National Day is skipped and the makeup Saturday counted.
func ExampleCalendar_AddWorkdays() {
	c := calendar.China()
	due, err := c.AddWorkdays(calendar.Date(2026, time.September, 30), 7)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(due.Format(time.DateOnly), due.Weekday())
	// Output: 2026-10-15 Thursday
}

// A deadline says what it skipped, in Chinese and English.
func ExampleCalendar_Deadline() {
	c := calendar.China()
	dl, err := c.Deadline(calendar.Date(2026, time.September, 30), 7)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(dl.Zh())
	fmt.Println(dl.En())
	// Output:
	// 自2026-09-30（星期三）起算7个工作日，截止日为2026-10-15（星期四）；跳过国庆节2026-10-01至2026-10-07（7天）、其他周末1天；计入调休上班日2026-10-10（星期六，国庆节）。
	// 7 working days after Wednesday 2026-09-30: due Thursday 2026-10-15; skipped National Day 2026-10-01 to 2026-10-07 (7 days) and 1 other weekend day; counted makeup working day Saturday 2026-10-10 (National Day).
}

// Two makeup working days of 2025.
func ExampleCalendar_Explain() {
	c := calendar.China()
	for _, d := range []time.Time{calendar.Date(2025, 9, 28), calendar.Date(2025, 10, 11)} {
		info, err := c.Explain(d)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(info.Zh())
	}
	// Output:
	// 2025-09-28 星期日 调休上班日（国庆节、中秋节）
	// 2025-10-11 星期六 调休上班日（国庆节、中秋节）
}

// A year without a published notice is an error naming the year, unless the
// calendar projects it, and then the answer is provisional.
func ExampleWithProjection() {
	at := calendar.Date(2028, time.January, 25)
	_, err := calendar.China().IsWorkday(at)
	fmt.Println(err != nil, strings.Contains(err.Error(), "2028"))

	info, err := calendar.China(calendar.WithProjection()).Explain(at)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.Holiday, info.Workday, info.Provisional)
	// Output:
	// true true
	// 春节 false true
}

// Loading a newly published year from CSV.
func ExampleParseScheduleCSV() {
	csv := `date,name,off
2028-01-01,元旦,true
2028-01-23,春节,false
2028-01-25,春节,true
`
	s, err := calendar.ParseScheduleCSV(2028, strings.NewReader(csv))
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := calendar.China().WithSchedule(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := c.IsWorkday(calendar.Date(2028, time.January, 23))
	fmt.Println(w, err)
	// Output: true <nil>
}
