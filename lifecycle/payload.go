package lifecycle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/review"
)

// Date is a civil date in Beijing time, written YYYY-MM-DD.
type Date string

// Time returns midnight, Beijing time, of the date.
func (d Date) Time() (time.Time, error) { return calendar.ParseDate(string(d)) }

// DateOf returns the Beijing civil date of the instant t.
func DateOf(t time.Time) Date { return Date(calendar.DateOf(t).Format(time.DateOnly)) }

// The payloads of the actions. Each action reads its payload strictly (an
// unknown key is refused, naming it) into the type listed in doc.go; most
// record it as given. Actions whose outcome the engine derives record the
// derivation too (PreliminaryRecord, ExpertRecord, OMEvaluationRecord,
// ChangeRecord), so replaying a history never decides again.

// WithdrawPayload is the payload of withdraw.
type WithdrawPayload struct {
	Reason string `json:"reason,omitempty"`
	// BudgetYear names, for 运维类, the budget year whose declaration is
	// withdrawn; by default the latest.
	BudgetYear int `json:"budget_year,omitempty"`
}

// PreliminaryInput is the payload of preliminary_review (第六条): the
// unit's submission, a review.PreliminarySubmission without its
// declaration (the one on record is reviewed), and the reviewer's
// judgment, from which review.Preliminary decides.
type PreliminaryInput struct {
	Submission json.RawMessage         `json:"submission"`
	Judgment   review.ReviewerJudgment `json:"judgment"`
}

// DeliberatePayload is the payload of deliberate (第七条): the district
// government's decision.
type DeliberatePayload struct {
	// Approved is required: true approves, false rejects.
	Approved *bool `json:"approved"`
	// Meeting names the meeting that deliberated (optional).
	Meeting string `json:"meeting,omitempty"`
	Opinion string `json:"opinion,omitempty"`
}

// BudgetType says whether a project enters the annual budget or an
// additional one (第七条: 纳入财政预算或新增预算).
type BudgetType string

// The budget types.
const (
	BudgetAnnual     BudgetType = "annual"     // 纳入年度财政预算
	BudgetAdditional BudgetType = "additional" // 新增预算
)

// BudgetPayload is the payload of budget (第七条, 第五条).
type BudgetPayload struct {
	// Year is the budget year; for 运维类 it is the declared budget year.
	Year int        `json:"year"`
	Type BudgetType `json:"type"`
	// Document is the budget document's number (optional).
	Document string `json:"document,omitempty"`
}

// ApplyInitiationPayload is the payload of apply_initiation (第十条).
type ApplyInitiationPayload struct {
	Note string `json:"note,omitempty"`
}

// ApproveInitiationPayload is the payload of approve_initiation (第十条):
// the DRC's decision on the 立项.
type ApproveInitiationPayload struct {
	// Approved is required.
	Approved *bool `json:"approved"`
	// Number is the 立项 notice's number, required when approved.
	Number  string `json:"number,omitempty"`
	Opinion string `json:"opinion,omitempty"`
}

// StartProcurementPayload is the payload of start_procurement (第九条,
// 第十条).
type StartProcurementPayload struct {
	// Method is the procurement method, e.g. 公开招标 (optional).
	Method string `json:"method,omitempty"`
	Note   string `json:"note,omitempty"`
	// BudgetYear names, for 运维类, the budget year procured for; by
	// default the latest.
	BudgetYear int `json:"budget_year,omitempty"`
}

// ContractInput is a contract as the unit records it at signing.
type ContractInput struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Amount is the contract amount in 万元.
	Amount decimal.Decimal `json:"amount"`
	// SignedOn is the signing date; the filing deadline of 第十二条
	// counts from it.
	SignedOn Date   `json:"signed_on"`
	Supplier string `json:"supplier"`
	// Supervision marks a supervision (监理) contract: the archive then
	// requires the 监理报告 (第十五条).
	Supervision bool `json:"supervision,omitempty"`
}

// SignContractPayload is the payload of sign_contract.
type SignContractPayload struct {
	Contract ContractInput `json:"contract"`
	// BudgetYear names, for 运维类, the budget year the contract spends;
	// by default the latest year that may spend.
	BudgetYear int `json:"budget_year,omitempty"`
}

// ContractRef is the payload of file_contract (第十二条).
type ContractRef struct {
	ContractID string `json:"contract_id"`
}

// IssueKind classifies a report of 第十三条.
type IssueKind string

// The kinds of issue.
const (
	IssueSeriousDelay IssueKind = "serious_delay" // 工程严重逾期
	IssueMajorLoss    IssueKind = "major_loss"    // 投资重大损失
	IssueOther        IssueKind = "other"
)

// ReportIssuePayload is the payload of report_issue (第十三条).
type ReportIssuePayload struct {
	Kind        IssueKind `json:"kind"`
	Description string    `json:"description"`
}

// ReasonPayload is the payload of order_rectification, suspend and resume
// (第十三条): the bureau's written reason.
type ReasonPayload struct {
	Reason string `json:"reason"`
}

// OpinionPayload is the payload of approve_change and reject_change
// (第十一条); a rejection must give its opinion.
type OpinionPayload struct {
	Opinion string `json:"opinion,omitempty"`
}

// ApplyAcceptancePayload is the payload of apply_acceptance (第十四条): the
// facts review.CheckAcceptance checks. FixedAsset and Phased are taken from
// the project, and Contracts default to every contract of the project when
// it is not phased.
type ApplyAcceptancePayload struct {
	Facts review.AcceptanceFacts `json:"facts"`
}

// AcceptPayload is the payload of accept (第十四条).
type AcceptPayload struct {
	// Passed is required.
	Passed  *bool  `json:"passed"`
	Opinion string `json:"opinion"`
}

// DeliverPayload is the payload of deliver and complete.
type DeliverPayload struct {
	Note string `json:"note,omitempty"`
}

// ArchivePayload is the payload of archive (第十五条): the keys of the
// documents filed (see review.Documents).
type ArchivePayload struct {
	Documents []string `json:"documents"`
	// WithoutDataStructures states that the project designs no data
	// structures, so no 数据结构设计说明书 can exist.
	WithoutDataStructures bool `json:"without_data_structures,omitempty"`
}

// EvaluatePayload is the payload of evaluate (第十七条).
type EvaluatePayload struct {
	Grade   review.OMGrade `json:"grade,omitempty"`
	Opinion string         `json:"opinion"`
}

// AuditPayload is the payload of audit (第十六条).
type AuditPayload struct {
	Summary  string   `json:"summary"`
	Findings []string `json:"findings,omitempty"`
}

// TerminateContractPayload is the payload of terminate_contract
// (第十三条): the written notice with its reason.
type TerminateContractPayload struct {
	ContractID string `json:"contract_id"`
	Reason     string `json:"reason"`
}

// CompletePayload is the payload of complete.
type CompletePayload struct {
	// Final states that the system needs no further O&M, so no next
	// year's declaration is due (第五条).
	Final bool   `json:"final,omitempty"`
	Note  string `json:"note,omitempty"`
	// BudgetYear names the budget year completed; by default the latest
	// year in operation.
	BudgetYear int `json:"budget_year,omitempty"`
}

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
	Kind    SecurityOpinionKind `json:"kind"`
	Opinion string              `json:"opinion"`
	// Findings lists the security issues found (optional).
	Findings []string `json:"findings,omitempty"`
}

// OMEvaluationRecord is an O&M evaluation (第五条) as recorded: the record
// that went in and review.OMEvaluate's result.
type OMEvaluationRecord struct {
	Evaluation review.OMEvaluation `json:"evaluation"`
	Result     review.OMResult     `json:"result"`
}

// decodeStrict reads data into v refusing unknown keys and trailing data.
// An empty payload or null reads as {}. The error names the JSON field.
func decodeStrict(data []byte, v any) *Error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		data = []byte("{}")
	}
	if data[0] != '{' {
		return invalid("payload", "payload_not_object", "载荷须是 JSON 对象", "the payload must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		if !errors.As(err, &te) && !errors.As(err, &se) {
			// An unknown key or a value its type refused: the decoder
			// does not say where.
			if e := checkKeys(data, reflect.TypeOf(v).Elem(), "", nil); e != nil {
				return e
			}
		}
		return decodeError(err)
	}
	if len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		return invalid("payload", "payload_trailing_data", "载荷在 JSON 对象之后还有多余内容", "the payload has data after its JSON object")
	}
	return nil
}

// readStrict reads data into v directly (see readRecord) where
// decodeStrict would read it to the same value without error: the same
// white space trimmed, empty or null read as {}.
func readStrict(data []byte, v recordReader) bool {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return true
	}
	return readRecord(data, v)
}

// decodeError explains a JSON decoding error with the field it concerns.
func decodeError(err error) *Error {
	var re *review.Error
	if errors.As(err, &re) {
		return &Error{Kind: KindInvalid, Code: "invalid_payload", Article: firstArticle(re.Findings),
			ZH: "载荷有误", EN: "the payload is invalid", Findings: re.Findings, Err: err}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		return invalid(field, "payload_wrong_type",
			fmt.Sprintf("%s 的类型不正确：应为 %s，实为 JSON %s", field, te.Type, te.Value),
			fmt.Sprintf("%s has the wrong type: want %s, got JSON %s", field, te.Type, te.Value))
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		field := strings.Trim(f, `"`)
		return invalid(field, "payload_unknown_field",
			fmt.Sprintf("载荷含有未知字段 %s", field), fmt.Sprintf("the payload has an unknown field %s", field))
	}
	return invalid("payload", "payload_malformed", "载荷不是有效的 JSON："+msg, "the payload is not valid JSON: "+msg)
}

func firstArticle(fs []review.Finding) string {
	for _, f := range fs {
		if f.Article != "" {
			return f.Article
		}
	}
	return ""
}

// within prefixes the fields of the error's findings with the JSON path of
// the object they were read from.
func (e *Error) within(path string) *Error {
	for i := range e.Findings {
		if f := e.Findings[i].Field; f == "" || f == "payload" {
			e.Findings[i].Field = path
		} else {
			e.Findings[i].Field = path + "." + f
		}
	}
	return e
}

// invalid is the error of one bad field.
func invalid(field, code, zh, en string) *Error {
	return &Error{Kind: KindInvalid, Code: code, ZH: zh, EN: en,
		Findings: []review.Finding{{Code: code, Field: field, ZH: zh, EN: en}}}
}

// required is the error of a missing or blank field.
func required(field, article string) *Error {
	e := invalid(field, "field_required", field+" 不能为空", field+" is required")
	e.Article = article
	e.Findings[0].Article = article
	return e
}

// blank reports whether s is empty or white space.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// declarationKeys checks that a declaration's JSON uses only the keys of
// the form (review.Declaration's JSON names), at every level the decoder
// would otherwise pass over silently; "budget" is checked by review.
func declarationKeys(data []byte) *Error {
	return checkKeys(data, reflect.TypeFor[review.Declaration](), "", map[string]bool{"budget": true})
}

// checkKeys reports the first key of the JSON object data that no field of
// struct type t names, or the first value a type reading itself refuses.
// Nested objects and arrays of objects are checked against their field
// types; the error names the field's JSON path.
func checkKeys(data []byte, t reflect.Type, prefix string, extra map[string]bool) *Error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil // the decoder reports malformed input with its field
	}
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	for k, v := range obj {
		ft, ok := fields[k]
		if !ok {
			if extra[k] {
				continue
			}
			field := prefix + k
			return invalid(field, "payload_unknown_field",
				fmt.Sprintf("载荷含有未知字段 %s", field), fmt.Sprintf("the payload has an unknown field %s", field))
		}
		if err := checkNested(v, ft, prefix+k); err != nil {
			return err
		}
	}
	return nil
}

func checkNested(v json.RawMessage, t reflect.Type, field string) *Error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		// The type reads itself: see whether it accepts the value.
		if err := json.Unmarshal(v, reflect.New(t).Interface()); err != nil {
			e := decodeError(err)
			if e.Code == "payload_malformed" {
				msg := err.Error()
				return invalid(field, "payload_value_invalid", fmt.Sprintf("%s 的值无效：%s", field, msg), fmt.Sprintf("%s is invalid: %s", field, msg))
			}
			for i := range e.Findings {
				if e.Findings[i].Field == "" || e.Findings[i].Field == "payload" {
					e.Findings[i].Field = field
				} else if !strings.HasPrefix(e.Findings[i].Field, field) {
					e.Findings[i].Field = field + "." + e.Findings[i].Field
				}
			}
			return e
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return checkKeys(v, t, field+".", nil)
	case reflect.Slice:
		var elems []json.RawMessage
		if json.Unmarshal(v, &elems) != nil {
			return nil
		}
		for i, e := range elems {
			if err := checkNested(e, t.Elem(), fmt.Sprintf("%s[%d]", field, i)); err != nil {
				return err
			}
		}
	}
	return nil
}
