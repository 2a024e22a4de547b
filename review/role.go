package review

import "slices"

// Role is one of the parties of 第三条 (and the declaring unit), by the
// names of the specification: the one declaration of the roles, which
// package change and package lifecycle (lifecycle.Role) use.
type Role string

// The roles.
const (
	// RoleUnit is the declaring, building or operating unit (各部门).
	RoleUnit Role = "unit"
	// RoleBDB is 区大数据发展局, the authority in charge: review, evaluation (第三条).
	RoleBDB Role = "bdb"
	// RoleDRC is 区发展改革委: 立项 of fixed-asset projects (第三条, 第十条).
	RoleDRC Role = "drc"
	// RoleFinance is 区财政局: budget (第三条).
	RoleFinance Role = "finance"
	// RoleAudit is 区审计局: audit supervision (第三条, 第十六条).
	RoleAudit Role = "audit"
	// RoleCAC is 区委网信办: security guidance and supervision (第三条).
	RoleCAC Role = "cac"
	// RoleGovernment is the district government's deliberation (第七条).
	RoleGovernment Role = "government"
)

// Roles lists every role.
func Roles() []Role {
	return []Role{RoleUnit, RoleBDB, RoleDRC, RoleFinance, RoleAudit, RoleCAC, RoleGovernment}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// roleNames are the Chinese names of the roles.
var roleNames = map[Role]string{
	RoleUnit: "项目单位", RoleBDB: "区大数据发展局", RoleDRC: "区发展改革委", RoleFinance: "区财政局",
	RoleAudit: "区审计局", RoleCAC: "区委网信办", RoleGovernment: "区政府",
}

// ZH returns the Chinese name of the role.
func (r Role) ZH() string {
	if zh, ok := roleNames[r]; ok {
		return zh
	}
	return string(r)
}
