// Package change holds the 10% rule of 第十一条 of 渝北府办发〔2019〕26号
// (《重庆市渝北区政务信息化项目管理暂行办法》): once a project's plan is
// approved, the building or operating unit may not change the project's
// content or investment by itself. A change goes in writing to the Big Data
// Bureau (区大数据发展局, role "bdb"), and also to the Development and Reform
// Commission (区发展改革委, role "drc") for a fixed-asset project. If the
// amount involved does not exceed 10% of the project investment, a change
// explanation (变更说明) approved by them suffices (第十一条第（一）项); above
// 10% the unit re-prepares the plan and re-declares it through the whole
// declaration path (第十一条第（二）项).
//
// A change is a Request: a written reason and line items by funding source
// (附件1 资金预算), each with its old and new amount in 万元. Assess measures
// it exactly in decimal against a Basis (the approved investment and the
// minor changes approved since) under a Policy, the named reading of the
// article, and returns a Decision: minor or major, the article, the
// approvers, the budget after the change and every figure that decided it.
// The decision compares products, never quotients, so no rounding can move
// a change across the line; the share shown to people is for display only.
//
// Bad input is refused with a *review.Error whose findings name the JSON
// field, cite the article and explain in Chinese and English.
package change
