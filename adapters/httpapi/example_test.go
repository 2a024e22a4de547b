package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
)

// The REST API over an engine: a unit declares a project with a bearer
// token, and an action whose payload spells a member in another case is
// refused with 400, naming the member.
func ExampleNew() {
	now := calendar.Date(2025, time.March, 3).Add(10 * time.Hour)
	clock := func() time.Time { return now }
	engine, err := lifecycle.New(lifecycle.Config{
		Store: lifecycle.NewMemoryStore(),
		Clock: clock,
		NewID: func() string { return "XM-2025-001" },
	})
	if err != nil {
		panic(err)
	}
	auth, err := httpapi.NewTokenAuthenticator([]httpapi.TokenEntry{
		{Token: "tok-unit", Actor: "zhang", Unit: "区教委", Roles: []lifecycle.Role{lifecycle.RoleUnit}},
	})
	if err != nil {
		panic(err)
	}
	srv, err := httpapi.New(httpapi.Config{Engine: engine, Auth: auth, Clock: clock})
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	send := func(method, path, etag, body string) (*http.Response, map[string]any) {
		req, err := http.NewRequestWithContext(context.Background(), method, ts.URL+path, strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Authorization", "Bearer tok-unit")
		req.Header.Set("Content-Type", "application/json")
		if etag != "" {
			req.Header.Set("If-Match", etag)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			panic(err)
		}
		return resp, out
	}

	resp, out := send("POST", "/v1/projects", "", `{
		"unit": "区教委", "name": "智慧教育云平台",
		"contact": {"name": "张三", "phone": "023-67812345"},
		"period": {"start": "2025-03", "end": "2026-06"},
		"kind": "construction", "construction_type": "new", "procurement_category": "service",
		"fixed_asset": false, "budget": {"district": "300"}, "fund_composition": "区财政资金",
		"content": "全区中小学教育管理与资源共享平台", "cloud": "部署于区政务云",
		"sharing": "接入区政务数据共享交换平台", "integration": "整合现有业务系统"}`)
	project := out["project"].(map[string]any)
	fmt.Println(resp.StatusCode, resp.Header.Get("Location"), project["state"])

	resp, out = send("POST", "/v1/projects/XM-2025-001/actions/withdraw", resp.Header.Get("ETag"), `{"Reason": "重复申报"}`)
	fmt.Println(resp.StatusCode, out["code"], out["errors"].([]any)[0].(map[string]any)["field"])
	// Output:
	// 201 /v1/projects/XM-2025-001 declared
	// 400 payload_unknown_field Reason
}
