package calendar

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// day formats t's date for comparisons.
func day(t time.Time) string { return t.Format(time.DateOnly) }

// mustDate parses a YYYY-MM-DD literal of a test.
func mustDate(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	require.NoError(t, err)
	return d
}

func TestWorkdaysPerYear(t *testing.T) {
	// Working days a year, counted from the notices' own lists of days
	// independently of this package.
	want := map[int]int{2019: 250, 2020: 249, 2021: 250, 2022: 249, 2023: 249, 2024: 251, 2025: 248, 2026: 248, 2027: 248}
	c := China()
	for y, n := range want {
		got := 0
		for d := Date(y, time.January, 1); d.Year() == y; d = d.AddDate(0, 0, 1) {
			w, err := c.IsWorkday(d)
			require.NoError(t, err, day(d))
			if w {
				got++
			}
		}
		assert.Equal(t, n, got, "working days in %d", y)
	}
}

func TestIsWorkdayNamedDays(t *testing.T) {
	c := China()
	cases := []struct {
		name, date string
		work       bool
	}{
		{"2025 National Day/makeup Sunday before", "2025-09-28", true},
		{"2025 National Day/first day", "2025-10-01", false},
		{"2025 National Day/Mid-Autumn inside", "2025-10-06", false},
		{"2025 National Day/last day, a Wednesday", "2025-10-08", false},
		{"2025 National Day/first day back", "2025-10-09", true},
		{"2025 National Day/makeup Saturday after", "2025-10-11", true},
		{"2025 National Day/ordinary Sunday after", "2025-10-12", false},
		{"2025 Spring Festival/makeup Sunday before", "2025-01-26", true},
		{"2025 Spring Festival/除夕", "2025-01-28", false},
		{"2025 Spring Festival/last day, a Tuesday", "2025-02-04", false},
		{"2025 Spring Festival/makeup Saturday after", "2025-02-08", true},
		{"2026 Spring Festival/makeup Saturday before", "2026-02-14", true},
		{"2026 Spring Festival/Sunday joining the holiday", "2026-02-15", false},
		{"2026 Spring Festival/last day, a Monday", "2026-02-23", false},
		{"2026 Spring Festival/makeup Saturday after", "2026-02-28", true},
		{"2024 Spring Festival/makeup Sunday before", "2024-02-04", true},
		{"2024 Spring Festival/Friday off", "2024-02-16", false},
		{"2024 Spring Festival/makeup Sunday after", "2024-02-18", true},
		{"2023 Spring Festival/makeup Saturday and Sunday", "2023-01-28", true},
		{"2023 Spring Festival/makeup Sunday", "2023-01-29", true},
		{"2026 National Day/makeup Sunday two weeks before", "2026-09-20", true},
		{"2026 National Day/makeup Saturday after", "2026-10-10", true},
		{"2019 National Day/makeup Saturday after", "2019-10-12", true},
		{"2020 Spring Festival/COVID-19 extension", "2020-01-31", false},
		{"2020 Spring Festival/back to work", "2020-02-03", true},
		{"2015 Victory Day anniversary", "2015-09-04", false},
		{"2015 Victory Day makeup Sunday", "2015-09-06", true},
		{"2019 New Year/December makeup Saturday from the 2019 notice", "2018-12-29", true},
		{"2019 New Year/December Monday off from the 2019 notice", "2018-12-31", false},
		{"2023 New Year/Saturday 2022-12-31 from the 2023 notice", "2022-12-31", false},
		{"ordinary Wednesday", "2025-03-12", true},
		{"ordinary Saturday", "2025-03-15", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, err := c.IsWorkday(mustDate(t, tc.date))
			require.NoError(t, err)
			assert.Equal(t, tc.work, w, tc.date)
		})
	}
}

func TestAddWorkdaysNamed(t *testing.T) {
	c := China()
	cases := []struct {
		name, from string
		n          int
		want       string
	}{
		// Oct 1–7 off; Oct 8 (1), 9 (2), Sat 10 makeup (3), 12 (4), 13 (5), 14 (6), 15 (7).
		{"第十二条/2026 National Day, 7 working days", "2026-09-30", 7, "2026-10-15"},
		// Sun 26 makeup (1), Mon 27 (2), Jan 28–Feb 4 off, Feb 5 (3), 6 (4), 7 (5), Sat 8 makeup (6), Mon 10 (7).
		{"第十二条/2025 Spring Festival, 7 working days", "2025-01-24", 7, "2025-02-10"},
		// Sun 28 makeup (1), 29 (2), 30 (3), Oct 1–8 off, 9 (4), 10 (5), Sat 11 makeup (6), 13 (7), 14 (8), 15 (9), 16 (10).
		{"第十五条/2025 National Day, 10 working days", "2025-09-26", 10, "2025-10-16"},
		// Feb 15–23 off; Feb 24 (1) … Feb 27 (4), Sat 28 makeup (5), Mar 2 (6), Mar 3 (7).
		{"第十二条/2026 Spring Festival, signed on the makeup Saturday", "2026-02-14", 7, "2026-03-03"},
		// Jan 1–3 off; Jan 4 (1) … 8 (5), 11 (6), 12 (7).
		{"第十二条/across the year end 2026→2027", "2026-12-31", 7, "2027-01-12"},
		{"day 0 is the date itself, even a holiday", "2025-10-01", 0, "2025-10-01"},
		{"1 working day from a holiday", "2025-10-01", 1, "2025-10-09"},
		{"makeup Saturday from the next year's notice", "2018-12-28", 1, "2018-12-29"},
		{"back 1 from the first day after a holiday", "2025-10-09", -1, "2025-09-30"},
		{"back 1 onto a makeup Saturday", "2025-10-13", -1, "2025-10-11"},
		{"back 7 across National Day 2026", "2026-10-15", -7, "2026-09-30"},
		{"back 1 from a holiday", "2025-10-05", -1, "2025-09-30"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.AddWorkdays(mustDate(t, tc.from), tc.n)
			require.NoError(t, err)
			assert.Equal(t, tc.want, day(got))
			_, off := got.Zone()
			assert.Equal(t, 8*3600, off, "result in Beijing time")
			assert.Equal(t, 0, got.Hour()+got.Minute()+got.Second()+got.Nanosecond(), "result at midnight")
		})
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := China()
	cases := []struct {
		name, from, to string
		want           int
	}{
		{"met on the due date", "2026-10-15", "2026-10-15", 0},
		{"met late by 3 working days", "2026-10-15", "2026-10-20", 3},
		{"due date to the holiday's end", "2026-09-30", "2026-10-07", 0},
		{"across National Day", "2026-09-30", "2026-10-15", 7},
		{"back across National Day", "2026-10-15", "2026-09-30", -7},
		{"back from a holiday", "2025-10-05", "2025-09-30", -1},
		{"a makeup Saturday counts", "2025-10-10", "2025-10-11", 1},
		{"a whole year", "2024-12-31", "2025-12-31", 248},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.WorkdaysBetween(mustDate(t, tc.from), mustDate(t, tc.to))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLastWorkdayOfYear(t *testing.T) {
	c := China()
	for _, tc := range []struct {
		name string
		year int
		want string
	}{
		{"第五条/2025 ends on a working Wednesday", 2025, "2025-12-31"},
		{"第五条/2027 ends on a working Friday", 2027, "2027-12-31"},
		{"第五条/2022: Saturday 31st is off by the 2023 notice", 2022, "2022-12-30"},
		{"第五条/2018: makeup Saturday 29th, Monday 31st off by the 2019 notice", 2018, "2018-12-29"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.LastWorkdayOfYear(tc.year)
			require.NoError(t, err)
			assert.Equal(t, tc.want, day(got))
			w, err := c.IsWorkday(got)
			require.NoError(t, err)
			assert.True(t, w, "the last working day is a working day")
			for d := got.AddDate(0, 0, 1); d.Year() == tc.year; d = d.AddDate(0, 0, 1) {
				w, err := c.IsWorkday(d)
				require.NoError(t, err)
				assert.False(t, w, "%s after it is not", day(d))
			}
		})
	}
	t.Run("第五条/a year with no notice is an error", func(t *testing.T) {
		_, err := c.LastWorkdayOfYear(2028)
		assert.ErrorIs(t, err, ErrYearNotPublished)
	})
}

func TestSameInstantAnyZone(t *testing.T) {
	c := China()
	west := time.FixedZone("UTC-7", -7*3600)
	east := time.FixedZone("UTC+14", 14*3600)

	t.Run("evening of 30 September in UTC−7 is National Day in Beijing", func(t *testing.T) {
		at := time.Date(2025, 9, 30, 20, 0, 0, 0, west) // 2025-10-01 11:00 Beijing
		w, err := c.IsWorkday(at)
		require.NoError(t, err)
		assert.False(t, w)
		assert.Equal(t, "2025-10-01", day(DateOf(at)))
	})
	t.Run("early 9 October in UTC+14 is still 8 October in Beijing", func(t *testing.T) {
		at := time.Date(2025, 10, 9, 2, 0, 0, 0, east) // 2025-10-08 20:00 Beijing
		w, err := c.IsWorkday(at)
		require.NoError(t, err)
		assert.False(t, w)
		due, err := c.AddWorkdays(at, 1)
		require.NoError(t, err)
		assert.Equal(t, "2025-10-09", day(due))
	})
	t.Run("every 5 hours of 2025–2026", func(t *testing.T) {
		for at := Date(2025, 1, 1); at.Year() < 2027; at = at.Add(5 * time.Hour) {
			wantWork, err := c.IsWorkday(at)
			require.NoError(t, err)
			wantDue, err := c.AddWorkdays(at, 7)
			require.NoError(t, err)
			wantInfo, err := c.Explain(at)
			require.NoError(t, err)
			for _, loc := range []*time.Location{west, east, time.UTC} {
				local := at.In(loc)
				w, err := c.IsWorkday(local)
				require.NoError(t, err)
				require.Equal(t, wantWork, w, local.String())
				due, err := c.AddWorkdays(local, 7)
				require.NoError(t, err)
				require.True(t, wantDue.Equal(due), local.String())
				info, err := c.Explain(local)
				require.NoError(t, err)
				require.Equal(t, wantInfo, info, local.String())
				n, err := c.WorkdaysBetween(local, wantDue.In(loc))
				require.NoError(t, err)
				require.Equal(t, 7, n, local.String())
			}
		}
	})
}

func TestExplain(t *testing.T) {
	c := China()
	t.Run("makeup Saturday", func(t *testing.T) {
		info, err := c.Explain(mustDate(t, "2025-10-11"))
		require.NoError(t, err)
		assert.Equal(t, KindMakeup, info.Kind)
		assert.True(t, info.Workday)
		assert.Equal(t, time.Saturday, info.Weekday)
		assert.Equal(t, "国庆节、中秋节", info.Holiday)
		assert.Equal(t, "National Day and Mid-Autumn Festival", info.HolidayEn)
		assert.Equal(t, 2025, info.NoticeYear)
		assert.Equal(t, "国务院办公厅关于2025年部分节假日安排的通知", info.NoticeTitle)
		assert.Equal(t, "https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm", info.NoticeURL)
		assert.False(t, info.Provisional)
		assert.Contains(t, info.Zh(), "调休上班日")
		assert.Contains(t, info.En(), "makeup working day")
	})
	t.Run("holiday on a weekday", func(t *testing.T) {
		info, err := c.Explain(mustDate(t, "2026-02-17"))
		require.NoError(t, err)
		assert.Equal(t, KindHoliday, info.Kind)
		assert.False(t, info.Workday)
		assert.Equal(t, "春节", info.Holiday)
		assert.Equal(t, "Spring Festival", info.HolidayEn)
	})
	t.Run("December day governed by the next year's notice", func(t *testing.T) {
		info, err := c.Explain(mustDate(t, "2022-12-31"))
		require.NoError(t, err)
		assert.Equal(t, KindHoliday, info.Kind)
		assert.Equal(t, "元旦", info.Holiday)
		assert.Equal(t, 2023, info.NoticeYear)
		assert.Equal(t, "国务院办公厅关于2023年部分节假日安排的通知", info.NoticeTitle)
	})
	t.Run("ordinary days", func(t *testing.T) {
		info, err := c.Explain(mustDate(t, "2025-10-18"))
		require.NoError(t, err)
		assert.Equal(t, KindWeekend, info.Kind)
		assert.Empty(t, info.Holiday)
		assert.Equal(t, 2025, info.NoticeYear)
		info, err = c.Explain(mustDate(t, "2025-10-17"))
		require.NoError(t, err)
		assert.Equal(t, KindWorkday, info.Kind)
	})
	t.Run("2027 is published but transcribed: cited without an address", func(t *testing.T) {
		info, err := c.Explain(mustDate(t, "2027-02-08"))
		require.NoError(t, err)
		assert.Equal(t, KindHoliday, info.Kind)
		assert.Empty(t, info.NoticeURL)
		n, ok := c.Notice(2027)
		require.True(t, ok)
		assert.Contains(t, n.Note, "lunar-go")
		assert.Contains(t, n.Note, "unverified")
		assert.Empty(t, n.Papers)
	})
}

func TestEmbeddedNotices(t *testing.T) {
	c := China()
	first, last, ok := c.Years()
	require.True(t, ok)
	assert.Equal(t, 2007, first)
	assert.Equal(t, 2027, last)
	for y := 2007; y <= 2027; y++ {
		require.True(t, c.Published(y), "%d", y)
		n, ok := c.Notice(y)
		require.True(t, ok)
		assert.Equal(t, "国务院办公厅关于"+strconv.Itoa(y)+"年部分节假日安排的通知", n.Title)
		assert.False(t, n.Projected)
		if y != 2027 {
			require.NotEmpty(t, n.Papers, "%d", y)
			assert.Contains(t, n.Papers[0], "gov.cn")
		}
	}
	assert.False(t, c.Published(2006))
	assert.False(t, c.Published(2028))
	assert.Same(t, China(), China(), "China shares one immutable value")
	assert.Len(t, c.Schedules(), 21)
}

func TestUnpublishedYear(t *testing.T) {
	c := China()
	check := func(t *testing.T, err error, year int) {
		t.Helper()
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrYearNotPublished)
		var e *Error
		require.True(t, errors.As(err, &e))
		assert.Equal(t, CodeYearNotPublished, e.Code)
		assert.Equal(t, year, e.Year)
		assert.Contains(t, e.MessageZh, strconv.Itoa(year))
		assert.Contains(t, e.MessageEn, strconv.Itoa(year))
		assert.NotErrorIs(t, err, ErrInvalidSchedule)
	}
	_, err := c.IsWorkday(mustDate(t, "2028-03-01"))
	check(t, err, 2028)
	_, err = c.IsWorkday(mustDate(t, "2006-12-30"))
	check(t, err, 2006)
	_, err = c.AddWorkdays(mustDate(t, "2027-12-20"), 30)
	check(t, err, 2028)
	_, err = c.AddWorkdays(mustDate(t, "2007-01-10"), -30)
	check(t, err, 2006)
	_, err = c.AddWorkdays(mustDate(t, "2020-01-10"), 1<<62)
	check(t, err, 2028)
	_, err = c.AddWorkdays(mustDate(t, "2020-01-10"), -1<<62)
	check(t, err, 2006)
	_, err = c.WorkdaysBetween(mustDate(t, "2027-12-20"), mustDate(t, "2028-01-05"))
	check(t, err, 2028)
	_, err = c.WorkdaysBetween(mustDate(t, "2028-01-05"), mustDate(t, "2027-12-20"))
	check(t, err, 2028)
	_, err = c.Explain(time.Time{})
	check(t, err, 1)
	_, err = c.Deadline(mustDate(t, "2027-12-20"), 10)
	check(t, err, 2028)
}

func TestHotPathsDoNotAllocate(t *testing.T) {
	c := China()
	from := mustDate(t, "2025-09-26")
	to := mustDate(t, "2026-03-03")
	var sink int
	allocs := testing.AllocsPerRun(200, func() {
		w, _ := c.IsWorkday(from)
		due, _ := c.AddWorkdays(from, 250)
		back, _ := c.AddWorkdays(to, -7)
		n, _ := c.WorkdaysBetween(from, to)
		info, _ := c.Explain(to)
		if w {
			sink++
		}
		sink += due.Day() + back.Day() + n + int(info.Kind)
	})
	assert.Zero(t, allocs)
	assert.NotZero(t, sink)
}

func TestSelectBit(t *testing.T) {
	words := []uint64{1, 1 << 63, 0xFFFFFFFFFFFFFFFF, 0x8000000100010001, 0xAAAAAAAAAAAAAAAA, 0x00F0000000000F00}
	for _, x := range words {
		r := 0
		for pos := range 64 {
			if x&(1<<pos) != 0 {
				r++
				assert.Equal(t, pos, selectBit(x, r), "%#x r=%d", x, r)
			}
		}
	}
}
