package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDashboard draws the statistics of the projects the actor may see,
// with the money exact and the charts as SVG.
func TestDashboard(t *testing.T) {
	f := newFixture(t)
	f.declare("tok-unit", "学籍平台")
	f.declare("tok-unit", "资助平台")
	bdb := f.signIn("tok-bdb")
	status, body := bdb.get("/dashboard")
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `<svg class="chart"`)
	assert.Contains(t, body, `aria-label="按状态的项目数"`)
	assert.Contains(t, body, `<p id="projects-total">项目总数：<strong>2</strong>`)
	// Each declaration asks 100 万元 of district funds and 20.5 self-funded.
	assert.Contains(t, body, `<td>合计</td><td class="num">241</td><td class="num">0</td>`)
	assert.Equal(t, 1, strings.Count(body, `class="bar count"`), "one bar for the one state")
	assert.Contains(t, visible(body), "已申报")

	status, body = bdb.get("/dashboard?kind=operation")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `项目总数：<strong>0</strong>`)
	status, _ = bdb.get("/dashboard?budget_year=abc")
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	status, _ = bdb.get("/dashboard?kind=both")
	assert.Equal(t, http.StatusUnprocessableEntity, status)
}
