package document

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/govit-cn/govit/review"
)

// Kind is a kind of document a project hands over, with the article that
// asks for it.
type Kind struct {
	// Key is stable across releases, e.g. "acceptance_report".
	Key string `json:"key"`
	// ZH and EN name the document.
	ZH string `json:"zh"`
	EN string `json:"en"`
	// Article cites the provision that asks for the document.
	Article string `json:"article"`
	// Qualified: a slot of this kind carries a qualifier after a colon
	// (the contract number of "contract:HT-2026-001"); Required: it must.
	Qualified, QualifierRequired bool `json:"-"`
	// Archive is the key of the 第十五条 document this kind files, if any
	// (review.Documents).
	Archive string `json:"archive,omitempty"`
}

// The kinds besides the documents of 第十五条.
const (
	KindRequirementSpec   = "requirement_spec"   // 需求说明, 第六条第（一）项, 附件2
	KindExpertOpinion     = "expert_opinion"     // 专家评审意见, 第七条
	KindChangeRequest     = "change_request"     // 书面变更申请, 第十一条
	KindContract          = "contract"           // 合同复印件, 第十二条
	KindTerminationNotice = "termination_notice" // 书面终止通知, 第十三条
)

// Kinds lists every kind of document: those of the earlier articles, then
// the eleven of 第十五条 in its order, the contracts being filed one slot
// per contract ("contract:<number>"). Each call returns a fresh copy.
func Kinds() []Kind {
	ks := []Kind{
		{Key: KindRequirementSpec, ZH: "项目需求说明", EN: "requirement specification", Article: "第六条第（一）项"},
		{Key: KindExpertOpinion, ZH: "专家评审意见", EN: "expert review opinion", Article: "第七条", Qualified: true},
		{Key: KindChangeRequest, ZH: "书面变更申请", EN: "written change request", Article: "第十一条", Qualified: true},
		{Key: KindContract, ZH: "合同复印件", EN: "copy of a contract", Article: "第十二条", Qualified: true, QualifierRequired: true, Archive: review.DocContracts},
		{Key: KindTerminationNotice, ZH: "书面终止通知", EN: "written termination notice", Article: "第十三条", Qualified: true},
	}
	for _, d := range review.Documents() {
		if d.Key == review.DocContracts {
			continue // filed as contract:<number>
		}
		ks = append(ks, Kind{Key: d.Key, ZH: d.ZH, EN: d.EN, Article: "第十五条", Archive: d.Key})
	}
	return ks
}

// KindByKey returns the kind with the key, if there is one.
func KindByKey(key string) (Kind, bool) {
	for _, k := range Kinds() {
		if k.Key == key {
			return k, true
		}
	}
	return Kind{}, false
}

// Slot is a document's place in a project: a kind and, for some kinds, a
// qualifier ("contract:HT-2026-001").
type Slot struct {
	Kind      string
	Qualifier string
}

// String renders the slot as "kind" or "kind:qualifier".
func (s Slot) String() string {
	if s.Qualifier == "" {
		return s.Kind
	}
	return s.Kind + ":" + s.Qualifier
}

// maxQualifier caps a qualifier's length, in runes.
const maxQualifier = 64

// ParseSlot reads a slot key. The kind must be one of Kinds; a qualifier
// (1–64 characters, no space, control character, '/', '?', '#' or '%',
// so it can stand in a URL path segment) only for a qualified kind, and
// always for a contract. Errors are *review.Error with code
// "document_slot_invalid" on field "slot".
func ParseSlot(s string) (Slot, error) {
	kind, q, hasQ := strings.Cut(s, ":")
	k, ok := KindByKey(kind)
	bad := func(zh, en string) (Slot, error) {
		return Slot{}, &review.Error{Findings: []review.Finding{{
			Code: "document_slot_invalid", Article: k.Article, Field: "slot", ZH: zh, EN: en,
		}}}
	}
	if !ok {
		return bad(fmt.Sprintf("“%s”不是可上传的项目资料", s),
			fmt.Sprintf("%q is not a document slot (e.g. requirement_spec, acceptance_report, contract:HT-2026-001)", s))
	}
	switch {
	case hasQ && !k.Qualified:
		return bad(fmt.Sprintf("%s不带限定名（“%s”）", k.ZH, s), fmt.Sprintf("the %s takes no qualifier (%q)", k.EN, s))
	case !hasQ && k.QualifierRequired:
		return bad(fmt.Sprintf("%s须写明编号，如 %s:HT-2026-001", k.ZH, k.Key),
			fmt.Sprintf("the %s needs its number, e.g. %s:HT-2026-001", k.EN, k.Key))
	case hasQ && !validQualifier(q):
		return bad(fmt.Sprintf("限定名“%s”无效：1–64 个字符，不含空白、控制字符及 / ? # %%", q),
			fmt.Sprintf("qualifier %q is invalid: 1–64 characters, no space, control character, / ? # or %%", q))
	}
	return Slot{Kind: kind, Qualifier: q}, nil
}

func validQualifier(q string) bool {
	if q == "" || !utf8.ValidString(q) || utf8.RuneCountInString(q) > maxQualifier {
		return false
	}
	for _, r := range q {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("/?#%", r) {
			return false
		}
	}
	return true
}
