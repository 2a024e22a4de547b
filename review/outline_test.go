package review

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The outline as printed in 附件2, typed from the regulation.
var wantOutline = []struct {
	title    string
	sections []string
}{
	{"项目概述", []string{"项目名称", "项目建设单位及负责人", "编制依据", "建设目标、规模、内容、周期", "总投资估算及来源", "经济及社会效益"}},
	{"单位现状", []string{"项目建设单位概况", "信息化现状"}},
	{"需求分析", []string{"项目建设的背景", "项目建设的依据", "采用信息系统实现业务需要的需求分析", "业务流程分析", "功能需求分析", "数据分析", "安全需求分析", "设备需求分析", "软件需求分析"}},
	{"建设方案", []string{"建设目标", "总体架构", "应用系统", "网络系统", "服务器和存储系统", "软件", "系统安全", "其他辅助设施和设备建设内容", "土建及配套工程"}},
	{"项目实施进度和组织安排", []string{"项目建设周期", "项目实施计划", "责任人和组织保障"}},
	{"项目风险及控制措施", nil},
	{"总投资详细估算和资金来源", nil},
	{"经济和社会效益", []string{"项目经济效益", "项目社会效益"}},
}

var cnDigits = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

func TestOutline(t *testing.T) {
	o := Outline()
	t.Run("附件2/eight chapters with the regulation's titles and sections", func(t *testing.T) {
		require.Len(t, o, len(wantOutline))
		for i, c := range o {
			assert.Equal(t, i+1, c.Number)
			assert.Equal(t, wantOutline[i].title, c.Title)
			assert.NotEmpty(t, c.TitleEN)
			var titles []string
			for j, s := range c.Sections {
				assert.Equal(t, c.Number, s.Chapter)
				assert.Equal(t, j+1, s.Number)
				assert.NotEmpty(t, s.TitleEN)
				titles = append(titles, s.Title)
			}
			assert.Equal(t, wantOutline[i].sections, titles, "chapter %d", c.Number)
		}
	})
	t.Run("附件2/chapters 6 and 7 have guidance and no sections", func(t *testing.T) {
		for _, n := range []int{6, 7} {
			assert.Empty(t, o[n-1].Sections)
			assert.NotEmpty(t, o[n-1].Guidance)
		}
		assert.Contains(t, o[6].Guidance, "不得指定品牌")
	})
	t.Run("附件2/only 4.9 may be not applicable", func(t *testing.T) {
		var na []string
		for _, c := range o {
			for _, s := range c.Sections {
				if s.MayBeNotApplicable {
					na = append(na, s.Key())
				}
			}
		}
		assert.Equal(t, []string{"4.9"}, na)
		assert.Contains(t, o[3].Sections[8].Guidance, "无须说明和描述")
	})
	t.Run("附件2/keys and section titles are unique", func(t *testing.T) {
		keys := map[string]bool{}
		titles := map[string]bool{}
		for _, c := range o {
			require.False(t, keys[c.Key()])
			keys[c.Key()] = true
			for _, s := range c.Sections {
				require.False(t, keys[s.Key()], s.Key())
				keys[s.Key()] = true
				require.False(t, titles[normalizeTitle(s.Title)], s.Title)
				titles[normalizeTitle(s.Title)] = true
			}
		}
		assert.Len(t, keys, 8+31)
	})
	t.Run("附件2/each call is a fresh copy", func(t *testing.T) {
		o[0].Sections[0].Title = "changed"
		assert.Equal(t, "项目名称", Outline()[0].Sections[0].Title)
	})
}

type tocLine struct{ key, line string }

// fullTOC writes the whole outline as a table of contents in one of
// several numbering styles.
func fullTOC(style int) []tocLine {
	var out []tocLine
	for i, ch := range wantOutline {
		n := i + 1
		var line string
		switch style {
		case 0:
			line = fmt.Sprintf("第%s章 %s", cnDigits[n], ch.title)
		case 1:
			line = fmt.Sprintf("%s、%s", cnDigits[n], ch.title)
		case 2:
			line = fmt.Sprintf("%d. %s", n, ch.title)
		case 3:
			line = fmt.Sprintf("第%d章\u3000%s ………… %d", n, ch.title, n*3)
		case 4:
			line = ch.title
		case 5:
			line = fmt.Sprintf("%d %s", n, ch.title)
		}
		out = append(out, tocLine{fmt.Sprint(n), line})
		for j, s := range ch.sections {
			m := j + 1
			switch style {
			case 0:
				line = fmt.Sprintf("%d.%d %s", n, m, s)
			case 1:
				line = fmt.Sprintf("（%s）%s", cnDigits[m], s)
			case 2:
				line = fmt.Sprintf("%d、%s", m, s)
			case 3:
				line = fmt.Sprintf("%s．%s……%d", string(rune('０'+m)), s, n*3+m)
			case 4:
				line = s
			case 5:
				line = fmt.Sprintf("(%d) %s", m, s)
			}
			out = append(out, tocLine{fmt.Sprintf("%d.%d", n, m), line})
		}
	}
	return out
}

func lines(toc []tocLine) []string {
	out := make([]string, len(toc))
	for i, l := range toc {
		out[i] = l.line
	}
	return out
}

func gapKeys(toc []string) []string {
	var keys []string
	for _, g := range outlineGaps(toc) {
		keys = append(keys, g.key)
	}
	return keys
}

func TestCheckOutline(t *testing.T) {
	for style := range 6 {
		t.Run(fmt.Sprintf("第六条第（一）项/complete outline, numbering style %d", style), func(t *testing.T) {
			toc := lines(fullTOC(style))
			assert.Empty(t, CheckOutline(toc), "%q", toc)
		})
	}
	replace := func(key, line string) []string {
		toc := fullTOC(0)
		for i := range toc {
			if toc[i].key == key {
				toc[i].line = line
			}
		}
		return lines(toc)
	}
	drop := func(keys ...string) []string {
		var out []string
		for _, l := range fullTOC(0) {
			if !slices.Contains(keys, l.key) {
				out = append(out, l.line)
			}
		}
		return out
	}
	cases := []struct {
		name  string
		toc   []string
		codes []string
		keys  []string
	}{
		{"missing chapter 6", drop("6"), []string{"outline_chapter_missing"}, []string{"6"}},
		{"missing chapter 7", drop("7"), []string{"outline_chapter_missing"}, []string{"7"}},
		{"missing a section", drop("3.7"), []string{"outline_section_missing"}, []string{"3.7"}},
		{"missing chapter heading keeps its sections", drop("3"), []string{"outline_chapter_missing"}, []string{"3"}},
		{"missing a whole chapter", drop("5", "5.1", "5.2", "5.3"),
			[]string{"outline_chapter_missing", "outline_section_missing", "outline_section_missing", "outline_section_missing"},
			[]string{"5", "5.1", "5.2", "5.3"}},
		{"4.9 left out", drop("4.9"), []string{"outline_section_missing"}, []string{"4.9"}},
		{"4.9 not applicable in brackets", replace("4.9", "4.9 土建及配套工程（不涉及）"), nil, nil},
		{"4.9 not applicable after a colon", replace("4.9", "9、土建及配套工程：本项目不涉及"), nil, nil},
		{"4.9 not applicable, ascii brackets", replace("4.9", "4.9 土建及配套工程 (不适用)"), nil, nil},
		{"4.9 marked none", replace("4.9", "4.9 土建及配套工程（无）"), nil, nil},
		{"4.9 not applicable without punctuation", replace("4.9", "4.9 土建及配套工程 不涉及"), nil, nil},
		{"4.9 with its guidance", replace("4.9", "4.9 土建及配套工程（说明机房建设在面积、配套设施和安全等方面的需求和配置）"), nil, nil},
		{"another section marked not applicable", replace("4.4", "4.4 网络系统（不涉及）"), []string{"outline_marked_not_applicable"}, []string{"4.4"}},
		{"a chapter marked not applicable", replace("6", "第六章 项目风险及控制措施：不涉及"), []string{"outline_marked_not_applicable"}, []string{"6"}},
		{"chapter under another title", replace("6", "第六章 风险分析"), []string{"outline_chapter_missing"}, []string{"6"}},
		{"section under another wording", replace("8.1", "8.1 经济效益分析"), []string{"outline_section_missing"}, []string{"8.1"}},
		{"section with guidance note", replace("2.1", "2.1 项目建设单位概况（单位职能、人员编制、业务情况）"), nil, nil},
		{"title split by spaces and full-width punctuation", replace("1.4", "1.4　建设目标，规模，内容，周期"), nil, nil},
		{"extra sub-sections are ignored", append(lines(fullTOC(0)), "4.3.1 用户管理子系统", "附录 术语"), nil, nil},
		{"blank lines are ignored", append([]string{"", "  "}, lines(fullTOC(0))...), nil, nil},
	}
	for _, c := range cases {
		t.Run("第六条第（一）项/"+c.name, func(t *testing.T) {
			fs := CheckOutline(c.toc)
			assert.Equal(t, c.codes, codesOf(fs))
			assert.Equal(t, c.keys, gapKeys(c.toc))
			for _, f := range fs {
				assertFinding(t, f, "第六条第（一）项", "outline")
			}
		})
	}
	t.Run("第六条第（一）项/empty table of contents lacks everything", func(t *testing.T) {
		fs := CheckOutline(nil)
		assert.Len(t, fs, 8+31)
		assert.Contains(t, fs[0].ZH, "第一章 项目概述")
		assert.Contains(t, fs[len(fs)-1].ZH, "项目社会效益")
	})
	t.Run("第六条第（一）项/text form", func(t *testing.T) {
		text := strings.Join(drop("8.2"), "\r\n")
		assert.Equal(t, []string{"outline_section_missing"}, codesOf(CheckOutlineText(text)))
	})
	t.Run("第六条第（一）项/exactly the dropped items are reported", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			style := rapid.IntRange(0, 5).Draw(t, "style")
			var kept []string
			var dropped []string
			for _, l := range fullTOC(style) {
				if rapid.Bool().Draw(t, "drop "+l.key) {
					dropped = append(dropped, l.key)
				} else {
					kept = append(kept, l.line)
				}
			}
			assert.Equal(t, dropped, gapKeys(kept))
			assert.Len(t, CheckOutline(kept), len(dropped))
		})
	})
}

func TestChineseNumber(t *testing.T) {
	for s, want := range map[string]int{"一": 1, "九": 9, "十": 10, "十一": 11, "二十": 20, "二十三": 23, "8": 8, "百": 0} {
		assert.Equal(t, want, chineseNumber(s), s)
	}
}
