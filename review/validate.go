package review

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/locales/zh"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	zhtrans "github.com/go-playground/validator/v10/translations/zh"
	"github.com/shopspring/decimal"
)

// Validator checks declarations against the form of 附件1 and the articles
// it carries (第二条, 第五条, 第八条). Build one with NewValidator and keep
// it: building compiles the rules and translations, and one Validator is
// safe for concurrent use by any number of goroutines. It holds no state
// shared with any other Validator.
type Validator struct {
	v  *validator.Validate
	zh ut.Translator
}

var (
	// phonePattern accepts a Chongqing landline, 023 followed by eight
	// digits with or without a hyphen, or a mainland mobile number.
	phonePattern = regexp.MustCompile(`^(?:023-?[0-9]{8}|1[3-9][0-9]{9})$`)
	// yearMonthPattern accepts YYYY-MM.
	yearMonthPattern = regexp.MustCompile(`^[1-9][0-9]{3}-(?:0[1-9]|1[0-2])$`)
)

// NewValidator builds a Validator with its own validator/v10 instance and
// Chinese translations. Callers keep the result and reuse it.
func NewValidator() *Validator {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		if l := f.Tag.Get("label"); l != "" {
			return l
		}
		return jsonName(f)
	})
	must(v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
		return !isBlank(fl.Field().String())
	}))
	must(v.RegisterValidation("phone", func(fl validator.FieldLevel) bool {
		return phonePattern.MatchString(fl.Field().String())
	}))
	must(v.RegisterValidation("yearmonth", func(fl validator.FieldLevel) bool {
		return yearMonthPattern.MatchString(fl.Field().String())
	}))
	must(v.RegisterValidation("budgetyear", func(fl validator.FieldLevel) bool {
		y := fl.Field().Int()
		return y >= FirstBudgetYear && y <= 9999
	}))
	must(v.RegisterValidation("civildate", func(fl validator.FieldLevel) bool {
		_, err := time.Parse(time.DateOnly, fl.Field().String())
		return err == nil
	}))
	must(v.RegisterValidation("itemcategory", func(fl validator.FieldLevel) bool {
		return ItemCategory(fl.Field().String()).Valid()
	}))

	uni := ut.New(zh.New())
	trans, _ := uni.GetTranslator("zh")
	must(zhtrans.RegisterDefaultTranslations(v, trans))
	// The measure's own checks, in the same style as the built-in texts.
	own := map[string]string{
		"phone":        "{0}必须是重庆市固定电话（如023-67812345）或手机号码",
		"yearmonth":    "{0}必须是“年-月”格式，如2020-01",
		"itemcategory": "{0}不是本办法第二条所列的项目内容类别",
		"budgetyear":   "{0}须为" + strconv.Itoa(FirstBudgetYear) + "至9999之间的年份",
		"civildate":    "{0}必须是“年-月-日”格式，如2020-01-15",
	}
	for tag, text := range own {
		must(v.RegisterTranslation(tag, trans, func(t ut.Translator) error {
			return t.Add(tag, text, false)
		}, func(t ut.Translator, fe validator.FieldError) string {
			s, err := t.T(fe.Tag(), fe.Field())
			if err != nil {
				return fe.Field()
			}
			return s
		}))
	}
	// A blank text is "required" to the reader.
	must(v.RegisterTranslation("notblank", trans, func(ut.Translator) error { return nil },
		func(t ut.Translator, fe validator.FieldError) string {
			s, err := t.T("required", fe.Field())
			if err != nil {
				return fe.Field()
			}
			return s
		}))
	return &Validator{v: v, zh: trans}
}

// must stops NewValidator on a registration error, which can only be a
// mistake in this file's fixed rules, never in input.
func must(err error) {
	if err != nil {
		panic("review: building the validator: " + err.Error())
	}
}

// Declaration validates a declaration against the form of 附件1: the
// required fields, the contact phone, the period (YYYY-MM, start not after
// end), the kind-specific fields, the amounts (non-negative, at most
// MaxScale decimal places of 万元, not all zero) and the declared 合计
// (equal to the sum exactly, when given). It returns nil or an *Error with
// every finding, each naming the JSON field and citing the article.
//
// It does not decide scope (CheckScope) or overlap (Overlaps).
func (v *Validator) Declaration(d Declaration) error {
	var fs []Finding
	if err := v.v.Struct(d); err != nil {
		verrs, ok := err.(validator.ValidationErrors)
		if !ok {
			return &Error{Findings: []Finding{{
				Code: "declaration_invalid", Article: "附件1",
				ZH: "申报表无法校验：" + err.Error(), EN: "the declaration cannot be validated: " + err.Error(),
			}}}
		}
		for _, fe := range verrs {
			fs = append(fs, v.finding(fe))
		}
	}
	fs = append(fs, checkPeriodOrder(d.Period)...)
	fs = append(fs, checkDeclaredBudget(d.Budget, d.DeclaredTotal)...)
	fs = append(fs, checkPhase(d)...)
	fs = append(fs, checkOMBudgetYear(d)...)
	return errorOf(fs)
}

// checkOMBudgetYear: an O&M declaration is for a budget year from
// MinBudgetYear on (第五条, 第二十条); the validator admits FirstBudgetYear
// for both kinds.
func checkOMBudgetYear(d Declaration) []Finding {
	if d.Kind != Operation || d.BudgetYear == 0 || d.BudgetYear >= MinBudgetYear {
		return nil
	}
	return []Finding{{
		Code: "budget_year_invalid", Article: "第五条", Field: "budget_year",
		ZH: fmt.Sprintf("运维类项目的预算年度须为 %d 年或以后（本办法施行后首次年底申报的是 %d 年度），而不是 %d（budget_year）", MinBudgetYear, MinBudgetYear, d.BudgetYear),
		EN: fmt.Sprintf("budget_year of an O&M declaration must be %d or later (the first year-end declaration under the measure), not %d", MinBudgetYear, d.BudgetYear),
	}}
}

// Admit runs the checks a declaration must pass to enter the process:
// first CheckScope (第二条, 第十九条), whose refusal stands alone, then the
// form (Declaration).
func (v *Validator) Admit(d Declaration) error {
	if fs := CheckScope(d); len(fs) > 0 {
		return &Error{Findings: fs}
	}
	return v.Declaration(d)
}

// checkPeriodOrder: 项目周期 runs forward (附件1).
func checkPeriodOrder(p Period) []Finding {
	if !yearMonthPattern.MatchString(p.Start) || !yearMonthPattern.MatchString(p.End) {
		return nil // the format findings say enough
	}
	if p.Start > p.End { // YYYY-MM compares as text
		return []Finding{{
			Code: "period_end_before_start", Article: "附件1", Field: "period.end",
			ZH: fmt.Sprintf("项目周期（止）%s 早于项目周期（起）%s（period.end）", p.End, p.Start),
			EN: fmt.Sprintf("period.end %s is before period.start %s", p.End, p.Start),
		}}
	}
	return nil
}

// checkDeclaredBudget: 资金预算 (附件1) — every amount valid, not all zero,
// and a declared 合计 equal to the sum.
func checkDeclaredBudget(b Budget, total *decimal.Decimal) []Finding {
	fs := b.Check("budget")
	if total != nil {
		fs = append(fs, CheckAmount("budget.total", *total)...)
	}
	if len(fs) > 0 {
		return fs
	}
	sum := b.Total()
	if total != nil && !total.Equal(sum) {
		return []Finding{{
			Code: "budget_total_mismatch", Article: "附件1", Field: "budget.total",
			ZH: fmt.Sprintf("合计 %s 万元不等于各资金来源之和 %s 万元（budget.total）", total.String(), sum.String()),
			EN: fmt.Sprintf("budget.total %s 万元 does not equal the sum of the sources, %s 万元", total.String(), sum.String()),
		}}
	}
	if sum.IsZero() {
		return []Finding{{
			Code: "budget_empty", Article: "附件1", Field: "budget",
			ZH: "资金预算各栏均为零，须填写项目资金预算（budget）",
			EN: "budget is zero in every source; the project's budget must be declared",
		}}
	}
	return nil
}

// checkPhase: a later phase of a phased project names its earlier phase,
// and only a later phase does (第八条).
func checkPhase(d Declaration) []Finding {
	if d.Kind != Construction {
		return nil // excluded_unless has spoken
	}
	switch {
	case d.Phase >= 2 && isBlank(d.ParentID):
		return []Finding{{
			Code: "phase_parent_missing", Article: "第八条", Field: "parent_id",
			ZH: fmt.Sprintf("第 %d 期建设项目须填写前期项目编号（parent_id）", d.Phase),
			EN: fmt.Sprintf("phase %d of a phased project must name its earlier phase in parent_id", d.Phase),
		}}
	case !isBlank(d.ParentID) && d.Phase < 2:
		return []Finding{{
			Code: "phase_number_missing", Article: "第八条", Field: "phase",
			ZH: "填写了前期项目编号的分期项目，建设期次须为 2 或以上（phase）",
			EN: "a project that names an earlier phase in parent_id must give its phase number, 2 or more",
		}}
	}
	return nil
}

// fieldInfo is what the struct tags say about a field on a path.
type fieldInfo struct {
	path    string // JSON path, e.g. "items[0].category"
	article string
}

// describe maps a validator struct namespace ("Declaration.Items[0].Category")
// to the JSON path and the article of the innermost field.
func describe(root reflect.Type, structNS string) fieldInfo {
	parts := strings.Split(structNS, ".")
	if len(parts) > 0 {
		parts = parts[1:] // the root type's name
	}
	t := root
	info := fieldInfo{article: "附件1"}
	var path []string
	for _, p := range parts {
		name, index := p, ""
		if i := strings.IndexByte(p, '['); i >= 0 {
			name, index = p[:i], p[i:]
		}
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		f, ok := t.FieldByName(name)
		if !ok {
			path = append(path, p)
			continue
		}
		path = append(path, jsonName(f)+index)
		if a := f.Tag.Get("article"); a != "" {
			info.article = a
		}
		t = f.Type
	}
	info.path = strings.Join(path, ".")
	return info
}

// jsonName is the JSON key of a struct field.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}

var declarationType = reflect.TypeFor[Declaration]()

// finding turns one validator error into a Finding with a stable code, the
// article, the JSON path, validator's Chinese text with the form's label,
// and an English text naming the JSON path.
func (v *Validator) finding(fe validator.FieldError) Finding {
	info := describe(declarationType, fe.StructNamespace())
	f := Finding{Article: info.article, Field: info.path}
	f.ZH = fmt.Sprintf("%s（%s）", fe.Translate(v.zh), info.path)
	condition := func() string {
		// Params are "Field value", e.g. "Kind construction".
		name, value, _ := strings.Cut(fe.Param(), " ")
		if sf, ok := declarationType.FieldByName(name); ok {
			name = jsonName(sf)
		}
		return fmt.Sprintf("%s is %s", name, value)
	}
	switch fe.Tag() {
	case "required", "notblank":
		f.Code = "field_required"
		f.EN = info.path + " is required"
	case "required_if":
		f.Code = "field_required"
		f.EN = fmt.Sprintf("%s is required when %s", info.path, condition())
	case "excluded_unless":
		f.Code = "field_not_allowed"
		f.EN = fmt.Sprintf("%s must be empty unless %s", info.path, condition())
	case "oneof":
		f.Code = "field_invalid_choice"
		f.EN = fmt.Sprintf("%s must be one of %s, not %q", info.path,
			strings.Join(strings.Fields(fe.Param()), ", "), fmt.Sprint(fe.Value()))
	case "gte":
		f.Code = "field_out_of_range"
		f.EN = fmt.Sprintf("%s must be at least %s", info.path, fe.Param())
	case "lte":
		f.Code = "field_out_of_range"
		f.EN = fmt.Sprintf("%s must be at most %s", info.path, fe.Param())
	case "phone":
		f.Code = "phone_invalid"
		f.EN = fmt.Sprintf("%s must be a Chongqing landline such as 023-67812345 or a mainland mobile number such as 13912345678, not %q", info.path, fmt.Sprint(fe.Value()))
	case "yearmonth":
		f.Code = "period_invalid"
		f.EN = fmt.Sprintf("%s must be a month written YYYY-MM, such as 2020-01, not %q", info.path, fmt.Sprint(fe.Value()))
	case "budgetyear":
		f.Code = "budget_year_invalid"
		f.EN = fmt.Sprintf("%s must be a year from %d to 9999, not %v", info.path, FirstBudgetYear, fe.Value())
	case "civildate":
		f.Code = "date_invalid"
		f.EN = fmt.Sprintf("%s must be a date written YYYY-MM-DD, such as 2020-01-15, not %q", info.path, fmt.Sprint(fe.Value()))
	case "itemcategory":
		names := make([]string, 0, len(ItemCategories()))
		for _, c := range ItemCategories() {
			names = append(names, string(c))
		}
		f.Code = "item_category_invalid"
		f.EN = fmt.Sprintf("%s must be one of %s, not %q", info.path, strings.Join(names, ", "), fmt.Sprint(fe.Value()))
	default:
		f.Code = "field_invalid"
		f.EN = fmt.Sprintf("%s fails the %s check", info.path, fe.Tag())
	}
	return f
}
