package portfolio_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/adapters/portfolio"
	"github.com/govit-cn/govit/lifecycle"
)

// document is the API's OpenAPI document (httpapi.OpenAPI), which
// describes the portfolio's routes too, and a router over it.
var document = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(httpapi.OpenAPI())
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(context.Background())
})

// TestPatternsMatchDocument: the operations tagged portfolio in the
// OpenAPI document are exactly the routes a Handler serves.
func TestPatternsMatchDocument(t *testing.T) {
	doc, err := document()
	require.NoError(t, err)
	var described []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if slices.Contains(op.Tags, "portfolio") {
				described = append(described, method+" "+path)
			}
		}
	}
	h, err := portfolio.New(portfolio.Config{Engine: mustEngine(t), Auth: noAuth{}})
	require.NoError(t, err)
	served := h.Patterns()
	slices.Sort(described)
	slices.Sort(served)
	assert.Equal(t, served, described)
}

type noAuth struct{}

func (noAuth) Authenticate(*http.Request) (lifecycle.Actor, error) {
	return lifecycle.Actor{}, httpapi.ErrUnauthenticated
}

func mustEngine(t *testing.T) *lifecycle.Engine {
	e, err := lifecycle.New(lifecycle.Config{Store: lifecycle.NewMemoryStore()})
	require.NoError(t, err)
	return e
}

// conforms checks a response against the document; a request to a path
// the document does not describe is not checked.
func conforms(t *testing.T, req *http.Request, resp *http.Response, body []byte) {
	t.Helper()
	doc, err := document()
	require.NoError(t, err)
	router, err := routerFor(doc, req)
	require.NoError(t, err)
	route, params, err := router.FindRoute(req)
	if err != nil {
		return
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: opts}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		t.Errorf("%s %s → %d: the response does not conform to the OpenAPI document: %v\n%.600s", req.Method, req.URL.Path, resp.StatusCode, err, body)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
}

var routers_ sync.Map

// routerFor is a router over doc with the test server's URL.
func routerFor(doc *openapi3.T, req *http.Request) (routers.Router, error) {
	base := req.URL.Scheme + "://" + req.URL.Host
	if r, ok := routers_.Load(base); ok {
		return r.(routers.Router), nil
	}
	d := *doc
	d.Servers = openapi3.Servers{{URL: base}}
	r, err := gorillamux.NewRouter(&d)
	if err != nil {
		return nil, err
	}
	routers_.Store(base, r)
	return r, nil
}
