package lifecycle

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/review"
)

// directActions are the actions whose records are read directly (see
// readRecord), with request_change, whose fold reads the changeFold header.
func directActions() []Action {
	var out []Action
	for _, a := range Actions() {
		if _, ok := newRecord(a).(recordReader); ok {
			out = append(out, a)
		}
	}
	return out
}

// TestRecordsAreReadAndWrittenDirectly: the records of the frequent
// actions, as Decide writes them, take the direct way both ways (so that
// the speed of a replay does not quietly fall back to encoding/json), and
// give what encoding/json gives.
func TestRecordsAreReadAndWrittenDirectly(t *testing.T) {
	yes := true
	for _, rec := range []any{
		&ReportIssuePayload{Kind: IssueSeriousDelay, Description: "工期滞后"},
		&ContractRef{ContractID: "HT-1"},
		&AuditPayload{Summary: "资金使用检查", Findings: []string{"无"}},
		&AuditPayload{Summary: "资金使用检查"},
		&OpinionPayload{Opinion: "同意"},
		&ReasonPayload{Reason: "工期滞后"},
		&DeliberatePayload{Approved: &yes},
		&BudgetPayload{Year: 2025, Type: BudgetAnnual},
		&ArchivePayload{Documents: []string{"a", "b"}},
		&ArchivePayload{Documents: []string{}},
		&ArchivePayload{},
		&AcceptPayload{Passed: &yes, Opinion: "通过"},
	} {
		want, err := json.Marshal(rec)
		require.NoError(t, err)
		w := jsonWriter{ok: true}
		rec.(recordWriter).writeRecord(&w)
		require.True(t, w.ok, "%T written directly", rec)
		assert.Equal(t, string(want), string(w.buf), "%T", rec)

		got := reflect.New(reflect.TypeOf(rec).Elem()).Interface()
		require.True(t, readRecord(want, got.(recordReader)), "%T read directly: %s", rec, want)
		assert.Equal(t, rec, got)
	}
	sign := []byte(`{"contract":{"id":"HT-1","title":"合同","amount":"12.50","signed_on":"2025-03-03","supplier":"某公司"}}`)
	var direct, std SignContractPayload
	require.True(t, readRecord(sign, &direct))
	require.NoError(t, json.Unmarshal(sign, &std))
	assert.Equal(t, std, direct)
	assert.True(t, direct.Contract.Amount.Equal(std.Contract.Amount))

	change := []byte(`{"kind":"minor","approvers":["bdb"],"new_budget":{"central":"0","municipal":"0","district":"100.01","self_funded":"0","total":"100.01"},"decision":{"zh":"说明\n","n":[1,2.5e3,-0,null,true,false,{}]}}`)
	var f, g changeFold
	require.True(t, readRecord(change, &f))
	require.NoError(t, json.Unmarshal(change, &g))
	assert.Equal(t, g, f)
}

// TestRecordsFallBackToEncodingJSON: input the direct reader does not
// read exactly as encoding/json would is left to encoding/json, so the
// value and the error are encoding/json's.
func TestRecordsFallBackToEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{"KIND":"other","description":"x"}`, // encoding/json matches keys without case
		`{"kind":"other","description":"a\nb"}`,
		`{"kind":"other","description":"\u5de5"}`,
		`{"kind":null,"description":"x"}`,
		`{"kind":"other","description":"x","extra":1}`,
		`{"kind":"other","description":"x"} {}`,
		`{"kind":"other","description":"x"`,
		"{\"kind\":\"other\",\"description\":\"\xff\"}",
		`{"kind":1}`,
	} {
		var direct ReportIssuePayload
		assert.False(t, readRecord([]byte(in), &direct), "%s", in)
		_, err := decodeRecord(Event{Action: ActReportIssue, Payload: []byte(in)})
		stdErr := json.Unmarshal([]byte(in), new(ReportIssuePayload))
		assert.Equal(t, stdErr == nil, err == nil, "%s", in)
	}
	for _, in := range []string{`{"year":2025.0,"type":"annual"}`, `{"year":1e3}`, `{"year":0123}`, `{"year":12345678901234567890}`} {
		var direct BudgetPayload
		assert.False(t, readRecord([]byte(in), &direct), "%s", in)
	}
	w := jsonWriter{ok: true}
	(&ReportIssuePayload{Kind: IssueOther, Description: "a<b & c"}).writeRecord(&w)
	assert.False(t, w.ok, "encoding/json escapes <, > and &")
	data, err := encodeRecord(&ReportIssuePayload{Kind: IssueOther, Description: "a<b & c"})
	require.NoError(t, err)
	want, _ := json.Marshal(&ReportIssuePayload{Kind: IssueOther, Description: "a<b & c"})
	assert.Equal(t, string(want), string(data))
}

// FuzzRecordCodec holds the direct reader and writer of records to
// encoding/json: whatever the reader reads, encoding/json reads to the
// same value without error (leniently as in a replay, and strictly as
// Decide reads a payload); whatever the writer writes is json.Marshal's
// output byte for byte; and the syntax check of raw values agrees with
// json.Valid.
func FuzzRecordCodec(f *testing.F) {
	seeds := []string{
		`{"kind":"serious_delay","description":"工期滞后"}`, `{"contract_id":"HT-0"}`, `{"summary":"检查","findings":["a","b"]}`,
		`{"summary":"检查","findings":[]}`, `{"summary":"检查","findings":null}`, `{"approved":true,"meeting":"常务会"}`,
		`{"approved":null}`, `{"year":2025,"type":"annual"}`, `{"year":-0}`, `{"year":1.5}`, `{"documents":[],"without_data_structures":true}`,
		`{"contract":{"id":"A","title":"t","amount":"1.25","signed_on":"2025-03-03","supplier":"s","supervision":true}}`,
		`{"contract":{"id":"A"},"contract":{"title":"t"}}`, `{"contract":{"amount":1e400}}`, `{"contract":{"amount":null}}`,
		`{"kind":"minor","approvers":["bdb","drc"],"new_budget":{"district":"1"},"decision":{"a":[1,{"b":"\u00e9\\"}]}}`,
		`{"kind":"minor","new_budget":null,"decision":null}`, `{"decision":[1,2`, `{"decision":"\x"}`, `{"Kind":"x"}`,
		` {"reason" : "x" } `, `{"opinion":"a","opinion":"b"}`, `{"passed":false,"opinion":""}`, `{"final":true,"note":"n"}`,
		`{"grade":"good","opinion":"o"}`, "{\"reason\":\"\xe2\x80\xa8\"}", `{"note":"<&>"}`, `null`, ``, `[]`, `{}`,
		` {"unit":"区教委","kind":"construction","budget":{"district":"100","total":"100.00"}} `, `{"budget":{"district":"x"}}`,
		`{"budget":{"dist":"1"}}`, `{"phase":"1"}`, `"declaration"`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s), "月度进度报告", "a\"b")
	}
	actions := directActions()
	f.Fuzz(func(t *testing.T, sel uint8, data []byte, s1, s2 string) {
		action := actions[int(sel)%len(actions)]

		direct := newRecord(action)
		if readRecord(data, direct.(recordReader)) {
			std := newRecord(action)
			if err := json.Unmarshal(data, std); err != nil {
				t.Fatalf("%s: read directly, refused by encoding/json (%v): %q", action, err, data)
			}
			if !reflect.DeepEqual(direct, std) {
				t.Fatalf("%s: read %+v directly, %+v by encoding/json: %q", action, direct, std, data)
			}
		}
		strict := newRecord(action)
		if readStrict(data, strict.(recordReader)) {
			std := newRecord(action)
			if err := decodeStrict(data, std); err != nil {
				t.Fatalf("%s: read directly, refused strictly (%v): %q", action, err, data)
			}
			if !reflect.DeepEqual(strict, std) {
				t.Fatalf("%s: read %+v directly, %+v strictly: %q", action, strict, std, data)
			}
		}

		if _, ok := newRecord(action).(recordWriter); ok {
			std := newRecord(action)
			if json.Unmarshal(data, std) == nil {
				checkWriter(t, std)
			}
			built := newRecord(action)
			fill(reflect.ValueOf(built).Elem(), sel, s1, s2)
			checkWriter(t, built)
		}

		if len(data) > 0 {
			// The declaration reads itself: handed its value directly,
			// it gives what encoding/json gives, error included.
			got, err := decodeRecord(Event{Action: ActDeclare, Payload: data})
			want := new(review.Declaration)
			stdErr := json.Unmarshal(data, want)
			if (err == nil) != (stdErr == nil) || (err != nil && err.Error() != stdErr.Error()) {
				t.Fatalf("declaration: error %v, encoding/json %v: %q", err, stdErr, data)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("declaration: read %+v, encoding/json %+v: %q", got, want, data)
			}
		}

		r := jsonReader{data: data}
		valid := r.skip(0)
		r.space()
		valid = valid && r.pos == len(data)
		deep := bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) >= maxSkipDepth
		if valid != json.Valid(data) && !deep {
			t.Fatalf("syntax check says %v, json.Valid %v: %q", valid, !valid, data)
		}
	})
}

// checkWriter compares encodeRecord with json.Marshal.
func checkWriter(t *testing.T, rec any) {
	t.Helper()
	want, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := encodeRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%T %+v: wrote %s, json.Marshal %s", rec, rec, got, want)
	}
}

// fill sets the fields of the struct v from the fuzzer's values.
func fill(v reflect.Value, sel uint8, s1, s2 string) {
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() {
			continue
		}
		s := s1
		if i%2 == 1 {
			s = s2
		}
		bit := sel&(1<<(i%8)) != 0
		switch f.Kind() {
		case reflect.String:
			if !bit {
				f.SetString(s)
			}
		case reflect.Bool:
			f.SetBool(bit)
		case reflect.Int:
			f.SetInt(int64(len(s1)-len(s2)) * int64(sel))
		case reflect.Pointer:
			if f.Type().Elem().Kind() == reflect.Bool && !bit {
				b := strings.Contains(s, "a")
				f.Set(reflect.ValueOf(&b))
			}
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.String {
				switch sel % 3 {
				case 1:
					f.Set(reflect.MakeSlice(f.Type(), 0, 0))
				case 2:
					list := reflect.MakeSlice(f.Type(), 2, 2)
					list.Index(0).SetString(s1)
					list.Index(1).SetString(s2)
					f.Set(list)
				}
			}
		}
	}
}
