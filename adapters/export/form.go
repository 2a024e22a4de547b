package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// FormSheet is the name of the declaration form's sheet.
const FormSheet = "申报表"

// formRow is one line of the form's table: a label over columns A–B and
// its value over C–H, height in points.
type formRow struct {
	label, value string
	height       float64
}

// DeclarationForm writes the declaration in force of project p as the
// 渝北区政务信息化项目需求申报表 of 附件1: one A4 portrait page with the
// form's title, 填报单位（盖章） and 填报时间 line, and its table in the
// paper form's order — 申报单位, 项目名称, 联系人 and 联系电话, 项目周期,
// 项目类别 and 采购类别 (ticked boxes), 资金预算 by source with 合计, 资金主要
// 构成, 项目内容及功能, 信息资源上云情况, 信息资源共享情况, 单位信息化项目现状
// 及整合情况, 备注 — filled in, ready to print and stamp. Amounts are the
// exact decimal 万元 of the declaration. A footer line names the project
// and version the form was printed from.
func DeclarationForm(w io.Writer, p *lifecycle.Project) error {
	d := p.Declaration
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", FormSheet); err != nil {
		return err
	}
	st, err := formStyles(f)
	if err != nil {
		return err
	}
	set := func(cell string, v any) error { return f.SetCellValue(FormSheet, cell, v) }
	merge := func(from, to string, v any, style int) error {
		if from != to {
			if err := f.MergeCell(FormSheet, from, to); err != nil {
				return err
			}
		}
		if err := set(from, v); err != nil {
			return err
		}
		return f.SetCellStyle(FormSheet, from, to, style)
	}
	for col, width := range map[string]float64{"A": 9, "B": 9, "C": 12, "D": 10, "E": 12, "F": 12, "G": 12, "H": 12} {
		if err := f.SetColWidth(FormSheet, col, col, width); err != nil {
			return err
		}
	}

	steps := []func() error{
		func() error { return merge("A1", "B1", "附件1", st.plain) },
		func() error { return merge("A2", "H2", "渝北区政务信息化项目需求申报表", st.title) },
		func() error { return f.SetRowHeight(FormSheet, 2, 36) },
		func() error { return merge("A3", "E3", "填报单位（盖章）："+d.Unit, st.plain) },
		func() error { return merge("F3", "H3", "填报时间："+filledOn(d.FilledOn), st.plain) },
		func() error { return f.SetRowHeight(FormSheet, 3, 24) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}

	row := 4
	line := func(r formRow) error {
		a, c, h := fmt.Sprintf("A%d", row), fmt.Sprintf("C%d", row), fmt.Sprintf("H%d", row)
		if err := merge(a, fmt.Sprintf("B%d", row), r.label, st.label); err != nil {
			return err
		}
		if err := merge(c, h, r.value, st.value); err != nil {
			return err
		}
		row++
		return f.SetRowHeight(FormSheet, row-1, r.height)
	}
	// pair is a line with two label–value pairs: A–B C–D | E–F G–H.
	pair := func(l1, v1, l2, v2 string) error {
		cells := []struct {
			from, to, v string
			style       int
		}{
			{"A", "B", l1, st.label}, {"C", "D", v1, st.value}, {"E", "F", l2, st.label}, {"G", "H", v2, st.value},
		}
		for _, c := range cells {
			if err := merge(fmt.Sprintf("%s%d", c.from, row), fmt.Sprintf("%s%d", c.to, row), c.v, c.style); err != nil {
				return err
			}
		}
		row++
		return f.SetRowHeight(FormSheet, row-1, 30)
	}

	if err := line(formRow{"申报单位", d.Unit, 30}); err != nil {
		return err
	}
	if err := line(formRow{"项目名称", d.Name, 30}); err != nil {
		return err
	}
	if err := pair("联 系 人", d.Contact.Name, "联系电话", d.Contact.Phone); err != nil {
		return err
	}
	if err := line(formRow{"项目周期", period(d.Period), 30}); err != nil {
		return err
	}
	if err := pair("项目类别", kindBoxes(d), "采购类别", procurementBoxes(d.ProcurementCategory)); err != nil {
		return err
	}

	// 资金预算: the label over two rows, the heads of 合计 and the four
	// sources, then their amounts.
	top, bottom := row, row+1
	if err := merge(fmt.Sprintf("A%d", top), fmt.Sprintf("B%d", bottom), "资金预算", st.label); err != nil {
		return err
	}
	heads := []struct{ from, to, head, amount string }{
		{"C", "D", "合计（万元）", d.Budget.Total().String()},
		{"E", "E", "中央财政资金", d.Budget.Central.String()},
		{"F", "F", "市财政资金", d.Budget.Municipal.String()},
		{"G", "G", "区财政资金", d.Budget.District.String()},
		{"H", "H", "自有资金", d.Budget.SelfFunded.String()},
	}
	for _, h := range heads {
		if err := merge(fmt.Sprintf("%s%d", h.from, top), fmt.Sprintf("%s%d", h.to, top), h.head, st.label); err != nil {
			return err
		}
		if err := merge(fmt.Sprintf("%s%d", h.from, bottom), fmt.Sprintf("%s%d", h.to, bottom), h.amount, st.amount); err != nil {
			return err
		}
	}
	for _, r := range []int{top, bottom} {
		if err := f.SetRowHeight(FormSheet, r, 30); err != nil {
			return err
		}
	}
	row += 2

	for _, r := range []formRow{
		{"资金主要构成", d.FundComposition, 48},
		{"项目内容及功能", d.Content, 120},
		{"信息资源上云情况", d.Cloud, 60},
		{"信息资源共享情况", d.Sharing, 60},
		{"单位信息化项目现状及整合情况", d.Integration, 72},
		{"备    注", d.Remarks, 40},
	} {
		if err := line(r); err != nil {
			return err
		}
	}
	foot := fmt.Sprintf("项目编号 %s，第 %d 版，导出于 %s", p.ID, p.Version, stamp(p.UpdatedAt))
	if err := merge(fmt.Sprintf("A%d", row), fmt.Sprintf("H%d", row), foot, st.foot); err != nil {
		return err
	}

	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: FormSheet,
		RefersTo: fmt.Sprintf("'%s'!$A$1:$H$%d", FormSheet, row)}); err != nil {
		return err
	}
	a4, portrait, one := 9, "portrait", 1
	if err := f.SetPageLayout(FormSheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &portrait, FitToWidth: &one, FitToHeight: &one}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(FormSheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	margin, center := 0.6, true
	if err := f.SetPageMargins(FormSheet, &excelize.PageLayoutMarginsOptions{Top: &margin, Bottom: &margin, Left: &margin, Right: &margin, Horizontally: &center}); err != nil {
		return err
	}
	return writeWorkbook(f, w)
}

type styles struct{ title, plain, label, value, amount, foot int }

func formStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	font := func(size float64, bold bool) *excelize.Font {
		return &excelize.Font{Family: "宋体", Size: size, Bold: bold}
	}
	defs := []*excelize.Style{
		{Font: &excelize.Font{Family: "黑体", Size: 18, Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}},
		{Font: font(11, false), Alignment: &excelize.Alignment{Vertical: "center"}},
		{Font: font(11, true), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}},
		{Font: font(11, false), Border: border, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}},
		{Font: font(11, false), Border: border, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}},
		{Font: font(8, false), Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}},
	}
	ids := make([]int, len(defs))
	for i, d := range defs {
		id, err := f.NewStyle(d)
		if err != nil {
			return styles{}, err
		}
		ids[i] = id
	}
	return styles{ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]}, nil
}

// box is a ticked (☑) or empty (□) box with its label.
func box(on bool, label string) string {
	if on {
		return "☑" + label
	}
	return "□" + label
}

func kindBoxes(d review.Declaration) string {
	construction := box(d.Kind == review.Construction, "建设类")
	if d.Kind == review.Construction && d.ConstructionType != "" {
		construction += "（" + d.ConstructionType.ZH() + "）"
	}
	return construction + "\n" + box(d.Kind == review.Operation, "运维类")
}

func procurementBoxes(c review.ProcurementCategory) string {
	return strings.Join([]string{box(c == review.Engineering, "工程类"), box(c == review.Service, "服务类"), box(c == review.Goods, "货物类")}, "\n")
}

// period writes 项目周期 as the form does: 2026 年 01 月 至 2026 年 12 月.
func period(p review.Period) string {
	ym := func(s string) string {
		y, m, ok := strings.Cut(s, "-")
		if !ok {
			return s
		}
		return y + " 年 " + m + " 月"
	}
	return ym(p.Start) + " 至 " + ym(p.End)
}

// filledOn writes 填报时间 as the form does (2026 年 01 月 05 日), or the
// blanks of the paper form when the declaration does not give it.
func filledOn(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "      年    月    日"
	}
	return t.Format("2006 年 01 月 02 日")
}
