package lifecycle_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// An embedder builds an engine on a store, declares a project for a unit,
// and takes the bureau's actions on it; every refusal cites its article.
func ExampleEngine() {
	ctx := context.Background()
	now := calendar.Date(2025, time.March, 3).Add(10 * time.Hour)
	engine, err := lifecycle.New(lifecycle.Config{
		Store: lifecycle.NewMemoryStore(),
		Clock: func() time.Time { return now },
		NewID: func() string { return "XM-2025-001" },
	})
	if err != nil {
		panic(err)
	}
	unit := lifecycle.Actor{ID: "zhang", Unit: "区教委", Roles: []lifecycle.Role{lifecycle.RoleUnit}}
	bureau := lifecycle.Actor{ID: "wang", Unit: "区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}}

	p, _, err := engine.Declare(ctx, unit, review.Declaration{
		Unit: "区教委", Name: "智慧教育云平台",
		Contact:             review.Contact{Name: "张三", Phone: "023-67812345"},
		Period:              review.Period{Start: "2025-03", End: "2026-06"},
		Kind:                review.Construction,
		ConstructionType:    review.NewBuild,
		ProcurementCategory: review.Service,
		Budget:              review.MustBudget("", "", "300", ""),
		FundComposition:     "区财政资金",
		Content:             "全区中小学教育管理与资源共享平台",
		Cloud:               "部署于区政务云",
		Sharing:             "接入区政务数据共享交换平台",
		Integration:         "整合现有业务系统",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.ID, p.State, p.Version)

	// Expert review before the preliminary review is refused.
	_, _, err = engine.Do(ctx, p.ID, p.Version, bureau, lifecycle.ExpertReviewPayload{})
	var le *lifecycle.Error
	if errors.As(err, &le) {
		fmt.Println(le.Kind, le.Article)
	}

	// The preliminary review finds the open-data position missing.
	submission := json.RawMessage(`{
		"submission": {"uses_gov_cloud": true, "connects_sharing_platform": true,
		               "cryptography_plan": "国密", "security_plan": "等保三级"},
		"judgment": {"materials_clear": {"passed": true}, "technically_feasible": {"passed": true},
		             "economically_rational": {"passed": true}}}`)
	p, ev, err := engine.DoJSON(ctx, p.ID, p.Version, bureau, lifecycle.ActPreliminaryReview, submission)
	if err != nil {
		panic(err)
	}
	fmt.Println(ev.Action, ev.Article, "→", p.State)
	permitted, _ := engine.Permitted(ctx, unit, p.ID)
	fmt.Println("the unit may now:", permitted)
	// Output:
	// XM-2025-001 declared 1
	// refused 第六条
	// preliminary_review 第六条 → returned
	// the unit may now: [declare withdraw]
}

// The diagram of a kind is drawn from the transition table the engine
// runs.
func ExampleMermaid() {
	lines := strings.Split(lifecycle.Mermaid(review.Operation), "\n")
	for _, l := range lines {
		if strings.Contains(l, "terminate_contract") || l == "stateDiagram-v2" {
			fmt.Println(strings.TrimSpace(l))
		}
	}
	// Output:
	// stateDiagram-v2
	// operating --> operating: terminate_contract remaining · unit · 第十三条
	// operating --> terminated: terminate_contract last · unit · 第十三条
}

// The filing deadline of 第十二条 counts working days over the 2025
// National Day holiday, including the makeup Sunday 09-28 and Saturday
// 10-11: a contract signed on Friday 09-26 is due on Monday 10-13.
func ExampleEngine_Obligations() {
	ctx := context.Background()
	now := calendar.Date(2025, time.September, 1)
	engine, _ := lifecycle.New(lifecycle.Config{
		Store: lifecycle.NewMemoryStore(),
		Clock: func() time.Time { return now },
		NewID: func() string { return "XM-1" },
	})
	unit := lifecycle.Actor{ID: "zhang", Unit: "区教委", Roles: []lifecycle.Role{lifecycle.RoleUnit}}
	d := review.Declaration{
		Unit: "区教委", Name: "教育资源平台",
		Contact: review.Contact{Name: "张三", Phone: "13912345678"}, Period: review.Period{Start: "2025-09", End: "2026-06"},
		Kind: review.Operation, ProcurementCategory: review.Service, BudgetYear: 2026,
		Budget: review.MustBudget("", "", "50", ""), FundComposition: "区财政资金", Content: "平台年度运维",
		Cloud: "政务云", Sharing: "已接入", Integration: "无",
	}
	p, _, _ := engine.Declare(ctx, unit, d)
	steps := []struct {
		actor   lifecycle.Actor
		action  lifecycle.Action
		payload string
	}{
		{lifecycle.Actor{ID: "wang", Roles: []lifecycle.Role{lifecycle.RoleBDB}}, lifecycle.ActOMEvaluation,
			`{"organisers":["bdb","finance"],"agency":"某评估机构","grade":"good","opinion":"合理","recommended":{"district":"50"}}`},
		{lifecycle.Actor{ID: "qian", Roles: []lifecycle.Role{lifecycle.RoleFinance}}, lifecycle.ActBudget, `{"year":2026,"type":"additional"}`},
		{unit, lifecycle.ActSignContract, `{"contract":{"id":"HT-1","title":"运维服务","amount":"50","signed_on":"2025-09-26","supplier":"某公司"}}`},
	}
	for _, s := range steps {
		if _, _, err := engine.DoJSON(ctx, p.ID, lifecycle.AnyVersion, s.actor, s.action, json.RawMessage(s.payload)); err != nil {
			panic(err)
		}
		now = calendar.Date(2025, time.September, 26)
	}
	obs, err := engine.Obligations(ctx, unit, p.ID, calendar.Date(2025, time.October, 14))
	if err != nil {
		panic(err)
	}
	for _, o := range obs {
		fmt.Println(o.Duty, o.Ref, o.Article, "due", o.Due.Format(time.DateOnly), o.Status, o.LateBy)
	}
	// Output:
	// contract_filing HT-1 第十二条 due 2025-10-13 overdue 1
	// om_declaration 2027 第五条 due 2026-12-31 pending 0
}
