package lifecycle

import "slices"

// Role is one of the parties of 第三条 (and the declaring unit), by the names
// of the specification. Each action of the transition table names the
// roles that may take it.
type Role string

// The roles.
const (
	// RoleUnit is the declaring, building or operating unit (各部门). It
	// sees and acts on its own projects only.
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

// ZH returns the Chinese name of the role.
func (r Role) ZH() string {
	switch r {
	case RoleUnit:
		return "项目单位"
	case RoleBDB:
		return "区大数据发展局"
	case RoleDRC:
		return "区发展改革委"
	case RoleFinance:
		return "区财政局"
	case RoleAudit:
		return "区审计局"
	case RoleCAC:
		return "区委网信办"
	case RoleGovernment:
		return "区政府"
	}
	return string(r)
}

// Actor is who takes an action: a person or system account, the unit it
// belongs to, and its roles. Authentication is the embedder's; the engine
// trusts the Actor it is given.
type Actor struct {
	ID    string `json:"id"`
	Unit  string `json:"unit"`
	Roles []Role `json:"roles"`
}

// Has reports whether the actor holds role r.
func (a Actor) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// IsBureau reports whether the actor holds any role other than RoleUnit;
// bureaus may read every project, a unit only its own.
func (a Actor) IsBureau() bool {
	for _, r := range a.Roles {
		if r != RoleUnit {
			return true
		}
	}
	return false
}
