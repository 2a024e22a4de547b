package review_test

import (
	"fmt"

	"github.com/govit-cn/govit/review"
)

func ExampleValidator_Declaration() {
	// Keep one Validator and reuse it; it is safe for concurrent use.
	v := review.NewValidator()

	d, err := review.ParseDeclaration([]byte(`{
	  "unit": "重庆市渝北区城市管理局",
	  "name": "渝北区智慧城管综合指挥平台",
	  "contact": {"name": "张三", "phone": "023-6781234"},
	  "period": {"start": "2021-03", "end": "2020-12"},
	  "kind": "construction",
	  "construction_type": "new",
	  "procurement_category": "service",
	  "budget": {"municipal": "100", "district": "250.5000001", "total": "350.5"},
	  "fund_composition": "软件开发、硬件及安装",
	  "content": "建设城市管理综合指挥平台",
	  "cloud": "部署于区政务云",
	  "sharing": "接入区政务数据共享交换平台",
	  "integration": "整合现有数字城管系统"
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := v.Declaration(d); err != nil {
		for _, f := range err.(*review.Error).Findings {
			fmt.Printf("%s [%s] %s\n  %s\n", f.Code, f.Article, f.ZH, f.EN)
		}
	}
	// Output:
	// phone_invalid [附件1] 联系电话必须是重庆市固定电话（如023-67812345）或手机号码（contact.phone）
	//   contact.phone must be a Chongqing landline such as 023-67812345 or a mainland mobile number such as 13912345678, not "023-6781234"
	// period_end_before_start [附件1] 项目周期（止）2020-12 早于项目周期（起）2021-03（period.end）
	//   period.end 2020-12 is before period.start 2021-03
	// amount_too_precise [附件1] budget.district 金额最多保留 6 位小数（万元，精确到分）：250.5000001
	//   budget.district may have at most 6 decimal places of 万元 (one fen): 250.5000001
}

func ExamplePreliminary() {
	d, _ := review.ParseDeclaration([]byte(`{
	  "unit": "重庆市渝北区城市管理局", "name": "渝北区智慧城管综合指挥平台",
	  "kind": "construction", "construction_type": "new",
	  "items": [{"category": "application"}]
	}`))
	toc := []string{}
	for _, c := range review.Outline() {
		if c.Number == 6 {
			continue // the risk chapter is left out
		}
		toc = append(toc, fmt.Sprintf("第%d章 %s", c.Number, c.Title))
		for _, s := range c.Sections {
			toc = append(toc, fmt.Sprintf("%s %s", s.Key(), s.Title))
		}
	}
	sub := review.PreliminarySubmission{
		Declaration:             d,
		TableOfContents:         toc,
		UsesGovCloud:            true,
		ConnectsSharingPlatform: true,
		OpenDatasets:            []string{"城市管理案件统计"},
		SecurityPlan:            "按等保三级设计",
		// No cryptography plan.
	}
	judgment := review.ReviewerJudgment{
		MaterialsClear:       review.Verdict{Passed: true},
		TechnicallyFeasible:  review.Verdict{Passed: true},
		EconomicallyRational: review.Verdict{Passed: true},
	}
	r := review.Preliminary(sub, judgment)
	fmt.Println("passed:", r.Passed)
	for _, c := range r.Criteria {
		fmt.Println(c.Article, c.Passed)
		for _, f := range c.Findings {
			fmt.Println("  ", f.Code, f.ZH)
		}
	}
	// Output:
	// passed: false
	// 第六条第（一）项 false
	//    outline_chapter_missing 需求说明缺少附件2编制大纲的第六章 项目风险及控制措施
	// 第六条第（二）项 true
	// 第六条第（三）项 true
	// 第六条第（四）项 false
	//    cryptography_not_planned 项目未同步考虑密码应用（缺少商用密码应用方案）
}
