package calendar

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sample2028JSON is a 2028 schedule in the embedded form.
const sample2028JSON = `{
  "year": 2028,
  "papers": ["https://www.gov.cn/zhengce/content/2028-example.htm"],
  "days": [
    {"date": "2028-01-01", "name": "元旦", "isOffDay": true},
    {"date": "2028-01-23", "name": "春节", "isOffDay": false},
    {"date": "2028-01-25", "name": "春节", "isOffDay": true},
    {"date": "2028-01-26", "name": "春节", "isOffDay": true},
    {"date": "2028-01-27", "name": "春节", "isOffDay": true},
    {"date": "2028-01-28", "name": "春节", "isOffDay": true},
    {"date": "2028-01-31", "name": "春节", "isOffDay": true},
    {"date": "2028-02-01", "name": "春节", "isOffDay": true},
    {"date": "2028-02-05", "name": "春节", "isOffDay": false, "nameEn": "Chinese New Year"}
  ]
}`

// sample2028CSV is the same schedule as CSV.
const sample2028CSV = `date,name,off
# 国务院办公厅关于2028年部分节假日安排的通知
2028-01-01,元旦,true
2028-01-23,春节,false

2028-01-25,春节,休
2028-01-26,春节,1
2028-01-27,春节,yes
2028-01-28,春节,off
2028-01-31,春节,true
2028-02-01,春节,true
2028-02-05,春节,work,Chinese New Year
`

func TestLoadNewYear(t *testing.T) {
	base := China()
	for name, parse := range map[string]func() (Schedule, error){
		"JSON": func() (Schedule, error) { return ParseScheduleJSON(strings.NewReader(sample2028JSON)) },
		"CSV":  func() (Schedule, error) { return ParseScheduleCSV(2028, strings.NewReader(sample2028CSV)) },
	} {
		t.Run(name, func(t *testing.T) {
			s, err := parse()
			require.NoError(t, err)
			assert.Equal(t, 2028, s.Year)
			require.Len(t, s.Days, 9)
			assert.Equal(t, "Chinese New Year", s.Days[8].NameEn)

			c, err := base.WithSchedule(s)
			require.NoError(t, err)
			assert.True(t, c.Published(2028))
			w, err := c.IsWorkday(mustDate(t, "2028-01-23"))
			require.NoError(t, err)
			assert.True(t, w, "makeup Sunday")
			due, err := c.AddWorkdays(mustDate(t, "2027-12-20"), 30)
			require.NoError(t, err)
			// 2027-12-21 … 31: 9 working days; 2028: Jan 3–7 (14), 10–14 (19),
			// 17–21 (24), Sun 23 (25), Mon 24 (26), Jan 25–Feb 1 off, Feb 2 (27),
			// 3 (28), 4 (29), Sat 5 (30).
			assert.Equal(t, "2028-02-05", day(due))
			info, err := c.Explain(mustDate(t, "2028-01-26"))
			require.NoError(t, err)
			assert.Equal(t, "国务院办公厅关于2028年部分节假日安排的通知", info.NoticeTitle)
			assert.Equal(t, "Spring Festival", info.HolidayEn)

			_, err = base.IsWorkday(mustDate(t, "2028-01-23"))
			assert.ErrorIs(t, err, ErrYearNotPublished, "the original calendar is unchanged")
		})
	}
}

func TestLoaderRejectsJSON(t *testing.T) {
	day := func(date, name, off string) string {
		return `{"date": ` + date + `, "name": ` + name + `, "isOffDay": ` + off + `}`
	}
	doc := func(days ...string) string {
		return `{"year": 2028, "days": [` + strings.Join(days, ",") + `]}`
	}
	ok := day(`"2028-01-01"`, `"元旦"`, `true`)
	cases := []struct {
		name, input, field, date string
	}{
		{"malformed date", doc(ok, day(`"2028-13-01"`, `"春节"`, `true`)), "days[1].date", "2028-13-01"},
		{"impossible date", doc(day(`"2028-02-30"`, `"春节"`, `true`)), "days[0].date", "2028-02-30"},
		{"date in another layout", doc(day(`"2028/01/01"`, `"元旦"`, `true`)), "days[0].date", "2028/01/01"},
		{"duplicate", doc(ok, day(`"2028-01-25"`, `"春节"`, `true`), day(`"2028-01-25"`, `"春节"`, `true`)), "days[2].date", "2028-01-25"},
		{"a weekday marked a makeup working day", doc(day(`"2028-01-24"`, `"春节"`, `false`)), "days[0].isOffDay", "2028-01-24"},
		{"after the year", doc(ok, day(`"2029-01-01"`, `"元旦"`, `true`)), "days[1].date", "2029-01-01"},
		{"early December of the year before", doc(day(`"2027-12-19"`, `"元旦"`, `true`)), "days[0].date", "2027-12-19"},
		{"empty name", doc(day(`"2028-01-01"`, `" "`, `true`)), "days[0].name", "2028-01-01"},
		{"missing isOffDay", doc(`{"date": "2028-01-01", "name": "元旦"}`), "days[0].isOffDay", ""},
		{"missing date", doc(`{"name": "元旦", "isOffDay": true}`), "days[0].date", ""},
		{"missing name", doc(`{"date": "2028-01-01", "isOffDay": true}`), "days[0].name", ""},
		{"isOffDay not a boolean", doc(day(`"2028-01-01"`, `"元旦"`, `"yes"`)), "days[0].isOffDay", ""},
		{"date not a string", doc(day(`20280101`, `"元旦"`, `true`)), "days[0].date", ""},
		{"missing year", `{"days": [` + ok + `]}`, "year", ""},
		{"year out of range", `{"year": 20280, "days": [` + ok + `]}`, "year", ""},
		{"missing days", `{"year": 2028}`, "days", ""},
		{"no days", `{"year": 2028, "days": []}`, "days", ""},
		{"blank paper", `{"year": 2028, "papers": [" "], "days": [` + ok + `]}`, "papers[0]", ""},
		{"not JSON", `year: 2028`, "", ""},
		{"two objects", doc(ok) + doc(ok), "", ""},
		{"empty input", ``, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScheduleJSON(strings.NewReader(tc.input))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidSchedule)
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, CodeInvalidSchedule, e.Code)
			assert.Equal(t, tc.field, e.Field)
			assert.Equal(t, tc.date, e.Date)
			assert.NotEmpty(t, e.MessageZh)
			assert.NotEmpty(t, e.MessageEn)
			if tc.field != "" {
				assert.Contains(t, err.Error(), tc.field)
			}
		})
	}
	t.Run("late December of the year before is allowed", func(t *testing.T) {
		s, err := ParseScheduleJSON(strings.NewReader(doc(day(`"2027-12-20"`, `"元旦"`, `true`), ok)))
		require.NoError(t, err)
		assert.Len(t, s.Days, 2)
	})
}

func TestLoaderRejectsCSV(t *testing.T) {
	cases := []struct {
		name, input string
		line        int
	}{
		{"malformed date on line 3", "date,name,off\n2028-01-01,元旦,true\n2028-1-2,元旦,true\n", 3},
		{"duplicate on line 4", "# comment\n2028-01-01,元旦,true\n2028-01-25,春节,true\n2028-01-25,春节,true\n", 4},
		{"weekday makeup on line 1", "2028-01-24,春节,false\n", 1},
		{"outside the window on line 2", "2028-01-01,元旦,true\n2027-11-30,元旦,true\n", 2},
		{"bad off value on line 2", "2028-01-01,元旦,true\n2028-01-25,春节,maybe\n", 2},
		{"too few columns on line 2", "2028-01-01,元旦,true\n2028-01-25,春节\n", 2},
		{"too many columns on line 1", "2028-01-01,元旦,true,New Year,extra\n", 1},
		{"empty name on line 1", "2028-01-01, ,true\n", 1},
		{"bare quote on line 2", "2028-01-01,元旦,true\n2028-01-25,春\"节,true\n", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScheduleCSV(2028, strings.NewReader(tc.input))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidSchedule)
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, tc.line, e.Line)
			assert.Equal(t, 2028, e.Year)
			assert.Contains(t, err.Error(), "line ")
		})
	}
	t.Run("no days", func(t *testing.T) {
		_, err := ParseScheduleCSV(2028, strings.NewReader("date,name,off\n# nothing yet\n"))
		assert.ErrorIs(t, err, ErrInvalidSchedule)
	})
	t.Run("bad year", func(t *testing.T) {
		_, err := ParseScheduleCSV(0, strings.NewReader("2028-01-01,元旦,true\n"))
		assert.ErrorIs(t, err, ErrInvalidSchedule)
	})
}

func TestSchedulesMustAgree(t *testing.T) {
	// 2030-12-28 is a Saturday: off in one notice, a working day in the next.
	a := Schedule{Year: 2030, Days: []ScheduleDay{
		{Date: Date(2030, 1, 1), Name: "元旦", Off: true},
		{Date: Date(2030, 12, 28), Name: "元旦", Off: true},
	}}
	b := Schedule{Year: 2031, Days: []ScheduleDay{
		{Date: Date(2030, 12, 28), Name: "元旦", Off: false},
		{Date: Date(2031, 1, 1), Name: "元旦", Off: true},
	}}
	_, err := New([]Schedule{a, b})
	require.ErrorIs(t, err, ErrInvalidSchedule)
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "2030-12-28", e.Date)
	assert.Contains(t, e.MessageZh, "相互矛盾")

	c, err := New([]Schedule{a})
	require.NoError(t, err)
	_, err = c.WithSchedule(b)
	assert.ErrorIs(t, err, ErrInvalidSchedule)

	_, err = New([]Schedule{a, a})
	assert.ErrorIs(t, err, ErrInvalidSchedule, "two schedules for one year")

	bad := a
	bad.Days = []ScheduleDay{{Date: Date(2030, 1, 2), Name: "元旦", Off: false}}
	_, err = c.WithSchedule(bad)
	require.ErrorIs(t, err, ErrInvalidSchedule)
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "days[0].isOffDay", e.Field)
}

func TestScheduleValuesAreCopied(t *testing.T) {
	s, err := ParseScheduleJSON(strings.NewReader(sample2028JSON))
	require.NoError(t, err)
	c, err := China().WithSchedule(s)
	require.NoError(t, err)
	s.Days[1].Off = true // the Sunday makeup day, changed after loading
	s.Papers[0] = "changed"
	w, err := c.IsWorkday(mustDate(t, "2028-01-23"))
	require.NoError(t, err)
	assert.True(t, w)
	n, ok := c.Notice(2028)
	require.True(t, ok)
	n.Papers[0] = "changed again"
	again, _ := c.Notice(2028)
	assert.Equal(t, "https://www.gov.cn/zhengce/content/2028-example.htm", again.Papers[0])
}

func TestParseDate(t *testing.T) {
	d, err := ParseDate("2026-09-30")
	require.NoError(t, err)
	assert.Equal(t, "2026-09-30", day(d))
	_, off := d.Zone()
	assert.Equal(t, 8*3600, off)
	for _, bad := range []string{"", "2026-9-30", "2026-09-31", " 2026-09-30", "30/09/2026", "2026-09-30T00:00:00Z"} {
		_, err := ParseDate(bad)
		assert.ErrorIs(t, err, ErrInvalidDate, bad)
		var e *Error
		require.True(t, errors.As(err, &e))
		assert.Equal(t, CodeInvalidDate, e.Code)
		assert.Equal(t, bad, e.Date)
	}
}

func FuzzParseScheduleJSON(f *testing.F) {
	f.Add([]byte(sample2028JSON))
	f.Add([]byte(`{"year": 2028, "days": [{"date": "2028-01-24", "name": "x", "isOffDay": false}]}`))
	f.Add([]byte(`{"year": 1, "days": null}`))
	f.Add([]byte(`[]`))
	for _, s := range China().Schedules()[18:] {
		var b strings.Builder
		b.WriteString(`{"year": ` + strconv.Itoa(s.Year) + `, "days": [`)
		for i, d := range s.Days {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"date": "` + day(d.Date) + `", "name": "` + d.Name + `", "isOffDay": ` + boolString(d.Off) + `}`)
		}
		b.WriteString("]}")
		f.Add([]byte(b.String()))
	}
	base := China()
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseScheduleJSON(strings.NewReader(string(data)))
		checkParsed(t, base, s, err)
	})
}

func FuzzParseScheduleCSV(f *testing.F) {
	f.Add(2028, []byte(sample2028CSV))
	f.Add(2028, []byte("2028-01-01,元旦,true\n\"2028-01-02\",\"x\"\"y\",0\n"))
	f.Add(2020, []byte("date,name,off\n2019-12-31,元旦,休\n"))
	f.Add(-5, []byte(""))
	base := China()
	f.Fuzz(func(t *testing.T, year int, data []byte) {
		s, err := ParseScheduleCSV(year, strings.NewReader(string(data)))
		checkParsed(t, base, s, err)
	})
}

// checkParsed checks what a loader returned: a refusal is an *Error with
// code invalid_schedule explained in both languages; an accepted schedule
// passes checkLoaded.
func checkParsed(t *testing.T, base *Calendar, s Schedule, err error) {
	t.Helper()
	if err != nil {
		var e *Error
		require.True(t, errors.As(err, &e), "want *Error, got %T: %v", err, err)
		require.Equal(t, CodeInvalidSchedule, e.Code)
		require.NotEmpty(t, e.MessageZh)
		require.NotEmpty(t, e.MessageEn)
		return
	}
	checkLoaded(t, base, s)
}

// checkLoaded loads an accepted schedule and asks about every day of its
// year: a valid schedule either loads or conflicts, and a loaded year is
// answered.
func checkLoaded(t *testing.T, base *Calendar, s Schedule) {
	t.Helper()
	c, err := base.WithSchedule(s)
	if err != nil {
		require.ErrorIs(t, err, ErrInvalidSchedule)
		return
	}
	require.True(t, c.Published(s.Year))
	for d := Date(s.Year, 1, 1); d.Year() == s.Year; d = d.AddDate(0, 0, 1) {
		_, err := c.IsWorkday(d)
		require.NoError(t, err)
	}
	_, err = c.Deadline(Date(s.Year, 6, 1), 10)
	if err != nil {
		require.ErrorIs(t, err, ErrYearNotPublished)
	}
}

// boolString writes b as JSON.
func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
