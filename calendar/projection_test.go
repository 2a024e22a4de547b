package calendar

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLunarNewYearKnownDates(t *testing.T) {
	// 正月初一 as published in almanacs (e.g. the Hong Kong Observatory's
	// Gregorian–lunar tables), including 2034, the year after the much
	// discussed leap eleventh month of 2033.
	want := map[int]string{
		2007: "2007-02-18", 2008: "2008-02-07", 2009: "2009-01-26", 2010: "2010-02-14",
		2011: "2011-02-03", 2012: "2012-01-23", 2013: "2013-02-10", 2014: "2014-01-31",
		2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16",
		2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01",
		2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17",
		2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03",
		2031: "2031-01-23", 2032: "2032-02-11", 2033: "2033-01-31", 2034: "2034-02-19",
		2035: "2035-02-08",
	}
	for y, d := range want {
		assert.Equal(t, d, formatDay(lunarYear(y).newYear), "%d", y)
	}
}

func TestQingmingAgainstFormula(t *testing.T) {
	// The day-of-month rule for 清明 in the 21st century,
	// ⌊yy·0.2422 + 4.81⌋ − ⌊yy/4⌋ (yy the last two digits), an
	// independent check on the solar-longitude computation.
	for y := 2001; y <= 2099; y++ {
		yy := y % 100
		dom := int(float64(yy)*0.2422+4.81) - yy/4
		assert.Equal(t, dayFromCivil(y, time.April, dom), qingming(y), "%d", y)
	}
}

func TestComputedFestivalsFallOnNoticeHolidays(t *testing.T) {
	// Each computed festival day lies among the days off its notice gives
	// for it, 2008–2027 (2007 predates 清明, 端午 and 中秋 as holidays).
	c := China()
	offNamed := func(d int, part string) bool {
		info, err := c.Explain(dayTime(d))
		require.NoError(t, err)
		return !info.Workday && strings.Contains(info.Holiday, part)
	}
	for y := 2008; y <= 2027; y++ {
		l := lunarYear(y)
		assert.True(t, offNamed(l.newYear, "春节"), "春节 %d: %s", y, formatDay(l.newYear))
		assert.True(t, offNamed(qingming(y), "清明"), "清明 %d", y)
		assert.True(t, offNamed(l.month5+4, "端午"), "端午 %d", y)
		assert.True(t, offNamed(l.month8+14, "中秋"), "中秋 %d", y)
	}
}

// statutoryDays lists the statutory days off of year y under the
// regulation as revised in 2024, from the computed festival dates.
func statutoryDays(y int) []int {
	l := lunarYear(y)
	oct1 := dayFromCivil(y, time.October, 1)
	may1 := dayFromCivil(y, time.May, 1)
	return []int{
		dayFromCivil(y, time.January, 1),
		l.newYear - 1, l.newYear, l.newYear + 1, l.newYear + 2,
		qingming(y),
		may1, may1 + 1,
		l.month5 + 4,
		l.month8 + 14,
		oct1, oct1 + 1, oct1 + 2,
	}
}

func TestProjectionReproducesPublished2025to2027(t *testing.T) {
	official := China()
	var before2025 []Schedule
	for _, s := range official.Schedules() {
		if s.Year < 2025 {
			before2025 = append(before2025, s)
		}
	}
	projected, err := New(before2025, WithProjection())
	require.NoError(t, err)
	for _, y := range []int{2025, 2026, 2027} {
		t.Run(strconv.Itoa(y), func(t *testing.T) {
			require.False(t, projected.Published(y))
			for _, d := range statutoryDays(y) {
				w, err := projected.IsWorkday(dayTime(d))
				require.NoError(t, err)
				assert.False(t, w, "statutory day %s off in the projection", formatDay(d))
				w, err = official.IsWorkday(dayTime(d))
				require.NoError(t, err)
				assert.False(t, w, "statutory day %s off in the notice", formatDay(d))
			}
			for d := Date(y, 1, 1); d.Year() == y; d = d.AddDate(0, 0, 1) {
				want, err := official.Explain(d)
				require.NoError(t, err)
				got, err := projected.Explain(d)
				require.NoError(t, err)
				assert.Equal(t, want.Workday, got.Workday, "%s: notice %q, projection %q", day(d), want.Zh(), got.Zh())
				assert.True(t, got.Provisional)
			}
		})
	}
}

func TestProjectedYears(t *testing.T) {
	for y := projectionFirstYear; y <= projectionLastYear; y++ {
		s, err := ProjectedSchedule(y)
		require.NoError(t, err)
		require.Nil(t, s.validate(), "%d", y)
		assert.Empty(t, s.Title)
		c, err := New([]Schedule{s})
		require.NoError(t, err)
		for _, d := range statutoryDays(y) {
			w, err := c.IsWorkday(dayTime(d))
			require.NoError(t, err)
			assert.False(t, w, "%d: statutory day %s is off", y, formatDay(d))
		}
		n := 0
		for d := Date(y, 1, 1); d.Year() == y; d = d.AddDate(0, 0, 1) {
			w, err := c.IsWorkday(d)
			require.NoError(t, err)
			if w {
				n++
			}
		}
		assert.GreaterOrEqual(t, n, 240, "%d working days", y)
		assert.LessOrEqual(t, n, 252, "%d working days", y)
	}
	for _, y := range []int{2024, 2101} {
		_, err := ProjectedSchedule(y)
		assert.ErrorIs(t, err, ErrYearNotPublished)
	}
}

func TestProjectingCalendar(t *testing.T) {
	c := China(WithProjection())
	assert.True(t, c.Projecting())
	assert.Same(t, c, China(WithProjection()))
	assert.NotSame(t, c, China())

	t.Run("published years stay as published", func(t *testing.T) {
		info, err := c.Explain(mustDate(t, "2025-10-11"))
		require.NoError(t, err)
		assert.False(t, info.Provisional)
		assert.True(t, info.Workday)
	})
	t.Run("projected days are provisional", func(t *testing.T) {
		// 2028: 除夕 is Tuesday 25 January.
		info, err := c.Explain(mustDate(t, "2028-01-25"))
		require.NoError(t, err)
		assert.True(t, info.Provisional)
		assert.Equal(t, KindHoliday, info.Kind)
		assert.Equal(t, "春节", info.Holiday)
		assert.Empty(t, info.NoticeTitle)
		plain, err := c.Explain(mustDate(t, "2028-03-08"))
		require.NoError(t, err)
		assert.True(t, plain.Provisional, "an ordinary day of a projected year is provisional too")
		n, ok := c.Notice(2028)
		require.True(t, ok)
		assert.True(t, n.Projected)
		assert.Contains(t, n.Note, "2024")
	})
	t.Run("a deadline crossing into a projected year is provisional", func(t *testing.T) {
		dl, err := c.Deadline(mustDate(t, "2027-12-20"), 30)
		require.NoError(t, err)
		assert.True(t, dl.Provisional)
		assert.Contains(t, dl.Zh(), "暂定")
		assert.Contains(t, dl.En(), "Provisional")
		require.Len(t, dl.Notices, 2)
		assert.False(t, dl.Notices[0].Projected)
		assert.True(t, dl.Notices[1].Projected)

		inside, err := c.Deadline(mustDate(t, "2027-03-01"), 30)
		require.NoError(t, err)
		assert.False(t, inside.Provisional)
	})
	t.Run("outside the projection range", func(t *testing.T) {
		_, err := c.IsWorkday(mustDate(t, "2101-03-01"))
		assert.ErrorIs(t, err, ErrYearNotPublished)
		_, err = c.IsWorkday(mustDate(t, "2006-03-01"))
		assert.ErrorIs(t, err, ErrYearNotPublished)
	})
	t.Run("a published year replaces its projection", func(t *testing.T) {
		s, err := ProjectedSchedule(2028)
		require.NoError(t, err)
		s.Title = ""
		s.Note = ""
		s.Papers = []string{"https://www.gov.cn/example-2028"}
		loaded, err := c.WithSchedule(s)
		require.NoError(t, err)
		info, err := loaded.Explain(mustDate(t, "2028-01-25"))
		require.NoError(t, err)
		assert.False(t, info.Provisional)
		assert.Equal(t, "国务院办公厅关于2028年部分节假日安排的通知", info.NoticeTitle)
		assert.True(t, loaded.Projecting())
		other, err := loaded.Explain(mustDate(t, "2029-03-01"))
		require.NoError(t, err)
		assert.True(t, other.Provisional)
		// c itself is unchanged.
		info, err = c.Explain(mustDate(t, "2028-01-25"))
		require.NoError(t, err)
		assert.True(t, info.Provisional)
	})
}
