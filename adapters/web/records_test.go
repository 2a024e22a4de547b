package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// TestProjectPageShowsTheLatestRecords checks that the project page shows
// the latest lifecycle.ListWindow audits with the count of all, and links
// to the records page, which lists every audit from the events.
func TestProjectPageShowsTheLatestRecords(t *testing.T) {
	f := newFixture(t)
	p := f.declare("tok-unit", "学籍平台")
	const audits = lifecycle.ListWindow + 5
	for i := range audits {
		_, _, err := f.engine.Do(context.Background(), p.ID, lifecycle.AnyVersion, actorOf(t, "tok-audit"),
			lifecycle.AuditPayload{Summary: fmt.Sprintf("第%d次检查", i+1)})
		require.NoError(t, err)
	}
	bdb := f.signIn("tok-bdb")
	status, body := bdb.get("/projects/" + p.ID)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `id="records-audits"`)
	assert.Contains(t, body, fmt.Sprintf("最近 %d 条，共 %d 条", lifecycle.ListWindow, audits))
	assert.Contains(t, body, "第25次检查")
	assert.NotContains(t, body, "第5次检查<", "an audit before the window is not on the page")
	link := "/projects/" + p.ID + "/records?action=audit"
	assert.Contains(t, body, `href="`+link+`"`)

	status, body = bdb.get(link)
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, audits, strings.Count(body, "<td>审计监督</td>"), "every audit, from the events")
	assert.NotContains(t, body, `id="next"`, "one page holds them")

	status, _ = bdb.get("/projects/" + p.ID + "/records?action=nope")
	assert.Equal(t, http.StatusNotFound, status)
	other := f.signIn("tok-unit2")
	status, _ = other.get(link)
	assert.Equal(t, http.StatusNotFound, status)
}
