package lifecycle

import (
	"slices"

	"github.com/govit-cn/govit/review"
)

// Role is one of the parties of 第三条 (and the declaring unit), by the names
// of the specification: review.Role, declared once there for the packages
// of the module, and named here for embedders. Each action of the
// transition table names the roles that may take it.
type Role = review.Role

// The roles (see review.Role).
const (
	// RoleUnit is the declaring, building or operating unit (各部门). It
	// sees and acts on its own projects only.
	RoleUnit = review.RoleUnit
	// RoleBDB is 区大数据发展局, the authority in charge: review, evaluation (第三条).
	RoleBDB = review.RoleBDB
	// RoleDRC is 区发展改革委: 立项 of fixed-asset projects (第三条, 第十条).
	RoleDRC = review.RoleDRC
	// RoleFinance is 区财政局: budget (第三条).
	RoleFinance = review.RoleFinance
	// RoleAudit is 区审计局: audit supervision (第三条, 第十六条).
	RoleAudit = review.RoleAudit
	// RoleCAC is 区委网信办: security guidance and supervision (第三条).
	RoleCAC = review.RoleCAC
	// RoleGovernment is the district government's deliberation (第七条).
	RoleGovernment = review.RoleGovernment
)

// Roles lists every role.
func Roles() []Role { return review.Roles() }

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

// seesUnit confines a query's unit to what the actor may read: a bureau
// reads every unit (unit stays as asked), any other actor its own unit
// only. ok is false when the actor may read nothing the query asks for:
// it has no unit of its own, or asks for another unit's projects.
func (a Actor) seesUnit(unit string) (string, bool) {
	if a.IsBureau() {
		return unit, true
	}
	if !a.Has(RoleUnit) || a.Unit == "" || (unit != "" && unit != a.Unit) {
		return "", false
	}
	return a.Unit, true
}
