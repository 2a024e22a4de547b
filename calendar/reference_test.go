package calendar

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// referenceCalendar builds, straight from the data files and without this
// package's parsing or tables, the plainest rickar/cal reading of the
// notices: every listed day off is a cal.Holiday, every listed working day
// a WorkdayFunc exception, whatever file lists it.
func referenceCalendar(t testing.TB) *cal.BusinessCalendar {
	t.Helper()
	files, err := filepath.Glob("data/*.json")
	require.NoError(t, err)
	require.Len(t, files, 21)
	bc := cal.NewBusinessCalendar()
	makeup := map[string]bool{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var doc struct {
			Days []struct {
				Date     string `json:"date"`
				Name     string `json:"name"`
				IsOffDay bool   `json:"isOffDay"`
			} `json:"days"`
		}
		require.NoError(t, json.Unmarshal(raw, &doc), f)
		for _, d := range doc.Days {
			at, err := time.Parse(time.DateOnly, d.Date)
			require.NoError(t, err)
			if !d.IsOffDay {
				makeup[d.Date] = true
				continue
			}
			bc.AddHoliday(&cal.Holiday{
				Name: d.Name, Type: cal.ObservancePublic,
				StartYear: at.Year(), EndYear: at.Year(), Month: at.Month(), Day: at.Day(),
				Func: cal.CalcDayOfMonth,
			})
		}
	}
	bc.WorkdayFunc = func(date time.Time) bool {
		if makeup[date.Format(time.DateOnly)] {
			return true
		}
		return date.Weekday() != time.Saturday && date.Weekday() != time.Sunday
	}
	bc.Cacheable = true
	return bc
}

func TestAgainstRickarReference(t *testing.T) {
	c := China()
	ref := referenceCalendar(t)
	view := c.BusinessCalendar()

	t.Run("every day 2008–2027", func(t *testing.T) {
		for d := Date(2008, 1, 1); d.Year() <= 2027; d = d.AddDate(0, 0, 1) {
			got, err := c.IsWorkday(d)
			require.NoError(t, err)
			require.Equal(t, ref.IsWorkday(d), got, day(d))
			require.Equal(t, got, view.IsWorkday(d), "BusinessCalendar view, %s", day(d))
		}
	})

	t.Run("AddWorkdays equals WorkdaysFrom", func(t *testing.T) {
		ns := []int{1, 2, 7, 10, 23, 250, -1, -7, -10, -60}
		for from := Date(2008, 1, 3); from.Year() <= 2026; from = from.AddDate(0, 0, 5) {
			for _, n := range ns {
				want := ref.WorkdaysFrom(from, n)
				if want.Year() < 2008 || want.Year() > 2027 {
					continue
				}
				got, err := c.AddWorkdays(from, n)
				require.NoError(t, err)
				require.Equal(t, day(want), day(got), "%s %+d", day(from), n)
			}
		}
	})

	t.Run("holidays carry Chinese and English names", func(t *testing.T) {
		hs := c.Holidays(2025)
		require.NotEmpty(t, hs)
		_, obs, h := view.IsHoliday(Date(2025, 10, 6))
		require.True(t, obs)
		assert.Equal(t, "国庆节、中秋节", h.Name)
		assert.Equal(t, "National Day and Mid-Autumn Festival", h.Description)
		for _, h := range hs {
			actual, _ := h.Calc(2025)
			assert.Equal(t, 2025, actual.Year())
			assert.NotEmpty(t, h.Name)
			assert.NotEmpty(t, h.Description)
		}
		assert.Empty(t, c.Holidays(2030))
	})
}

func TestCountingProperties(t *testing.T) {
	c := China()
	first := Date(2007, 1, 1)
	rapid.Check(t, func(t *rapid.T) {
		at := first.Add(time.Duration(rapid.Int64Range(0, 21*365*24-1).Draw(t, "hour")) * time.Hour)
		loc := time.FixedZone("z", rapid.IntRange(-12*3600, 14*3600).Draw(t, "offset"))
		at = at.In(loc)
		n := rapid.IntRange(-600, 600).Draw(t, "n")

		due, err := c.AddWorkdays(at, n)
		if err != nil {
			require.ErrorIs(t, err, ErrYearNotPublished)
			return
		}
		between, err := c.WorkdaysBetween(at, due)
		require.NoError(t, err)
		require.Equal(t, n, between, "WorkdaysBetween inverts AddWorkdays")

		if n != 0 {
			w, err := c.IsWorkday(due)
			require.NoError(t, err)
			require.True(t, w, "the due date is a working day")
		}
		// Counting the days one by one gives the same number.
		steps := 0
		from, to, sign := DateOf(at), due, 1
		if to.Before(from) {
			from, to, sign = to.AddDate(0, 0, -1), from.AddDate(0, 0, -1), -1
		}
		for d := from.AddDate(0, 0, 1); !d.After(to); d = d.AddDate(0, 0, 1) {
			if w, _ := c.IsWorkday(d); w {
				steps++
			}
		}
		require.Equal(t, n, sign*steps)

		if n > 0 {
			prev, err := c.AddWorkdays(at, n-1)
			require.NoError(t, err)
			require.True(t, prev.Before(due), "monotone in n")
		}
	})
}
