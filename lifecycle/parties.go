package lifecycle

import "time"

// FinancePart is 区财政局's part in a rectification order or a suspension
// (第十三条: 区大数据发展局会同区财政局可要求项目建设单位进行整改或暂停项目
// 建设): who took part for the finance bureau and its opinion.
type FinancePart struct {
	// Officer names who took part for the finance bureau.
	Officer string `json:"officer" jsonschema:"required"`
	// Opinion is the finance bureau's opinion (optional).
	Opinion string `json:"opinion,omitempty"`
}

// checkFinancePart checks the finance bureau's part of a measure of
// 第十三条: named when given, and given when the rulebook requires it
// (Rulebook.RequireFinanceInMeasures).
func checkFinancePart(rb *Rulebook, part *FinancePart) *Error {
	if part == nil {
		if rb.RequireFinanceInMeasures {
			e := required("finance", "第十三条")
			e.ZH = "整改或暂停须由区大数据发展局会同区财政局提出，须记录区财政局的意见（finance）"
			e.EN = "rectification or suspension is ordered by bdb with the finance bureau; finance's part is required"
			return e
		}
		return nil
	}
	if blank(part.Officer) {
		return required("finance.officer", "第十三条")
	}
	return nil
}

// ActSecurityOpinion records a guidance or supervision opinion of 区委网信办
// on a project's network security (第三条: 区委网信办负责政务信息化项目的网络安全
// 指导和监督工作), on any project at any time.
const ActSecurityOpinion Action = "security_opinion"

// SecurityOpinionKind is what a 区委网信办 opinion is (第三条: 网络安全指导和
// 监督).
type SecurityOpinionKind string

// The kinds of security opinion.
const (
	SecurityGuidance    SecurityOpinionKind = "guidance"    // 指导
	SecuritySupervision SecurityOpinionKind = "supervision" // 监督
)

// SecurityOpinionPayload is the payload of security_opinion (第三条).
type SecurityOpinionPayload struct {
	Kind    SecurityOpinionKind `json:"kind" jsonschema:"required"`
	Opinion string              `json:"opinion" jsonschema:"required"`
	// Findings lists the security issues found (optional).
	Findings []string `json:"findings,omitempty"`
}

// Action returns ActSecurityOpinion.
func (SecurityOpinionPayload) Action() Action { return ActSecurityOpinion }

// SecurityOpinion is a security_opinion as recorded.
type SecurityOpinion struct {
	SecurityOpinionPayload
	ActorID string    `json:"actor_id"`
	Role    Role      `json:"role"`
	At      time.Time `json:"at"`
}

var specSecurityOpinion = &actionSpec[SecurityOpinionPayload, SecurityOpinionPayload]{
	specMeta: specMeta{action: ActSecurityOpinion, zh: "网络安全指导监督", roles: []Role{RoleCAC}},
	derive: func(_ *call, in *SecurityOpinionPayload) (*SecurityOpinionPayload, *Error) {
		if in.Kind != SecurityGuidance && in.Kind != SecuritySupervision {
			e := invalid("kind", "security_opinion_kind_invalid", "kind 须为 guidance（指导）或 supervision（监督）", "kind must be guidance or supervision")
			e.Article, e.Findings[0].Article = ArticleRoles, ArticleRoles
			return nil, e
		}
		if blank(in.Opinion) {
			return nil, required("opinion", ArticleRoles)
		}
		return in, nil
	},
	apply: func(p *Project, e Event, r *SecurityOpinionPayload, owned bool) {
		p.SecurityOpinions = keepLatest(p.SecurityOpinions, SecurityOpinion{SecurityOpinionPayload: *r, ActorID: e.Actor.ID, Role: e.Role, At: e.At}, owned)
		p.SecurityOpinionsTotal++
	},
}
