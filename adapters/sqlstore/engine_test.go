package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

var (
	engUnit    = lifecycle.Actor{ID: "u1", Unit: "区教委", Roles: []lifecycle.Role{lifecycle.RoleUnit}}
	engBDB     = lifecycle.Actor{ID: "b1", Unit: "区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}}
	engGov     = lifecycle.Actor{ID: "g1", Unit: "区政府", Roles: []lifecycle.Role{lifecycle.RoleGovernment}}
	engFinance = lifecycle.Actor{ID: "f1", Unit: "区财政局", Roles: []lifecycle.Role{lifecycle.RoleFinance}}
	engAudit   = lifecycle.Actor{ID: "a1", Unit: "区审计局", Roles: []lifecycle.Role{lifecycle.RoleAudit}}
)

// engineOver builds an engine over s on a fixed clock.
func engineOver(t testing.TB, s lifecycle.Store, snapshots int) *lifecycle.Engine {
	t.Helper()
	now := calendar.Date(2025, time.March, 3).Add(10 * time.Hour)
	n := 0
	e, err := lifecycle.New(lifecycle.Config{Store: s, Clock: func() time.Time { return now }, Snapshots: snapshots,
		NewID: func() string { n++; return fmt.Sprintf("P%06d", n) }})
	require.NoError(t, err)
	return e
}

func engDeclaration(unit, name, content string) review.Declaration {
	return review.Declaration{
		Unit: unit, Name: name, Kind: review.Construction, ConstructionType: review.NewBuild,
		Contact:             review.Contact{Name: "张三", Phone: "023-67812345"},
		Period:              review.Period{Start: "2025-03", End: "2026-06"},
		ProcurementCategory: review.Service,
		Budget:              review.MustBudget("", "", "100", ""),
		FundComposition:     "区财政资金",
		Content:             content,
		Cloud:               "部署于区政务云",
		Sharing:             "接入区政务数据共享交换平台",
		Integration:         "整合现有三个业务系统",
	}
}

func engJS(t testing.TB, v any) json.RawMessage {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// toImplementation takes a declared project to a signed contract.
func toImplementation(t testing.TB, e *lifecycle.Engine, id string) {
	t.Helper()
	var toc []string
	for _, c := range review.Outline() {
		toc = append(toc, fmt.Sprintf("第%d章 %s", c.Number, c.Title))
		for _, s := range c.Sections {
			toc = append(toc, fmt.Sprintf("%d. %s", s.Number, s.Title))
		}
	}
	var opinions []map[string]any
	for _, a := range review.Aspects() {
		opinions = append(opinions, map[string]any{"aspect": a, "passed": true, "opinion": "同意"})
	}
	pass := map[string]any{"passed": true}
	steps := []struct {
		actor   lifecycle.Actor
		action  lifecycle.Action
		payload any
	}{
		{engBDB, lifecycle.ActPreliminaryReview, map[string]any{
			"submission": map[string]any{"table_of_contents": toc, "uses_gov_cloud": true, "connects_sharing_platform": true,
				"open_data_statement": "目录向社会开放", "cryptography_plan": "采用国密算法", "security_plan": "按等保三级设计"},
			"judgment": map[string]any{"materials_clear": pass, "technically_feasible": pass, "economically_rational": pass},
		}},
		{engBDB, lifecycle.ActExpertReview, map[string]any{"organisers": []string{"bdb", "finance", "drc"},
			"experts": []map[string]any{{"name": "李教授"}}, "opinions": opinions, "opinion": "项目必要、可行", "passed": true,
			"approved": review.MustBudget("", "", "100", "")}},
		{engGov, lifecycle.ActDeliberate, map[string]any{"approved": true}},
		{engFinance, lifecycle.ActBudget, map[string]any{"year": 2025, "type": "annual"}},
		{engUnit, lifecycle.ActStartProcurement, nil},
		{engUnit, lifecycle.ActSignContract, map[string]any{"contract": map[string]any{"id": "HT-0", "title": "合同", "amount": "1",
			"signed_on": "2025-03-03", "supplier": "重庆某信息技术有限公司"}}},
	}
	for _, s := range steps {
		var raw json.RawMessage
		if s.payload != nil {
			raw = engJS(t, s.payload)
		}
		_, _, err := e.DoJSON(t.Context(), id, lifecycle.AnyVersion, s.actor, s.action, raw)
		require.NoError(t, err, "%s", s.action)
	}
}

func TestEngineOverSQLReadsKeptFold(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			s := open(t, d.dsn(t))
			e := engineOver(t, s, -1)
			p, _, err := e.Declare(t.Context(), engUnit, engDeclaration("区教委", "智慧教育云平台", "建设全区中小学统一的教育管理与资源共享平台"))
			require.NoError(t, err)
			toImplementation(t, e, p.ID)
			for i := range 20 {
				_, _, err := e.DoJSON(t.Context(), p.ID, lifecycle.AnyVersion, engAudit, lifecycle.ActAudit, engJS(t, map[string]any{"summary": fmt.Sprint("检查", i)}))
				require.NoError(t, err)
			}
			got, err := e.Get(t.Context(), engUnit, p.ID)
			require.NoError(t, err)
			evs, err := s.Load(t.Context(), p.ID)
			require.NoError(t, err)
			want, err := lifecycle.Replay(evs)
			require.NoError(t, err)
			wj, _ := json.Marshal(want)
			gj, _ := json.Marshal(got)
			require.JSONEq(t, string(wj), string(gj))
			v, err := e.Version(t.Context(), engUnit, p.ID)
			require.NoError(t, err)
			require.Equal(t, want.Version, v)
			_, err = e.Version(t.Context(), lifecycle.Actor{ID: "x", Unit: "区卫健委", Roles: []lifecycle.Role{lifecycle.RoleUnit}}, p.ID)
			require.ErrorIs(t, err, lifecycle.ErrNotFound)

			page, next, err := e.EventsPage(t.Context(), engUnit, p.ID, 0, 10)
			require.NoError(t, err)
			require.Len(t, page, 10)
			require.Equal(t, int64(10), next)
			page, next, err = e.EventsPage(t.Context(), engUnit, p.ID, 20, 10)
			require.NoError(t, err)
			require.Len(t, page, int(want.Version-20))
			require.Equal(t, int64(21), page[0].Version)
			require.Zero(t, next)
		})
	}
}

// TestKeptFoldsAuditedAgainstTheHistory checks that the folds the engine
// keeps are the replay of the history, on a clock with nanoseconds, and
// that a fold edited in the database is reported.
func TestKeptFoldsAuditedAgainstTheHistory(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			s := open(t, d.dsn(t))
			now := time.Date(2025, time.March, 3, 10, 11, 12, 123456789, calendar.Beijing)
			e, err := lifecycle.New(lifecycle.Config{Store: s, Clock: func() time.Time { now = now.Add(time.Nanosecond); return now }})
			require.NoError(t, err)
			var ids []string
			for i := range 3 {
				p, _, err := e.Declare(t.Context(), engUnit, engDeclaration("区教委", fmt.Sprint("平台", i), "建设统一的管理与共享平台"))
				require.NoError(t, err)
				ids = append(ids, p.ID)
			}
			toImplementation(t, e, ids[0])
			_, _, err = e.DoJSON(t.Context(), ids[1], lifecycle.AnyVersion, engUnit, lifecycle.ActWithdraw, engJS(t, map[string]any{"reason": "撤回"}))
			require.NoError(t, err)
			var found []string
			n, err := s.AuditFolds(t.Context(), func(id, detail string) { found = append(found, id+": "+detail) })
			require.NoError(t, err)
			require.Equal(t, 3, n)
			require.Empty(t, found)

			snap, err := s.LoadSnapshot(t.Context(), ids[1])
			require.NoError(t, err)
			edited := []byte(strings.Replace(string(snap.Data), `"state":"withdrawn"`, `"state":"declared"`, 1))
			require.NotEqual(t, snap.Data, edited)
			_, err = s.DB().ExecContext(t.Context(), `UPDATE snapshots SET data = $1 WHERE project_id = $2`, edited, ids[1])
			require.NoError(t, err)
			_, err = s.AuditFolds(t.Context(), func(id, detail string) { found = append(found, id+": "+detail) })
			require.NoError(t, err)
			require.Equal(t, []string{ids[1] + ": the kept fold differs from the history's in state"}, found)
		})
	}
}

// TestEnginesKeepTheirFoldsOverOneStore: two engines over one database,
// each keeping the folds of the projects it acted on. An engine whose
// fold another engine moved past decides on what the store holds, never
// on its own stale copy: the stale expected version is told apart
// (lifecycle.StaleVersion), a refusal the stale copy would not make is
// made, and an action the stale copy would refuse is allowed.
func TestEnginesKeepTheirFoldsOverOneStore(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			dsn := d.dsn(t)
			a := engineOver(t, open(t, dsn), 0)
			n := 0
			b, err := lifecycle.New(lifecycle.Config{Store: open(t, dsn), NewID: func() string { n++; return fmt.Sprintf("Q%06d", n) }})
			require.NoError(t, err)
			p, _, err := a.Declare(t.Context(), engUnit, engDeclaration("区教委", "智慧教育云平台", "建设全区中小学统一的教育管理与资源共享平台"))
			require.NoError(t, err)
			// b withdraws the project a still holds as declared.
			_, _, err = b.DoJSON(t.Context(), p.ID, p.Version, engUnit, lifecycle.ActWithdraw, engJS(t, map[string]any{"reason": "重复申报"}))
			require.NoError(t, err)

			// a's caller read version 1 too: stale, not lost to a race.
			_, _, err = a.DoJSON(t.Context(), p.ID, p.Version, engUnit, lifecycle.ActWithdraw, engJS(t, map[string]any{"reason": "重复申报"}))
			require.ErrorIs(t, err, lifecycle.ErrConflict)
			var sv *lifecycle.StaleVersion
			require.ErrorAs(t, err, &sv)
			assert.Equal(t, lifecycle.StaleVersion{Expected: 1, Current: 2}, *sv)

			// Any version: a's copy would allow the withdrawal; the store's
			// project is withdrawn already, and withdrawn is final.
			_, _, err = a.DoJSON(t.Context(), p.ID, lifecycle.AnyVersion, engUnit, lifecycle.ActWithdraw, engJS(t, map[string]any{"reason": "重复申报"}))
			assert.Equal(t, lifecycle.KindRefused, lifecycle.KindOf(err), "%v", err)
			evs, err := a.Events(t.Context(), engUnit, p.ID)
			require.NoError(t, err)
			require.Len(t, evs, 2)

			// And the other way: a project b declared and a never saw.
			q, _, err := b.Declare(t.Context(), engUnit, engDeclaration("区教委", "教育资源平台", "建设全区教育资源共享与交换平台"))
			require.NoError(t, err)
			got, ev, err := a.DoJSON(t.Context(), q.ID, q.Version, engUnit, lifecycle.ActWithdraw, engJS(t, map[string]any{"reason": "重复申报"}))
			require.NoError(t, err)
			assert.Equal(t, int64(2), ev.Version)
			assert.Equal(t, lifecycle.StateWithdrawn, got.State)
			// A project a gave its caller is the caller's: writing into it
			// changes nothing a keeps.
			got.Name = "改写"
			again, err := a.Get(t.Context(), engUnit, q.ID)
			require.NoError(t, err)
			assert.Equal(t, "教育资源平台", again.Name)
		})
	}
}
