package httpapi

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/httpapi/internal/openapigen"
)

// TestOpenAPIIsGenerated: the committed openapi.json, the document the
// server embeds and serves, is what the generator makes of
// openapi.base.json and the Go payload types today. A payload type changed
// without `go generate ./adapters/httpapi` fails here.
func TestOpenAPIIsGenerated(t *testing.T) {
	base, err := os.ReadFile("openapi.base.json")
	require.NoError(t, err)
	want, err := openapigen.Generate(base, "../..")
	require.NoError(t, err)
	require.Equal(t, string(want), string(OpenAPI()), "openapi.json is stale: run go generate ./adapters/httpapi")
}
