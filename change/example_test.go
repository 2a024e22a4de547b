package change_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/review"
)

// A change of exactly 10% of the approved investment takes a change
// explanation approved by the Big Data Bureau (第十一条第（一）项).
func ExampleAssess_minor() {
	basis := change.Basis{
		Approved: true,
		Base:     review.Budget{Municipal: decimal.NewFromInt(20), District: decimal.NewFromInt(100)},
	}
	req := change.Request{
		Reason: "业务量增长，服务器扩容；大屏改用现有设备",
		Items: []change.LineItem{
			{Item: "服务器", Source: review.District, Old: decimal.NewFromInt(50), New: decimal.NewFromInt(60)},
			{Item: "大屏", Source: review.Municipal, Old: decimal.NewFromInt(20), New: decimal.NewFromInt(18)},
		},
	}
	d, err := change.Assess(change.Yubei2019(), basis, req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Kind, d.Article, d.Approvers)
	fmt.Println("involved", d.Involved, "threshold", d.Threshold, "new total", d.NewBudget.Total())
	fmt.Println(d.ZH)
	// Output:
	// minor 第十一条第（一）项 [bdb]
	// involved 12 threshold 12 new total 128
	// 本次变更涉及金额 12 万元（约占 10%），不超过经审核同意的项目投资额 120 万元的 10%（12 万元）。依第十一条第（一）项，项目单位编制变更说明，报区大数据发展局批准后实施。
}

// Replacing 50 万元 of content with other content of 50 万元 involves 50 万元,
// over 10% of a 300 万元 fixed-asset project: the plan is re-declared
// (第十一条第（二）项), and the change goes to the bureau and the DRC.
func ExampleAssess_major() {
	basis := change.Basis{
		Approved:   true,
		FixedAsset: true,
		Base:       review.Budget{District: decimal.NewFromInt(300)},
	}
	req := change.Request{
		Reason: "原综合布线已由园区统一建设，改为机房改造",
		Items: []change.LineItem{
			{Item: "机房改造", Replaces: "布线", Source: review.District, Old: decimal.NewFromInt(50), New: decimal.NewFromInt(50)},
		},
	}
	d, err := change.Assess(change.Yubei2019(), basis, req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Kind, d.Article, d.Approvers, d.Major())
	fmt.Println("involved", d.Involved, "net", d.Net.Total(), "threshold", d.Threshold)
	fmt.Println(d.EN)
	// Output:
	// major 第十一条第（二）项 [bdb drc] true
	// involved 50 net 0 threshold 30
	// This change involves 50 万元 (about 16.67%), which exceeds 10% of the project investment as approved, 300 万元 (30 万元). Under 第十一条第（二）项 the unit reports it in writing to the Big Data Bureau (bdb) and the Development and Reform Commission (drc), re-prepares the project plan and re-declares it through the declaration and initiation procedure.
}
