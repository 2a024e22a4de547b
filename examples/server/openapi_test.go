package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryDocumentedOperationIsServed: the server serves the OpenAPI
// document it describes itself with, and routes each of its operations —
// the API's, one per action, and the portfolio's — to the API: without a
// token an operation that needs one answers 401 as a problem, the others
// 200; none falls to the console, a 404 or a 405.
func TestEveryDocumentedOperationIsServed(t *testing.T) {
	srv := startServer(t, t.TempDir())
	resp, err := http.Get(srv.url + "/openapi.json")
	require.NoError(t, err)
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	doc, err := openapi3.NewLoader().LoadFromData(data)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))

	params := strings.NewReplacer("{id}", "x", "{doc}", "contract", "{date}", "2026-03-02")
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			req, err := http.NewRequest(method, srv.url+params.Replace(path), nil)
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			security := doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			if len(security) > 0 {
				assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%s %s", method, path)
				assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"), "%s %s", method, path)
			} else {
				assert.Equal(t, http.StatusOK, resp.StatusCode, "%s %s", method, path)
			}
		}
	}
	assert.Greater(t, n, 50, "the actions, the API's other routes and the portfolio's")
}
