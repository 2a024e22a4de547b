package adapters

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const modulePath = "github.com/govit-cn/govit"

// layer gives each top-level directory its place in the dependency
// direction calendar, review → change, document → lifecycle → adapters →
// examples. A
// package may import packages of its own top-level directory and of lower
// layers only; calendar and review, both leaves, may not import each other.
var layer = map[string]int{
	"calendar":  0,
	"review":    0,
	"change":    1,
	"document":  1,
	"lifecycle": 2,
	"adapters":  3,
	"examples":  4,
}

// domain lists the directories that hold rules: they must not reach for
// transport or storage.
var domain = map[string]bool{"calendar": true, "review": true, "change": true, "document": true, "lifecycle": true}

// forbiddenInDomain are the standard packages no domain package imports.
var forbiddenInDomain = map[string]bool{"net/http": true, "database/sql": true}

// importEdge is one import found in one file.
type importEdge struct {
	file, from, to string
}

// moduleRoot finds the directory holding go.mod above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "go.mod not found")
		dir = parent
	}
}

// imports parses every Go file of the module (tests included) and returns
// its imports, keyed by the importing file's top-level directory.
func imports(t *testing.T, root string) []importEdge {
	t.Helper()
	var edges []importEdge
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		top := strings.Split(filepath.ToSlash(rel), "/")[0]
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, spec := range f.Imports {
			p, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return err
			}
			edges = append(edges, importEdge{file: filepath.ToSlash(rel), from: top, to: p})
		}
		return nil
	})
	require.NoError(t, err)
	return edges
}

// violations returns a description of every import that breaks the
// layering rules.
func violations(edges []importEdge) []string {
	var out []string
	for _, e := range edges {
		fromLayer, known := layer[e.from]
		if !known {
			out = append(out, e.file+": file outside the module's layout (calendar review change document lifecycle adapters examples)")
			continue
		}
		if domain[e.from] && forbiddenInDomain[e.to] {
			out = append(out, e.file+": domain package imports "+e.to)
		}
		if e.to != modulePath && !strings.HasPrefix(e.to, modulePath+"/") {
			continue
		}
		rest := strings.TrimPrefix(strings.TrimPrefix(e.to, modulePath), "/")
		toTop := strings.Split(rest, "/")[0]
		if toTop == e.from {
			continue
		}
		toLayer, ok := layer[toTop]
		if !ok {
			out = append(out, e.file+": imports "+e.to+", outside the module's layout")
			continue
		}
		if toLayer >= fromLayer {
			out = append(out, e.file+": "+e.from+" may not import "+e.to+" (direction: calendar, review → change, document → lifecycle → adapters → examples)")
		}
	}
	return out
}

func TestDependencyDirection(t *testing.T) {
	root := moduleRoot(t)
	edges := imports(t, root)
	require.NotEmpty(t, edges, "no Go files found under %s", root)
	require.Empty(t, violations(edges))
}

// TestViolationsAreDetected proves the checker itself can fail: each edge
// below breaks one rule.
func TestViolationsAreDetected(t *testing.T) {
	cases := []struct {
		name string
		edge importEdge
	}{
		{"domain imports net/http", importEdge{"lifecycle/x.go", "lifecycle", "net/http"}},
		{"domain imports database/sql", importEdge{"change/x.go", "change", "database/sql"}},
		{"domain imports an adapter", importEdge{"lifecycle/x.go", "lifecycle", modulePath + "/adapters/sqlstore"}},
		{"leaf imports leaf", importEdge{"calendar/x.go", "calendar", modulePath + "/review"}},
		{"change imports lifecycle", importEdge{"change/x.go", "change", modulePath + "/lifecycle"}},
		{"document imports lifecycle", importEdge{"document/x.go", "document", modulePath + "/lifecycle"}},
		{"document imports net/http", importEdge{"document/x.go", "document", "net/http"}},
		{"adapter imports example", importEdge{"adapters/httpapi/x.go", "adapters", modulePath + "/examples/server"}},
		{"unknown top-level dir", importEdge{"internal/x.go", "internal", "fmt"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Len(t, violations([]importEdge{c.edge}), 1)
		})
	}
	allowed := []importEdge{
		{"review/budget.go", "review", "database/sql/driver"},
		{"change/x.go", "change", modulePath + "/review"},
		{"lifecycle/storetest/x.go", "lifecycle", modulePath + "/lifecycle"},
		{"examples/server/main.go", "examples", modulePath + "/adapters/httpapi"},
		{"adapters/httpapi/x.go", "adapters", "net/http"},
	}
	require.Empty(t, violations(allowed))
}
