package export

import (
	"io"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/govit-cn/govit/lifecycle"
)

var statsHeader = []string{"指标", "分项", "单位", "数量或金额", "其中逾期"}

var sourcesZH = []string{"中央财政资金", "市财政资金", "区财政资金", "自有资金", "合计"}

// statsRows lays the figures out as rows of statsHeader.
func statsRows(s lifecycle.Stats) [][]string {
	rows := [][]string{{"项目数", "", "", strconv.Itoa(s.Projects), ""}}
	states := make([]lifecycle.State, 0, len(s.ByState))
	for st := range s.ByState {
		states = append(states, st)
	}
	slices.Sort(states)
	for _, st := range states {
		rows = append(rows, []string{"按状态", st.ZH(), "", strconv.Itoa(s.ByState[st]), ""})
	}
	for i, a := range amounts(s.Requested) {
		rows = append(rows, []string{"申报金额（万元）", sourcesZH[i], "", a, ""})
	}
	for i, a := range amounts(s.Approved) {
		rows = append(rows, []string{"批复金额（万元）", sourcesZH[i], "", a, ""})
	}
	for _, d := range s.Duties.ByDuty {
		rows = append(rows, []string{"待办义务（按义务）", DutyZH(d.Duty), "", strconv.Itoa(d.Due), strconv.Itoa(d.Overdue)})
	}
	for _, d := range s.Duties.ByUnit {
		rows = append(rows, []string{"待办义务（按单位）", "", d.Unit, strconv.Itoa(d.Due), strconv.Itoa(d.Overdue)})
	}
	for _, d := range s.Duties.ByDutyUnit {
		rows = append(rows, []string{"待办义务（按义务和单位）", DutyZH(d.Duty), d.Unit, strconv.Itoa(d.Due), strconv.Itoa(d.Overdue)})
	}
	a := s.ApprovalWorkdays
	rows = append(rows,
		[]string{"申报至批复工作日", "已批复项目数", "", strconv.Itoa(a.Projects), ""},
		[]string{"申报至批复工作日", "中位数", "", strconv.Itoa(a.Median), ""},
		[]string{"申报至批复工作日", "第90百分位", "", strconv.Itoa(a.P90), ""})
	return rows
}

// StatsCSV writes the figures as CSV rows of 指标, 分项, 单位, 数量或金额
// and 其中逾期.
func StatsCSV(w io.Writer, s lifecycle.Stats) error {
	cw, err := newCSV(w)
	if err != nil {
		return err
	}
	if err := cw.Write(statsHeader); err != nil {
		return err
	}
	if err := cw.WriteAll(statsRows(s)); err != nil {
		return err
	}
	return cw.Error()
}

// StatsXLSX writes the rows of StatsCSV as a workbook with one sheet, 统计.
func StatsXLSX(w io.Writer, s lifecycle.Stats) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "统计"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 3, 24); err != nil {
		return err
	}
	for i, row := range append([][]string{statsHeader}, statsRows(s)...) {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells(row)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return writeWorkbook(f, w)
}
