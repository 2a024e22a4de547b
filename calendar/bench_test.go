package calendar

import (
	"strconv"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
)

// benchDays are the 365 days of 2025 at midnight, Beijing time: start dates
// from which 250 working days stay within the published years.
func benchDays() []time.Time {
	days := make([]time.Time, 0, 365)
	for d := Date(2025, 1, 1); d.Year() == 2025; d = d.AddDate(0, 0, 1) {
		days = append(days, d)
	}
	return days
}

// rickarCalendar is rickar/cal's BusinessCalendar on the same data, with or
// without its holiday cache.
func rickarCalendar(cacheable bool) *cal.BusinessCalendar {
	bc := China().BusinessCalendar()
	bc.Cacheable = cacheable
	return bc
}

func BenchmarkIsWorkday(b *testing.B) {
	days := benchDays()
	b.Run("calendar", func(b *testing.B) {
		c := China()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := c.IsWorkday(days[i%len(days)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("rickar", func(b *testing.B) {
		bc := rickarCalendar(false)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			bc.IsWorkday(days[i%len(days)])
			i++
		}
	})
}

func BenchmarkAddWorkdays(b *testing.B) {
	days := benchDays()
	for _, n := range []int{7, 250} {
		name := "n=" + strconv.Itoa(n)
		b.Run(name+"/calendar", func(b *testing.B) {
			c := China()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := c.AddWorkdays(days[i%len(days)], n); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		for _, cached := range []bool{false, true} {
			label := "/rickar"
			if cached {
				label = "/rickar-cacheable"
			}
			b.Run(name+label, func(b *testing.B) {
				bc := rickarCalendar(cached)
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					bc.WorkdaysFrom(days[i%len(days)], n)
					i++
				}
			})
		}
	}
}

func BenchmarkWorkdaysBetween(b *testing.B) {
	days := benchDays()
	c := China()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.WorkdaysBetween(days[i%len(days)], days[(i*7)%len(days)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
