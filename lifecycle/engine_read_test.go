package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// TestPermittedAndObligationsOnAProjectRead: answered from a project
// already read, the actions and duties are those of Engine.Permitted and
// Engine.Obligations, for every party, at each stage.
func TestPermittedAndObligationsOnAProjectRead(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.September, 1))
	e := newEngine(t, c)
	declared := declare(t, e, declaration(review.Construction, false, district("1000")))
	signed := approvedProject(t, e)
	c.Set(2025, time.September, 26)
	do(t, e, signed, unitA, lifecycle.ActSignContract, contract("HT-1", "100", "2025-09-26", false))

	for _, id := range []string{declared, signed} {
		for _, actor := range []lifecycle.Actor{unitA, bdb, drc, finance, gov, auditor, cac} {
			p, err := e.Get(ctx, actor, id)
			require.NoError(t, err)
			want, err := e.Permitted(ctx, actor, id)
			require.NoError(t, err)
			assert.Equal(t, want, e.PermittedOn(p, actor), "%s, %s", id, actor.ID)
			wantObs, err := e.Obligations(ctx, actor, id, c.Now())
			require.NoError(t, err)
			obs, err := e.ObligationsOn(p, c.Now())
			require.NoError(t, err)
			assert.Equal(t, wantObs, obs, "%s, %s", id, actor.ID)
		}
	}

	// 第十二条: the contract signed on 2025-09-26 is filed within 7
	// working days; the National Day holiday (10-01 to 10-08 off, 09-28
	// and 10-11 worked) puts the day on 2025-10-13 (09-28, 09-29, 09-30,
	// 10-09, 10-10, 10-11, 10-13).
	p, err := e.Get(ctx, unitA, signed)
	require.NoError(t, err)
	obs, err := e.ObligationsOn(p, c.Now())
	require.NoError(t, err)
	require.Len(t, obs, 1)
	assert.Equal(t, lifecycle.DutyContractFiling, obs[0].Duty)
	assert.True(t, obs[0].Due.Equal(day(2025, 10, 13)), "due %s", obs[0].Due)
	assert.Contains(t, e.PermittedOn(p, unitA), lifecycle.ActFileContract)

	// Another unit, handed the project, may do nothing on it; nil is
	// nothing.
	assert.Empty(t, e.PermittedOn(p, unitB))
	assert.Empty(t, e.PermittedOn(nil, unitA))
	none, err := e.ObligationsOn(nil, c.Now())
	require.NoError(t, err)
	assert.Empty(t, none)
}
