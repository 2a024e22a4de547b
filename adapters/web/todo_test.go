package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// signContract signs a contract on the project on the clock's day.
func (f *fixture) signContract(id, token, contractID string) {
	f.t.Helper()
	vals := url.Values{
		"contract.id": {contractID}, "contract.title": {"合同 " + contractID}, "contract.amount": {"50"},
		"contract.signed_on": {f.clock.now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)},
		"contract.supplier":  {"重庆某软件有限公司"},
	}
	t, _ := payloadType(lifecycle.ActSignContract)
	payload, errs := encode(schemaOf(t), vals)
	require.Empty(f.t, errs)
	_, _, err := f.engine.DoJSON(context.Background(), id, lifecycle.AnyVersion, actorOf(f.t, token), lifecycle.ActSignContract, payload)
	require.NoError(f.t, err)
}

// dueSection is the to-do's table of duties.
func dueSection(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `id="due"`)
	require.GreaterOrEqual(t, i, 0, "no table of duties")
	return body[i : i+strings.Index(body[i:], "</table>")]
}

// TestTodoDutiesSoonestFirstAndOwnUnitOnly: three contracts signed on
// three days (第十二条) are listed soonest due first to a bureau; each unit
// sees its own duties only, and the list by budget year of a unit holds
// its own projects only.
func TestTodoDutiesSoonestFirstAndOwnUnitOnly(t *testing.T) {
	f := newFixture(t)
	third := f.declare("tok-unit2", "卫健信息平台")
	second := f.declare("tok-unit", "学籍平台乙")
	first := f.declare("tok-unit", "学籍平台甲")
	for _, p := range []*lifecycle.Project{third, second, first} {
		for _, st := range constructionPath()[:5] {
			tok := st.Token
			if tok == "tok-unit" && p == third {
				tok = "tok-unit2"
			}
			typ, _ := payloadType(st.Action)
			payload, errs := encode(schemaOf(typ), st.Values)
			require.Empty(t, errs)
			_, _, err := f.engine.DoJSON(context.Background(), p.ID, lifecycle.AnyVersion, actorOf(t, tok), st.Action, payload)
			require.NoError(t, err, "%s", st.Action)
		}
	}
	// Signed on 28, 29 and 30 September: due in that order.
	f.signContract(third.ID, "tok-unit2", "HT-3")
	f.clock.advance(24 * time.Hour)
	f.signContract(second.ID, "tok-unit", "HT-2")
	f.clock.advance(24 * time.Hour)
	f.signContract(first.ID, "tok-unit", "HT-1")

	for _, tok := range []string{"tok-bdb", "tok-finance"} {
		status, body := f.signIn(tok).get("/todo")
		require.Equal(t, http.StatusOK, status)
		due := visible(dueSection(t, body))
		a, b, c := strings.Index(due, "卫健信息平台"), strings.Index(due, "学籍平台乙"), strings.Index(due, "学籍平台甲")
		require.True(t, a >= 0 && b >= 0 && c >= 0, "%s sees every duty: %s", tok, due)
		assert.True(t, a < b && b < c, "%s: soonest due first: %s", tok, due)
		assert.Contains(t, due, "还剩 ")
	}

	_, body := f.signIn("tok-unit").get("/todo")
	due := visible(dueSection(t, body))
	assert.Contains(t, due, "学籍平台甲")
	assert.Contains(t, due, "学籍平台乙")
	assert.NotContains(t, body, "卫健信息平台", "another unit's project")
	assert.NotContains(t, body, third.ID)
	assert.Less(t, strings.Index(due, "学籍平台乙"), strings.Index(due, "学籍平台甲"))

	_, body = f.signIn("tok-unit2").get("/todo")
	assert.Contains(t, visible(dueSection(t, body)), "卫健信息平台")
	assert.NotContains(t, body, first.ID)
	assert.NotContains(t, body, second.ID)

	// The budget year's list (the budget entry of 2026) of a unit.
	for _, path := range []string{"/projects?year=2026", "/projects?year=2026&unit=" + url.QueryEscape(third.Unit)} {
		_, body = f.signIn("tok-unit").get(path)
		assert.NotContains(t, body, third.ID, path)
	}
	_, body = f.signIn("tok-unit").get("/projects?year=2026")
	assert.Contains(t, body, first.ID)
	assert.Contains(t, body, second.ID)
}

// TestTodoWorkFollowsTheVersion: the actions the to-do offers on a
// project are those of its current version, however often the list was
// viewed before it changed, and another actor's answer is not reused.
func TestTodoWorkFollowsTheVersion(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", "学籍平台")
	bdb := f.signIn("tok-bdb")
	for range 2 {
		_, body := bdb.get("/todo")
		assert.Contains(t, body, "/projects/"+p.ID+"#act-preliminary_review")
	}
	_, body := f.signIn("tok-drc").get("/todo")
	assert.NotContains(t, body, p.ID, "drc has nothing to do on a declared project")
	f.runPath(p.ID, 1)
	_, body = bdb.get("/todo")
	assert.NotContains(t, body, "/projects/"+p.ID+"#act-preliminary_review", "done already")
	assert.Contains(t, body, "/projects/"+p.ID+"#act-expert_review")
}
