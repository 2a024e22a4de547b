// Command embed shows how an OA (office automation) system embeds govit
// in-process, without the HTTP server: it builds a lifecycle.Engine over a
// store (here SQLite, in a temporary directory; PostgreSQL works the same),
// takes actions as its users click, and follows the store's event feed
// (Engine.Feed) to turn each event into the users' to-do lists:
//
//   - for each user, the actions the user may take on the project now
//     (Engine.Permitted), e.g. 区大数据发展局's preliminary review of a new
//     declaration (第六条);
//   - for the unit, each duty with a deadline in working days
//     (Engine.Obligations), e.g. filing a signed contract within 7 working
//     days (第十二条).
//
// The feed, unlike the OnEvent hook, is durable: every committed event has
// a place in it, and the OA keeps the cursor of the last event it handled
// in its own database, so that after a crash or a restart it resumes where
// it stopped and misses nothing (an event handled twice is harmless here:
// the to-do list is rebuilt). The same feed is served over HTTP as
// GET /v1/events?after=CURSOR&wait=30s.
//
// It runs one 建设类 project from its declaration to the filing of its
// contract on a fixed clock, printing each event and the to-do lists.
//
//	go run ./examples/embed
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

// user is an OA account and the actor it acts as.
type user struct {
	name  string
	actor lifecycle.Actor
}

func oaUsers() []user {
	u := func(name, id, unit string, r lifecycle.Role) user {
		return user{name: name, actor: lifecycle.Actor{ID: id, Unit: unit, Roles: []lifecycle.Role{r}}}
	}
	return []user{
		u("李明（区教委）", "liming", "渝北区教育委员会", lifecycle.RoleUnit),
		u("王芳（区大数据发展局）", "wangfang", "渝北区大数据发展局", lifecycle.RoleBDB),
		u("陈刚（区财政局）", "chengang", "渝北区财政局", lifecycle.RoleFinance),
		u("周洁（区发展改革委）", "zhoujie", "渝北区发展和改革委员会", lifecycle.RoleDRC),
		u("刘伟（区政府办）", "liuwei", "渝北区人民政府", lifecycle.RoleGovernment),
		u("赵静（区审计局）", "zhaojing", "渝北区审计局", lifecycle.RoleAudit),
	}
}

// todo is an item of a user's to-do list in the OA system.
type todo struct {
	user    string
	project string
	text    string
	due     time.Time
}

// inbox holds the OA's to-do lists, rebuilt for a project after each of its
// events.
type inbox struct {
	mu    sync.Mutex
	items map[string][]todo // by project
}

func (b *inbox) replace(project string, items []todo) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.items[project] = items
}

func (b *inbox) all() []todo {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []todo
	for _, items := range b.items {
		out = append(out, items...)
	}
	slices.SortFunc(out, func(a, b todo) int { return strings.Compare(a.user+a.text, b.user+b.text) })
	return out
}

// nextSteps are the actions an OA raises as to-do items when the engine
// permits them, with their labels: the steps the process waits for.
// Actions a party may take at any time (report an issue, request a change,
// suspend, audit, withdraw) are on the project's page, not in anyone's
// to-do list; a contract to file is raised from the obligations, with its
// deadline.
func nextSteps() map[lifecycle.Action]string {
	return map[lifecycle.Action]string{
		lifecycle.ActPreliminaryReview: "初步审核（第六条）",
		lifecycle.ActExpertReview:      "组织专家评审（第七条）",
		lifecycle.ActDeliberate:        "审议（第七条）",
		lifecycle.ActBudget:            "纳入财政预算（第七条）",
		lifecycle.ActApplyInitiation:   "申请立项（第十条）",
		lifecycle.ActApproveInitiation: "审批立项（第十条）",
		lifecycle.ActStartProcurement:  "组织采购（第十条）",
		lifecycle.ActApproveChange:     "审批变更（第十一条）",
		lifecycle.ActAccept:            "组织验收（第十四条）",
		lifecycle.ActDeliver:           "交付使用（第十四条）",
		lifecycle.ActEvaluate:          "综合评价（第十七条）",
		lifecycle.ActOMEvaluation:      "运维综合评价（第五条）",
	}
}

// oa is the OA system's side of the integration: its to-do lists and the
// feed cursor it keeps with them.
type oa struct {
	engine *lifecycle.Engine
	// account is the OA's service account: a bureau sees every project.
	account lifecycle.Actor
	users   []user
	box     *inbox
	clock   func() time.Time
	out     io.Writer
	// cursor is the last event handled; a real OA stores it in its own
	// database in the transaction that stores the to-do items.
	cursor string
}

// follow reads the feed from the saved cursor, waiting up to 30 seconds at
// a time for new events, and handles each in order, reporting each
// handled event on done, until ctx ends.
func (o *oa) follow(ctx context.Context, done chan<- error) {
	for {
		page, err := o.engine.Feed(ctx, o.account, o.cursor, 100, 30*time.Second)
		if err != nil {
			if ctx.Err() == nil {
				done <- err
			}
			return
		}
		for _, e := range page.Events {
			err := o.handle(ctx, e.Event)
			o.cursor = e.Cursor
			done <- err
		}
		if len(page.Events) == 0 {
			o.cursor = page.Next
		}
	}
}

// handle rebuilds the to-do items of the event's project.
func (o *oa) handle(ctx context.Context, e lifecycle.Event) error {
	p, err := o.engine.Get(ctx, o.account, e.ProjectID)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.out, "%s %s：%s → %s（v%d）\n", e.At.In(calendar.Beijing).Format("01-02 15:04"), e.Actor.ID, e.Action, p.State, e.Version)
	var items []todo
	steps := nextSteps()
	for _, u := range o.users {
		acts, err := o.engine.Permitted(ctx, u.actor, p.ID)
		if err != nil {
			continue // a user who may not see the project gets nothing
		}
		for _, a := range acts {
			label, ok := steps[a]
			if a == lifecycle.ActSignContract && p.State == lifecycle.StateProcuring {
				label, ok = "签订合同", true
			}
			if ok {
				items = append(items, todo{user: u.name, project: p.Name, text: label})
			}
		}
	}
	obs, err := o.engine.Obligations(ctx, o.account, p.ID, o.clock())
	if err != nil {
		return err
	}
	for _, ob := range obs {
		if ob.Status == lifecycle.ObligationPending || ob.Status == lifecycle.ObligationOverdue {
			items = append(items, todo{user: o.users[0].name, project: p.Name, text: ob.ZH + "（" + ob.Article + "）", due: ob.Due})
		}
	}
	o.box.replace(p.ID, items)
	if len(o.box.all()) == 0 {
		fmt.Fprintln(o.out, "    （无待办）")
	}
	for _, t := range o.box.all() {
		line := fmt.Sprintf("    待办 %s：%s「%s」", t.user, t.text, t.project)
		if !t.due.IsZero() {
			line += "，截止 " + t.due.Format(time.DateOnly)
		}
		fmt.Fprintln(o.out, line)
	}
	return nil
}

func run(ctx context.Context, out io.Writer) error {
	now := time.Date(2026, time.March, 2, 9, 30, 0, 0, calendar.Beijing)
	clock := func() time.Time { return now }
	users := oaUsers()

	dir, err := os.MkdirTemp("", "govit-embed-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store, err := sqlstore.Open(ctx, filepath.Join(dir, "govit.db"))
	if err != nil {
		return err
	}
	defer store.Close()
	seq := 0
	engine, err := lifecycle.New(lifecycle.Config{
		Store: store,
		Clock: clock,
		NewID: func() string { seq++; return fmt.Sprintf("XM-2026-%03d", seq) },
	})
	if err != nil {
		return err
	}

	// The OA follows the feed in the background, as it would in its own
	// process.
	follower := &oa{engine: engine, users: users, box: &inbox{items: map[string][]todo{}}, clock: clock, out: out,
		account: lifecycle.Actor{ID: "oa-sync", Unit: "渝北区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}}}
	fctx, stop := context.WithCancel(ctx)
	defer stop()
	handled := make(chan error)
	go follower.follow(fctx, handled)
	// wait lets the OA handle the event of an action before the clock
	// moves on, so that the printout follows the story.
	wait := func() error {
		select {
		case err := <-handled:
			return err
		case <-time.After(30 * time.Second):
			return fmt.Errorf("the OA did not see the event")
		}
	}

	unit, bdb, finance, government := users[0].actor, users[1].actor, users[2].actor, users[4].actor
	p, _, err := engine.Declare(ctx, unit, declaration())
	if err != nil {
		return err
	}
	if err := wait(); err != nil {
		return err
	}
	steps := []struct {
		actor   lifecycle.Actor
		action  lifecycle.Action
		payload any
		advance time.Duration
	}{
		{bdb, lifecycle.ActPreliminaryReview, preliminary(), 24 * time.Hour},
		{bdb, lifecycle.ActExpertReview, expert(), 24 * time.Hour},
		{government, lifecycle.ActDeliberate, map[string]any{"approved": true, "meeting": "区政府常务会议"}, 24 * time.Hour},
		{finance, lifecycle.ActBudget, map[string]any{"year": 2026, "type": "annual"}, time.Hour},
		{unit, lifecycle.ActStartProcurement, map[string]any{"method": "公开招标"}, 24 * time.Hour},
		{unit, lifecycle.ActSignContract, map[string]any{"contract": map[string]any{
			"id": "HT-2026-001", "title": "学籍与资助管理平台开发", "amount": "100",
			"signed_on": "2026-03-09", "supplier": "重庆某软件有限公司"}}, 3 * 24 * time.Hour},
		{unit, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-2026-001"}, 0},
	}
	for _, st := range steps {
		now = now.Add(st.advance)
		payload, err := json.Marshal(st.payload)
		if err != nil {
			return err
		}
		if p, _, err = engine.DoJSON(ctx, p.ID, p.Version, st.actor, st.action, payload); err != nil {
			return fmt.Errorf("%s: %w", st.action, err)
		}
		if err := wait(); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "项目 %s「%s」：%s，待办 %d 项\n", p.ID, p.Name, p.State.ZH(), len(follower.box.all()))
	return nil
}

func declaration() review.Declaration {
	return review.Declaration{
		Unit: "渝北区教育委员会", Name: "中小学学籍与资助管理平台",
		Contact:             review.Contact{Name: "李明", Phone: "023-67812345"},
		Period:              review.Period{Start: "2026-03", End: "2026-12"},
		Kind:                review.Construction,
		ConstructionType:    review.NewBuild,
		ProcurementCategory: review.Service,
		Budget:              review.MustBudget("0", "0", "100", "20"),
		FundComposition:     "软件开发 80 万元，等保测评 20 万元，监理 20 万元",
		Content:             "学籍变动、资助申请网上办理",
		Cloud:               "部署于渝北区政务云",
		Sharing:             "学籍数据通过政务数据共享交换平台共享",
		Integration:         "整合原有学籍管理系统",
		Items:               []review.Item{{Category: review.ItemApplication, Name: "学籍与资助管理平台"}},
	}
}

func preliminary() map[string]any {
	var toc []string
	for _, c := range review.Outline() {
		toc = append(toc, fmt.Sprintf("第%d章 %s", c.Number, c.Title))
		for _, s := range c.Sections {
			toc = append(toc, fmt.Sprintf("%d.%d %s", s.Chapter, s.Number, s.Title))
		}
	}
	pass := map[string]any{"passed": true}
	return map[string]any{
		"submission": map[string]any{
			"table_of_contents": toc, "uses_gov_cloud": true, "connects_sharing_platform": true,
			"open_datasets": []string{"中小学校名录"}, "cryptography_plan": "身份认证和敏感数据采用商用密码",
			"security_plan": "按等保二级设计并测评",
		},
		"judgment": map[string]any{"materials_clear": pass, "technically_feasible": pass, "economically_rational": pass},
	}
}

func expert() map[string]any {
	var opinions []map[string]any
	for _, a := range review.Aspects() {
		opinions = append(opinions, map[string]any{"aspect": a, "passed": true, "opinion": "同意"})
	}
	return map[string]any{
		"organisers": review.ExpertOrganisers(),
		"experts":    []map[string]any{{"name": "王强", "specialty": "软件工程"}},
		"opinions":   opinions, "opinion": "同意通过", "passed": true,
		"approved": map[string]any{"district": "100", "self_funded": "20"},
	}
}
