package review

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Chapter is one chapter of the outline of the 建设类 requirement
// specification (附件2 渝北区政务信息化建设类项目需求说明（编制大纲）).
type Chapter struct {
	// Number is the chapter number, 1–8.
	Number int `json:"number"`
	// Title is the chapter title as in 附件2, e.g. 项目概述.
	Title string `json:"title"`
	// TitleEN is an English rendering of the title.
	TitleEN string `json:"title_en"`
	// Guidance is what 附件2 asks the chapter to contain, for chapters
	// without numbered sections (第六章, 第七章); empty otherwise.
	Guidance string `json:"guidance,omitempty"`
	// Sections are the chapter's numbered sections, in order.
	Sections []Section `json:"sections,omitempty"`
}

// Key is the chapter's stable key: its number, e.g. "6".
func (c Chapter) Key() string { return strconv.Itoa(c.Number) }

// Section is one numbered section of a chapter of 附件2.
type Section struct {
	// Chapter is the number of the chapter the section belongs to.
	Chapter int `json:"chapter"`
	// Number is the section's number within its chapter.
	Number int `json:"number"`
	// Title is the section title as in 附件2, e.g. 土建及配套工程.
	Title string `json:"title"`
	// TitleEN is an English rendering of the title.
	TitleEN string `json:"title_en"`
	// Guidance is the parenthetical note under the section in 附件2.
	Guidance string `json:"guidance,omitempty"`
	// MayBeNotApplicable marks the one section that 附件2 lets a project
	// mark as not involved (4.9 土建及配套工程: 对项目建设不涉及的内容，在本节
	// 中无须说明和描述).
	MayBeNotApplicable bool `json:"may_be_not_applicable,omitempty"`
}

// Key is the section's stable key, "chapter.number", e.g. "4.9".
func (s Section) Key() string { return fmt.Sprintf("%d.%d", s.Chapter, s.Number) }

// Outline returns the eight chapters of 附件2 with their numbered sections,
// titles exactly as in the regulation. Each call returns a fresh copy.
func Outline() []Chapter {
	sec := func(ch, n int, title, en, guidance string) Section {
		return Section{Chapter: ch, Number: n, Title: title, TitleEN: en, Guidance: guidance}
	}
	civil := sec(4, 9, "土建及配套工程", "Civil works and supporting engineering",
		"说明机房建设在面积、配套设施和安全等方面的需求和配置，对项目建设不涉及的内容，在本节中无须说明和描述")
	civil.MayBeNotApplicable = true
	return []Chapter{
		{Number: 1, Title: "项目概述", TitleEN: "Project overview", Sections: []Section{
			sec(1, 1, "项目名称", "Project name", ""),
			sec(1, 2, "项目建设单位及负责人", "Building unit and person in charge", ""),
			sec(1, 3, "编制依据", "Basis of preparation", ""),
			sec(1, 4, "建设目标、规模、内容、周期", "Objectives, scale, content and period", ""),
			sec(1, 5, "总投资估算及来源", "Total investment estimate and sources", ""),
			sec(1, 6, "经济及社会效益", "Economic and social benefits", ""),
		}},
		{Number: 2, Title: "单位现状", TitleEN: "Present situation of the unit", Sections: []Section{
			sec(2, 1, "项目建设单位概况", "Profile of the building unit",
				"单位职能、人员编制、业务情况、拟建项目与单位职能及业务的关系"),
			sec(2, 2, "信息化现状", "Present state of informatisation",
				"信息化整体架构规划或设想、现有系统情况、拟建项目与现有系统的关系、现有网络、设备以及其他信息资源情况"),
		}},
		{Number: 3, Title: "需求分析", TitleEN: "Requirements analysis", Sections: []Section{
			sec(3, 1, "项目建设的背景", "Background", ""),
			sec(3, 2, "项目建设的依据", "Basis", ""),
			sec(3, 3, "采用信息系统实现业务需要的需求分析", "Business needs met by information systems",
				"业务现状、存在问题和业务目标；业务对信息系统的具体需求；实施该项目与解决业务问题、实现业务目标的关系"),
			sec(3, 4, "业务流程分析", "Business process analysis",
				"从管理和技术等方面分析现有业务流程；描述新业务流程，说明流程优化的情况"),
			sec(3, 5, "功能需求分析", "Functional requirements",
				"拟建系统的各项功能。分析功能需求、网络设备要求、响应速度要求、存储要求、系统安全要求"),
			sec(3, 6, "数据分析", "Data analysis", "数据流量和属性分析、数据量分析"),
			sec(3, 7, "安全需求分析", "Security requirements",
				"评估安全风险、确定安全等级、商用密码应用建设方案、信息安全保障体系构成方式"),
			sec(3, 8, "设备需求分析", "Equipment requirements",
				"网络设备、服务器、数据存储、数据备份、安全设备、用户终端"),
			sec(3, 9, "软件需求分析", "Software requirements",
				"分析操作系统、数据库、中间件、应用系统等的要求"),
		}},
		{Number: 4, Title: "建设方案", TitleEN: "Construction plan", Sections: []Section{
			sec(4, 1, "建设目标", "Objectives",
				"从业务、功能和效益等方面说明项目建设的预期目标并与现状进行对比。根据目标，应确定可以作为项目验收标准的具体指标和内容，并以表格的方式列举。此外，还应对项目建成后可公开、共享和交换的信息予以明确说明"),
			sec(4, 2, "总体架构", "Overall architecture",
				"根据建设内容，详细描述项目的总体架构、系统布局、应用系统功能"),
			sec(4, 3, "应用系统", "Application systems",
				"说明应用系统的结构，主要功能设计，子系统划分和功能模块，同时说明各子系统的信息处理流程、输入输出信息、系统数据处理量和主要应用接口等"),
			sec(4, 4, "网络系统", "Network system",
				"用网络拓扑图描述。说明各类软硬件的功能、数量、性能等配置方案和选型理由"),
			sec(4, 5, "服务器和存储系统", "Servers and storage",
				"说明各类软硬件的功能、数量、性能等配置方案和选型理由"),
			sec(4, 6, "软件", "Software",
				"逐一说明所需操作系统、数据库、中间件等产品软件的功能、数量、性能等配置方案和选型理由"),
			sec(4, 7, "系统安全", "System security",
				"按照安全等级，根据用户、网络、系统等确定不同安全域；针对不同层次的安全需求分层部署；说明主要设备选型理由和配置"),
			sec(4, 8, "其他辅助设施和设备建设内容", "Other auxiliary facilities and equipment",
				"逐一说明各辅助设施和设备建设内容、选型理由和配置要求"),
			civil,
		}},
		{Number: 5, Title: "项目实施进度和组织安排", TitleEN: "Schedule and organisation", Sections: []Section{
			sec(5, 1, "项目建设周期", "Construction period", ""),
			sec(5, 2, "项目实施计划", "Implementation plan", ""),
			sec(5, 3, "责任人和组织保障", "Responsible persons and organisation", ""),
		}},
		{Number: 6, Title: "项目风险及控制措施", TitleEN: "Risks and controls",
			Guidance: "项目建设可能遇到的风险及针对性控制措施。"},
		{Number: 7, Title: "总投资详细估算和资金来源", TitleEN: "Detailed investment estimate and funding sources",
			Guidance: "所有的投资构成有详细的列表和说明，并与建设内容一一对应。投资估算可以参照某品牌估计费用，但不得指定品牌。投资估算应当逐一分解和细化。对各类设备和产品软件的主要功能、性能指标、数量、单价和用途，应当详细说明。对拟开发的应用系统，应当根据应用系统各子系统计其功能模块的具体功能和性质等，逐一详细估算工作量。"},
		{Number: 8, Title: "经济和社会效益", TitleEN: "Economic and social benefits", Sections: []Section{
			sec(8, 1, "项目经济效益", "Economic benefits", "定量和定性分析直接和间接经济效益"),
			sec(8, 2, "项目社会效益", "Social benefits",
				"分析项目建成后可公开、共享、交换的信息及其效益；在业务、服务、管理等方面的效益"),
		}},
	}
}

// OutlineArticle is the criterion that the outline check serves.
const OutlineArticle = "第六条第（一）项"

// outlineGap is one missing or wrongly waived item, with its key.
type outlineGap struct {
	key     string
	finding Finding
}

// CheckOutline checks a submitted table of contents of the requirement
// specification against the outline of 附件2, for 第六条第（一）项
// (项目材料章节内容是否完整). It returns one finding per chapter or section
// that is missing, each with Field "outline", in outline order; nothing for
// a complete table of contents.
//
// Each entry of toc is one heading. Headings are matched on their titles,
// tolerant of:
//   - numbering: 第一章, 第1章, 一、, 1、, 1., 1.1, （一）, (1), ①;
//   - full-width and half-width spaces and punctuation, which are ignored;
//   - a trailing page number or dot leader, and a trailing note in
//     brackets or after a colon (e.g. the guidance text of 附件2).
//
// A section heading is recognised by its title, which is unique in the
// outline (should two chapters share a section title, the chapter heading
// above it decides). A chapter heading is recognised by its title; a
// "第N章" heading with another title is not the chapter, so the chapter is
// reported missing. Unrecognised headings (sub-sections, additions) are
// ignored, as 附件2's note allows adjustments.
//
// Not applicable: a heading marked 不涉及, 不适用 or 无 (in brackets or
// after a colon, e.g. "9. 土建及配套工程（不涉及）") is present but not
// applicable. 附件2 lets only 4.9 土建及配套工程 be so marked; it must
// still appear in the table of contents. Any other chapter or section
// marked not applicable is reported, code "outline_marked_not_applicable";
// the reviewer may accept it as an adjustment (ReviewerJudgment).
func CheckOutline(toc []string) []Finding {
	gaps := outlineGaps(toc)
	fs := make([]Finding, len(gaps))
	for i, g := range gaps {
		fs[i] = g.finding
	}
	return fs
}

// CheckOutlineText is CheckOutline over a table of contents given as text,
// one heading a line.
func CheckOutlineText(text string) []Finding {
	return CheckOutline(strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n"))
}

var (
	// Chapter numbering: 第一章, 第 1 章.
	chapterNumbering = regexp.MustCompile(`^第\s*([0-9]+|[一二三四五六七八九十]+)\s*章`)
	// Other numbering: 1.1, 1.1.1, 1., 1、, 1), 1 (then a space), (1),
	// 一、, 一 (then a space), (一), ①.
	otherNumbering = regexp.MustCompile(`^(?:[0-9]+(?:\s*\.\s*[0-9]+)+\.?|[0-9]+\s*[.、)]|[0-9]+\s|\(\s*(?:[0-9]+|[一二三四五六七八九十]+)\s*\)|[一二三四五六七八九十]+\s*[、.]|[一二三四五六七八九十]+\s|[①-⑳])`)
	// A trailing page number, with or without a dot leader.
	pageNumber = regexp.MustCompile(`[\s.·…—\-_]*[0-9]+$`)
)

// notApplicableMarks are the words that mark a heading as not applicable.
var notApplicableMarks = []string{"本项目不涉及", "不涉及", "不适用", "无"}

// heading is a parsed table-of-contents line.
type heading struct {
	chapterNumber int    // from 第N章, 0 if none
	title         string // normalised
	notApplicable bool
}

func parseHeading(line string) heading {
	var h heading
	s := strings.Map(foldWidth, line)
	s = strings.TrimSpace(s)
	if m := chapterNumbering.FindStringSubmatch(s); m != nil {
		h.chapterNumber = chineseNumber(m[1])
		s = s[len(m[0]):]
	} else if m := otherNumbering.FindString(s); m != "" {
		s = s[len(m):]
	}
	s = strings.TrimSpace(pageNumber.ReplaceAllString(strings.TrimSpace(s), ""))
	// Trailing notes in brackets, possibly several.
	for {
		t := strings.TrimSpace(s)
		if !strings.HasSuffix(t, ")") {
			break
		}
		open := strings.LastIndex(t, "(")
		if open < 0 {
			break
		}
		if isNotApplicable(t[open+1 : len(t)-1]) {
			h.notApplicable = true
		}
		s = t[:open]
	}
	// A note after a colon or a dash.
	if i := strings.IndexAny(s, ":—"); i >= 0 {
		if isNotApplicable(s[i:]) {
			h.notApplicable = true
		}
		s = s[:i]
	}
	h.title = normalizeTitle(s)
	// "土建及配套工程 不涉及" without punctuation.
	for _, m := range notApplicableMarks[:3] {
		if t, ok := strings.CutSuffix(h.title, m); ok && t != "" {
			h.title, h.notApplicable = t, true
			break
		}
	}
	return h
}

func isNotApplicable(note string) bool {
	n := normalizeTitle(note)
	for _, m := range notApplicableMarks {
		if n == m || (m != "无" && strings.Contains(n, m)) {
			return true
		}
	}
	return false
}

// chineseNumber reads 1–99 written in digits or 一…九十九.
func chineseNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	digit := func(r rune) int { return max(0, slices.Index([]rune("零一二三四五六七八九"), r)) }
	rs := []rune(s)
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1:
		return digit(rs[0])
	case len(rs) == 2 && rs[0] == '十':
		return 10 + digit(rs[1])
	case len(rs) == 2 && rs[1] == '十':
		return digit(rs[0]) * 10
	case len(rs) == 3 && rs[1] == '十':
		return digit(rs[0])*10 + digit(rs[2])
	}
	return 0
}

// outlineGaps finds what the table of contents lacks, keyed.
func outlineGaps(toc []string) []outlineGap {
	outline := Outline()
	chapters := make(map[int]*outlineState, len(outline))
	sections := make(map[string]*outlineState)
	chapterTitles := make(map[string]int, len(outline))
	sectionTitles := make(map[string][]Section)
	for _, c := range outline {
		chapters[c.Number] = &outlineState{}
		chapterTitles[normalizeTitle(c.Title)] = c.Number
		for _, s := range c.Sections {
			sections[s.Key()] = &outlineState{}
			t := normalizeTitle(s.Title)
			sectionTitles[t] = append(sectionTitles[t], s)
		}
	}
	current := 0 // chapter of the last chapter heading, 0 before any
	for _, line := range toc {
		h := parseHeading(line)
		if h.title == "" {
			continue
		}
		if n, ok := chapterTitles[h.title]; ok {
			current = n
			st := chapters[n]
			st.present = true
			st.notApplicable = st.notApplicable || h.notApplicable
			continue
		}
		if h.chapterNumber >= 1 && h.chapterNumber <= len(outline) {
			// A chapter heading with another title: its sections still count.
			current = h.chapterNumber
			continue
		}
		candidates := sectionTitles[h.title]
		if len(candidates) == 0 {
			continue
		}
		match := candidates[0]
		for _, s := range candidates {
			if s.Chapter == current {
				match = s
			}
		}
		st := sections[match.Key()]
		st.present = true
		st.notApplicable = st.notApplicable || h.notApplicable
	}
	var gaps []outlineGap
	for _, c := range outline {
		label := fmt.Sprintf("第%s章 %s", chineseNumeral(c.Number), c.Title)
		labelEN := fmt.Sprintf("chapter %d %q (%s)", c.Number, c.Title, c.TitleEN)
		gaps = appendGap(gaps, c.Key(), *chapters[c.Number], false, label, labelEN, "chapter")
		for _, s := range c.Sections {
			label := fmt.Sprintf("第%s章第 %d 节 %s", chineseNumeral(c.Number), s.Number, s.Title)
			labelEN := fmt.Sprintf("section %s %q (%s)", s.Key(), s.Title, s.TitleEN)
			st := sections[s.Key()]
			gaps = appendGap(gaps, s.Key(), *st, s.MayBeNotApplicable, label, labelEN, "section")
		}
	}
	return gaps
}

// outlineState is what the table of contents shows of one outline item.
type outlineState struct {
	present, notApplicable bool
}

func appendGap(gaps []outlineGap, key string, st outlineState, mayBeNA bool, label, labelEN, level string) []outlineGap {
	switch {
	case !st.present:
		return append(gaps, outlineGap{key, Finding{
			Code: "outline_" + level + "_missing", Article: OutlineArticle, Field: "outline",
			ZH: fmt.Sprintf("需求说明缺少附件2编制大纲的%s", label),
			EN: fmt.Sprintf("the requirement specification lacks %s of the 附件2 outline", labelEN),
		}})
	case st.notApplicable && !mayBeNA:
		return append(gaps, outlineGap{key, Finding{
			Code: "outline_marked_not_applicable", Article: OutlineArticle, Field: "outline",
			ZH: fmt.Sprintf("需求说明将%s标为不涉及；附件2仅允许土建及配套工程一节不涉及", label),
			EN: fmt.Sprintf("the requirement specification marks %s as not applicable; 附件2 allows that only for section 4.9", labelEN),
		}})
	}
	return gaps
}

// chineseNumeral writes 1–10 as 一…十.
func chineseNumeral(n int) string {
	const digits = "零一二三四五六七八九十"
	if n >= 0 && n <= 10 {
		return string([]rune(digits)[n])
	}
	return strconv.Itoa(n)
}
