package calendar

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
)

// Limits on schedule input. A real notice lists about forty days.
const (
	minScheduleYear = 1949
	maxScheduleYear = 9999
	maxScheduleDays = 400
	maxNameLen      = 200
	maxInputBytes   = 1 << 20
	// windowStartDay is the first day of December of the previous year
	// that a year's notice may arrange (notices arrange New Year bridges
	// from late December, e.g. 2018-12-29 in the 2019 notice).
	windowStartDay = 20
)

// Schedule is one year's State Council arrangement of public holidays
// (国务院办公厅关于YYYY年部分节假日安排的通知): the days it gives off and the
// weekend days it makes working days (调休上班). Weekends that merely adjoin
// a holiday are not listed: they are rest days anyway. Days may reach back
// into late December of the previous year (from 20 December), as New Year
// arrangements do.
//
// A Schedule is a plain value; a Calendar keeps its own copy.
type Schedule struct {
	// Year is the year of the notice.
	Year int
	// Title is the notice's title; empty means
	// 国务院办公厅关于<Year>年部分节假日安排的通知.
	Title string
	// Papers are the addresses of the notice and of any later notice
	// amending it.
	Papers []string
	// Note records anything to know about the source (e.g. a schedule
	// transcribed from a secondary source and not yet checked).
	Note string
	// Days are the arranged days, each date at most once.
	Days []ScheduleDay
}

// ScheduleDay is one day a notice arranges.
type ScheduleDay struct {
	// Date is the civil date; any time of day and location is read as
	// that date in Beijing (see DateOf).
	Date time.Time
	// Name is the holiday's name as the notice writes it, e.g. 国庆节.
	Name string
	// NameEn is the English name; empty means the package's own
	// translation of Name, or Name itself when it has none.
	NameEn string
	// Off is true for a day off and false for a weekend day made a
	// working day (调休上班).
	Off bool
}

// Notice identifies the arrangement that governs a year.
type Notice struct {
	// Year is the year arranged.
	Year int
	// Title is the notice's title; empty for a projected year.
	Title string
	// Papers are the notice's addresses, if known.
	Papers []string
	// Note is the schedule's note, if any.
	Note string
	// Projected is true for a year with no published notice whose days
	// are projected from the statutory rules (see WithProjection).
	Projected bool
}

// defaultTitle is the title of the yearly notice for year y.
func defaultTitle(y int) string {
	return "国务院办公厅关于" + strconv.Itoa(y) + "年部分节假日安排的通知"
}

// clone returns a deep copy of s with Title filled in and every date at
// Beijing midnight.
func (s Schedule) clone() Schedule {
	out := s
	if out.Title == "" {
		out.Title = defaultTitle(s.Year)
	}
	out.Papers = append([]string(nil), s.Papers...)
	out.Days = make([]ScheduleDay, len(s.Days))
	for i, d := range s.Days {
		d.Date = DateOf(d.Date)
		if d.NameEn == "" {
			d.NameEn = englishName(d.Name)
		}
		out.Days[i] = d
	}
	return out
}

// jsonSchedule is the JSON form of a schedule: the format of the files
// under data/, of one notice a file.
type jsonSchedule struct {
	Year   *int              `json:"year"`
	Title  string            `json:"title"`
	Papers []string          `json:"papers"`
	Note   string            `json:"note"`
	Days   []json.RawMessage `json:"days"`
}

// jsonDay is one element of days[].
type jsonDay struct {
	Name     *string `json:"name"`
	NameEn   string  `json:"nameEn"`
	Date     *string `json:"date"`
	IsOffDay *bool   `json:"isOffDay"`
}

// ParseScheduleJSON reads one year's schedule in the JSON form of the
// embedded data:
//
//	{"year": 2028, "title": "…", "papers": ["https://www.gov.cn/…"], "note": "…",
//	 "days": [{"date": "2028-01-01", "name": "元旦", "isOffDay": true}, …]}
//
// year and days are required, as are date, name and isOffDay of each day;
// title, papers, note and a day's nameEn are optional; other fields are
// ignored. The schedule is validated (see Calendar.WithSchedule for the
// rules); an error is an *Error with code invalid_schedule whose Field names
// the place, e.g. "days[3].date", and whose Date gives the day's date.
func ParseScheduleJSON(r io.Reader) (Schedule, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return Schedule{}, invalid(0, "", "读取失败："+err.Error(), "cannot read input: "+err.Error())
	}
	if len(data) > maxInputBytes {
		return Schedule{}, invalid(0, "", "输入超过 1 MiB", "input is larger than 1 MiB")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var js jsonSchedule
	if err := dec.Decode(&js); err != nil {
		return Schedule{}, jsonError(0, "", err)
	}
	if dec.More() {
		return Schedule{}, invalid(0, "", "JSON 对象之后还有多余内容", "unexpected data after the JSON object")
	}
	if js.Year == nil {
		return Schedule{}, invalid(0, "year", "缺少 year", "year is missing")
	}
	s := Schedule{Year: *js.Year, Title: js.Title, Papers: js.Papers, Note: js.Note}
	if err := checkHeader(s, "year"); err != nil {
		return Schedule{}, err
	}
	if js.Days == nil {
		return Schedule{}, withYear(invalid(0, "days", "缺少 days", "days is missing"), s.Year)
	}
	if len(js.Days) > maxScheduleDays {
		return Schedule{}, withYear(invalid(0, "days", "days 超过 "+strconv.Itoa(maxScheduleDays)+" 项", "days has more than "+strconv.Itoa(maxScheduleDays)+" entries"), s.Year)
	}
	for i, raw := range js.Days {
		field := "days[" + strconv.Itoa(i) + "]"
		var jd jsonDay
		if err := json.Unmarshal(raw, &jd); err != nil {
			return Schedule{}, withYear(jsonError(0, field, err), s.Year)
		}
		if jd.Date == nil {
			return Schedule{}, withYear(invalid(0, field+".date", "缺少 date", "date is missing"), s.Year)
		}
		if jd.Name == nil {
			return Schedule{}, withYear(invalid(0, field+".name", "缺少 name", "name is missing"), s.Year)
		}
		if jd.IsOffDay == nil {
			return Schedule{}, withYear(invalid(0, field+".isOffDay", "缺少 isOffDay", "isOffDay is missing"), s.Year)
		}
		date, err := ParseDate(*jd.Date)
		if err != nil {
			e := invalid(0, field+".date", "日期“"+*jd.Date+"”不是有效的 YYYY-MM-DD 日期", "date "+quote(*jd.Date)+" is not a valid YYYY-MM-DD date")
			e.Date = *jd.Date
			return Schedule{}, withYear(e, s.Year)
		}
		s.Days = append(s.Days, ScheduleDay{Date: date, Name: *jd.Name, NameEn: jd.NameEn, Off: *jd.IsOffDay})
	}
	if err := checkDays(s, func(i int) (string, int) { return "days[" + strconv.Itoa(i) + "]", 0 }); err != nil {
		return Schedule{}, err
	}
	return s, nil
}

// ParseScheduleCSV reads the schedule of year from CSV lines
//
//	date,name,off[,name_en]
//
// e.g. "2028-01-01,元旦,true" and "2028-01-29,春节,false". off is one of
// true/false, 1/0, yes/no, off/work, 休/班. A first line starting with the
// word date is a header; lines starting with # are comments; blank lines
// are skipped. The schedule is validated as by ParseScheduleJSON; an error
// is an *Error with code invalid_schedule whose Line gives the line number.
// Title defaults to the yearly notice's; set Papers on the result to cite
// the notice's address.
func ParseScheduleCSV(year int, r io.Reader) (Schedule, error) {
	s := Schedule{Year: year}
	if err := checkHeader(s, "year"); err != nil {
		return Schedule{}, err
	}
	cr := csv.NewReader(io.LimitReader(r, maxInputBytes+1))
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return Schedule{}, withYear(invalid(line, "", "CSV 格式错误："+err.Error(), "malformed CSV: "+err.Error()), year)
		}
		line, _ := cr.FieldPos(0)
		if cr.InputOffset() > maxInputBytes {
			return Schedule{}, withYear(invalid(line, "", "输入超过 1 MiB", "input is larger than 1 MiB"), year)
		}
		if len(s.Days) == 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "date") {
			continue
		}
		if len(rec) < 3 || len(rec) > 4 {
			return Schedule{}, withYear(invalid(line, "", "应为 date,name,off[,name_en] 三或四列，实为 "+strconv.Itoa(len(rec))+" 列", "want 3 or 4 columns date,name,off[,name_en], got "+strconv.Itoa(len(rec))), year)
		}
		if len(s.Days) >= maxScheduleDays {
			return Schedule{}, withYear(invalid(line, "", "超过 "+strconv.Itoa(maxScheduleDays)+" 行", "more than "+strconv.Itoa(maxScheduleDays)+" days"), year)
		}
		ds := strings.TrimSpace(rec[0])
		date, err := ParseDate(ds)
		if err != nil {
			e := invalid(line, "date", "日期“"+ds+"”不是有效的 YYYY-MM-DD 日期", "date "+quote(ds)+" is not a valid YYYY-MM-DD date")
			e.Date = ds
			return Schedule{}, withYear(e, year)
		}
		off, ok := parseOff(rec[2])
		if !ok {
			e := invalid(line, "off", "off 列“"+rec[2]+"”应为 true/false、1/0、yes/no、off/work 或 休/班", "off "+quote(rec[2])+" must be true/false, 1/0, yes/no, off/work or 休/班")
			e.Date = ds
			return Schedule{}, withYear(e, year)
		}
		day := ScheduleDay{Date: date, Name: strings.TrimSpace(rec[1]), Off: off}
		if len(rec) == 4 {
			day.NameEn = strings.TrimSpace(rec[3])
		}
		s.Days = append(s.Days, day)
		lines = append(lines, line)
	}
	if len(s.Days) == 0 {
		return Schedule{}, withYear(invalid(0, "", "没有任何日期", "no days"), year)
	}
	if err := checkDays(s, func(i int) (string, int) { return "", lines[i] }); err != nil {
		return Schedule{}, err
	}
	return s, nil
}

// parseOff reads the off column of a CSV line.
func parseOff(v string) (off, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1", "yes", "off", "休":
		return true, true
	case "false", "0", "no", "work", "班":
		return false, true
	}
	return false, false
}

// validate checks a schedule built by hand, naming days by their index.
func (s Schedule) validate() *Error {
	if err := checkHeader(s, "Year"); err != nil {
		return err
	}
	return checkDays(s, func(i int) (string, int) { return "days[" + strconv.Itoa(i) + "]", 0 })
}

// checkHeader checks the year and the notice's addresses.
func checkHeader(s Schedule, yearField string) *Error {
	if s.Year < minScheduleYear || s.Year > maxScheduleYear {
		ys := strconv.Itoa(s.Year)
		return withYear(invalid(0, yearField, "年份 "+ys+" 超出 "+strconv.Itoa(minScheduleYear)+"—"+strconv.Itoa(maxScheduleYear), "year "+ys+" is outside "+strconv.Itoa(minScheduleYear)+"–"+strconv.Itoa(maxScheduleYear)), s.Year)
	}
	for i, p := range s.Papers {
		if strings.TrimSpace(p) == "" || strings.ContainsAny(p, " \t\r\n") {
			return withYear(invalid(0, "papers["+strconv.Itoa(i)+"]", "地址为空或含空白", "address is empty or contains blanks"), s.Year)
		}
	}
	return nil
}

// checkDays checks every day of s: it has a name, lies in the notice's
// window, appears once, and a working day it arranges is a Saturday or a
// Sunday. at names day i in the input: a JSON field prefix or a CSV line.
func checkDays(s Schedule, at func(i int) (field string, line int)) *Error {
	if len(s.Days) == 0 {
		return withYear(invalid(0, "days", "没有任何日期", "no days"), s.Year)
	}
	if len(s.Days) > maxScheduleDays {
		return withYear(invalid(0, "days", "超过 "+strconv.Itoa(maxScheduleDays)+" 项", "more than "+strconv.Itoa(maxScheduleDays)+" days"), s.Year)
	}
	first := dayFromCivil(s.Year-1, time.December, windowStartDay)
	last := dayFromCivil(s.Year, time.December, 31)
	seen := make(map[int]int, len(s.Days))
	for i, d := range s.Days {
		field, line := at(i)
		sub := func(name string) string {
			if field == "" {
				return name
			}
			return field + "." + name
		}
		dn := dayOf(d.Date)
		ds := formatDay(dn)
		fail := func(f, zh, en string) *Error {
			e := invalid(line, f, zh, en)
			e.Date = ds
			return withYear(e, s.Year)
		}
		name := strings.TrimSpace(d.Name)
		switch {
		case name == "":
			return fail(sub("name"), ds+" 缺少节日名称", ds+" has no holiday name")
		case len(d.Name) > maxNameLen || len(d.NameEn) > maxNameLen:
			return fail(sub("name"), ds+" 的名称超过 "+strconv.Itoa(maxNameLen)+" 字节", "name of "+ds+" is longer than "+strconv.Itoa(maxNameLen)+" bytes")
		case dn < first || dn > last:
			return fail(sub("date"), ds+" 不在 "+strconv.Itoa(s.Year)+" 年安排的范围（"+formatDay(first)+" 至 "+formatDay(last)+"）内", ds+" is outside the window of the "+strconv.Itoa(s.Year)+" schedule ("+formatDay(first)+" to "+formatDay(last)+")")
		case !d.Off && !isWeekend(dn):
			return fail(sub("isOffDay"), ds+" 是"+weekdayZh[weekdayOf(dn)]+"，本就是工作日，不能列为调休上班日", ds+" is a "+weekdayOf(dn).String()+", already a working day: only a Saturday or Sunday can be made a working day")
		}
		if j, dup := seen[dn]; dup {
			prev, prevLine := at(j)
			where := prev
			if prevLine > 0 {
				where = "line " + strconv.Itoa(prevLine)
			}
			return fail(sub("date"), ds+" 重复（已见于 "+where+"）", ds+" is listed twice (first at "+where+")")
		}
		seen[dn] = i
	}
	return nil
}

// invalid builds an invalid_schedule error.
func invalid(line int, field, zh, en string) *Error {
	return &Error{Code: CodeInvalidSchedule, Line: line, Field: field, MessageZh: zh, MessageEn: en}
}

// withYear records the schedule's year on e.
func withYear(e *Error, y int) *Error {
	e.Year = y
	return e
}

// jsonError turns a decoding error into an invalid_schedule error at field.
func jsonError(line int, field string, err error) *Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		f := te.Field
		if field != "" && f != "" {
			f = field + "." + f
		} else if field != "" {
			f = field
		}
		return invalid(line, f, "类型错误：应为 "+te.Type.String()+"，实为 JSON "+te.Value, "wrong type: want "+te.Type.String()+", got JSON "+te.Value)
	}
	return invalid(line, field, "JSON 格式错误："+err.Error(), "malformed JSON: "+err.Error())
}
