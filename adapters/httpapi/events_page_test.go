package httpapi

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventsArePaged(t *testing.T) {
	for _, st := range sqlStores(t) {
		t.Run(st.name, func(t *testing.T) {
			h := newHarness(t, st.store)
			id, tag := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))
			r := h.act(id, "withdraw", asUnitA, tag, obj{"reason": "重复申报"})
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)

			var page struct {
				Items []struct {
					Version int64 `json:"version"`
				} `json:"items"`
				NextAfter int64 `json:"next_after"`
			}
			r = h.get("/v1/projects/"+id+"/events?limit=1", asUnitA)
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			require.NoError(t, json.Unmarshal(r.body, &page))
			require.Len(t, page.Items, 1)
			assert.Equal(t, int64(1), page.Items[0].Version)
			assert.Equal(t, int64(1), page.NextAfter)

			page.NextAfter = 0
			r = h.get("/v1/projects/"+id+"/events?after=1&limit=1", asUnitA)
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			require.NoError(t, json.Unmarshal(r.body, &page))
			require.Len(t, page.Items, 1)
			assert.Equal(t, int64(2), page.Items[0].Version)
			assert.Zero(t, page.NextAfter, "the last page")

			r = h.get("/v1/projects/"+id+"/events", asUnitA)
			require.NoError(t, json.Unmarshal(r.body, &page))
			assert.Len(t, page.Items, 2)
			r = h.get("/v1/projects/"+id+"/events", asUnitB)
			assert.Equal(t, http.StatusNotFound, r.status)
			for _, c := range []struct{ query, field string }{
				{"limit=0", "limit"}, {"limit=1001", "limit"}, {"after=-1", "after"}, {"after=x", "after"}, {"afterr=1", "afterr"},
			} {
				r = h.send(req{method: "GET", path: "/v1/projects/" + id + "/events?" + c.query, token: asUnitA, mode: malformed})
				p := assertProblem(t, r, 400, "invalid_parameter")
				assert.Equal(t, []string{c.field}, fieldsOf(p), c.query)
			}
		})
	}
}
