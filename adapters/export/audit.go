package export

import (
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/govit-cn/govit/lifecycle"
)

// AuditXLSX writes the audit record of one project (第十六条) as a
// workbook: sheet 校验结果 with the project and the verdict on its hash
// chain, and sheet 事件 with every event, its payload as stored and its
// chain hash.
func AuditXLSX(w io.Writer, rec lifecycle.AuditRecord) error {
	f := excelize.NewFile()
	defer f.Close()
	const summary, events = "校验结果", "事件"
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	verdict := "未保存哈希链，无法校验"
	switch {
	case rec.Chain && rec.Verified:
		verdict = "通过：哈希链完整，记录未被改动"
	case rec.Chain:
		verdict = "未通过：" + rec.Break
	}
	rows := [][]string{
		{"项目编号", rec.ProjectID},
		{"项目名称", rec.Name},
		{"申报单位", rec.Unit},
		{"状态", rec.State.ZH()},
		{"事件数", strconv.Itoa(len(rec.Events))},
		{"哈希算法", rec.Algorithm},
		{"校验结果", verdict},
		{"校验时间", stamp(rec.CheckedAt)},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(summary, cell, &[]string{r[0], r[1]}); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(summary, "A", "A", 14); err != nil {
		return err
	}
	if err := f.SetColWidth(summary, "B", "B", 80); err != nil {
		return err
	}
	if _, err := f.NewSheet(events); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(events)
	if err != nil {
		return err
	}
	header := []string{"版本", "全局序号", "时间", "动作", "操作人", "操作人单位", "角色", "依据条款", "内容", "哈希"}
	if err := sw.SetRow("A1", cells(header)); err != nil {
		return err
	}
	for i, e := range rec.Events {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []string{strconv.FormatInt(e.Version, 10), strconv.FormatInt(e.Seq, 10), stamp(e.At), string(e.Action),
			e.Actor.ID, e.Actor.Unit, string(e.Role), e.Article, string(e.Payload), e.Hash}
		if err := sw.SetRow(cell, cells(row)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return writeWorkbook(f, w)
}
