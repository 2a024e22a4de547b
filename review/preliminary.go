package review

import (
	"fmt"
	"slices"
	"strings"
)

// PreliminarySubmission is what a unit hands in for the preliminary review
// of a 建设类 project (第六条): the declaration, the table of contents of
// its requirement specification (附件2), and the facts of its plan that
// 第四条 and 第六条第（三）、（四）项 ask about.
type PreliminarySubmission struct {
	// Declaration is the 附件1 form. Its CloudExemption and
	// SharingExemption cite the law or policy for not using 政务云 or not
	// connecting to the sharing platform (第四条).
	Declaration Declaration `json:"declaration"`
	// TableOfContents lists the headings of the requirement specification,
	// one a line (see CheckOutline).
	TableOfContents []string `json:"table_of_contents"`
	// TableOfContentsFrom records where TableOfContents was read from
	// when it was read from the filed specification itself rather than
	// typed in; nil for a table of contents entered by hand.
	TableOfContentsFrom *TOCSource `json:"table_of_contents_from,omitempty"`
	// UsesGovCloud: the project is deployed on 政务云 (第四条).
	UsesGovCloud bool `json:"uses_gov_cloud"`
	// ConnectsSharingPlatform: the project connects to the
	// 政务数据共享交换平台 (第四条, 第六条第（三）项).
	ConnectsSharingPlatform bool `json:"connects_sharing_platform"`
	// NewBusinessNetwork: the project builds a new dedicated business
	// network (业务专网), which 第四条 forbids.
	NewBusinessNetwork bool `json:"new_business_network"`
	// OpenDatasets names the data sets the project will open to the public
	// (第六条第（三）项 公共数据开放).
	OpenDatasets []string `json:"open_datasets,omitempty"`
	// OpenDataStatement explains the project's open-data position, and is
	// required when OpenDatasets is empty (e.g. why no data set can be
	// opened).
	OpenDataStatement string `json:"open_data_statement,omitempty"`
	// CryptographyPlan summarises the commercial cryptography application
	// (商用密码应用) of the project (第六条第（四）项).
	CryptographyPlan string `json:"cryptography_plan"`
	// SecurityPlan summarises the information security planning and design
	// (信息安全规划和设计) (第六条第（四）项).
	SecurityPlan string `json:"security_plan"`
}

// TOCSource names the file a table of contents was read from: the
// document's slot and version, its digest, and how it was read
// ("docx_headings", "pdf_bookmarks", "ofd_outline").
type TOCSource struct {
	Slot    string `json:"slot"`
	Version int    `json:"version"`
	Digest  string `json:"digest"`
	Source  string `json:"source"`
}

// Verdict is a reviewer's yes or no on one question, with the reason. The
// zero value is "no": a question the reviewer did not answer does not pass.
type Verdict struct {
	// Passed is the reviewer's yes.
	Passed bool `json:"passed"`
	// Reason explains the verdict; it is quoted in the finding of a no.
	Reason string `json:"reason,omitempty"`
}

// Concern is a reviewer's objection under one criterion of 第六条 (1–4),
// beyond what the submission's facts show; any concern fails its criterion.
type Concern struct {
	// Criterion is the criterion of 第六条 the concern falls under, 1–4.
	Criterion int `json:"criterion"`
	// ZH is the objection in Chinese.
	ZH string `json:"zh"`
	// EN is the objection in English; when empty the finding quotes ZH.
	EN string `json:"en,omitempty"`
}

// ReviewerJudgment is what 区大数据发展局's reviewer decides at the
// preliminary review, which no document can decide alone.
type ReviewerJudgment struct {
	// MaterialsClear: the materials are clear, reasonable and definite
	// (第六条第（一）项 清晰、合理和明确); completeness is checked from the
	// table of contents.
	MaterialsClear Verdict `json:"materials_clear"`
	// TechnicallyFeasible: 第六条第（二）项 技术可行性.
	TechnicallyFeasible Verdict `json:"technically_feasible"`
	// EconomicallyRational: 第六条第（二）项 经济合理性.
	EconomicallyRational Verdict `json:"economically_rational"`
	// OutlineAdjustments accepts gaps in the outline as adjustments (附件2
	// 注：本编制大纲可根据项目的具体情况做适当调整): outline key ("6",
	// "4.3") to the reviewer's reason. An adjustment without a reason, or
	// for a key not in the outline, is itself a finding.
	OutlineAdjustments map[string]string `json:"outline_adjustments,omitempty"`
	// Concerns are the reviewer's own objections, each failing its
	// criterion.
	Concerns []Concern `json:"concerns,omitempty"`
}

// CriterionResult is the outcome of one criterion of 第六条.
type CriterionResult struct {
	// Number is the criterion, 1–4.
	Number int `json:"number"`
	// Article cites it, e.g. "第六条第（三）项".
	Article string `json:"article"`
	// ZH and EN state the criterion.
	ZH string `json:"zh"`
	EN string `json:"en"`
	// Passed is true when there are no findings.
	Passed bool `json:"passed"`
	// Findings say why the criterion failed.
	Findings []Finding `json:"findings,omitempty"`
	// Waived are outline gaps the reviewer accepted as adjustments, with
	// the reason appended; they do not fail the criterion.
	Waived []Finding `json:"waived,omitempty"`
}

// PreliminaryResult is the outcome of the preliminary review (第六条).
type PreliminaryResult struct {
	// Passed is true when every criterion passed and Findings is empty. A
	// project that did not pass may not go to expert review (第六条).
	Passed bool `json:"passed"`
	// Findings stop the review before its criteria: the project is
	// classified (第十九条), out of scope (第二条) or not 建设类 (第六条), or
	// the judgment names a criterion that does not exist.
	Findings []Finding `json:"findings,omitempty"`
	// Criteria are the four criteria of 第六条, in order.
	Criteria []CriterionResult `json:"criteria"`
}

// AllFindings lists the result's findings, those outside the criteria
// first, then each criterion's in order.
func (r PreliminaryResult) AllFindings() []Finding {
	fs := slices.Clone(r.Findings)
	for _, c := range r.Criteria {
		fs = append(fs, c.Findings...)
	}
	return fs
}

// criterionArticle cites criterion n of 第六条.
func criterionArticle(n int) string {
	return fmt.Sprintf("第六条第（%s）项", chineseNumeral(n))
}

var criterionTexts = [5][2]string{
	{},
	{"项目材料章节内容是否完整、清晰、合理和明确", "the materials are complete, clear, reasonable and definite"},
	{"是否具备技术可行性和经济合理性", "the project is technically feasible and economically rational"},
	{"是否采用政务云平台、同步考虑接入政务数据共享交换平台，是否体现公共数据开放有关要求", "the project uses 政务云, connects to the data sharing platform and meets the open-data requirements"},
	{"是否同步考虑密码应用、信息安全规划和设计", "the project plans cryptography and information security together with its design"},
}

// Preliminary runs the preliminary review of a 建设类 project (第六条) as a
// checklist of its four criteria. What the submission shows is checked
// here; what needs judgment comes from the reviewer:
//
//   - (一) materials: the table of contents against 附件2 (CheckOutline),
//     less the gaps the reviewer accepts as adjustments, and the reviewer's
//     verdict on clarity;
//   - (二) the reviewer's verdicts on technical feasibility and economic
//     rationality;
//   - (三) 政务云 used or an exemption cited, the sharing platform connected
//     or an exemption cited, no new 业务专网 (all 第四条), and the open-data
//     position stated;
//   - (四) a commercial cryptography plan and a security plan.
//
// Reviewer concerns fail their criterion. Any failed criterion fails the
// review, and the result says which and why.
func Preliminary(sub PreliminarySubmission, judgment ReviewerJudgment) PreliminaryResult {
	var r PreliminaryResult
	d := sub.Declaration
	r.Findings = append(r.Findings, CheckScope(d)...)
	if d.Kind != Construction {
		r.Findings = append(r.Findings, Finding{
			Code: "preliminary_not_construction", Article: "第六条", Field: "declaration.kind",
			ZH: fmt.Sprintf("初步审核只适用于建设类项目，本项目类别为“%s”", d.Kind.ZH()),
			EN: fmt.Sprintf("the preliminary review is for construction projects; this one is %q", string(d.Kind)),
		})
	}
	concerns := make(map[int][]Finding)
	for i, c := range judgment.Concerns {
		if c.Criterion < 1 || c.Criterion > 4 {
			r.Findings = append(r.Findings, Finding{
				Code: "concern_criterion_invalid", Article: "第六条", Field: fmt.Sprintf("concerns[%d].criterion", i),
				ZH: fmt.Sprintf("审核意见所指的审核内容第 %d 项不存在，第六条只有第（一）至（四）项", c.Criterion),
				EN: fmt.Sprintf("a concern names criterion %d; 第六条 has criteria 1 to 4", c.Criterion),
			})
			continue
		}
		en := c.EN
		if en == "" {
			en = c.ZH
		}
		concerns[c.Criterion] = append(concerns[c.Criterion], Finding{
			Code: "reviewer_concern", Article: criterionArticle(c.Criterion),
			ZH: "审核人员意见：" + c.ZH, EN: "reviewer's concern: " + en,
		})
	}

	c1, waived := criterionMaterials(sub, judgment)
	checks := [][]Finding{
		nil,
		c1,
		criterionFeasibility(judgment),
		criterionCloudAndData(sub),
		criterionSecurity(sub),
	}
	r.Passed = len(r.Findings) == 0
	for n := 1; n <= 4; n++ {
		fs := append(checks[n], concerns[n]...)
		cr := CriterionResult{
			Number: n, Article: criterionArticle(n),
			ZH: criterionTexts[n][0], EN: criterionTexts[n][1],
			Passed: len(fs) == 0, Findings: fs,
		}
		if n == 1 {
			cr.Waived = waived
		}
		r.Passed = r.Passed && cr.Passed
		r.Criteria = append(r.Criteria, cr)
	}
	return r
}

// criterionMaterials is 第六条第（一）项.
func criterionMaterials(sub PreliminarySubmission, j ReviewerJudgment) (fs, waived []Finding) {
	keys := make(map[string]bool)
	for _, c := range Outline() {
		keys[c.Key()] = true
		for _, s := range c.Sections {
			keys[s.Key()] = true
		}
	}
	adjKeys := make([]string, 0, len(j.OutlineAdjustments))
	for k := range j.OutlineAdjustments {
		adjKeys = append(adjKeys, k)
	}
	slices.Sort(adjKeys)
	for _, k := range adjKeys {
		switch {
		case !keys[k]:
			fs = append(fs, Finding{
				Code: "outline_adjustment_unknown", Article: OutlineArticle, Field: "outline_adjustments." + k,
				ZH: fmt.Sprintf("调整说明所指的“%s”不是附件2编制大纲的章节编号", k),
				EN: fmt.Sprintf("the adjustment names %q, which is not a chapter or section of the 附件2 outline", k),
			})
		case isBlank(j.OutlineAdjustments[k]):
			fs = append(fs, Finding{
				Code: "outline_adjustment_without_reason", Article: OutlineArticle, Field: "outline_adjustments." + k,
				ZH: fmt.Sprintf("对编制大纲第 %s 项的调整未说明理由", k),
				EN: fmt.Sprintf("the adjustment of outline item %s gives no reason", k),
			})
		}
	}
	for _, g := range outlineGaps(sub.TableOfContents) {
		reason := j.OutlineAdjustments[g.key]
		if isBlank(reason) {
			fs = append(fs, g.finding)
			continue
		}
		w := g.finding
		w.ZH += "（审核人员同意调整：" + strings.TrimSpace(reason) + "）"
		w.EN += " (adjustment accepted by the reviewer: " + strings.TrimSpace(reason) + ")"
		waived = append(waived, w)
	}
	if !j.MaterialsClear.Passed {
		fs = append(fs, reviewerFinding("materials_unclear", 1, j.MaterialsClear.Reason,
			"审核人员未确认项目材料清晰、合理和明确", "the reviewer did not find the materials clear, reasonable and definite"))
	}
	return fs, waived
}

// criterionFeasibility is 第六条第（二）项.
func criterionFeasibility(j ReviewerJudgment) []Finding {
	var fs []Finding
	if !j.TechnicallyFeasible.Passed {
		fs = append(fs, reviewerFinding("not_technically_feasible", 2, j.TechnicallyFeasible.Reason,
			"审核人员未确认项目具备技术可行性", "the reviewer did not find the project technically feasible"))
	}
	if !j.EconomicallyRational.Passed {
		fs = append(fs, reviewerFinding("not_economically_rational", 2, j.EconomicallyRational.Reason,
			"审核人员未确认项目具备经济合理性", "the reviewer did not find the project economically rational"))
	}
	return fs
}

func reviewerFinding(code string, criterion int, reason, zh, en string) Finding {
	if !isBlank(reason) {
		zh += "：" + strings.TrimSpace(reason)
		en += ": " + strings.TrimSpace(reason)
	}
	return Finding{Code: code, Article: criterionArticle(criterion), ZH: zh, EN: en}
}

// criterionCloudAndData is 第六条第（三）项 with the obligations of 第四条.
func criterionCloudAndData(sub PreliminarySubmission) []Finding {
	var fs []Finding
	d := sub.Declaration
	if !sub.UsesGovCloud && isBlank(d.CloudExemption) {
		fs = append(fs, Finding{
			Code: "gov_cloud_not_used", Article: "第四条", Field: "uses_gov_cloud",
			ZH: "项目未使用政务云，也未引用法律、行政法规或党中央、国务院和重庆市政策的明确规定作为例外依据（declaration.cloud_exemption）",
			EN: "the project does not use 政务云 and cites no law, regulation or central or Chongqing policy that exempts it (declaration.cloud_exemption)",
		})
	}
	if !sub.ConnectsSharingPlatform && isBlank(d.SharingExemption) {
		fs = append(fs, Finding{
			Code: "sharing_platform_not_connected", Article: "第四条", Field: "connects_sharing_platform",
			ZH: "项目未接入政务数据共享交换平台，也未引用法律、政策的明确规定作为例外依据（declaration.sharing_exemption）",
			EN: "the project does not connect to the government data sharing and exchange platform and cites no law or policy that exempts it (declaration.sharing_exemption)",
		})
	}
	if sub.NewBusinessNetwork {
		fs = append(fs, Finding{
			Code: "new_business_network", Article: "第四条", Field: "new_business_network",
			ZH: "项目拟新建业务专网；各部门应通过电子政务网络传输政务数据资源，不再新建业务专网",
			EN: "the project builds a new dedicated business network; government data must travel over the e-government network and no new business networks may be built",
		})
	}
	if len(sub.OpenDatasets) == 0 && isBlank(sub.OpenDataStatement) {
		fs = append(fs, Finding{
			Code: "open_data_not_addressed", Article: criterionArticle(3), Field: "open_datasets",
			ZH: "项目未体现公共数据开放要求：既未列出向社会开放的数据集，也未说明开放情况（open_data_statement）",
			EN: "the project does not address open data: it lists no data set to open to the public and gives no open-data statement (open_data_statement)",
		})
	}
	return fs
}

// criterionSecurity is 第六条第（四）项.
func criterionSecurity(sub PreliminarySubmission) []Finding {
	var fs []Finding
	if isBlank(sub.CryptographyPlan) {
		fs = append(fs, Finding{
			Code: "cryptography_not_planned", Article: criterionArticle(4), Field: "cryptography_plan",
			ZH: "项目未同步考虑密码应用（缺少商用密码应用方案）",
			EN: "the project does not plan its use of commercial cryptography",
		})
	}
	if isBlank(sub.SecurityPlan) {
		fs = append(fs, Finding{
			Code: "security_not_planned", Article: criterionArticle(4), Field: "security_plan",
			ZH: "项目未同步考虑信息安全规划和设计",
			EN: "the project does not plan and design its information security",
		})
	}
	return fs
}
