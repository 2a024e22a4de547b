package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun runs the example and checks the to-do lists the OA derives from
// the engine's events.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	text := out.String()

	// after each event, the lines that follow it until the next event
	after := map[string][]string{}
	var event string
	for line := range strings.SplitSeq(strings.TrimSpace(text), "\n") {
		if strings.HasPrefix(line, "    ") {
			after[event] = append(after[event], strings.TrimSpace(line))
			continue
		}
		event = line
	}
	find := func(prefix string) []string {
		t.Helper()
		for e, lines := range after {
			if strings.Contains(e, prefix) {
				return lines
			}
		}
		t.Fatalf("no event %q in:\n%s", prefix, text)
		return nil
	}

	// 第六条: a declaration waits for 区大数据发展局's preliminary review.
	assert.Equal(t, []string{"待办 王芳（区大数据发展局）：初步审核（第六条）「中小学学籍与资助管理平台」"}, find("declare → declared"))
	// 第七条: the government deliberates, then finance budgets.
	assert.Contains(t, find("expert_review → expert_passed")[0], "刘伟（区政府办）")
	assert.Contains(t, find("deliberate → approved")[0], "陈刚（区财政局）")
	// 第十二条: a contract signed on Monday 9 March 2026 is filed within 7
	// working days: 10, 11, 12, 13, 16, 17, 18 March.
	signed := find("sign_contract → implementing")
	require.Len(t, signed, 1)
	assert.Contains(t, signed[0], "李明（区教委）")
	assert.Contains(t, signed[0], "第十二条")
	assert.Contains(t, signed[0], "截止 2026-03-18")
	// Filed: nothing left to do.
	assert.Equal(t, []string{"（无待办）"}, find("file_contract → implementing"))
	assert.Contains(t, text, "项目 XM-2026-001「中小学学籍与资助管理平台」：建设实施中，待办 0 项")
}
