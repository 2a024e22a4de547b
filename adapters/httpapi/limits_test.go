package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckShape(t *testing.T) {
	many := func(n int, elem string) string {
		return "[" + strings.TrimSuffix(strings.Repeat(elem+",", n), ",") + "]"
	}
	for _, tc := range []struct {
		name, body, code, field string
	}{
		{"a declaration's items within bound", `{"items":` + many(500, `{"category":"application"}`) + `}`, "", ""},
		{"a declaration's items over bound", `{"name":"x","items":` + many(501, `{}`) + `}`, "too_many_items", "items"},
		{"a nested array over the default", `{"request":{"reason":"r","items":[{"x":` + many(101, `1`) + `}]}}`, "too_many_items", "request.items[0].x"},
		{"change lines over bound", `{"base":{},"request":{"items":` + many(501, `{}`) + `}}`, "too_many_items", "request.items"},
		{"an unnamed array", many(101, `0`), "too_many_items", ""},
		{"an array in an array", `{"items":[` + many(101, `0`) + `]}`, "too_many_items", "items[0]"},
		{"an object of many members", manyMembers(201), "too_many_members", ""},
		{"an object of members within bound", manyMembers(200), "", ""},
		{"deep nesting", strings.Repeat(`{"a":`, 17) + `1` + strings.Repeat(`}`, 17), "body_too_deep", "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a"},
		{"syntax errors are left to the decoder", `{"items":[1,2,`, "", ""},
		{"many tokens", `{"a":` + many(90, many(90, `0`)) + `,"b":` + many(90, many(90, `0`)) + `,"c":` + many(90, many(90, `0`)) + `}`, "body_too_complex", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := checkShape([]byte(tc.body))
			if tc.code == "" {
				assert.Nil(t, p)
				return
			}
			require.NotNil(t, p)
			assert.Equal(t, http.StatusBadRequest, p.Status)
			assert.Equal(t, tc.code, p.Code)
			if tc.field != "" {
				require.Len(t, p.Errors, 1)
				assert.Equal(t, tc.field, p.Errors[0].Field)
			}
		})
	}
}

// TestDecodingCostIsBoundedByTheBody: a 1 MiB body of 349,000 empty
// items, which used to cost 648 MB and over a second of CPU, is refused
// for a few times its size; the stores are untouched.
func TestDecodingCostIsBoundedByTheBody(t *testing.T) {
	h := newHarness(t, nil)
	items := strings.TrimSuffix(strings.Repeat("{},", 349000), ",")
	for _, path := range []string{"/v1/projects", "/v1/declarations/overlaps", "/v1/changes/assess", "/v1/projects/x/actions/request_change"} {
		body := []byte(`{"items":[` + items + `]}`)
		if path == "/v1/changes/assess" {
			body = []byte(`{"base":{},"request":{"reason":"r","items":[` + items + `]}}`)
		}
		require.Less(t, len(body), DefaultMaxBodyBytes)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+asUnitA)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("If-Match", `"v1"`)
		rec := httptest.NewRecorder()
		h.api.ServeHTTP(rec, req)
		runtime.ReadMemStats(&after)
		assert.Equal(t, http.StatusBadRequest, rec.Code, "%s: %.200s", path, rec.Body.String())
		assert.Contains(t, rec.Body.String(), "too_many_items", path)
		alloc := after.TotalAlloc - before.TotalAlloc
		assert.Less(t, alloc, uint64(5*len(body)), "%s: %d bytes allocated for a body of %d", path, alloc, len(body))
		t.Logf("%s: %d bytes allocated for a body of %d (%.1fx)", path, alloc, len(body), float64(alloc)/float64(len(body)))
	}
	assert.Zero(t, h.listed())
}

func manyMembers(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d":1`, i)
	}
	b.WriteString("}")
	return b.String()
}
