package review

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestOverlaps(t *testing.T) {
	mine := Declaration{
		Unit: "区城市管理局", Name: "渝北区智慧城管综合指挥平台",
		Content: "建设城市管理综合指挥平台，整合数字城管、视频监控、案件办理等功能。",
	}
	sameText := Declaration{Unit: "区城市管理局", ID: "P-1", Name: mine.Name, Content: mine.Content}
	reworded := Declaration{Unit: "区综合行政执法局", Name: "渝北区智慧城管指挥平台",
		Content: "建设城市管理综合指挥平台，整合数字城管、视频监控、案件办理功能，部署于政务云。"}
	unrelated := Declaration{Unit: "区教委", Name: "渝北区教育资源公共服务平台",
		Content: "建设教育资源共享平台，为全区中小学提供数字教学资源。"}

	t.Run("第四条/identical project is flagged at 100%", func(t *testing.T) {
		fs := Overlaps(mine, []Declaration{sameText})
		require.Len(t, fs, 1)
		assert.Equal(t, "possible_duplicate_investment", fs[0].Code)
		assertFinding(t, fs[0], "第四条", "")
		assert.Contains(t, fs[0].ZH, "100%")
		assert.Contains(t, fs[0].ZH, "P-1")
	})
	t.Run("第四条/reworded project of another unit is flagged", func(t *testing.T) {
		fs := Overlaps(mine, []Declaration{unrelated, reworded})
		require.Len(t, fs, 1)
		assert.Contains(t, fs[0].ZH, reworded.Name)
		assert.Contains(t, fs[0].ZH, reworded.Unit)
	})
	t.Run("第四条/same unit only skips other units", func(t *testing.T) {
		p := DefaultOverlapPolicy()
		p.SameUnitOnly = true
		assert.Empty(t, p.Overlaps(mine, []Declaration{reworded}))
		assert.Len(t, p.Overlaps(mine, []Declaration{sameText}), 1)
	})
	t.Run("第四条/unrelated project is not flagged", func(t *testing.T) {
		assert.Empty(t, Overlaps(mine, []Declaration{unrelated}))
	})
	t.Run("第四条/ordered by similarity", func(t *testing.T) {
		fs := Overlaps(mine, []Declaration{reworded, unrelated, sameText})
		require.Len(t, fs, 2)
		assert.Contains(t, fs[0].ZH, "100%")
		assert.Contains(t, fs[1].ZH, reworded.Name)
	})
	t.Run("第四条/threshold boundary", func(t *testing.T) {
		// "abcd" has bigrams ab bc cd; "abce" has ab bc ce: 2 shared of 4, 50%.
		a := Declaration{Name: "abcd"}
		b := Declaration{Name: "abce"}
		assert.Len(t, OverlapPolicy{MinPercent: 50}.Overlaps(a, []Declaration{b}), 1, "at the threshold")
		assert.Empty(t, OverlapPolicy{MinPercent: 51}.Overlaps(a, []Declaration{b}), "just over")
		assert.Len(t, OverlapPolicy{MinPercent: 49}.Overlaps(a, []Declaration{b}), 1, "just under")
	})
	t.Run("第四条/width, case, spaces and punctuation do not matter", func(t *testing.T) {
		a := Declaration{Name: "ＡＢＣ 平台，（一期）"}
		b := Declaration{Name: "abc平台一期"}
		fs := OverlapPolicy{MinPercent: 100}.Overlaps(a, []Declaration{b})
		assert.Len(t, fs, 1)
	})
	t.Run("第八条/phases of the same project are not duplicates", func(t *testing.T) {
		first := Declaration{ID: "P-1", Name: mine.Name, Content: mine.Content}
		second := Declaration{ID: "P-2", ParentID: "P-1", Phase: 2, Name: mine.Name, Content: mine.Content}
		third := Declaration{ID: "P-3", ParentID: "P-1", Phase: 3, Name: mine.Name, Content: mine.Content}
		assert.Empty(t, Overlaps(second, []Declaration{first, third}))
		assert.Empty(t, Overlaps(first, []Declaration{second}))
		assert.Empty(t, Overlaps(second, []Declaration{second}), "a project is not its own duplicate")
	})
	t.Run("第四条/empty texts are not compared", func(t *testing.T) {
		assert.Empty(t, Overlaps(Declaration{}, []Declaration{{}}))
		assert.Empty(t, Overlaps(mine, []Declaration{{}}))
	})
	t.Run("第四条/out-of-range threshold is clamped", func(t *testing.T) {
		assert.Len(t, OverlapPolicy{MinPercent: 0}.Overlaps(mine, []Declaration{unrelated}), 1, "0 reads as 1%")
		assert.Len(t, OverlapPolicy{MinPercent: 1000}.Overlaps(mine, []Declaration{sameText}), 1, "1000 reads as 100%")
	})
	t.Run("第四条/similarity is symmetric and identity is 100%", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			a := Declaration{Name: rapid.StringMatching(`[项目平台系统数据城管教育a-c]{2,12}`).Draw(t, "a")}
			b := Declaration{Name: rapid.StringMatching(`[项目平台系统数据城管教育a-c]{2,12}`).Draw(t, "b")}
			p := OverlapPolicy{MinPercent: rapid.IntRange(1, 100).Draw(t, "pct")}
			assert.Equal(t, len(p.Overlaps(a, []Declaration{b})), len(p.Overlaps(b, []Declaration{a})))
			if len(bigramSet(a.Name)) > 0 {
				assert.Len(t, OverlapPolicy{MinPercent: 100}.Overlaps(a, []Declaration{a}), 1)
			}
		})
	})
}
