package review

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validDeclarationJSON is a complete, valid 建设类 declaration.
const validDeclarationJSON = `{
  "unit": "重庆市渝北区城市管理局",
  "name": "渝北区智慧城管综合指挥平台",
  "contact": {"name": "张三", "phone": "023-67812345"},
  "period": {"start": "2020-03", "end": "2021-02"},
  "kind": "construction",
  "construction_type": "new",
  "procurement_category": "service",
  "fixed_asset": false,
  "budget": {"central": "0", "municipal": "100", "district": "250.5", "self_funded": "0", "total": "350.5"},
  "fund_composition": "软件开发 200 万元，硬件及安装 150.5 万元",
  "content": "建设城市管理综合指挥平台，整合数字城管、视频监控、案件办理等功能。",
  "cloud": "部署于渝北区政务云",
  "sharing": "接入区政务数据共享交换平台，共享案件数据",
  "integration": "整合现有数字城管系统",
  "items": [{"category": "application", "name": "指挥平台软件"}]
}`

// declMap returns the valid declaration as a generic map to mutate.
func declMap(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(validDeclarationJSON), &m))
	return m
}

func sub(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

// decode marshals m and reads it as a Declaration.
func decode(t testing.TB, m map[string]any) Declaration {
	t.Helper()
	data, err := json.Marshal(m)
	require.NoError(t, err)
	var d Declaration
	require.NoError(t, json.Unmarshal(data, &d))
	return d
}

func validDeclaration(t testing.TB) Declaration {
	t.Helper()
	return decode(t, declMap(t))
}

// operation turns the map into a valid 运维类 declaration.
func operation(m map[string]any) {
	m["kind"] = "operation"
	delete(m, "construction_type")
	m["budget_year"] = 2021
}

func TestDeclarationValidation(t *testing.T) {
	v := NewValidator()
	type want = wantFinding
	cases := []struct {
		name   string
		mutate func(m map[string]any)
		want   []want
	}{
		{"附件1/valid construction", func(map[string]any) {}, nil},
		{"附件1/valid operation", operation, nil},
		{"附件1/remarks optional, total optional", func(m map[string]any) { delete(sub(m, "budget"), "total"); delete(m, "items") }, nil},

		{"附件1/unit missing", func(m map[string]any) { delete(m, "unit") }, []want{{"field_required", "unit", "附件1"}}},
		{"附件1/unit blank", func(m map[string]any) { m["unit"] = " \u3000 " }, []want{{"field_required", "unit", "附件1"}}},
		{"附件1/name missing", func(m map[string]any) { m["name"] = "" }, []want{{"field_required", "name", "附件1"}}},
		{"附件1/contact name missing", func(m map[string]any) { delete(sub(m, "contact"), "name") }, []want{{"field_required", "contact.name", "附件1"}}},
		{"附件1/contact missing", func(m map[string]any) { delete(m, "contact") }, []want{{"field_required", "contact.name", "附件1"}, {"field_required", "contact.phone", "附件1"}}},
		{"附件1/fund composition missing", func(m map[string]any) { m["fund_composition"] = "" }, []want{{"field_required", "fund_composition", "附件1"}}},
		{"附件1/content missing", func(m map[string]any) { delete(m, "content") }, []want{{"field_required", "content", "附件1"}}},
		{"附件1/cloud missing", func(m map[string]any) { delete(m, "cloud") }, []want{{"field_required", "cloud", "附件1"}}},
		{"附件1/sharing missing", func(m map[string]any) { delete(m, "sharing") }, []want{{"field_required", "sharing", "附件1"}}},
		{"附件1/integration missing", func(m map[string]any) { delete(m, "integration") }, []want{{"field_required", "integration", "附件1"}}},

		{"附件1/period start after end", func(m map[string]any) { sub(m, "period")["start"] = "2021-03" }, []want{{"period_end_before_start", "period.end", "附件1"}}},
		{"附件1/period one month", func(m map[string]any) { sub(m, "period")["start"] = "2021-02" }, nil},
		{"附件1/period start just after end", func(m map[string]any) { sub(m, "period")["end"] = "2020-02" }, []want{{"period_end_before_start", "period.end", "附件1"}}},
		{"附件1/period across a year", func(m map[string]any) { sub(m, "period")["start"] = "2019-12"; sub(m, "period")["end"] = "2020-01" }, nil},
		{"附件1/period month without zero", func(m map[string]any) { sub(m, "period")["start"] = "2020-3" }, []want{{"period_invalid", "period.start", "附件1"}}},
		{"附件1/period month 13", func(m map[string]any) { sub(m, "period")["end"] = "2021-13" }, []want{{"period_invalid", "period.end", "附件1"}}},
		{"附件1/period month 00", func(m map[string]any) { sub(m, "period")["end"] = "2021-00" }, []want{{"period_invalid", "period.end", "附件1"}}},
		{"附件1/period full date", func(m map[string]any) { sub(m, "period")["start"] = "2020-03-01" }, []want{{"period_invalid", "period.start", "附件1"}}},
		{"附件1/period missing", func(m map[string]any) { delete(m, "period") }, []want{{"field_required", "period.start", "附件1"}, {"field_required", "period.end", "附件1"}}},

		{"附件1/kind missing", func(m map[string]any) { delete(m, "kind"); delete(m, "construction_type") }, []want{{"field_required", "kind", "附件1"}}},
		{"附件1/kind unknown", func(m map[string]any) { m["kind"] = "build"; delete(m, "construction_type") }, []want{{"field_invalid_choice", "kind", "附件1"}}},
		{"附件1/procurement category missing", func(m map[string]any) { delete(m, "procurement_category") }, []want{{"field_required", "procurement_category", "附件1"}}},
		{"附件1/procurement category unknown", func(m map[string]any) { m["procurement_category"] = "software" }, []want{{"field_invalid_choice", "procurement_category", "附件1"}}},
		{"附件1/procurement engineering", func(m map[string]any) { m["procurement_category"] = "engineering" }, nil},
		{"附件1/procurement goods", func(m map[string]any) { m["procurement_category"] = "goods" }, nil},

		{"第二条/construction type required for construction", func(m map[string]any) { delete(m, "construction_type") }, []want{{"field_required", "construction_type", "第二条"}}},
		{"第二条/construction type unknown", func(m map[string]any) { m["construction_type"] = "upgrade" }, []want{{"field_invalid_choice", "construction_type", "第二条"}}},
		{"第二条/construction type rebuild", func(m map[string]any) { m["construction_type"] = "rebuild" }, nil},
		{"第二条/construction type expand", func(m map[string]any) { m["construction_type"] = "expand" }, nil},
		{"第二条/construction type continue", func(m map[string]any) { m["construction_type"] = "continue" }, nil},
		{"第二条/construction type forbidden for operation", func(m map[string]any) { operation(m); m["construction_type"] = "new" }, []want{{"field_not_allowed", "construction_type", "第二条"}}},
		{"第二条/item category unknown", func(m map[string]any) {
			m["items"] = []any{map[string]any{"category": "application"}, map[string]any{"category": "printer"}}
		}, []want{{"item_category_invalid", "items[1].category", "第二条"}}},
		{"第二条/item category missing", func(m map[string]any) { m["items"] = []any{map[string]any{"name": "x"}} }, []want{{"field_required", "items[0].category", "第二条"}}},

		{"第五条/budget year required for operation", func(m map[string]any) { operation(m); delete(m, "budget_year") }, []want{{"field_required", "budget_year", "第五条"}}},
		{"第五条/budget year 2019 is before the measure", func(m map[string]any) { operation(m); m["budget_year"] = 2019 }, []want{{"budget_year_invalid", "budget_year", "第五条"}}},
		{"第五条/budget year 2020 is the first", func(m map[string]any) { operation(m); m["budget_year"] = 2020 }, nil},
		{"第五条/budget year 9999", func(m map[string]any) { operation(m); m["budget_year"] = 9999 }, nil},
		{"第五条/budget year 10000", func(m map[string]any) { operation(m); m["budget_year"] = 10000 }, []want{{"budget_year_invalid", "budget_year", "第五条"}}},
		{"第五条/budget year optional for construction", func(m map[string]any) { m["budget_year"] = 2021 }, nil},

		{"第八条/first phase", func(m map[string]any) { m["phase"] = 1 }, nil},
		{"第八条/later phase names its parent", func(m map[string]any) { m["phase"] = 2; m["parent_id"] = "P-2020-001" }, nil},
		{"第八条/later phase without parent", func(m map[string]any) { m["phase"] = 2 }, []want{{"phase_parent_missing", "parent_id", "第八条"}}},
		{"第八条/parent without phase", func(m map[string]any) { m["parent_id"] = "P-2020-001" }, []want{{"phase_number_missing", "phase", "第八条"}}},
		{"第八条/parent with phase 1", func(m map[string]any) { m["phase"] = 1; m["parent_id"] = "P-2020-001" }, []want{{"phase_number_missing", "phase", "第八条"}}},
		{"第八条/negative phase", func(m map[string]any) { m["phase"] = -1 }, []want{{"field_out_of_range", "phase", "第八条"}}},
		{"第八条/phases are for construction", func(m map[string]any) { operation(m); m["phase"] = 2; m["parent_id"] = "P-1" },
			[]want{{"field_not_allowed", "parent_id", "第八条"}, {"field_not_allowed", "phase", "第八条"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := declMap(t)
			c.mutate(m)
			err := v.Declaration(decode(t, m))
			if len(c.want) == 0 {
				require.NoError(t, err)
				return
			}
			requireFindings(t, err, c.want)
		})
	}
}

func TestDeclarationPhone(t *testing.T) {
	v := NewValidator()
	cases := []struct {
		phone string
		ok    bool
	}{
		{"023-67812345", true},
		{"02367812345", true},
		{"13912345678", true},
		{"19912345678", true},
		{"15023456789", true},
		{"12912345678", false},  // no 12x mobile prefix
		{"1391234567", false},   // ten digits
		{"139123456789", false}, // twelve digits
		{"023-6781234", false},  // seven-digit local number
		{"023-678123456", false},
		{"010-67812345", false}, // Beijing
		{"+8613912345678", false},
		{"023 67812345", false},
		{"023—67812345", false},
		{"", false},
	}
	for _, c := range cases {
		t.Run("附件1/phone "+c.phone, func(t *testing.T) {
			m := declMap(t)
			sub(m, "contact")["phone"] = c.phone
			err := v.Declaration(decode(t, m))
			if c.ok {
				assert.NoError(t, err)
				return
			}
			var rerr *Error
			require.True(t, errors.As(err, &rerr))
			require.Len(t, rerr.Findings, 1)
			assertFinding(t, rerr.Findings[0], "附件1", "contact.phone")
		})
	}
}

func TestDeclarationAmounts(t *testing.T) {
	v := NewValidator()
	type want struct{ code, field string }
	cases := []struct {
		name   string
		budget map[string]any
		want   []want
	}{
		{"zero in a source", map[string]any{"central": "0", "district": "1"}, nil},
		{"zero as a JSON number", map[string]any{"central": 0, "district": 1}, nil},
		{"six places", map[string]any{"district": "0.000001", "total": "0.000001"}, nil},
		{"six places with trailing zeros", map[string]any{"district": "1.00000100", "total": "1.000001"}, nil},
		{"seven places", map[string]any{"district": "0.0000001"}, []want{{"amount_too_precise", "budget.district"}}},
		{"seven places as a JSON number", map[string]any{"municipal": json.Number("1.2345678")}, []want{{"amount_too_precise", "budget.municipal"}}},
		{"negative", map[string]any{"central": "-1", "district": "2"}, []want{{"amount_negative", "budget.central"}}},
		{"negative smallest", map[string]any{"self_funded": "-0.000001", "district": "2"}, []want{{"amount_negative", "budget.self_funded"}}},
		{"total equal", map[string]any{"central": "1.5", "district": "2.25", "total": "3.75"}, nil},
		{"total equal, other form", map[string]any{"central": "1.5", "district": "2.25", "total": "3.750000"}, nil},
		{"total under by one fen", map[string]any{"central": "1.5", "district": "2.25", "total": "3.749999"}, []want{{"budget_total_mismatch", "budget.total"}}},
		{"total over by one fen", map[string]any{"central": "1.5", "district": "2.25", "total": "3.750001"}, []want{{"budget_total_mismatch", "budget.total"}}},
		{"total as a JSON number", map[string]any{"central": json.Number("0.1"), "district": json.Number("0.2"), "total": json.Number("0.3")}, nil},
		{"total blank is absent", map[string]any{"district": "5", "total": ""}, nil},
		{"total seven places", map[string]any{"district": "5", "total": "5.0000001"}, []want{{"amount_too_precise", "budget.total"}}},
		{"total negative", map[string]any{"total": "-1"}, []want{{"amount_negative", "budget.total"}}},
		{"all zero", map[string]any{"central": "0", "total": "0"}, []want{{"budget_empty", "budget"}}},
		{"budget missing", nil, []want{{"budget_empty", "budget"}}},
		{"several bad amounts", map[string]any{"central": "-1", "district": "0.1234567", "total": "9"},
			[]want{{"amount_negative", "budget.central"}, {"amount_too_precise", "budget.district"}}},
	}
	for _, c := range cases {
		t.Run("附件1/"+c.name, func(t *testing.T) {
			m := declMap(t)
			if c.budget == nil {
				delete(m, "budget")
			} else {
				m["budget"] = c.budget
			}
			d := decode(t, m)
			err := v.Declaration(d)
			if len(c.want) == 0 {
				require.NoError(t, err)
				if d.DeclaredTotal != nil {
					assert.True(t, d.DeclaredTotal.Equal(d.Budget.Total()))
				}
				return
			}
			want := make([]wantFinding, len(c.want))
			for i, w := range c.want {
				want[i] = wantFinding{w.code, w.field, "附件1"}
			}
			requireFindings(t, err, want)
		})
	}
}

func TestDeclarationMessages(t *testing.T) {
	v := NewValidator()
	m := declMap(t)
	sub(m, "contact")["phone"] = ""
	m["kind"] = "build"
	delete(m, "construction_type")
	err := v.Declaration(decode(t, m))
	var rerr *Error
	require.True(t, errors.As(err, &rerr))
	require.Len(t, rerr.Findings, 2)
	t.Run("附件1/Chinese message uses the form's label and validator's text", func(t *testing.T) {
		assert.Contains(t, rerr.Findings[0].ZH, "联系电话")
		assert.Contains(t, rerr.Findings[0].ZH, "为必填字段")
		assert.Contains(t, rerr.Findings[1].ZH, "项目类别")
	})
	t.Run("附件1/both messages name the JSON field", func(t *testing.T) {
		for _, f := range rerr.Findings {
			assert.Contains(t, f.ZH, f.Field)
			assert.Contains(t, f.EN, f.Field)
		}
		assert.Contains(t, rerr.Findings[1].EN, "construction, operation")
	})
	t.Run("附件1/error text lists every finding", func(t *testing.T) {
		assert.Equal(t, []string{"field_required", "field_invalid_choice"}, rerr.Codes())
		assert.Contains(t, rerr.Error(), "contact.phone")
		assert.Contains(t, rerr.Error(), "kind")
	})
}

func TestDeclarationJSON(t *testing.T) {
	t.Run("附件1/round trip keeps every field", func(t *testing.T) {
		m := declMap(t)
		m["remarks"] = "无"
		m["phase"] = 2
		m["parent_id"] = "P-1"
		m["cloud_exemption"] = ""
		d := decode(t, m)
		data, err := json.Marshal(d)
		require.NoError(t, err)
		var back Declaration
		require.NoError(t, json.Unmarshal(data, &back))
		assert.True(t, back.Budget.Equal(d.Budget))
		require.NotNil(t, back.DeclaredTotal)
		assert.True(t, back.DeclaredTotal.Equal(*d.DeclaredTotal))
		back.Budget, d.Budget = Budget{}, Budget{}
		back.DeclaredTotal, d.DeclaredTotal = nil, nil
		assert.Equal(t, d, back)
	})
	t.Run("附件1/amounts are written as strings", func(t *testing.T) {
		data, err := json.Marshal(validDeclaration(t))
		require.NoError(t, err)
		var generic struct {
			Budget map[string]any `json:"budget"`
		}
		require.NoError(t, json.Unmarshal(data, &generic))
		assert.Equal(t, map[string]any{"central": "0", "municipal": "100", "district": "250.5", "self_funded": "0", "total": "350.5"}, generic.Budget)
	})
	t.Run("附件1/an absent total is written as the sum", func(t *testing.T) {
		d := validDeclaration(t)
		d.DeclaredTotal = nil
		data, err := json.Marshal(d)
		require.NoError(t, err)
		assert.Contains(t, string(data), `"total":"350.5"`)
	})
	refusals := []struct {
		name, in, code, field string
	}{
		{"wrong type names the field", `{"unit": 5}`, "json_wrong_type", "unit"},
		{"wrong nested type names the path", `{"contact": {"phone": 2367812345}}`, "json_wrong_type", "contact.phone"},
		{"budget amount not decimal", `{"budget": {"district": "一百"}}`, "amount_not_decimal", "budget.district"},
		{"budget unknown column", `{"budget": {"provincial": "1"}}`, "budget_unknown_field", "budget.provincial"},
		{"budget not an object", `{"budget": "350.5"}`, "budget_not_object", "budget"},
	}
	for _, c := range refusals {
		t.Run("附件1/"+c.name, func(t *testing.T) {
			d := validDeclaration(t)
			before := d
			err := json.Unmarshal([]byte(c.in), &d)
			var rerr *Error
			require.True(t, errors.As(err, &rerr), "want *Error, got %v", err)
			require.NotEmpty(t, rerr.Findings)
			assert.Equal(t, c.code, rerr.Findings[0].Code)
			assertFinding(t, rerr.Findings[0], "附件1", c.field)
			assert.Equal(t, before.Name, d.Name, "a refused input leaves the declaration unchanged")
		})
	}
}

func TestParseDeclaration(t *testing.T) {
	t.Run("附件1/malformed JSON is explained", func(t *testing.T) {
		_, err := ParseDeclaration([]byte(`{"unit": `))
		var rerr *Error
		require.True(t, errors.As(err, &rerr), "want *Error, got %v", err)
		assertFinding(t, rerr.Findings[0], "附件1", "")
		assert.Equal(t, "json_malformed", rerr.Findings[0].Code)
	})
	t.Run("附件1/field errors pass through", func(t *testing.T) {
		_, err := ParseDeclaration([]byte(`{"budget": {"central": "x"}}`))
		var rerr *Error
		require.True(t, errors.As(err, &rerr))
		assert.Equal(t, []string{"amount_not_decimal"}, rerr.Codes())
	})
	t.Run("附件1/valid input", func(t *testing.T) {
		d, err := ParseDeclaration([]byte(validDeclarationJSON))
		require.NoError(t, err)
		assert.Equal(t, "渝北区智慧城管综合指挥平台", d.Name)
		assert.True(t, d.Budget.Total().Equal(dec("350.5")))
	})
}

func TestValidatorConcurrent(t *testing.T) {
	v := NewValidator()
	good := validDeclaration(t)
	bad := good
	bad.Contact.Phone = "123"
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				d := good
				if (g+i)%2 == 1 {
					d = bad
				}
				err := v.Declaration(d)
				if (err == nil) != (d.Contact.Phone == good.Contact.Phone) {
					errs <- "wrong verdict"
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	var got []string
	for e := range errs {
		got = append(got, e)
	}
	assert.Empty(t, got, "附件1/one Validator serves many goroutines")
}

func TestValidatorsAreIndependent(t *testing.T) {
	// Two validators built side by side give the same verdicts: nothing is
	// shared through package state.
	a, b := NewValidator(), NewValidator()
	m := declMap(t)
	m["name"] = ""
	d := decode(t, m)
	ea, eb := a.Declaration(d), b.Declaration(d)
	require.Error(t, ea)
	assert.Equal(t, ea.Error(), eb.Error())
	assert.True(t, strings.Contains(ea.Error(), "name"))
}
