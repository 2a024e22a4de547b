package review

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func goodSubmission(t testing.TB) PreliminarySubmission {
	return PreliminarySubmission{
		Declaration:             validDeclaration(t),
		TableOfContents:         lines(fullTOC(0)),
		UsesGovCloud:            true,
		ConnectsSharingPlatform: true,
		OpenDatasets:            []string{"城市管理案件统计"},
		CryptographyPlan:        "采用国产商用密码实现身份鉴别和传输加密",
		SecurityPlan:            "按网络安全等级保护第三级设计",
	}
}

func goodJudgment() ReviewerJudgment {
	return ReviewerJudgment{
		MaterialsClear:       Verdict{Passed: true},
		TechnicallyFeasible:  Verdict{Passed: true},
		EconomicallyRational: Verdict{Passed: true},
	}
}

func TestPreliminary(t *testing.T) {
	type outcome struct {
		failed []int    // criteria that fail
		codes  []string // all findings, in order
	}
	cases := []struct {
		name   string
		sub    func(*PreliminarySubmission)
		judge  func(*ReviewerJudgment)
		expect outcome
	}{
		{"第六条/all four criteria pass", nil, nil, outcome{}},

		{"第六条第（一）项/missing risk chapter", func(s *PreliminarySubmission) {
			s.TableOfContents = dropKeys(s.TableOfContents, "第六章 项目风险及控制措施")
		}, nil,
			outcome{[]int{1}, []string{"outline_chapter_missing"}}},
		{"第六条第（一）项/reviewer accepts the adjustment", func(s *PreliminarySubmission) {
			s.TableOfContents = dropKeys(s.TableOfContents, "第六章 项目风险及控制措施")
		},
			func(j *ReviewerJudgment) {
				j.OutlineAdjustments = map[string]string{"6": "风险在第五章一并说明"}
			}, outcome{}},
		{"第六条第（一）项/adjustment without reason", func(s *PreliminarySubmission) {
			s.TableOfContents = dropKeys(s.TableOfContents, "第六章 项目风险及控制措施")
		},
			func(j *ReviewerJudgment) { j.OutlineAdjustments = map[string]string{"6": " "} },
			outcome{[]int{1}, []string{"outline_adjustment_without_reason", "outline_chapter_missing"}}},
		{"第六条第（一）项/adjustment of an unknown item", nil,
			func(j *ReviewerJudgment) { j.OutlineAdjustments = map[string]string{"4.10": "x"} },
			outcome{[]int{1}, []string{"outline_adjustment_unknown"}}},
		{"第六条第（一）项/materials unclear", nil, func(j *ReviewerJudgment) { j.MaterialsClear = Verdict{Reason: "功能描述含糊"} },
			outcome{[]int{1}, []string{"materials_unclear"}}},

		{"第六条第（二）项/not technically feasible", nil, func(j *ReviewerJudgment) { j.TechnicallyFeasible = Verdict{Reason: "接口不可实现"} },
			outcome{[]int{2}, []string{"not_technically_feasible"}}},
		{"第六条第（二）项/not economically rational", nil, func(j *ReviewerJudgment) { j.EconomicallyRational.Passed = false },
			outcome{[]int{2}, []string{"not_economically_rational"}}},
		{"第六条第（二）项/an unanswered judgment does not pass", nil, func(j *ReviewerJudgment) { *j = ReviewerJudgment{} },
			outcome{[]int{1, 2}, []string{"materials_unclear", "not_technically_feasible", "not_economically_rational"}}},

		{"第六条第（三）项/no 政务云 and no exemption", func(s *PreliminarySubmission) { s.UsesGovCloud = false }, nil,
			outcome{[]int{3}, []string{"gov_cloud_not_used"}}},
		{"第六条第（三）项/no 政务云 with an exemption cited", func(s *PreliminarySubmission) {
			s.UsesGovCloud = false
			s.Declaration.CloudExemption = "《中华人民共和国保守国家秘密法》"
		}, nil, outcome{}},
		{"第六条第（三）项/blank exemption is none", func(s *PreliminarySubmission) {
			s.UsesGovCloud = false
			s.Declaration.CloudExemption = "\u3000"
		}, nil, outcome{[]int{3}, []string{"gov_cloud_not_used"}}},
		{"第六条第（三）项/not connected to the sharing platform", func(s *PreliminarySubmission) { s.ConnectsSharingPlatform = false }, nil,
			outcome{[]int{3}, []string{"sharing_platform_not_connected"}}},
		{"第六条第（三）项/not connected, exemption cited", func(s *PreliminarySubmission) {
			s.ConnectsSharingPlatform = false
			s.Declaration.SharingExemption = "国务院有关规定"
		}, nil, outcome{}},
		{"第六条第（三）项/new business network", func(s *PreliminarySubmission) { s.NewBusinessNetwork = true }, nil,
			outcome{[]int{3}, []string{"new_business_network"}}},
		{"第六条第（三）项/open data not addressed", func(s *PreliminarySubmission) { s.OpenDatasets = nil }, nil,
			outcome{[]int{3}, []string{"open_data_not_addressed"}}},
		{"第六条第（三）项/open data statement instead of data sets", func(s *PreliminarySubmission) {
			s.OpenDatasets = nil
			s.OpenDataStatement = "本项目数据均涉及个人信息，不具备开放条件"
		}, nil, outcome{}},

		{"第六条第（四）项/no cryptography plan", func(s *PreliminarySubmission) { s.CryptographyPlan = "" }, nil,
			outcome{[]int{4}, []string{"cryptography_not_planned"}}},
		{"第六条第（四）项/no security plan", func(s *PreliminarySubmission) { s.SecurityPlan = "  " }, nil,
			outcome{[]int{4}, []string{"security_not_planned"}}},
		{"第六条第（四）项/reviewer concern", nil, func(j *ReviewerJudgment) {
			j.Concerns = []Concern{{Criterion: 4, ZH: "密码方案未经密评"}}
		}, outcome{[]int{4}, []string{"reviewer_concern"}}},

		{"第六条/several criteria fail at once", func(s *PreliminarySubmission) {
			s.UsesGovCloud = false
			s.CryptographyPlan = ""
		}, func(j *ReviewerJudgment) { j.TechnicallyFeasible.Passed = false },
			outcome{[]int{2, 3, 4}, []string{"not_technically_feasible", "gov_cloud_not_used", "cryptography_not_planned"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sub, judge := goodSubmission(t), goodJudgment()
			if c.sub != nil {
				c.sub(&sub)
			}
			if c.judge != nil {
				c.judge(&judge)
			}
			r := Preliminary(sub, judge)
			assert.Equal(t, len(c.expect.failed) == 0, r.Passed)
			assert.Empty(t, r.Findings)
			require.Len(t, r.Criteria, 4)
			var failed []int
			for i, cr := range r.Criteria {
				assert.Equal(t, i+1, cr.Number)
				assert.Equal(t, []string{"第六条第（一）项", "第六条第（二）项", "第六条第（三）项", "第六条第（四）项"}[i], cr.Article)
				assert.Equal(t, len(cr.Findings) == 0, cr.Passed)
				assert.NotEmpty(t, cr.ZH)
				if !cr.Passed {
					failed = append(failed, cr.Number)
				}
			}
			assert.Equal(t, c.expect.failed, failed)
			all := r.AllFindings()
			assert.Equal(t, c.expect.codes, codesOf(all))
			assertShape(t, all)
		})
	}
}

func dropKeys(toc []string, lines ...string) []string {
	var out []string
	for _, l := range toc {
		keep := true
		for _, d := range lines {
			if l == d {
				keep = false
			}
		}
		if keep {
			out = append(out, l)
		}
	}
	return out
}

func TestPreliminaryDetails(t *testing.T) {
	t.Run("第六条第（一）项/waived gap is recorded with the reason", func(t *testing.T) {
		sub := goodSubmission(t)
		sub.TableOfContents = dropKeys(sub.TableOfContents, "第六章 项目风险及控制措施")
		j := goodJudgment()
		j.OutlineAdjustments = map[string]string{"6": "风险在第五章一并说明"}
		r := Preliminary(sub, j)
		require.True(t, r.Passed)
		require.Len(t, r.Criteria[0].Waived, 1)
		assert.Contains(t, r.Criteria[0].Waived[0].ZH, "风险在第五章一并说明")
		assert.Contains(t, r.Criteria[0].Waived[0].ZH, "项目风险及控制措施")
	})
	t.Run("第六条第（二）项/the reviewer's reason is in the finding", func(t *testing.T) {
		j := goodJudgment()
		j.TechnicallyFeasible = Verdict{Reason: "接口不可实现"}
		r := Preliminary(goodSubmission(t), j)
		f := r.Criteria[1].Findings[0]
		assertFinding(t, f, "第六条第（二）项", "")
		assert.Contains(t, f.ZH, "接口不可实现")
		assert.Contains(t, f.EN, "接口不可实现")
	})
	t.Run("第四条/cloud and network findings cite 第四条", func(t *testing.T) {
		sub := goodSubmission(t)
		sub.UsesGovCloud, sub.ConnectsSharingPlatform, sub.NewBusinessNetwork = false, false, true
		r := Preliminary(sub, goodJudgment())
		fs := r.Criteria[2].Findings
		require.Len(t, fs, 3)
		assert.Equal(t, []string{"uses_gov_cloud", "connects_sharing_platform", "new_business_network"}, fieldsOf(fs))
		for _, f := range fs {
			assert.Equal(t, "第四条", f.Article)
		}
	})
	t.Run("第六条/operation projects do not take the preliminary review", func(t *testing.T) {
		sub := goodSubmission(t)
		sub.Declaration.Kind = Operation
		r := Preliminary(sub, goodJudgment())
		assert.False(t, r.Passed)
		assert.Equal(t, []string{"preliminary_not_construction"}, codesOf(r.Findings))
		assertFinding(t, r.Findings[0], "第六条", "declaration.kind")
	})
	t.Run("第十九条/classified project is refused", func(t *testing.T) {
		sub := goodSubmission(t)
		sub.Declaration.Classified = true
		r := Preliminary(sub, goodJudgment())
		assert.False(t, r.Passed)
		assert.Equal(t, []string{"classified_project"}, codesOf(r.Findings))
	})
	t.Run("第二条/out-of-scope purchase is refused", func(t *testing.T) {
		sub := goodSubmission(t)
		sub.Declaration.Items = items(ItemPC, ItemCopier)
		r := Preliminary(sub, goodJudgment())
		assert.False(t, r.Passed)
		assert.Equal(t, []string{"out_of_scope"}, codesOf(r.Findings))
	})
	t.Run("第六条/a concern under no criterion is a finding", func(t *testing.T) {
		j := goodJudgment()
		j.Concerns = []Concern{{Criterion: 5, ZH: "其他"}}
		r := Preliminary(goodSubmission(t), j)
		assert.False(t, r.Passed)
		assert.Equal(t, []string{"concern_criterion_invalid"}, codesOf(r.Findings))
		assertFinding(t, r.Findings[0], "第六条", "concerns[0].criterion")
	})
	t.Run("第六条第（三）项/a concern without English falls back to the Chinese text", func(t *testing.T) {
		j := goodJudgment()
		j.Concerns = []Concern{{Criterion: 3, ZH: "开放数据集不可机读"}}
		r := Preliminary(goodSubmission(t), j)
		require.Len(t, r.Criteria[2].Findings, 1)
		assert.Contains(t, r.Criteria[2].Findings[0].EN, "开放数据集不可机读")
		assert.Equal(t, "第六条第（三）项", r.Criteria[2].Findings[0].Article)
	})
}
