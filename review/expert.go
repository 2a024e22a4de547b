package review

import (
	"fmt"
	"slices"
	"strings"
)

// Aspect is one of the five things the expert panel reviews (第七条).
type Aspect string

// The aspects of 第七条: 必要性、可行性、安全性、项目投资的合理性及项目预算明细.
const (
	Necessity             Aspect = "necessity"              // 必要性
	Feasibility           Aspect = "feasibility"            // 可行性
	Security              Aspect = "security"               // 安全性
	InvestmentRationality Aspect = "investment_rationality" // 项目投资的合理性
	BudgetDetail          Aspect = "budget_detail"          // 项目预算明细
)

// Aspects lists the five aspects in the order of 第七条.
func Aspects() []Aspect {
	return []Aspect{Necessity, Feasibility, Security, InvestmentRationality, BudgetDetail}
}

// Valid reports whether a is one of the five aspects.
func (a Aspect) Valid() bool { return slices.Contains(Aspects(), a) }

// ZH returns the aspect in the words of 第七条.
func (a Aspect) ZH() string {
	switch a {
	case Necessity:
		return "必要性"
	case Feasibility:
		return "可行性"
	case Security:
		return "安全性"
	case InvestmentRationality:
		return "项目投资的合理性"
	case BudgetDetail:
		return "项目预算明细"
	}
	return string(a)
}

// EN returns the aspect in English.
func (a Aspect) EN() string {
	switch a {
	case InvestmentRationality:
		return "investment rationality"
	case BudgetDetail:
		return "budget detail"
	}
	return string(a)
}

// ExpertOrganisers lists the bureaus that must organise an expert review
// together (第七条: 区大数据发展局会同区财政局、区发展改革委), by role name.
func ExpertOrganisers() []string {
	return []string{string(RoleBDB), string(RoleFinance), string(RoleDRC)}
}

// bureauZH names a bureau role in Chinese.
func bureauZH(role string) string { return Role(role).ZH() }

// Panelist is an expert who takes part in a review, an acceptance or an
// evaluation (第五条, 第七条 相关领域信息化专家, 第十四条, 第十七条).
type Panelist struct {
	// Name is the expert's name.
	Name string `json:"name"`
	// Employer is the expert's 工作单位 (optional).
	Employer string `json:"employer,omitempty"`
	// Specialty is the expert's field, e.g. 网络安全 (optional).
	Specialty string `json:"specialty,omitempty"`
}

// AspectOpinion is the panel's opinion on one aspect.
type AspectOpinion struct {
	// Aspect is the aspect of 第七条 the opinion is on.
	Aspect Aspect `json:"aspect"`
	// Passed is the panel's verdict on the aspect.
	Passed bool `json:"passed"`
	// Opinion is the panel's reasoning, quoted in a finding when the
	// aspect failed.
	Opinion string `json:"opinion"`
}

// ExpertPanel is the record of an expert review (第七条): who organised it,
// who sat on it, its opinion on each aspect, its written opinion (评审意见)
// and its conclusion with the amount it approves by funding source.
type ExpertPanel struct {
	// Organisers are the bureaus that organised the review, by role:
	// bdb, finance and drc (ExpertOrganisers).
	Organisers []string `json:"organisers"`
	// Experts sat on the panel; at least one.
	Experts []Panelist `json:"experts"`
	// Opinions covers each of the five aspects once.
	Opinions []AspectOpinion `json:"opinions"`
	// Opinion is the written 评审意见.
	Opinion string `json:"opinion"`
	// Passed is the panel's conclusion.
	Passed bool `json:"passed"`
	// Requested is the budget the project asked for (the declaration's).
	Requested Budget `json:"requested"`
	// Approved is the budget the panel approves: per source and in total
	// no more than Requested; it may be less.
	Approved Budget `json:"approved"`
}

// ExpertResult is the outcome of an expert review.
type ExpertResult struct {
	// Passed: the panel passed the project and its record is complete and
	// consistent; the project may go to district deliberation (第七条).
	Passed bool `json:"passed"`
	// Approved is the panel's approved budget.
	Approved Budget `json:"approved"`
	// Reduction is Requested − Approved by source (zero or positive when
	// the record is consistent).
	Reduction Budget `json:"reduction"`
	// Findings say why the review did not pass.
	Findings []Finding `json:"findings,omitempty"`
}

// Expert checks the record of an expert review (第七条) and gives its
// outcome. The review passes only when:
//   - it was organised by bdb with finance and drc;
//   - at least one expert sat on it;
//   - each of the five aspects has exactly one opinion, and each passed
//     (a panel missing an aspect cannot pass);
//   - there is a written opinion and the panel's conclusion is "passed";
//   - the approved amounts are valid (CheckAmount), not more than requested
//     for any source nor in total, and not all zero.
func Expert(panel ExpertPanel) ExpertResult {
	const art = "第七条"
	var fs []Finding
	for _, role := range ExpertOrganisers() {
		if !slices.Contains(panel.Organisers, role) {
			fs = append(fs, Finding{
				Code: "expert_organiser_missing", Article: art, Field: "organisers",
				ZH: fmt.Sprintf("专家评审应由区大数据发展局会同区财政局、区发展改革委组织，缺少%s", bureauZH(role)),
				EN: fmt.Sprintf("the expert review must be organised by bdb with finance and drc; %s is missing", role),
			})
		}
	}
	if len(panel.Experts) == 0 || !slices.ContainsFunc(panel.Experts, func(e Panelist) bool { return !isBlank(e.Name) }) {
		fs = append(fs, Finding{
			Code: "expert_panel_empty", Article: art, Field: "experts",
			ZH: "评审记录未列出参加评审的信息化专家",
			EN: "the record names no expert on the panel",
		})
	}
	seen := make(map[Aspect]int)
	for i, o := range panel.Opinions {
		field := fmt.Sprintf("opinions[%d].aspect", i)
		switch {
		case !o.Aspect.Valid():
			fs = append(fs, Finding{
				Code: "expert_aspect_unknown", Article: art, Field: field,
				ZH: fmt.Sprintf("“%s”不是第七条规定的评审内容（必要性、可行性、安全性、项目投资的合理性、项目预算明细）", o.Aspect),
				EN: fmt.Sprintf("%q is not an aspect of 第七条 (necessity, feasibility, security, investment_rationality, budget_detail)", string(o.Aspect)),
			})
			continue
		case seen[o.Aspect] > 0:
			fs = append(fs, Finding{
				Code: "expert_aspect_duplicated", Article: art, Field: field,
				ZH: fmt.Sprintf("评审意见中%s出现不止一次", o.Aspect.ZH()),
				EN: fmt.Sprintf("the opinions give %s more than once", o.Aspect.EN()),
			})
		}
		seen[o.Aspect]++
		if !o.Passed {
			zh := fmt.Sprintf("专家对%s的评审未通过", o.Aspect.ZH())
			en := fmt.Sprintf("the panel did not pass the project on %s", o.Aspect.EN())
			if !isBlank(o.Opinion) {
				zh += "：" + strings.TrimSpace(o.Opinion)
				en += ": " + strings.TrimSpace(o.Opinion)
			}
			fs = append(fs, Finding{Code: "expert_aspect_failed", Article: art, Field: fmt.Sprintf("opinions[%d].passed", i), ZH: zh, EN: en})
		}
	}
	for _, a := range Aspects() {
		if seen[a] == 0 {
			fs = append(fs, Finding{
				Code: "expert_aspect_missing", Article: art, Field: "opinions",
				ZH: fmt.Sprintf("评审意见缺少对%s的评审", a.ZH()),
				EN: fmt.Sprintf("the opinions do not cover %s", a.EN()),
			})
		}
	}
	if isBlank(panel.Opinion) {
		fs = append(fs, Finding{
			Code: "expert_opinion_missing", Article: art, Field: "opinion",
			ZH: "专家评审未出具书面评审意见",
			EN: "the panel gave no written opinion",
		})
	}
	if !panel.Passed {
		fs = append(fs, Finding{
			Code: "expert_review_not_passed", Article: art, Field: "passed",
			ZH: "专家评审结论为不通过", EN: "the panel's conclusion is that the project does not pass",
		})
	}
	fs = append(fs, checkApproved(art, panel.Requested, panel.Approved, "requested", "approved")...)
	if panel.Passed && panel.Approved.IsZero() {
		fs = append(fs, Finding{
			Code: "expert_approved_zero", Article: art, Field: "approved",
			ZH: "评审通过但核定金额为零", EN: "the panel passed the project but approved no amount",
		})
	}
	return ExpertResult{
		Passed:    len(fs) == 0,
		Approved:  panel.Approved,
		Reduction: panel.Requested.Sub(panel.Approved),
		Findings:  fs,
	}
}

// checkApproved checks an approved or recommended budget against the
// requested one: every amount valid, none higher per source nor in total.
func checkApproved(art string, requested, approved Budget, reqField, apprField string) []Finding {
	fs := requested.Check(reqField)
	fs = append(fs, approved.Check(apprField)...)
	if len(fs) > 0 {
		return fs
	}
	for _, s := range FundingSources() {
		r, a := requested.Get(s), approved.Get(s)
		if a.GreaterThan(r) {
			fs = append(fs, Finding{
				Code: "approved_exceeds_requested", Article: art, Field: apprField + "." + string(s),
				ZH: fmt.Sprintf("%s核定 %s 万元，高于申报的 %s 万元", s.ZH(), a.String(), r.String()),
				EN: fmt.Sprintf("%s: %s 万元 approved is more than the %s 万元 requested", s.EN(), a.String(), r.String()),
			})
		}
	}
	if r, a := requested.Total(), approved.Total(); a.GreaterThan(r) {
		fs = append(fs, Finding{
			Code: "approved_exceeds_requested", Article: art, Field: apprField + ".total",
			ZH: fmt.Sprintf("核定合计 %s 万元，高于申报合计 %s 万元", a.String(), r.String()),
			EN: fmt.Sprintf("the approved total %s 万元 is more than the requested total %s 万元", a.String(), r.String()),
		})
	}
	return fs
}
