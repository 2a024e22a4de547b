package lifecycle_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
)

// legacyHistory reads a history written by the engine before the budget
// years of an O&M project were kept apart (testdata/histories, written
// by that engine and kept as it wrote them).
func legacyHistory(t *testing.T, name string) []lifecycle.Event {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "histories", name+".json"))
	require.NoError(t, err)
	var events []lifecycle.Event
	require.NoError(t, json.Unmarshal(data, &events))
	require.NotEmpty(t, events)
	return events
}

// TestLegacyHistoriesReplay replays histories written before each O&M
// budget year was its own cycle (第五条). Their records name no year: each
// action goes to the year it was taken on then, and the years come out
// apart.
func TestLegacyHistoriesReplay(t *testing.T) {
	states := func(p *lifecycle.Project) map[int]lifecycle.State {
		out := map[int]lifecycle.State{}
		for _, y := range p.Years {
			out[y.Year] = y.State
		}
		return out
	}
	t.Run("第五条/two years, the first completed", func(t *testing.T) {
		p, err := lifecycle.Replay(legacyHistory(t, "om-two-years-completed"))
		require.NoError(t, err)
		assert.Equal(t, map[int]lifecycle.State{2026: lifecycle.StateCompleted, 2027: lifecycle.StateOperating}, states(p))
		assert.Equal(t, lifecycle.StateOperating, p.State)
		assert.Equal(t, 2027, p.BudgetYear)
		assert.True(t, p.Years[0].Approved.Equal(district("60")))
		assert.True(t, p.Years[1].Approved.Equal(district("50")))
		assert.True(t, p.Approved.Equal(district("50")))
		years := map[string]int{}
		for _, k := range p.Contracts {
			years[k.ID] = k.BudgetYear
		}
		assert.Equal(t, map[string]int{"YW-1": 2026, "YW-2": 2026, "YW-2027": 2027}, years)
		assert.Len(t, p.Audits, 1)
		// The duty of 第五条 for 2027 was met by the declaration of 2026-12-10.
		obs, err := lifecycle.Obligations(lifecycle.Yubei2019(), calendarChina(), legacyHistory(t, "om-two-years-completed"), day(2027, time.February, 1))
		require.NoError(t, err)
		for _, o := range obs {
			if o.Duty == lifecycle.DutyOMDeclaration && o.Ref == "2027" {
				assert.Equal(t, lifecycle.ObligationMetOnTime, o.Status)
			}
		}
	})
	t.Run("第五条/the next year withdrawn: the running year goes on", func(t *testing.T) {
		p, err := lifecycle.Replay(legacyHistory(t, "om-next-year-withdrawn"))
		require.NoError(t, err)
		assert.Equal(t, map[int]lifecycle.State{2026: lifecycle.StateOperating, 2027: lifecycle.StateWithdrawn}, states(p))
		assert.Equal(t, lifecycle.StateOperating, p.State, "written as withdrawn, read as the running 2026")
		assert.Equal(t, 2026, p.BudgetYear)
		assert.Contains(t, lifecycle.Permitted(lifecycle.Yubei2019(), p, unitA), lifecycle.ActTerminateContract)
	})
	t.Run("第十一条第（二）项/a major change re-declared for the same year", func(t *testing.T) {
		p, err := lifecycle.Replay(legacyHistory(t, "om-major-change"))
		require.NoError(t, err)
		assert.Equal(t, map[int]lifecycle.State{2026: lifecycle.StateOperating}, states(p))
		require.Len(t, p.Changes, 2)
		assert.Equal(t, 2026, p.Changes[1].BudgetYear)
		assert.True(t, p.Years[0].Approved.Equal(district("70")))
		assert.Equal(t, 2, p.Declarations)
	})
	t.Run("第十三条/late, returned, re-declared and terminated", func(t *testing.T) {
		p, err := lifecycle.Replay(legacyHistory(t, "om-late-terminated"))
		require.NoError(t, err)
		assert.Equal(t, map[int]lifecycle.State{2026: lifecycle.StateTerminated}, states(p))
		assert.Equal(t, lifecycle.StateTerminated, p.State)
		// Written before lateness was recorded: nothing is made up.
		assert.Empty(t, p.Years[0].Findings)
	})
	t.Run("建设类/construction histories are as they were", func(t *testing.T) {
		p, err := lifecycle.Replay(legacyHistory(t, "construction-full"))
		require.NoError(t, err)
		assert.Equal(t, lifecycle.StateEvaluated, p.State)
		assert.Empty(t, p.Years)
		p, err = lifecycle.Replay(legacyHistory(t, "construction-withdrawn"))
		require.NoError(t, err)
		assert.Equal(t, lifecycle.StateWithdrawn, p.State)
	})
	t.Run("第五条/a legacy history goes on under the years", func(t *testing.T) {
		events := legacyHistory(t, "om-next-year-withdrawn")
		p, err := lifecycle.Replay(events)
		require.NoError(t, err)
		at := events[len(events)-1].At.Add(time.Hour)
		ev, err := lifecycle.DecideJSON(lifecycle.Yubei2019(), p, unitA, lifecycle.ActTerminateContract,
			js(t, map[string]any{"contract_id": "YW-2026", "reason": "不再运维"}), at)
		require.NoError(t, err)
		require.NoError(t, p.Apply(ev))
		assert.Equal(t, lifecycle.StateTerminated, p.Years[0].State)
		again, err := lifecycle.Replay(append(events, ev))
		require.NoError(t, err)
		assert.Equal(t, p, again)
	})
}

// calendarChina is the official working-day calendar.
func calendarChina() *calendar.Calendar { return calendar.China() }
