package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// TestWindowedListsArePagedFromTheEvents checks that a project returns the
// latest lifecycle.ListWindow audits with their total, and that the whole
// list is read from the events by action, a page at a time.
func TestWindowedListsArePagedFromTheEvents(t *testing.T) {
	for _, st := range sqlStores(t) {
		t.Run(st.name, func(t *testing.T) {
			h := newHarness(t, st.store)
			id, tag := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))
			const audits = lifecycle.ListWindow + 5
			for i := range audits {
				r := h.act(id, "audit", asAudit, tag, obj{"summary": fmt.Sprintf("第 %d 次检查", i+1)})
				require.Equal(t, http.StatusOK, r.status, "%s", r.body)
				tag = r.header.Get("ETag")
			}
			r := h.get("/v1/projects/"+id, asUnitA)
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			var v struct {
				Project lifecycle.Project `json:"project"`
			}
			require.NoError(t, json.Unmarshal(r.body, &v))
			require.Len(t, v.Project.Audits, lifecycle.ListWindow)
			assert.Equal(t, audits, v.Project.AuditsTotal)
			assert.Equal(t, fmt.Sprintf("第 %d 次检查", audits), v.Project.Audits[lifecycle.ListWindow-1].Summary)
			assert.Equal(t, "第 6 次检查", v.Project.Audits[0].Summary)

			var page struct {
				Items []struct {
					Version int64            `json:"version"`
					Action  lifecycle.Action `json:"action"`
				} `json:"items"`
				NextAfter int64 `json:"next_after"`
			}
			var seen []int64
			after := int64(0)
			for {
				page.NextAfter = 0
				r = h.get(fmt.Sprintf("/v1/projects/%s/events?action=audit&after=%d&limit=10", id, after), asUnitA)
				require.Equal(t, http.StatusOK, r.status, "%s", r.body)
				require.NoError(t, json.Unmarshal(r.body, &page))
				for _, e := range page.Items {
					assert.Equal(t, lifecycle.ActAudit, e.Action)
					seen = append(seen, e.Version)
				}
				if page.NextAfter == 0 {
					break
				}
				after = page.NextAfter
			}
			require.Len(t, seen, audits)
			assert.Equal(t, int64(2), seen[0], "the declaration is not an audit")
			assert.IsIncreasing(t, seen)

			r = h.get("/v1/projects/"+id+"/events?action=declare,audit&limit=3", asUnitA)
			require.NoError(t, json.Unmarshal(r.body, &page))
			require.Len(t, page.Items, 3)
			assert.Equal(t, lifecycle.ActDeclare, page.Items[0].Action)

			r = h.send(req{method: "GET", path: "/v1/projects/" + id + "/events?action=nope", token: asUnitA, mode: malformed})
			p := assertProblem(t, r, 400, "invalid_parameter")
			assert.Equal(t, []string{"action"}, fieldsOf(p))
			r = h.get("/v1/projects/"+id+"/events?action=audit", asUnitB)
			assert.Equal(t, http.StatusNotFound, r.status)
		})
	}
}
