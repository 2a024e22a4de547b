package lifecycle_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxFunctionLines is the longest a function of the package may be, so
// that each rule reads in one screen; .ci/run holds the complexity to 15
// with gocyclo.
const maxFunctionLines = 60

// TestNoFunctionOverSixtyLines: no function or function literal of the
// package (tests aside) is longer than maxFunctionLines lines.
func TestNoFunctionOverSixtyLines(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			var body *ast.BlockStmt
			what := "a function literal"
			switch x := n.(type) {
			case *ast.FuncDecl:
				body, what = x.Body, x.Name.Name
			case *ast.FuncLit:
				body = x.Body
			}
			if body == nil {
				return true
			}
			checked++
			lines := fset.Position(body.End()).Line - fset.Position(n.Pos()).Line + 1
			assert.LessOrEqual(t, lines, maxFunctionLines, "%s at %s", what, fset.Position(n.Pos()))
			return true
		})
	}
	assert.Greater(t, checked, 100, "the package's functions were read")
}
