package export

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

func formProject() *lifecycle.Project {
	d := review.Declaration{
		Unit: "区教委", Name: "智慧教育云平台",
		Contact:             review.Contact{Name: "张三", Phone: "023-67812345"},
		Period:              review.Period{Start: "2026-03", End: "2027-06"},
		Kind:                review.Construction,
		ConstructionType:    review.NewBuild,
		ProcurementCategory: review.Service,
		Budget:              review.MustBudget("100", "0", "20.123456", "5.5"),
		FundComposition:     "区财政资金为主",
		Content:             "建设全区中小学统一的教育管理与资源共享平台",
		Cloud:               "部署于区政务云",
		Sharing:             "接入区政务数据共享交换平台",
		Integration:         "整合现有三个业务系统",
		Remarks:             "分两期建设",
		FilledOn:            "2026-02-27",
	}
	return &lifecycle.Project{ID: "P001", Version: 3, Unit: d.Unit, Name: d.Name, Kind: d.Kind, Declaration: d,
		UpdatedAt: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)}
}

// TestDeclarationFormIsLaidOutLikeThePaperForm reads the workbook back and
// finds each field of 附件1 beside its label, in the paper form's order.
func TestDeclarationFormIsLaidOutLikeThePaperForm(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, DeclarationForm(&buf, formProject()))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	get := func(cell string) string {
		v, err := f.GetCellValue(FormSheet, cell)
		require.NoError(t, err)
		return v
	}
	assert.Equal(t, "附件1", get("A1"))
	assert.Equal(t, "渝北区政务信息化项目需求申报表", get("A2"))
	assert.Equal(t, "填报单位（盖章）：区教委", get("A3"))
	assert.Equal(t, "填报时间：2026 年 02 月 27 日", get("F3"))
	want := []struct{ label, cell, value string }{
		{"A4", "C4", "区教委"},
		{"A5", "C5", "智慧教育云平台"},
		{"A6", "C6", "张三"},
		{"E6", "G6", "023-67812345"},
		{"A7", "C7", "2026 年 03 月 至 2027 年 06 月"},
		{"A8", "C8", "☑建设类（新建）\n□运维类"},
		{"E8", "G8", "□工程类\n☑服务类\n□货物类"},
		{"A9", "C10", "125.623456"},
		{"E9", "E10", "100"},
		{"F9", "F10", "0"},
		{"G9", "G10", "20.123456"},
		{"H9", "H10", "5.5"},
		{"A11", "C11", "区财政资金为主"},
		{"A12", "C12", "建设全区中小学统一的教育管理与资源共享平台"},
		{"A13", "C13", "部署于区政务云"},
		{"A14", "C14", "接入区政务数据共享交换平台"},
		{"A15", "C15", "整合现有三个业务系统"},
		{"A16", "C16", "分两期建设"},
	}
	labels := []string{"申报单位", "项目名称", "联 系 人", "联系电话", "项目周期", "项目类别", "采购类别", "资金预算",
		"中央财政资金", "市财政资金", "区财政资金", "自有资金", "资金主要构成", "项目内容及功能", "信息资源上云情况",
		"信息资源共享情况", "单位信息化项目现状及整合情况", "备    注"}
	got := []string{}
	for _, w := range want {
		got = append(got, get(w.label))
		assert.Equal(t, w.value, get(w.cell), "beside %s", get(w.label))
	}
	assert.Equal(t, "合计（万元）", get("C9"))
	assert.Equal(t, labels, got)
	merged, err := f.GetMergeCells(FormSheet)
	require.NoError(t, err)
	spans := map[string]string{}
	for _, m := range merged {
		spans[m.GetStartAxis()] = m.GetEndAxis()
	}
	assert.Equal(t, "H2", spans["A2"], "the title spans the table")
	assert.Equal(t, "B10", spans["A9"], "资金预算 spans its two rows")
	assert.Equal(t, "H12", spans["C12"], "项目内容及功能 spans the table")
	layout, err := f.GetPageLayout(FormSheet)
	require.NoError(t, err)
	require.NotNil(t, layout.Size)
	assert.Equal(t, 9, *layout.Size, "A4")
	assert.Equal(t, "portrait", *layout.Orientation)
	assert.Contains(t, get("A17"), "P001")
}

func TestDeclarationFormBlankDate(t *testing.T) {
	p := formProject()
	p.Declaration.FilledOn = ""
	var buf bytes.Buffer
	require.NoError(t, DeclarationForm(&buf, p))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	v, err := f.GetCellValue(FormSheet, "F3")
	require.NoError(t, err)
	assert.Equal(t, "填报时间：      年    月    日", v, "left blank to fill in by hand")
}

func TestAuditXLSX(t *testing.T) {
	rec := lifecycle.AuditRecord{ProjectID: "P001", Name: "智慧教育云平台", Unit: "区教委", State: lifecycle.StateApproved,
		Chain: true, Algorithm: "sha256", Verified: true,
		Events: []lifecycle.AuditedEvent{
			{Event: lifecycle.Event{ProjectID: "P001", Version: 1, Seq: 7, Action: lifecycle.ActDeclare, Payload: []byte(`{"a":1}`)}, Hash: "ab12"},
			{Event: lifecycle.Event{ProjectID: "P001", Version: 2, Seq: 9, Action: lifecycle.ActWithdraw}, Hash: "cd34"},
		}}
	for _, tc := range []struct {
		verified bool
		verdict  string
	}{{true, "通过：哈希链完整，记录未被改动"}, {false, "未通过：project P001 version 2: edited"}} {
		rec.Verified = tc.verified
		rec.Break = ""
		if !tc.verified {
			rec.Break = "project P001 version 2: edited"
		}
		var buf bytes.Buffer
		require.NoError(t, AuditXLSX(&buf, rec))
		f, err := excelize.OpenReader(&buf)
		require.NoError(t, err)
		v, err := f.GetCellValue("校验结果", "B7")
		require.NoError(t, err)
		assert.Equal(t, tc.verdict, v)
		rows, err := f.GetRows("事件")
		require.NoError(t, err)
		require.Len(t, rows, 3)
		assert.Equal(t, []string{"1", "7"}, rows[1][:2])
		assert.Equal(t, `{"a":1}`, rows[1][8])
		assert.Equal(t, "cd34", rows[2][9])
		f.Close()
	}
}

func TestStatsExports(t *testing.T) {
	s := lifecycle.Stats{Projects: 3, ByState: map[lifecycle.State]int{lifecycle.StateApproved: 2, lifecycle.StateDeclared: 1},
		Requested: review.MustBudget("1", "2", "3.000001", "4"), Approved: review.MustBudget("", "", "0.5", ""),
		Duties:           lifecycle.DutyStats{ByDuty: []lifecycle.DutyFigures{{Duty: lifecycle.DutyArchive, Due: 2, Overdue: 1}}},
		ApprovalWorkdays: lifecycle.ApprovalStats{Projects: 2, Median: 5, P90: 9}}
	var buf bytes.Buffer
	require.NoError(t, StatsCSV(&buf, s))
	out := buf.String()
	assert.True(t, len(out) > 3 && out[:3] == BOM)
	assert.Contains(t, out, "申报金额（万元）,合计,,10.000001,")
	assert.Contains(t, out, "待办义务（按义务）,电子档案归档（第十五条）,,2,1")
	assert.Contains(t, out, "申报至批复工作日,第90百分位,,9,")
	buf.Reset()
	require.NoError(t, StatsXLSX(&buf, s))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows("统计")
	require.NoError(t, err)
	assert.Equal(t, statsHeader, rows[0])
	assert.Equal(t, []string{"项目数", "", "", "3"}, rows[1])
}
