package review

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func goodPanel() ExpertPanel {
	var ops []AspectOpinion
	for _, a := range Aspects() {
		ops = append(ops, AspectOpinion{Aspect: a, Passed: true, Opinion: "符合要求"})
	}
	return ExpertPanel{
		Organisers: []string{"bdb", "finance", "drc"},
		Experts:    []Panelist{{Name: "李四", Specialty: "电子政务"}, {Name: "王五"}},
		Opinions:   ops,
		Opinion:    "同意通过评审，核减硬件费用 20 万元。",
		Passed:     true,
		Requested:  MustBudget("0", "100", "250.5", "0"),
		Approved:   MustBudget("0", "100", "230.5", "0"),
	}
}

func TestExpert(t *testing.T) {
	type want struct{ code, field string }
	cases := []struct {
		name   string
		mutate func(p *ExpertPanel)
		want   []want
	}{
		{"第七条/complete panel passes with a reduced amount", func(*ExpertPanel) {}, nil},
		{"第七条/approved equal to requested", func(p *ExpertPanel) { p.Approved = p.Requested }, nil},
		{"第七条/organisers in any order", func(p *ExpertPanel) { p.Organisers = []string{"drc", "bdb", "finance", "cac"} }, nil},

		{"第七条/not organised with finance", func(p *ExpertPanel) { p.Organisers = []string{"bdb", "drc"} },
			[]want{{"expert_organiser_missing", "organisers"}}},
		{"第七条/organised by bdb alone", func(p *ExpertPanel) { p.Organisers = []string{"bdb"} },
			[]want{{"expert_organiser_missing", "organisers"}, {"expert_organiser_missing", "organisers"}}},
		{"第七条/no experts", func(p *ExpertPanel) { p.Experts = nil }, []want{{"expert_panel_empty", "experts"}}},
		{"第七条/experts without names", func(p *ExpertPanel) { p.Experts = []Panelist{{Specialty: "网络"}} }, []want{{"expert_panel_empty", "experts"}}},

		{"第七条/missing the security aspect", func(p *ExpertPanel) { p.Opinions = append(p.Opinions[:2:2], p.Opinions[3:]...) },
			[]want{{"expert_aspect_missing", "opinions"}}},
		{"第七条/no opinions at all", func(p *ExpertPanel) { p.Opinions = nil },
			[]want{{"expert_aspect_missing", "opinions"}, {"expert_aspect_missing", "opinions"}, {"expert_aspect_missing", "opinions"}, {"expert_aspect_missing", "opinions"}, {"expert_aspect_missing", "opinions"}}},
		{"第七条/an aspect failed", func(p *ExpertPanel) {
			p.Opinions[3] = AspectOpinion{Aspect: InvestmentRationality, Opinion: "硬件单价偏高"}
		},
			[]want{{"expert_aspect_failed", "opinions[3].passed"}}},
		{"第七条/unknown aspect", func(p *ExpertPanel) { p.Opinions = append(p.Opinions, AspectOpinion{Aspect: "beauty", Passed: true}) },
			[]want{{"expert_aspect_unknown", "opinions[5].aspect"}}},
		{"第七条/duplicated aspect", func(p *ExpertPanel) { p.Opinions = append(p.Opinions, AspectOpinion{Aspect: Necessity, Passed: true}) },
			[]want{{"expert_aspect_duplicated", "opinions[5].aspect"}}},
		{"第七条/no written opinion", func(p *ExpertPanel) { p.Opinion = "" }, []want{{"expert_opinion_missing", "opinion"}}},
		{"第七条/conclusion not passed", func(p *ExpertPanel) { p.Passed = false }, []want{{"expert_review_not_passed", "passed"}}},

		{"第七条/approved over requested by one fen in a source", func(p *ExpertPanel) { p.Approved = MustBudget("0", "100.000001", "200", "0") },
			[]want{{"approved_exceeds_requested", "approved.municipal"}}},
		{"第七条/approved over requested in a source and in total", func(p *ExpertPanel) { p.Approved = MustBudget("0", "100", "250.500001", "0") },
			[]want{{"approved_exceeds_requested", "approved.district"}, {"approved_exceeds_requested", "approved.total"}}},
		{"第七条/money moved to a source not requested", func(p *ExpertPanel) { p.Approved = MustBudget("10", "90", "250.5", "0") },
			[]want{{"approved_exceeds_requested", "approved.central"}}},
		{"第七条/approved negative", func(p *ExpertPanel) { p.Approved = MustBudget("-1", "100", "250.5", "0") },
			[]want{{"amount_negative", "approved.central"}}},
		{"第七条/approved finer than a fen", func(p *ExpertPanel) { p.Approved = MustBudget("0", "100", "250.4999999", "0") },
			[]want{{"amount_too_precise", "approved.district"}}},
		{"第七条/passed with nothing approved", func(p *ExpertPanel) { p.Approved = Budget{} },
			[]want{{"expert_approved_zero", "approved"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := goodPanel()
			c.mutate(&p)
			r := Expert(p)
			assert.Equal(t, len(c.want) == 0, r.Passed, "%v", r.Findings)
			require.Len(t, r.Findings, len(c.want), "%v", r.Findings)
			for i, w := range c.want {
				assert.Equal(t, w.code, r.Findings[i].Code)
				assert.Equal(t, w.field, r.Findings[i].Field)
			}
			assertShape(t, r.Findings)
		})
	}
	t.Run("第七条/the result carries the approved amount and the reduction", func(t *testing.T) {
		r := Expert(goodPanel())
		require.True(t, r.Passed)
		assert.True(t, r.Approved.Total().Equal(dec("330.5")))
		assert.True(t, r.Reduction.District.Equal(dec("20")))
		assert.True(t, r.Reduction.Total().Equal(dec("20")))
	})
	t.Run("第七条/a failed aspect quotes the panel", func(t *testing.T) {
		p := goodPanel()
		p.Opinions[4] = AspectOpinion{Aspect: BudgetDetail, Opinion: "预算未细化到设备单价"}
		r := Expert(p)
		require.Len(t, r.Findings, 1)
		assert.Contains(t, r.Findings[0].ZH, "项目预算明细")
		assert.Contains(t, r.Findings[0].ZH, "预算未细化到设备单价")
	})
	t.Run("第七条/missing organiser is named", func(t *testing.T) {
		p := goodPanel()
		p.Organisers = []string{"bdb", "finance"}
		r := Expert(p)
		require.Len(t, r.Findings, 1)
		assert.Contains(t, r.Findings[0].ZH, "区发展改革委")
		assert.Contains(t, r.Findings[0].EN, "drc")
	})
	t.Run("第七条/five aspects in the article's order", func(t *testing.T) {
		var zh []string
		for _, a := range Aspects() {
			assert.True(t, a.Valid())
			assert.NotEmpty(t, a.EN())
			zh = append(zh, a.ZH())
		}
		assert.Equal(t, []string{"必要性", "可行性", "安全性", "项目投资的合理性", "项目预算明细"}, zh)
		assert.Equal(t, []string{"bdb", "finance", "drc"}, ExpertOrganisers())
	})
}
