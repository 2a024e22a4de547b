package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
)

// 第五条, 第七条: budgets are planned by the year, at most three years
// ahead; the year is Beijing's.
func TestLatestBudgetYear_第五条_第七条(t *testing.T) {
	assert.Equal(t, 2029, lifecycle.LatestBudgetYear(time.Date(2026, 3, 2, 10, 0, 0, 0, calendar.Beijing)))
	// 2026-12-31 17:00 UTC is already 2027-01-01 in Beijing.
	assert.Equal(t, 2030, lifecycle.LatestBudgetYear(time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)))
	assert.Equal(t, 2029, lifecycle.LatestBudgetYear(time.Date(2026, 12, 31, 15, 59, 0, 0, time.UTC)))
}
