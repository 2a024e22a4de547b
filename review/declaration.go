package review

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/shopspring/decimal"
)

// Kind is the 项目类别 of a declaration (第二条): 建设类 or 运维类.
type Kind string

// The two kinds of project of 第二条.
const (
	// Construction is 建设类: a project that is newly built, rebuilt,
	// expanded or continued.
	Construction Kind = "construction"
	// Operation is 运维类: a finished project that still needs operation
	// and maintenance spending.
	Operation Kind = "operation"
)

// Valid reports whether k is one of the two kinds of 第二条.
func (k Kind) Valid() bool { return k == Construction || k == Operation }

// ZH returns the form's label: 建设类 or 运维类.
func (k Kind) ZH() string {
	switch k {
	case Construction:
		return "建设类"
	case Operation:
		return "运维类"
	}
	return string(k)
}

// EN returns an English label.
func (k Kind) EN() string {
	switch k {
	case Construction:
		return "construction"
	case Operation:
		return "operation and maintenance"
	}
	return string(k)
}

// MinBudgetYear is the first budget year an O&M declaration may name: the
// measure took effect on 2019-12-12 (第二十条), so the first year-end
// declaration of O&M needs under it (第五条) was for 2020.
const MinBudgetYear = 2020

// FirstBudgetYear is the first budget year a budget entry or a 建设类
// declaration may name: the measure took effect on 2019-12-12 (第二十条),
// and a project approved in its last weeks could still enter 2019's 新增
// 预算 (第七条: 纳入财政预算或新增预算).
const FirstBudgetYear = 2019

// Effective is the day the measure took effect (第二十条: 自公布之日起施行;
// published 2019-12-12), midnight Beijing time: the earliest 填报时间 a
// declaration form may bear (附件1).
func Effective() time.Time { return time.Date(2019, time.December, 12, 0, 0, 0, 0, beijing()) }

// ConstructionType is the nature of a 建设类 project (第二条): 新建, 改建,
// 扩建 or 续建.
type ConstructionType string

// The construction types of 第二条.
const (
	NewBuild ConstructionType = "new"      // 新建
	Rebuild  ConstructionType = "rebuild"  // 改建
	Expand   ConstructionType = "expand"   // 扩建
	Continue ConstructionType = "continue" // 续建
)

// Valid reports whether t is one of the four types of 第二条.
func (t ConstructionType) Valid() bool {
	switch t {
	case NewBuild, Rebuild, Expand, Continue:
		return true
	}
	return false
}

// ZH returns the Chinese label, e.g. 新建.
func (t ConstructionType) ZH() string {
	switch t {
	case NewBuild:
		return "新建"
	case Rebuild:
		return "改建"
	case Expand:
		return "扩建"
	case Continue:
		return "续建"
	}
	return string(t)
}

// ProcurementCategory is the form's 采购类别 (附件1): 工程类, 服务类 or 货物类.
type ProcurementCategory string

// The procurement categories of 附件1.
const (
	Engineering ProcurementCategory = "engineering" // 工程类
	Service     ProcurementCategory = "service"     // 服务类
	Goods       ProcurementCategory = "goods"       // 货物类
)

// Valid reports whether c is one of the three categories of 附件1.
func (c ProcurementCategory) Valid() bool {
	return c == Engineering || c == Service || c == Goods
}

// ZH returns the form's label, e.g. 服务类.
func (c ProcurementCategory) ZH() string {
	switch c {
	case Engineering:
		return "工程类"
	case Service:
		return "服务类"
	case Goods:
		return "货物类"
	}
	return string(c)
}

// Contact is the form's 联系人 and 联系电话.
type Contact struct {
	// Name is 联系人.
	Name string `json:"name" validate:"notblank" label:"联系人"`
	// Phone is 联系电话: a Chongqing landline (023-67812345 or 02367812345)
	// or a mainland mobile number (13912345678).
	Phone string `json:"phone" validate:"notblank,phone" label:"联系电话"`
}

// Period is the form's 项目周期, from a month to a month, each written
// YYYY-MM (e.g. "2020-01"); the start may not be after the end.
type Period struct {
	// Start is the first month, 项目周期（起）.
	Start string `json:"start" validate:"notblank,yearmonth" label:"项目周期（起）"`
	// End is the last month, 项目周期（止）.
	End string `json:"end" validate:"notblank,yearmonth" label:"项目周期（止）"`
}

// Declaration is the 渝北区政务信息化项目需求申报表 (附件1) as JSON, plus the
// facts the later gates need. The JSON names are those of the form's
// specification; the extra fields are optional unless said otherwise.
//
// Amounts are exact decimal 万元 (Budget) and are read from JSON strings or
// numbers without passing through a float. The declared 合计 is kept in
// DeclaredTotal so that validation can compare it with the sum.
//
// A Declaration is checked by (*Validator).Declaration for the form itself,
// by CheckScope for 第二条 and 第十九条, and by Overlaps for 第四条.
type Declaration struct {
	// ID is the project's identifier in the embedding system, when known.
	// It relates phases (ParentID) and names projects in overlap findings.
	ID string `json:"id,omitempty"`

	// Unit is 申报单位, the declaring unit.
	Unit string `json:"unit" validate:"notblank" label:"申报单位"`
	// Name is 项目名称.
	Name string `json:"name" validate:"notblank" label:"项目名称"`
	// Contact is 联系人 and 联系电话.
	Contact Contact `json:"contact"`
	// Period is 项目周期.
	Period Period `json:"period"`
	// Kind is 项目类别 (第二条).
	Kind Kind `json:"kind" validate:"required,oneof=construction operation" label:"项目类别"`
	// ConstructionType is new, rebuild, expand or continue (第二条);
	// required for 建设类 and forbidden for 运维类.
	ConstructionType ConstructionType `json:"construction_type,omitempty" validate:"required_if=Kind construction,excluded_unless=Kind construction,omitempty,oneof=new rebuild expand continue" label:"建设类型" article:"第二条"`
	// ProcurementCategory is 采购类别.
	ProcurementCategory ProcurementCategory `json:"procurement_category" validate:"required,oneof=engineering service goods" label:"采购类别"`
	// FixedAsset marks a project that is (in part) fixed-asset investment,
	// which needs 立项 by the district DRC (第十条) and files 立项批复.
	FixedAsset bool `json:"fixed_asset"`

	// Budget is 资金预算 by funding source, in 万元. In JSON it is the
	// object "budget" with central, municipal, district, self_funded and
	// the optional total.
	Budget Budget `json:"-"`
	// DeclaredTotal is the 合计 as written on the form, nil when the form
	// left it out. When given it must equal Budget.Total() exactly.
	DeclaredTotal *decimal.Decimal `json:"-"`

	// FundComposition is 资金主要构成.
	FundComposition string `json:"fund_composition" validate:"notblank" label:"资金主要构成"`
	// Content is 项目内容及功能.
	Content string `json:"content" validate:"notblank" label:"项目内容及功能"`
	// Cloud is 信息资源上云情况.
	Cloud string `json:"cloud" validate:"notblank" label:"信息资源上云情况"`
	// Sharing is 信息资源共享情况.
	Sharing string `json:"sharing" validate:"notblank" label:"信息资源共享情况"`
	// Integration is 单位信息化项目现状及整合情况.
	Integration string `json:"integration" validate:"notblank" label:"单位信息化项目现状及整合情况"`
	// Remarks is 备注 (optional).
	Remarks string `json:"remarks,omitempty"`
	// FilledOn is the form's 填报时间, the date the unit filled it in,
	// written YYYY-MM-DD (optional). When given, it is the date the
	// measure's rulebook in force is looked up on (第二十条), and it may be
	// neither in the future nor before the measure took effect (see
	// CheckFilledOn).
	FilledOn string `json:"filled_on,omitempty" validate:"omitempty,civildate" label:"填报时间"`

	// Classified marks a project that involves state secrets or falls
	// under special national rules (第十九条); such a project is handled
	// under those rules, and CheckScope refuses it.
	Classified bool `json:"classified,omitempty,omitzero"`
	// BudgetYear is, for 运维类, the budget year whose O&M needs are
	// declared (第五条); required for 运维类. For 建设类 it may name the
	// year of the budget the project asks to enter (第七条). It runs from
	// MinBudgetYear (运维类) or FirstBudgetYear (建设类) to 9999.
	BudgetYear int `json:"budget_year,omitempty,omitzero" validate:"required_if=Kind operation,omitempty,budgetyear" label:"预算年度" article:"第五条"`
	// ParentID is, for a later phase of a multi-year phased 建设类 project
	// (第八条), the ID of the project's earlier phase.
	ParentID string `json:"parent_id,omitempty" validate:"excluded_unless=Kind construction" label:"前期项目编号" article:"第八条"`
	// Phase is the phase number of a phased project (第八条): 1 for the
	// first phase, 2 and up for later phases (which need ParentID); 0 for
	// a project not built in phases.
	Phase int `json:"phase,omitempty,omitzero" validate:"excluded_unless=Kind construction,omitempty,gte=1" label:"建设期次" article:"第八条"`
	// CloudExemption cites the law, administrative regulation or central or
	// Chongqing policy that exempts the project from using 政务云 (第四条);
	// empty when the project uses 政务云.
	CloudExemption string `json:"cloud_exemption,omitempty"`
	// SharingExemption cites the law or policy that exempts the project
	// from connecting to the 政务数据共享交换平台 (第四条); empty when it
	// connects.
	SharingExemption string `json:"sharing_exemption,omitempty"`
	// Items lists what the project consists of by category, the input of
	// the scope check of 第二条 (see ItemCategory). Optional: a
	// declaration without items is not judged out of scope by CheckScope.
	Items []Item `json:"items,omitempty" validate:"omitempty,dive" label:"项目内容类别" article:"第二条"`
}

// Item is one part of what a project builds, operates or buys, by category
// (第二条).
type Item struct {
	// Category says what the item is; see ItemCategories.
	Category ItemCategory `json:"category" validate:"required,itemcategory" label:"内容类别" article:"第二条"`
	// Name describes the item, e.g. "办公电脑 50 台" (optional).
	Name string `json:"name,omitempty"`
}

// declarationFields has Declaration's fields without its methods.
type declarationFields Declaration

// MarshalJSON writes the declaration with the JSON names of 附件1. The
// budget carries "total": the declared 合计 when one was given, else the
// sum of the sources.
func (d Declaration) MarshalJSON() ([]byte, error) {
	return jsonv1.Marshal(d.wire())
}

// MarshalJSONTo writes what MarshalJSON does, straight to enc, for the
// encoders of go-json-experiment (those of the fold and of the HTTP
// answers), which call it instead of MarshalJSON. The members are those
// of MarshalJSON under the encoder's options too (the false and zero
// members that are left out carry omitzero as well as omitempty); how a
// string is escaped is the encoder's.
func (d Declaration) MarshalJSONTo(enc *jsontext.Encoder) error {
	return jsonv2.MarshalEncode(enc, d.wire(), enc.Options())
}

// declarationWire is what a declaration is written as.
type declarationWire struct {
	declarationFields
	Budget jsontext.Value `json:"budget"`
}

func (d Declaration) wire() declarationWire {
	total := d.Budget.Total()
	if d.DeclaredTotal != nil {
		total = *d.DeclaredTotal
	}
	return declarationWire{declarationFields(d), marshalBudget(d.Budget, total)}
}

// UnmarshalJSON reads a declaration. Amounts in "budget" are read exactly
// from decimal strings or JSON numbers; a blank amount is zero and a blank
// total is absent. Malformed input gives an *Error whose findings name the
// JSON field (e.g. "budget.central", "period"); on error d is unchanged.
// Unknown keys are ignored, except inside "budget", where they are refused.
func (d *Declaration) UnmarshalJSON(data []byte) error {
	var w struct {
		*declarationFields
		Budget json.RawMessage `json:"budget"`
	}
	var out declarationFields
	w.declarationFields = &out
	if err := json.Unmarshal(data, &w); err != nil {
		f := jsonFinding(err)
		f.Field = strings.TrimPrefix(f.Field, "declarationFields.")
		f.ZH = strings.ReplaceAll(f.ZH, "declarationFields.", "")
		f.EN = strings.ReplaceAll(f.EN, "declarationFields.", "")
		return &Error{Findings: []Finding{f}}
	}
	b, total, fs := parseBudget("budget", w.Budget)
	if len(fs) > 0 {
		return &Error{Findings: fs}
	}
	out.Budget, out.DeclaredTotal = b, total
	*d = Declaration(out)
	return nil
}

// ReadBudget reads the "budget" member of a declaration from data (nil when
// the member is absent) into d: its sources and the declared 合计, exactly
// as UnmarshalJSON reads them, with findings named "budget.…". A reader
// that decodes the declaration's other members itself (the strict reader
// of package lifecycle) calls it, so that a body is parsed once. On error
// d is unchanged.
func (d *Declaration) ReadBudget(data []byte) error {
	b, total, fs := parseBudget("budget", data)
	if len(fs) > 0 {
		return &Error{Findings: fs}
	}
	d.Budget, d.DeclaredTotal = b, total
	return nil
}

// ParseDeclaration reads a declaration from JSON like UnmarshalJSON, and
// also explains input that is not JSON at all: every error it returns is an
// *Error (code "json_malformed" for a syntax error).
func ParseDeclaration(data []byte) (Declaration, error) {
	var d Declaration
	if err := json.Unmarshal(data, &d); err != nil {
		var rerr *Error
		if errors.As(err, &rerr) {
			return Declaration{}, rerr
		}
		return Declaration{}, &Error{Findings: []Finding{jsonFinding(err)}}
	}
	return d, nil
}

// jsonFinding explains a JSON decoding error, naming the field when the
// decoder knows it.
func jsonFinding(err error) Finding {
	var rerr *Error
	if errors.As(err, &rerr) && len(rerr.Findings) > 0 {
		return rerr.Findings[0]
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return Finding{
			Code: "json_wrong_type", Article: "附件1", Field: te.Field,
			ZH: fmt.Sprintf("%s 的类型不正确：应为 %s，实为 JSON %s", te.Field, te.Type, te.Value),
			EN: fmt.Sprintf("%s has the wrong type: want %s, got JSON %s", te.Field, te.Type, te.Value),
		}
	}
	return Finding{
		Code: "json_malformed", Article: "附件1",
		ZH: "申报表不是有效的 JSON：" + err.Error(),
		EN: "the declaration is not valid JSON: " + err.Error(),
	}
}
