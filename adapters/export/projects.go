package export

import (
	"io"
	"iter"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/govit-cn/govit/lifecycle"
)

// projectHeader is the header row of the project list.
var projectHeader = []string{
	"项目编号", "项目名称", "申报单位", "项目类别", "状态", "版本", "预算年度",
	"申报中央财政资金（万元）", "申报市财政资金（万元）", "申报区财政资金（万元）", "申报自有资金（万元）", "申报合计（万元）",
	"批复中央财政资金（万元）", "批复市财政资金（万元）", "批复区财政资金（万元）", "批复自有资金（万元）", "批复合计（万元）",
	"首次申报时间", "批复时间", "待办义务", "截止日期", "最后更新",
}

func projectRow(s lifecycle.Summary) []string {
	year := ""
	if s.BudgetYear != 0 {
		year = strconv.Itoa(s.BudgetYear)
	}
	row := []string{s.ProjectID, s.Name, s.Unit, kindZH(s.Kind), s.State.ZH(), strconv.FormatInt(s.Version, 10), year}
	row = append(row, amounts(s.Requested)...)
	row = append(row, amounts(s.Approved)...)
	duty := ""
	if s.NextDuty != "" {
		duty = DutyZH(s.NextDuty)
	}
	return append(row, stamp(s.DeclaredAt), stamp(s.ApprovedAt), duty, date(s.NextDue), stamp(s.UpdatedAt))
}

// ProjectsCSV writes the projects as CSV with a header row, one row per
// project as it comes from rows; it stops at the first error of rows.
func ProjectsCSV(w io.Writer, rows iter.Seq2[lifecycle.Summary, error]) error {
	cw, err := newCSV(w)
	if err != nil {
		return err
	}
	if err := cw.Write(projectHeader); err != nil {
		return err
	}
	for s, err := range rows {
		if err != nil {
			return err
		}
		if err := cw.Write(projectRow(s)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ProjectsXLSX writes the projects as a workbook with one sheet, 项目清单,
// streamed: amounts are written as text, exactly as stored.
func ProjectsXLSX(w io.Writer, rows iter.Seq2[lifecycle.Summary, error]) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "项目清单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 34); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 3, 24); err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells(projectHeader)); err != nil {
		return err
	}
	n := 1
	for s, err := range rows {
		if err != nil {
			return err
		}
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, cells(projectRow(s))); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return writeWorkbook(f, w)
}

func cells(row []string) []any {
	out := make([]any, len(row))
	for i, v := range row {
		out[i] = v
	}
	return out
}
