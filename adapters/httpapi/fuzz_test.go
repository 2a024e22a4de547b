package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// FuzzRequestBodies sends arbitrary bodies to the endpoints that read one:
// bad input is a 4xx problem naming what is wrong, never a 5xx.
func FuzzRequestBodies(f *testing.F) {
	d, err := json.Marshal(declaration(unitA, "学籍平台"))
	require.NoError(f, err)
	for _, seed := range [][]byte{d, []byte(`{}`), []byte(`[]`), []byte(`null`), []byte(`{"budget":{"district":"1e400"}}`),
		[]byte(`{"unit":1}`), []byte(`{"base":{"district":"100"},"request":{"reason":"x","items":[{"item":"a","source":"district","old":"0","new":"1"}]}}`),
		[]byte(`{"contact":{"name":{}}}`), []byte("\xff\xfe"), []byte(`{"items":[{"category":"pc"}]}`)} {
		f.Add(seed)
	}
	eng, err := lifecycle.New(lifecycle.Config{Store: lifecycle.NewMemoryStore(), Clock: func() time.Time { return testNow }})
	require.NoError(f, err)
	auth, err := NewTokenAuthenticator(testTokens)
	require.NoError(f, err)
	api, err := New(Config{Engine: eng, Auth: auth, Clock: func() time.Time { return testNow }, MaxBodyBytes: 4096})
	require.NoError(f, err)
	p, _, err := eng.Declare(f.Context(), lifecycle.Actor{ID: "unit-a", Unit: unitA, Roles: []lifecycle.Role{lifecycle.RoleUnit}},
		mustDeclaration(f, declaration(unitA, "已申报")))
	require.NoError(f, err)

	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range []struct{ path, token string }{
			{"/v1/projects", asUnitA},
			{"/v1/changes/assess", asBDB},
			{"/v1/declarations/overlaps", asUnitA},
			{"/v1/projects/" + p.ID + "/actions/preliminary_review", asBDB},
			{"/v1/projects/" + p.ID + "/actions/withdraw", asUnitB},
		} {
			r := httptest.NewRequest(http.MethodPost, c.path, bytes.NewReader(body))
			r.Header.Set("Authorization", "Bearer "+c.token)
			r.Header.Set("If-Match", `"v9"`)
			w := httptest.NewRecorder()
			api.ServeHTTP(w, r)
			if w.Code >= 500 {
				t.Fatalf("%s → %d: %s", c.path, w.Code, w.Body)
			}
			if w.Code >= 400 {
				var pr Problem
				if err := json.Unmarshal(w.Body.Bytes(), &pr); err != nil || pr.Code == "" || pr.Status != w.Code {
					t.Fatalf("%s → %d without a problem: %s", c.path, w.Code, w.Body)
				}
			}
		}
	})
}
