package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
	"github.com/govit-cn/govit/review/corpus"
)

// The parties of the seeded portfolio.
var (
	bdb     = lifecycle.Actor{ID: "bdb", Unit: "区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}}
	gov     = lifecycle.Actor{ID: "gov", Unit: "区政府", Roles: []lifecycle.Role{lifecycle.RoleGovernment}}
	finance = lifecycle.Actor{ID: "finance", Unit: "区财政局", Roles: []lifecycle.Role{lifecycle.RoleFinance}}
	auditor = lifecycle.Actor{ID: "audit", Unit: "区审计局", Roles: []lifecycle.Role{lifecycle.RoleAudit}}
	cac     = lifecycle.Actor{ID: "cac", Unit: "区委网信办", Roles: []lifecycle.Role{lifecycle.RoleCAC}}
)

// quietUnit declares only on the day of seeding: it has nothing overdue,
// the case where an overdue list must answer from the index alone.
const quietUnit = "区气象局"

// historyUnit owns the projects with long histories.
const historyUnit = "区教委"

func unitActor(unit string) lifecycle.Actor {
	return lifecycle.Actor{ID: "unit-" + unit, Unit: unit, Roles: []lifecycle.Role{lifecycle.RoleUnit}}
}

func declarationOf(p corpus.Project) review.Declaration {
	return review.Declaration{
		Unit: p.Unit, Name: p.Name, Kind: review.Construction, ConstructionType: review.NewBuild,
		Contact:             review.Contact{Name: "张三", Phone: "023-67812345"},
		Period:              review.Period{Start: "2025-03", End: "2026-06"},
		ProcurementCategory: review.Service,
		Budget:              review.MustBudget("", "", "100", ""),
		FundComposition:     "区财政资金",
		Content:             p.Content,
		Cloud:               "部署于区政务云",
		Sharing:             "接入区政务数据共享交换平台",
		Integration:         "整合现有业务系统",
	}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func preliminaryPayload() json.RawMessage {
	var toc []string
	for _, c := range review.Outline() {
		toc = append(toc, fmt.Sprintf("第%d章 %s", c.Number, c.Title))
		for _, s := range c.Sections {
			toc = append(toc, fmt.Sprintf("%d. %s", s.Number, s.Title))
		}
	}
	pass := map[string]any{"passed": true}
	return mustJSON(map[string]any{
		"submission": map[string]any{"table_of_contents": toc, "uses_gov_cloud": true, "connects_sharing_platform": true,
			"open_data_statement": "目录向社会开放", "cryptography_plan": "采用国密算法", "security_plan": "按等保三级设计"},
		"judgment": map[string]any{"materials_clear": pass, "technically_feasible": pass, "economically_rational": pass},
	})
}

func expertPayload() json.RawMessage {
	var opinions []map[string]any
	for _, a := range review.Aspects() {
		opinions = append(opinions, map[string]any{"aspect": a, "passed": true, "opinion": "同意"})
	}
	return mustJSON(map[string]any{"organisers": []string{"bdb", "finance", "drc"},
		"experts": []map[string]any{{"name": "李教授"}}, "opinions": opinions, "opinion": "项目必要、可行", "passed": true,
		"approved": review.MustBudget("", "", "100", "")})
}

func contractPayload(id string, on time.Time) json.RawMessage {
	return mustJSON(map[string]any{"contract": map[string]any{"id": id, "title": "合同 " + id, "amount": "0.01",
		"signed_on": calendar.DateOf(on).Format(time.DateOnly), "supplier": "重庆某信息技术有限公司"}})
}

// seed declares n projects through the engine, with workers at a time:
// each project is declared on a day of the past 400 (the quiet unit's
// today); a third are then withdrawn, a third pass their preliminary
// review (第六条), so that the others wait for it and most are overdue.
// Then it builds one project of the history unit per length of histories.
func seed(ctx context.Context, out io.Writer, dsn string, n, workers int, histories []int, seedValue uint64) error {
	store, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	today := time.Now()
	gen := corpus.New(seedValue)
	decls := make(chan int, workers)
	projects := make([]corpus.Project, n)
	for i := range projects {
		projects[i] = gen.Next()
	}
	var done atomic.Int64
	var firstErr error
	var once sync.Once
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var now time.Time
			e, err := lifecycle.New(lifecycle.Config{Store: store, Clock: func() time.Time { return now },
				NewID: nil, Snapshots: -1})
			if err != nil {
				once.Do(func() { firstErr = err })
				return
			}
			prelim, expert := preliminaryPayload(), expertPayload()
			for i := range decls {
				cp := projects[i]
				days := (i*7919 + w) % 400
				if days < 2 {
					days = 2 // a working morning, not the seeding hour
				}
				if cp.Unit == quietUnit {
					days = 0
				}
				now = today.AddDate(0, 0, -days)
				u := unitActor(cp.Unit)
				p, _, err := e.Declare(ctx, u, declarationOf(cp))
				switch {
				case err != nil:
				case i%10 == 5:
					// To a signed contract, whose filing (第十二条) is due
					// in 7 working days: overdue unless signed lately.
					for _, s := range []struct {
						actor   lifecycle.Actor
						action  lifecycle.Action
						payload json.RawMessage
					}{
						{bdb, lifecycle.ActPreliminaryReview, prelim},
						{bdb, lifecycle.ActExpertReview, expert},
						{gov, lifecycle.ActDeliberate, mustJSON(map[string]any{"approved": true})},
						{finance, lifecycle.ActBudget, mustJSON(map[string]any{"year": now.Year(), "type": "annual"})},
						{u, lifecycle.ActStartProcurement, nil},
						{u, lifecycle.ActSignContract, contractPayload("HT-1", now.Add(time.Hour))},
					} {
						now = now.Add(10 * time.Minute)
						if _, _, err = e.DoJSON(ctx, p.ID, lifecycle.AnyVersion, s.actor, s.action, s.payload); err != nil {
							break
						}
					}
				case i%3 == 0:
					_, _, err = e.DoJSON(ctx, p.ID, p.Version, u, lifecycle.ActWithdraw, mustJSON(map[string]any{"reason": "撤回"}))
				case i%3 == 1:
					now = now.Add(time.Hour)
					_, _, err = e.DoJSON(ctx, p.ID, p.Version, bdb, lifecycle.ActPreliminaryReview, prelim)
				}
				if err != nil {
					once.Do(func() { firstErr = fmt.Errorf("project %d: %w", i, err) })
					return
				}
				if d := done.Add(1); d%10000 == 0 {
					fmt.Fprintf(out, "%d projects in %s\n", d, time.Since(start).Round(time.Second))
				}
			}
		})
	}
	for i := range n {
		if firstErr != nil || ctx.Err() != nil {
			break
		}
		decls <- i
	}
	close(decls)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	commits, appends := store.WriterStats()
	fmt.Fprintf(out, "seeded %d projects in %s (%d appends in %d transactions)\n", n, time.Since(start).Round(time.Millisecond), appends, commits)
	for _, h := range histories {
		t0 := time.Now()
		if err := seedHistory(ctx, store, fmt.Sprintf("H%d", h), h); err != nil {
			return err
		}
		fmt.Fprintf(out, "history H%d: %d events in %s\n", h, h, time.Since(t0).Round(time.Millisecond))
	}
	return nil
}

// seedHistory builds a project of h events — the path to implementation,
// then, as a long-lived project runs, issues reported, audits, the
// cyberspace office's opinions, rectification orders and resumptions in
// turn, and a contract signed and filed every 400 events (tens of
// contracts at 10,000 events, not thousands) — deciding each event as the
// engine would and appending them in chunks, each with the fold and
// summary after it.
func seedHistory(ctx context.Context, store *sqlstore.Store, id string, h int) error {
	if _, err := store.Summary(ctx, id); err == nil {
		return nil // already seeded
	}
	rb := lifecycle.Yubei2019()
	cal := calendar.China()
	now := time.Now().Add(-2 * time.Hour)
	u := unitActor(historyUnit)
	p := &lifecycle.Project{ID: id}
	var all, chunk []lifecycle.Event
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		fold, err := lifecycle.EncodeSnapshot(p)
		if err != nil {
			return err
		}
		sum := lifecycle.Summary{ProjectID: p.ID, Name: p.Name, Unit: p.Unit, Kind: string(p.Kind), State: p.State,
			Version: p.Version, Approved: p.Approved, UpdatedAt: p.UpdatedAt}
		obs, err := lifecycle.Obligations(rb, cal, all, now)
		if err != nil {
			return err
		}
		if o, ok := lifecycle.NextDue(obs); ok {
			sum.NextDue, sum.NextDuty = o.Due, o.Duty
		}
		sum.Duties = append([]lifecycle.Obligation{}, obs...) // kept with the projection; settled when read
		req := lifecycle.AppendRequest{Expected: chunk[0].Version - 1, Events: chunk, Summary: sum, Snapshot: fold}
		if len(all) == len(chunk) {
			req.Overlap = &lifecycle.OverlapFeatures{Unit: p.Declaration.Unit, Name: p.Declaration.Name,
				Content: p.Declaration.Content, Grams: review.Bigrams(p.Declaration.Name, p.Declaration.Content)}
		}
		_, err = store.AppendRequest(ctx, req)
		chunk = chunk[:0]
		return err
	}
	step := func(actor lifecycle.Actor, action lifecycle.Action, payload json.RawMessage) error {
		ev, err := lifecycle.DecideJSON(rb, p, actor, action, payload, now)
		if err != nil {
			return fmt.Errorf("%s at %d: %w", action, len(all), err)
		}
		if err := p.Apply(ev); err != nil {
			return err
		}
		all = append(all, ev)
		chunk = append(chunk, ev)
		if len(chunk) == 500 {
			return flush()
		}
		return nil
	}
	d := declarationOf(corpus.Project{Unit: historyUnit, Name: "长历史项目 " + id, Content: "建设长期运行的教育管理平台，持续签订合同、报告问题并接受审计"})
	first := []struct {
		actor   lifecycle.Actor
		action  lifecycle.Action
		payload json.RawMessage
	}{
		{u, lifecycle.ActDeclare, mustJSON(d)},
		{bdb, lifecycle.ActPreliminaryReview, preliminaryPayload()},
		{bdb, lifecycle.ActExpertReview, expertPayload()},
		{gov, lifecycle.ActDeliberate, mustJSON(map[string]any{"approved": true})},
		{finance, lifecycle.ActBudget, mustJSON(map[string]any{"year": 2025, "type": "annual"})},
		{u, lifecycle.ActStartProcurement, nil},
		{u, lifecycle.ActSignContract, contractPayload("HT-0", now)},
	}
	for _, s := range first {
		if err := step(s.actor, s.action, s.payload); err != nil {
			return err
		}
	}
	for n := 1; len(all) < h; n++ {
		var err error
		switch {
		case n%400 == 0:
			err = step(u, lifecycle.ActSignContract, contractPayload(fmt.Sprintf("HT-%d", n), now))
		case n%400 == 1 && n > 400:
			err = step(u, lifecycle.ActFileContract, mustJSON(map[string]any{"contract_id": fmt.Sprintf("HT-%d", n-1)}))
		case n%4 == 0:
			err = step(u, lifecycle.ActReportIssue, mustJSON(map[string]any{"kind": "other", "description": "月度进度报告"}))
		case n%4 == 1:
			err = step(auditor, lifecycle.ActAudit, mustJSON(map[string]any{"summary": "资金使用检查"}))
		case n%4 == 2:
			err = step(cac, lifecycle.ActSecurityOpinion, mustJSON(map[string]any{"kind": "supervision", "opinion": "按等保三级同步建设"}))
		case n%8 == 3:
			err = step(bdb, lifecycle.ActOrderRectification, mustJSON(map[string]any{"reason": "进度滞后，限期整改"}))
		default:
			err = step(bdb, lifecycle.ActResume, mustJSON(map[string]any{"reason": "整改完成"}))
		}
		if err != nil {
			return err
		}
	}
	return flush()
}
