package httpapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// overlapsPath is the endpoint of the duplicate-investment check (第四条).
const overlapsPath = "/v1/declarations/overlaps"

// overlapView is the client's view of the answer.
type overlapView struct {
	Findings []review.Finding `json:"findings"`
}

// overlaps asks which projects token's caller may see that d overlaps,
// and requires a 200.
func (h *harness) overlaps(token string, d any) overlapView {
	h.t.Helper()
	r := h.send(req{method: http.MethodPost, path: overlapsPath, token: token, body: d})
	require.Equal(h.t, http.StatusOK, r.status, "body: %s", r.body)
	require.Contains(h.t, r.header.Get("Content-Type"), "application/json")
	var v overlapView
	r.decode(&v)
	require.NotNil(h.t, v.Findings, "findings is an array, never null: %s", r.body)
	return v
}

// names reports whether some finding of 第四条 names the project ID in
// Chinese and in English.
func names(fs []review.Finding, id string) bool {
	for _, f := range fs {
		if f.Code == "possible_duplicate_investment" && f.Article == "第四条" &&
			id != "" && strings.Contains(f.ZH, id) && strings.Contains(f.EN, id) {
			return true
		}
	}
	return false
}

// unrelated is a complete declaration of unit sharing no wording with
// declaration's.
func unrelated(unit string) obj {
	d := declaration(unit, "公共卫生应急指挥调度")
	d["content"] = "突发公共卫生事件的监测预警与指挥调度"
	return d
}

func TestOverlapsEndpoint(t *testing.T) {
	h := newHarness(t, nil)
	mine, _ := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))
	theirs, _ := h.declare(asUnitB, declaration(unitB, "学籍与资助管理平台"))
	withdrawn, tag := h.declare(asUnitA, declaration(unitA, "学籍与资助管理平台"))
	h.step(withdrawn, "withdraw", asUnitA, tag, obj{"reason": "并入其他项目"}, lifecycle.StateWithdrawn)
	similar := declaration(unitA, "学籍与资助管理平台二期")

	t.Run("第四条/a similar project of the caller's unit is reported", func(t *testing.T) {
		v := h.overlaps(asUnitA, similar)
		require.Len(t, v.Findings, 1, "%+v", v.Findings)
		assert.True(t, names(v.Findings, mine), "%+v", v.Findings)
		assert.False(t, names(v.Findings, theirs), "a unit does not see another unit's project")
		assert.False(t, names(v.Findings, withdrawn), "a withdrawn project is not compared")
	})
	t.Run("第四条/a bureau sees every unit's similar projects", func(t *testing.T) {
		v := h.overlaps(asBDB, similar)
		require.Len(t, v.Findings, 2, "%+v", v.Findings)
		assert.True(t, names(v.Findings, mine), "%+v", v.Findings)
		assert.True(t, names(v.Findings, theirs), "%+v", v.Findings)
	})
	t.Run("第四条/a dissimilar declaration gets an empty list", func(t *testing.T) {
		r := h.send(req{method: http.MethodPost, path: overlapsPath, token: asBDB, body: unrelated(unitA)})
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		assert.JSONEq(t, `{"findings":[]}`, string(r.body))
	})
	t.Run("第四条/the declaration's own project is not compared with itself", func(t *testing.T) {
		again := declaration(unitA, "学籍与资助管理平台")
		again["id"] = mine
		v := h.overlaps(asUnitA, again)
		assert.Empty(t, v.Findings, "%+v", v.Findings)
	})
	t.Run("第四条/the check records nothing", func(t *testing.T) {
		var before, after struct {
			Items []struct{} `json:"items"`
		}
		h.get("/v1/projects", asBDB).decode(&before)
		h.overlaps(asUnitA, similar)
		h.get("/v1/projects", asBDB).decode(&after)
		assert.Len(t, after.Items, len(before.Items))
	})
	t.Run("400/malformed JSON", func(t *testing.T) {
		r := h.send(req{method: http.MethodPost, path: overlapsPath, token: asUnitA, body: `{"unit": `, mode: malformed})
		assertProblem(t, r, http.StatusBadRequest, "malformed_json")
	})
	t.Run("400/an unknown field is named", func(t *testing.T) {
		d := declaration(unitA, "学籍平台")
		d["colour"] = "blue"
		r := h.send(req{method: http.MethodPost, path: overlapsPath, token: asUnitA, body: d, mode: malformed})
		p := assertProblem(t, r, http.StatusBadRequest, "unknown_field")
		assert.Equal(t, []string{"colour"}, fieldsOf(p))
	})
	t.Run("400/a mistyped field is named", func(t *testing.T) {
		d := declaration(unitA, "学籍平台")
		d["name"] = 42
		r := h.send(req{method: http.MethodPost, path: overlapsPath, token: asUnitA, body: d, mode: malformed})
		p := assertProblem(t, r, http.StatusBadRequest, "invalid_input")
		assert.Equal(t, []string{"name"}, fieldsOf(p))
	})
	t.Run("400/an unknown query parameter", func(t *testing.T) {
		r := h.send(req{method: http.MethodPost, path: overlapsPath + "?unit=x", token: asUnitA, body: similar, mode: malformed})
		require.Equal(t, http.StatusBadRequest, r.status, "body: %s", r.body)
		r.problem()
	})
	t.Run("401/without a token", func(t *testing.T) {
		r := h.send(req{method: http.MethodPost, path: overlapsPath, body: similar, mode: malformed})
		assertProblem(t, r, http.StatusUnauthorized, "unauthenticated")
		assert.Equal(t, `Bearer realm="govit"`, r.header.Get("WWW-Authenticate"))
	})
}
