package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// roleOracle is who takes each action, written out from the text of
// 渝北府办发〔2019〕26号 and not read from the rulebook: the 第三条 division of
// duties and the article that gives each step to its party. Where the
// measure is silent the choice is stated.
var roleOracle = map[lifecycle.Action]struct {
	roles []lifecycle.Role
	text  string
}{
	"declare":             {unit, "第五条、第六条：由各部门向区大数据发展局申报"},
	"withdraw":            {unit, "silent: the declaring unit withdraws its own declaration"},
	"preliminary_review":  {bdb3, "第六条：区大数据发展局对所申报项目进行初步审核；第三条：负责政务信息化项目审核"},
	"expert_review":       {bdb3, "第七条：区大数据发展局会同区财政局、区发展改革委组织…评审（the bureau records it; the others are named as organisers）"},
	"deliberate":          {[]lifecycle.Role{lifecycle.RoleGovernment}, "第七条：按照区委、区政府议事规则提请研究审议"},
	"budget":              {[]lifecycle.Role{lifecycle.RoleFinance}, "第三条：区财政局负责…预算资金的统筹管理；第七条：纳入财政预算或新增预算"},
	"apply_initiation":    {unit, "第十条：须由建设单位向区发展改革委申请立项"},
	"approve_initiation":  {[]lifecycle.Role{lifecycle.RoleDRC}, "第三条：区发展改革委负责…立项审批；第十条：区发展改革委审批通过后…下达立项通知"},
	"start_procurement":   {unit, "第九条、第十条：项目建设单位应当…按规定程序组织采购"},
	"sign_contract":       {unit, "第十二条：项目建设和运维单位签订项目合同"},
	"file_contract":       {unit, "第十二条：将合同复印件报区大数据发展局备案"},
	"report_issue":        {unit, "第十三条：项目建设单位应及时向区大数据发展局报告"},
	"order_rectification": {bdb3, "第十三条：区大数据发展局会同区财政局可要求项目建设单位进行整改"},
	"suspend":             {bdb3, "第十三条：区大数据发展局会同区财政局可要求…暂停项目建设"},
	"resume":              {bdb3, "silent: the bureau that suspended lifts the suspension"},
	"request_change":      {unit, "第十一条：确需调整或变更的，须书面报区大数据发展局批准"},
	"approve_change":      {[]lifecycle.Role{lifecycle.RoleBDB, lifecycle.RoleDRC}, "第十一条：报区大数据发展局批准（属于固定资产投资建设的项目，还需报区发展改革委批准）"},
	"reject_change":       {[]lifecycle.Role{lifecycle.RoleBDB, lifecycle.RoleDRC}, "第十一条：the approvers who may approve may refuse"},
	"apply_acceptance":    {unit, "第十四条：项目建设完成后，由项目建设单位会同区大数据发展局组织…验收"},
	"accept":              {bdb3, "第十四条：会同区大数据发展局组织验收（the bureau records the result, not the unit that built）"},
	"deliver":             {unit, "第十四条：项目通过验收后，方可正式交付使用"},
	"archive":             {unit, "第十五条：项目建设单位…报送区大数据发展局存档备查"},
	"evaluate":            {bdb3, "第三条：负责…综合评价；第十七条：区大数据发展局…对已建成的信息化项目进行综合评价"},
	"audit":               {[]lifecycle.Role{lifecycle.RoleAudit}, "第三条、第十六条：区审计局…审计监督"},
	"security_opinion":    {[]lifecycle.Role{lifecycle.RoleCAC}, "第三条：区委网信办负责政务信息化项目的网络安全指导和监督工作"},
	"om_evaluation":       {bdb3, "第五条：区大数据发展局会同有关部门…对申报运维类项目进行综合评价"},
	"terminate_contract":  {unit, "第十三条：项目运维单位应及时向区大数据发展局和区财政局书面通报并说明终止原因"},
	"complete":            {unit, "silent: the O&M unit reports its year's O&M complete"},
}

var (
	unit = []lifecycle.Role{lifecycle.RoleUnit}
	bdb3 = []lifecycle.Role{lifecycle.RoleBDB}
)

// TestRoleTableOfArticle3: every action's roles in the default rulebook,
// and in every row of both tables, are exactly those the measure's text
// gives, and every action has its line in the oracle (a new action needs
// a deliberate line here).
func TestRoleTableOfArticle3(t *testing.T) {
	roles := lifecycle.DefaultRoles()
	for _, a := range lifecycle.Actions() {
		want, ok := roleOracle[a]
		if !assert.True(t, ok, "%s: no line in the role oracle of 第三条", a) {
			continue
		}
		assert.ElementsMatch(t, want.roles, roles[a], "%s (%s)", a, want.text)
	}
	for a := range roleOracle {
		assert.Contains(t, lifecycle.Actions(), a, "the oracle names %s, which is no action", a)
	}
	rb := lifecycle.Yubei2019()
	for _, kind := range []review.Kind{review.Construction, review.Operation} {
		table := rb.Table(kind)
		require.NotEmpty(t, table)
		for _, row := range table {
			assert.ElementsMatch(t, roleOracle[row.Action].roles, row.Roles, "%s %s", kind, row.Action)
		}
	}
}

// TestNoOtherRoleMayAct: an actor holding every role but the oracle's is
// refused each action as forbidden (第三条), before any other check.
func TestNoOtherRoleMayAct(t *testing.T) {
	rb := lifecycle.Yubei2019()
	p := &lifecycle.Project{ID: "P1", Kind: review.Construction, State: lifecycle.StateDeclared, Unit: "区教委", Version: 1}
	for _, a := range lifecycle.Actions() {
		if a == lifecycle.ActDeclare {
			continue // a first declaration has no project to act on
		}
		var others []lifecycle.Role
		for _, r := range lifecycle.Roles() {
			if !containsRole(roleOracle[a].roles, r) {
				others = append(others, r)
			}
		}
		actor := lifecycle.Actor{ID: "x", Unit: "区教委", Roles: others}
		_, err := lifecycle.DecideJSON(rb, p, actor, a, nil, at(2025, 3, 3))
		if k := lifecycle.KindOf(err); k != lifecycle.KindForbidden && k != lifecycle.KindRefused {
			t.Errorf("%s by %v: %v", a, others, err)
		}
		if lifecycle.KindOf(err) == lifecycle.KindRefused {
			var le *lifecycle.Error
			require.ErrorAs(t, err, &le)
			assert.Equal(t, "action_not_for_kind", le.Code, "%s: refused for another reason than the kind: %v", a, err)
		}
	}
}

func containsRole(rs []lifecycle.Role, r lifecycle.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}
