package sqlstore

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestShiftArgs(t *testing.T) {
	assert.Equal(t, "VALUES ($22, $23, $31)", shiftArgs("VALUES ($1, $2, $10)", 21))
	assert.Equal(t, "no arguments", shiftArgs("no arguments", 5))
}

// TestRestStatementsTakeEveryArgument: each form of the statement after an
// append's events refers to every argument queueAppend passes, once
// numbered, and to no other.
func TestRestStatementsTakeEveryArgument(t *testing.T) {
	forms := pgRestStatements()
	for _, c := range []struct {
		event, snapshot, overlap bool
		args                     int
	}{
		{false, false, false, 21 + 16},
		{false, true, false, 21 + 16 + 3},
		{false, false, true, 21 + 16 + 7},
		{false, true, true, 21 + 16 + 3 + 7},
		{true, false, false, 21 + 13 + 16},
		{true, true, false, 21 + 13 + 16 + 3},
		{true, false, true, 21 + 13 + 16 + 7},
		{true, true, true, 21 + 13 + 16 + 3 + 7},
	} {
		sql := forms[restIndex(c.event, c.snapshot, c.overlap)]
		seen := map[int]bool{}
		for _, f := range strings.Split(sql, "$")[1:] {
			end := strings.IndexFunc(f, func(r rune) bool { return r < '0' || r > '9' })
			if end < 0 {
				end = len(f)
			}
			n, err := strconv.Atoi(f[:end])
			if assert.NoError(t, err) {
				seen[n] = true
			}
		}
		assert.Len(t, seen, c.args, "event %v, snapshot %v, overlap %v", c.event, c.snapshot, c.overlap)
		for i := 1; i <= c.args; i++ {
			assert.True(t, seen[i], "$%d", i)
		}
		assert.Equal(t, c.snapshot, strings.Contains(sql, "INSERT INTO snapshots"))
		assert.Equal(t, c.overlap, strings.Contains(sql, "INSERT INTO overlap_features"))
		assert.Equal(t, c.event, strings.Contains(sql, "INSERT INTO events"))
		assert.Equal(t, c.event, strings.Contains(sql, "SELECT seq FROM ev"), "the form with the event returns its seq")
		assert.Equal(t, !c.event, strings.Contains(sql, tailMarks))
		assert.Equal(t, c.event, strings.Contains(sql, eventMarks))
	}
}
