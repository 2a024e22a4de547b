package httpapi

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

// TestHostileInputIsNeverAServerFailure sends IDs, filters, cursors,
// dates, headers and bodies that no client should send, on every store:
// each is a 4xx answer (the 404 of an unknown project where the input is
// an ID), never a 5xx. PostgreSQL refuses NUL and bytes that are not
// UTF-8, which is why the stores are all tried.
func TestHostileInputIsNeverAServerFailure(t *testing.T) {
	for name, store := range map[string]func(t *testing.T) lifecycle.Store{
		"memory":   func(*testing.T) lifecycle.Store { return lifecycle.NewMemoryStore() },
		"sqlite":   func(t *testing.T) lifecycle.Store { return openStore(t, filepath.Join(t.TempDir(), "govit.db")) },
		"postgres": func(t *testing.T) lifecycle.Store { return openStore(t, sqltest.PostgresDSN(t)) },
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, store(t))
			id, tag := h.declare(asUnitA, declaration(unitA, "学籍平台"))

			for _, p := range []string{"%00", "a%00", "%ff", "%ff%fe"} {
				for _, suffix := range []string{"", "/events", "/obligations"} {
					r := h.send(req{method: "GET", path: "/v1/projects/" + p + suffix, token: asBDB, mode: malformed})
					assertProblem(t, r, http.StatusNotFound, "project_not_found")
				}
				r := h.send(req{method: "POST", path: "/v1/projects/" + p + "/actions/withdraw", token: asUnitA,
					body: obj{"reason": "重复申报"}, header: map[string]string{"If-Match": "*"}, mode: malformed})
				assertProblem(t, r, http.StatusNotFound, "project_not_found")
			}
			for _, path := range []string{"/v1/projects", "/v1/obligations"} {
				for _, c := range []string{"%00", "p%00", "%ff%fe"} {
					r := h.send(req{method: "GET", path: path + "?cursor=" + c, token: asBDB, mode: malformed})
					p := assertProblem(t, r, http.StatusBadRequest, "invalid_parameter")
					assert.Equal(t, []string{"cursor"}, fieldsOf(p))
				}
				r := h.get(path+"?cursor="+strings.Repeat("z", 32<<10), asBDB)
				assert.Equal(t, http.StatusOK, r.status, "a cursor after every ID: %s", r.body)
				for _, u := range []string{"%00", "a%00b", "%ff"} {
					r := h.send(req{method: "GET", path: path + "?unit=" + u, token: asBDB, mode: malformed})
					assert.Equal(t, http.StatusOK, r.status, "no unit is named so: %s", r.body)
				}
			}
			for _, c := range []struct{ path, field string }{
				{"/v1/calendar/deadline?from=2026-02-30&workdays=1", "from"},
				{"/v1/calendar/deadline?from=2026-03-02&workdays=999999999", "workdays"},
				{"/v1/calendar/deadline?from=2026-03-02&workdays=99999999999999999999999", "workdays"},
				{"/v1/calendar/days/2026-02-30", "date"},
				{"/v1/calendar/days/2026-02-29", "date"},
				{"/v1/projects?limit=99999999999999999999", "limit"},
				{"/v1/projects?state=" + strings.Repeat("x", 32<<10), "state"},
				{"/v1/rulebook?on=2026-02-30", "on"},
			} {
				r := h.send(req{method: "GET", path: c.path, token: asBDB, mode: malformed})
				p := assertProblem(t, r, http.StatusBadRequest, "invalid_parameter")
				assert.Equal(t, []string{c.field}, fieldsOf(p), c.path)
			}
			for _, path := range []string{"/v1/calendar/deadline?from=9999-12-31&workdays=366", "/v1/calendar/days/0001-01-01"} {
				r := h.send(req{method: "GET", path: path, token: asBDB, mode: malformed})
				assertProblem(t, r, http.StatusUnprocessableEntity, "calendar_year_not_published")
			}
			for _, ifMatch := range []string{strings.Repeat(",", 8<<10), `"v`, `W/`, `"v99999999999999999999999"`} {
				r := h.act(id, "withdraw", asUnitA, ifMatch, obj{"reason": "重复申报"})
				assertProblem(t, r, http.StatusPreconditionFailed, "precondition_failed")
			}

			t.Run("NUL in a body", func(t *testing.T) {
				d := declaration(unitA, "学籍\x00平台")
				r := h.send(req{method: "POST", path: "/v1/projects", token: asUnitA, body: d, mode: malformed})
				p := assertProblem(t, r, http.StatusBadRequest, "invalid_character")
				assert.Equal(t, []string{"name"}, fieldsOf(p))

				r = h.act(id, "withdraw", asUnitA, tag, obj{"reason": "重复\x00申报"})
				p = assertProblem(t, r, http.StatusBadRequest, "invalid_character")
				assert.Equal(t, []string{"reason"}, fieldsOf(p))

				r = h.send(req{method: "POST", path: "/v1/changes/assess", token: asBDB, mode: malformed,
					body: obj{"base": obj{"district": "100"}, "request": obj{"reason": "x\x00"}}})
				p = assertProblem(t, r, http.StatusBadRequest, "invalid_character")
				assert.Equal(t, []string{"request.reason"}, fieldsOf(p))

				// Nothing was recorded: the project is still at its first version.
				got := h.get("/v1/projects/"+id, asUnitA)
				require.Equal(t, http.StatusOK, got.status)
				assert.Equal(t, tag, got.header.Get("ETag"))
			})
		})
	}
}
