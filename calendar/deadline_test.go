package calendar

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeadline(t *testing.T) {
	c := China()

	t.Run("第十二条/contract signed before National Day 2026", func(t *testing.T) {
		dl, err := c.Deadline(mustDate(t, "2026-09-30"), 7)
		require.NoError(t, err)
		assert.Equal(t, "2026-09-30", day(dl.From))
		assert.Equal(t, "2026-10-15", day(dl.Due))
		assert.Equal(t, 7, dl.Workdays)
		require.Len(t, dl.Holidays, 1)
		h := dl.Holidays[0]
		assert.Equal(t, "国庆节", h.Name)
		assert.Equal(t, "National Day", h.NameEn)
		assert.Equal(t, "2026-10-01", day(h.First))
		assert.Equal(t, "2026-10-07", day(h.Last))
		assert.Equal(t, 7, h.Days)
		assert.Equal(t, 2026, h.NoticeYear)
		require.Len(t, dl.MakeupDays, 1)
		assert.Equal(t, "2026-10-10", day(dl.MakeupDays[0].Date))
		assert.Equal(t, KindMakeup, dl.MakeupDays[0].Kind)
		assert.Equal(t, 1, dl.WeekendDays, "Sunday 11 October")
		require.Len(t, dl.Notices, 1)
		assert.Equal(t, "国务院办公厅关于2026年部分节假日安排的通知", dl.Notices[0].Title)
		assert.False(t, dl.Provisional)

		assert.Equal(t, "自2026-09-30（星期三）起算7个工作日，截止日为2026-10-15（星期四）；跳过国庆节2026-10-01至2026-10-07（7天）、其他周末1天；计入调休上班日2026-10-10（星期六，国庆节）。", dl.Zh())
		assert.Equal(t, "7 working days after Wednesday 2026-09-30: due Thursday 2026-10-15; skipped National Day 2026-10-01 to 2026-10-07 (7 days) and 1 other weekend day; counted makeup working day Saturday 2026-10-10 (National Day).", dl.En())
		assert.Equal(t, dl.Zh()+"\n"+dl.En(), dl.String())
	})

	t.Run("第十五条/archive after acceptance across Spring Festival 2025", func(t *testing.T) {
		dl, err := c.Deadline(mustDate(t, "2025-01-22"), 10)
		require.NoError(t, err)
		// Thu 23 (1), Fri 24 (2), Sun 26 makeup (3), Mon 27 (4), Jan 28–Feb 4 off,
		// Feb 5 (5), 6 (6), 7 (7), Sat 8 makeup (8), Mon 10 (9), Tue 11 (10).
		assert.Equal(t, "2025-02-11", day(dl.Due))
		require.Len(t, dl.Holidays, 1)
		assert.Equal(t, 8, dl.Holidays[0].Days)
		require.Len(t, dl.MakeupDays, 2)
		assert.Equal(t, "2025-01-26", day(dl.MakeupDays[0].Date))
		assert.Equal(t, "2025-02-08", day(dl.MakeupDays[1].Date))
		// Sat 25 January and Sun 9 February.
		assert.Equal(t, 2, dl.WeekendDays)
	})

	t.Run("across the year end, two notices", func(t *testing.T) {
		dl, err := c.Deadline(mustDate(t, "2018-12-27"), 3)
		require.NoError(t, err)
		// Fri 28 (1), Sat 29 makeup (2), Dec 30–Jan 1 off, Wed 2 (3).
		assert.Equal(t, "2019-01-02", day(dl.Due))
		require.Len(t, dl.Holidays, 1)
		assert.Equal(t, "元旦", dl.Holidays[0].Name)
		assert.Equal(t, 3, dl.Holidays[0].Days)
		assert.Equal(t, 2019, dl.Holidays[0].NoticeYear)
		require.Len(t, dl.Notices, 2)
		assert.Equal(t, 2018, dl.Notices[0].Year)
		assert.Equal(t, 2019, dl.Notices[1].Year)
		assert.Zero(t, dl.WeekendDays)
	})

	t.Run("counting back", func(t *testing.T) {
		dl, err := c.Deadline(mustDate(t, "2026-10-15"), -7)
		require.NoError(t, err)
		assert.Equal(t, "2026-09-30", day(dl.Due))
		require.Len(t, dl.Holidays, 1)
		assert.Equal(t, 1, dl.WeekendDays)
		assert.Contains(t, dl.Zh(), "向前倒数7个工作日为2026-09-30")
		assert.Contains(t, dl.En(), "7 working days before Thursday 2026-10-15: Wednesday 2026-09-30")
	})

	t.Run("zero working days", func(t *testing.T) {
		dl, err := c.Deadline(mustDate(t, "2025-10-01"), 0)
		require.NoError(t, err)
		assert.Equal(t, "2025-10-01", day(dl.Due))
		assert.Empty(t, dl.Holidays)
		assert.Empty(t, dl.MakeupDays)
		assert.Zero(t, dl.WeekendDays)
		assert.Contains(t, dl.Zh(), "截止日即起算日")
		assert.Contains(t, dl.En(), "0 working days")
	})

	t.Run("ordinary weeks", func(t *testing.T) {
		dl, err := c.Deadline(mustDate(t, "2025-03-14"), 1)
		require.NoError(t, err)
		assert.Equal(t, "2025-03-17", day(dl.Due))
		assert.Empty(t, dl.Holidays)
		assert.Equal(t, 2, dl.WeekendDays)
		assert.Equal(t, "1 working day after Friday 2025-03-14: due Monday 2025-03-17; skipped 2 weekend days.", dl.En())
		assert.Equal(t, "自2025-03-14（星期五）起算1个工作日，截止日为2025-03-17（星期一）；跳过周末2天。", dl.Zh())
	})
}
