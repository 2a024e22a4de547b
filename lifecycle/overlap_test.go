package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// dissimilar is a complete declaration of 区教委 sharing no wording with
// declaration's.
func dissimilar(n int) review.Declaration {
	d := declaration(review.Construction, false, district("100"))
	d.Name = fmt.Sprintf("档案数字化扫描%d号", n)
	d.Content = "纸质档案的扫描录入与著录"
	return d
}

// mentions reports whether some finding of 第四条 names the project ID, in
// Chinese and in English.
func mentions(fs []review.Finding, id string) bool {
	for _, f := range fs {
		if f.Code == "possible_duplicate_investment" && f.Article == "第四条" &&
			id != "" && strings.Contains(f.ZH, id) && strings.Contains(f.EN, id) {
			return true
		}
	}
	return false
}

// cancellingStore cancels the call's context once a page has been listed.
type cancellingStore struct {
	lifecycle.Store
	cancel context.CancelFunc
}

func (s cancellingStore) List(ctx context.Context, q lifecycle.Query) ([]lifecycle.Summary, string, error) {
	page, next, err := s.Store.List(ctx, q)
	s.cancel()
	return page, next, err
}

// TestOverlaps: the engine compares a new declaration with the projects
// the actor may see (第四条).
func TestOverlaps(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	newDecl := declaration(review.Construction, false, district("200"))

	t.Run("第四条/a similar project of the same unit is reported", func(t *testing.T) {
		e := newEngine(t, c)
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		fs, err := e.Overlaps(ctx, unitA, newDecl)
		require.NoError(t, err)
		require.Len(t, fs, 1)
		assert.True(t, mentions(fs, id), "the finding names %s: %+v", id, fs)
		assert.Contains(t, fs[0].ZH, newDecl.Name)
	})
	t.Run("第四条/a dissimilar project is not reported", func(t *testing.T) {
		e := newEngine(t, c)
		declare(t, e, dissimilar(1))
		fs, err := e.Overlaps(ctx, unitA, newDecl)
		require.NoError(t, err)
		assert.Empty(t, fs)
	})
	t.Run("第四条/a unit does not see another unit's similar project, a bureau does", func(t *testing.T) {
		e := newEngine(t, c)
		bd := declaration(review.Construction, false, district("100"))
		bd.Unit = unitB.Unit
		pb, _, err := e.Declare(ctx, unitB, bd)
		require.NoError(t, err)
		fs, err := e.Overlaps(ctx, unitA, newDecl)
		require.NoError(t, err)
		assert.Empty(t, fs, "区教委 does not see 区卫健委's project")
		fs, err = e.Overlaps(ctx, bdb, newDecl)
		require.NoError(t, err)
		require.Len(t, fs, 1)
		assert.True(t, mentions(fs, pb.ID), "the finding names %s: %+v", pb.ID, fs)
		assert.Contains(t, fs[0].ZH, unitB.Unit)
		fs, err = e.Overlaps(ctx, lifecycle.Actor{ID: "anon"}, newDecl)
		require.NoError(t, err)
		assert.Empty(t, fs, "an actor with no role sees nothing")
	})
	t.Run("第四条/a withdrawn or rejected project is skipped", func(t *testing.T) {
		e := newEngine(t, c)
		withdrawn := declare(t, e, declaration(review.Construction, false, district("100")))
		do(t, e, withdrawn, unitA, lifecycle.ActWithdraw, nil)
		rejected := declare(t, e, declaration(review.Construction, false, district("100")))
		do(t, e, rejected, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
		do(t, e, rejected, bdb, lifecycle.ActExpertReview, expert(true, district("100")))
		p := do(t, e, rejected, gov, lifecycle.ActDeliberate, map[string]any{"approved": false})
		require.Equal(t, lifecycle.StateRejected, p.State)
		fs, err := e.Overlaps(ctx, bdb, newDecl)
		require.NoError(t, err)
		assert.Empty(t, fs)
		live := declare(t, e, declaration(review.Construction, false, district("100")))
		fs, err = e.Overlaps(ctx, bdb, newDecl)
		require.NoError(t, err)
		require.Len(t, fs, 1)
		assert.True(t, mentions(fs, live))
	})
	t.Run("第四条/a returned project is still compared", func(t *testing.T) {
		e := newEngine(t, c)
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		p := do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(false))
		require.Equal(t, lifecycle.StateReturned, p.State)
		fs, err := e.Overlaps(ctx, unitA, newDecl)
		require.NoError(t, err)
		assert.True(t, mentions(fs, id))
	})
	t.Run("第四条/the project with the declaration's own ID is skipped", func(t *testing.T) {
		e := newEngine(t, c)
		id := declare(t, e, declaration(review.Construction, false, district("100")))
		other := declare(t, e, declaration(review.Construction, false, district("100")))
		again := newDecl
		again.ID = id
		fs, err := e.Overlaps(ctx, unitA, again)
		require.NoError(t, err)
		require.Len(t, fs, 1)
		assert.True(t, mentions(fs, other))
		assert.False(t, mentions(fs, id))
	})
	t.Run("第四条/every page of the list is read", func(t *testing.T) {
		e := newEngine(t, c)
		for i := range lifecycle.DefaultListLimit + 1 {
			declare(t, e, dissimilar(i))
		}
		last := declare(t, e, declaration(review.Construction, false, district("100")))
		page, next, err := e.List(ctx, unitA, lifecycle.Query{})
		require.NoError(t, err)
		require.NotEmpty(t, next, "the projects fill more than one page")
		for _, s := range page {
			require.NotEqual(t, last, s.ProjectID, "the similar project is not on the first page")
		}
		fs, err := e.Overlaps(ctx, unitA, newDecl)
		require.NoError(t, err)
		require.Len(t, fs, 1)
		assert.True(t, mentions(fs, last))
	})
	t.Run("第四条/a cancelled context returns an error", func(t *testing.T) {
		e := newEngine(t, c)
		declare(t, e, declaration(review.Construction, false, district("100")))
		done, cancel := context.WithCancel(ctx)
		cancel()
		fs, err := e.Overlaps(done, unitA, newDecl)
		require.Error(t, err)
		assert.Nil(t, fs)
		assert.True(t, errors.Is(err, lifecycle.ErrUnavailable), "%v", err)
		assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	})
	t.Run("第四条/a context cancelled between list and loads returns an error", func(t *testing.T) {
		live, cancel := context.WithCancel(ctx)
		defer cancel()
		e := newEngine(t, c, func(cfg *lifecycle.Config) {
			cfg.Store = cancellingStore{Store: cfg.Store, cancel: cancel}
		})
		// Declaring lists nothing, so the context lives until Overlaps lists.
		declare(t, e, declaration(review.Construction, false, district("100")))
		require.NoError(t, live.Err())
		fs, err := e.Overlaps(live, unitA, newDecl)
		require.Error(t, err)
		assert.Nil(t, fs)
		var le *lifecycle.Error
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "context_done", le.Code)
		assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	})
}
