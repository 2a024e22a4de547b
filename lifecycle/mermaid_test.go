package lifecycle_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

var update = flag.Bool("update", false, "rewrite DIAGRAM.md from the transition table")

// diagram is DIAGRAM.md as generated from the transition table.
func diagram() string {
	var b strings.Builder
	b.WriteString("# Project lifecycle 项目生命周期\n\n")
	b.WriteString("Generated from the transition table of package lifecycle (`lifecycle.Mermaid`) by\n")
	b.WriteString("`go test ./lifecycle -run TestDiagram -update`; a test keeps it current. Each edge is\n")
	b.WriteString("`action [outcome] · roles · article`. The guards of each row are listed by `(*Rulebook).Table`\n")
	b.WriteString("and described by `lifecycle.Guards()`.\n")
	for _, k := range []review.Kind{review.Construction, review.Operation} {
		b.WriteString("\n## " + k.ZH() + " (" + string(k) + ")\n\n```mermaid\n")
		b.WriteString(lifecycle.Mermaid(k))
		b.WriteString("```\n")
	}
	return b.String()
}

// TestDiagram keeps DIAGRAM.md equal to the diagram of the table the
// engine runs.
func TestDiagram(t *testing.T) {
	want := diagram()
	if *update {
		require.NoError(t, os.WriteFile("DIAGRAM.md", []byte(want), 0o644))
	}
	got, err := os.ReadFile("DIAGRAM.md")
	require.NoError(t, err, "run go test ./lifecycle -run TestDiagram -update")
	assert.Equal(t, want, string(got), "DIAGRAM.md is stale: run go test ./lifecycle -run TestDiagram -update")
}

// TestMermaidDrawsTheTable checks that every row of the table appears in
// the diagram, as an edge or in the note.
func TestMermaidDrawsTheTable(t *testing.T) {
	for _, k := range []review.Kind{review.Construction, review.Operation} {
		m := lifecycle.Mermaid(k)
		require.True(t, strings.HasPrefix(m, "stateDiagram-v2\n"))
		for _, s := range lifecycle.States(k) {
			assert.Contains(t, m, "as "+string(s)+"\n")
		}
		for _, row := range lifecycle.Yubei2019().Table(k) {
			label := string(row.Action)
			if row.Outcome != "" {
				label += " " + string(row.Outcome)
			}
			assert.Contains(t, m, label+" · ", "%s %s", k, label)
		}
	}
	assert.Empty(t, lifecycle.Mermaid("other"))
}
