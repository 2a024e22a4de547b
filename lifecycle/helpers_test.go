package lifecycle_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// The parties of the tests.
var (
	unitA   = lifecycle.Actor{ID: "zhang", Unit: "区教委", Roles: []lifecycle.Role{lifecycle.RoleUnit}}
	unitB   = lifecycle.Actor{ID: "li", Unit: "区卫健委", Roles: []lifecycle.Role{lifecycle.RoleUnit}}
	bdb     = lifecycle.Actor{ID: "wang", Unit: "区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}}
	drc     = lifecycle.Actor{ID: "zhao", Unit: "区发展改革委", Roles: []lifecycle.Role{lifecycle.RoleDRC}}
	finance = lifecycle.Actor{ID: "qian", Unit: "区财政局", Roles: []lifecycle.Role{lifecycle.RoleFinance}}
	gov     = lifecycle.Actor{ID: "sun", Unit: "区政府", Roles: []lifecycle.Role{lifecycle.RoleGovernment}}
	auditor = lifecycle.Actor{ID: "zhou", Unit: "区审计局", Roles: []lifecycle.Role{lifecycle.RoleAudit}}
	cac     = lifecycle.Actor{ID: "wu", Unit: "区委网信办", Roles: []lifecycle.Role{lifecycle.RoleCAC}}
)

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to 10:00 Beijing time of the date y-m-d.
func (c *clock) Set(y int, m time.Month, d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = at(y, m, d)
}

// at is 10:00 Beijing time of y-m-d.
func at(y int, m time.Month, d int) time.Time {
	return calendar.Date(y, m, d).Add(10 * time.Hour)
}

// day is midnight Beijing time of y-m-d.
func day(y int, m time.Month, d int) time.Time { return calendar.Date(y, m, d) }

// declaration is a complete declaration of unit 区教委.
func declaration(kind review.Kind, fixedAsset bool, budget review.Budget) review.Declaration {
	d := review.Declaration{
		Unit:                "区教委",
		Name:                "智慧教育云平台",
		Contact:             review.Contact{Name: "张三", Phone: "023-67812345"},
		Period:              review.Period{Start: "2025-03", End: "2026-06"},
		Kind:                kind,
		ProcurementCategory: review.Service,
		FixedAsset:          fixedAsset,
		Budget:              budget,
		FundComposition:     "区财政资金",
		Content:             "建设全区中小学统一的教育管理与资源共享平台",
		Cloud:               "部署于区政务云",
		Sharing:             "接入区政务数据共享交换平台",
		Integration:         "整合现有三个业务系统",
	}
	if kind == review.Construction {
		d.ConstructionType = review.NewBuild
	} else {
		d.Name = "智慧教育云平台运维"
		d.Content = "智慧教育云平台的年度运行维护"
		d.BudgetYear = 2026
	}
	return d
}

// js marshals v for a payload.
func js(t require.TestingT, v any) json.RawMessage {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return data
}

// toc is a table of contents that follows 附件2 completely.
func toc() []string {
	var lines []string
	for _, c := range review.Outline() {
		lines = append(lines, fmt.Sprintf("第%d章 %s", c.Number, c.Title))
		for _, s := range c.Sections {
			lines = append(lines, fmt.Sprintf("%d. %s", s.Number, s.Title))
		}
	}
	return lines
}

// preliminary is the payload of a preliminary review that passes, or that
// fails on the reviewer's concern under criterion 2.
func preliminary(pass bool) map[string]any {
	judgment := map[string]any{
		"materials_clear":       map[string]any{"passed": true},
		"technically_feasible":  map[string]any{"passed": true},
		"economically_rational": map[string]any{"passed": true},
	}
	if !pass {
		judgment["economically_rational"] = map[string]any{"passed": false, "reason": "投资估算偏高"}
	}
	return map[string]any{
		"submission": map[string]any{
			"table_of_contents":         toc(),
			"uses_gov_cloud":            true,
			"connects_sharing_platform": true,
			"open_data_statement":       "教育资源目录向社会开放",
			"cryptography_plan":         "采用国密算法",
			"security_plan":             "按等保三级设计",
		},
		"judgment": judgment,
	}
}

// expert is the payload of an expert review that approves approved, or
// that does not pass the project.
func expert(pass bool, approved review.Budget) map[string]any {
	var opinions []map[string]any
	for _, a := range review.Aspects() {
		opinions = append(opinions, map[string]any{"aspect": a, "passed": pass || a != review.Necessity, "opinion": "同意"})
	}
	return map[string]any{
		"organisers": []string{"bdb", "finance", "drc"},
		"experts":    []map[string]any{{"name": "李教授", "specialty": "教育信息化"}},
		"opinions":   opinions,
		"opinion":    "项目必要、可行",
		"passed":     pass,
		"approved":   approved,
	}
}

// omEvaluation is the payload of an O&M evaluation recommending
// recommended with grade.
func omEvaluation(grade review.OMGrade, recommended review.Budget) map[string]any {
	return map[string]any{
		"organisers":  []string{"bdb", "finance"},
		"experts":     []map[string]any{{"name": "陈工"}},
		"grade":       grade,
		"opinion":     "运维需求合理",
		"recommended": recommended,
	}
}

func contract(id, amount, signedOn string, supervision bool) map[string]any {
	return map[string]any{"contract": map[string]any{
		"id": id, "title": "合同 " + id, "amount": amount, "signed_on": signedOn,
		"supplier": "重庆某信息技术有限公司", "supervision": supervision,
	}}
}

// acceptanceFacts is the payload of apply_acceptance with every
// prerequisite of 第十四条.
func acceptanceFacts(fixedAsset bool, contracts ...string) map[string]any {
	docs := []string{review.DocConstructionPlan, review.DocProcurementDocuments, review.DocContracts}
	if fixedAsset {
		docs = append(docs, review.DocInitiationApproval)
	}
	facts := map[string]any{"documents": docs, "data_catalog_compiled": true, "sharing_platform_connected": true}
	if len(contracts) > 0 {
		facts["contracts"] = contracts
	}
	return map[string]any{"facts": facts}
}

// allDocuments is the payload of archive with the eleven documents.
func allDocuments() map[string]any {
	var keys []string
	for _, d := range review.Documents() {
		keys = append(keys, d.Key)
	}
	return map[string]any{"documents": keys}
}

// changeOf is the payload of request_change moving amount 万元 of district
// funds into new content.
func changeOf(amount string) map[string]any {
	return map[string]any{
		"reason": "需求调整",
		"items":  []map[string]any{{"item": "新增移动端", "source": "district", "old": "0", "new": amount}},
	}
}

// newEngine returns an engine on a memory store with a settable clock and
// sequential project IDs.
func newEngine(t testing.TB, c *clock, opts ...func(*lifecycle.Config)) *lifecycle.Engine {
	t.Helper()
	n := 0
	var mu sync.Mutex
	cfg := lifecycle.Config{
		Store: lifecycle.NewMemoryStore(),
		Clock: c.Now,
		NewID: func() string {
			mu.Lock()
			defer mu.Unlock()
			n++
			return fmt.Sprintf("P%03d", n)
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	e, err := lifecycle.New(cfg)
	require.NoError(t, err)
	return e
}

// do takes an action that must succeed.
func do(t testing.TB, e *lifecycle.Engine, id string, actor lifecycle.Actor, action lifecycle.Action, payload any) *lifecycle.Project {
	t.Helper()
	var raw json.RawMessage
	if payload != nil {
		raw = js(t, payload)
	}
	p, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, actor, action, raw)
	require.NoError(t, err, "%s by %s", action, actor.ID)
	return p
}

// refused takes an action that must fail with kind, and returns the error.
func refused(t testing.TB, e *lifecycle.Engine, id string, actor lifecycle.Actor, action lifecycle.Action, payload any, kind lifecycle.Kind) *lifecycle.Error {
	t.Helper()
	var raw json.RawMessage
	if payload != nil {
		raw = js(t, payload)
	}
	_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, actor, action, raw)
	require.Error(t, err, "%s by %s", action, actor.ID)
	var le *lifecycle.Error
	require.ErrorAs(t, err, &le)
	require.Equal(t, kind, le.Kind, "%s by %s: %v", action, actor.ID, err)
	require.NotEmpty(t, le.Code)
	require.NotEmpty(t, le.ZH)
	require.NotEmpty(t, le.EN)
	return le
}

// mustBudget is review.MustBudget for district funds only.
func district(amount string) review.Budget { return review.MustBudget("", "", amount, "") }

// replayed reloads a project from the engine's events.
func replayed(t testing.TB, e *lifecycle.Engine, id string) *lifecycle.Project {
	t.Helper()
	events, err := e.Events(context.Background(), bdb, id)
	require.NoError(t, err)
	p, err := lifecycle.Replay(events)
	require.NoError(t, err)
	return p
}

func reviewKind(k string) review.Kind { return review.Kind(k) }
