package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// An engine on an embedded SQLite file: the store keeps the events with
// their hash chain, and a second engine on the same file sees the project.
// A postgres:// DSN opens PostgreSQL instead.
func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "govit-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	store, err := sqlstore.Open(ctx, filepath.Join(dir, "govit.db"))
	if err != nil {
		panic(err)
	}
	defer store.Close()
	now := calendar.Date(2025, time.March, 3).Add(10 * time.Hour)
	engine, err := lifecycle.New(lifecycle.Config{
		Store: store,
		Clock: func() time.Time { return now },
		NewID: func() string { return "XM-2025-001" },
	})
	if err != nil {
		panic(err)
	}
	unit := lifecycle.Actor{ID: "zhang", Unit: "区教委", Roles: []lifecycle.Role{lifecycle.RoleUnit}}
	p, ev, err := engine.Declare(ctx, unit, review.Declaration{
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
	fmt.Println(p.ID, p.State, ev.Version, ev.Seq > 0)

	// Another engine on the same store reads the project from its events.
	other, err := lifecycle.New(lifecycle.Config{Store: store, Clock: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	bureau := lifecycle.Actor{ID: "wang", Unit: "区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}}
	q, err := other.Get(ctx, bureau, p.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(q.Name, q.Requested.Total())
	// Output:
	// XM-2025-001 declared 1 true
	// 智慧教育云平台 300
}
