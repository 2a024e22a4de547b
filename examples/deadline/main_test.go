package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLI runs the command in process.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDeadlineCLI(t *testing.T) {
	t.Run("第十二条/7 working days over National Day 2026", func(t *testing.T) {
		code, out, errOut := runCLI("-from", "2026-09-30", "-workdays", "7")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "截止日：2026-10-15（星期四）")
		assert.Contains(t, out, "Due: 2026-10-15 (Thursday)")
		assert.Contains(t, out, "跳过国庆节2026-10-01至2026-10-07（7天）")
		assert.Contains(t, out, "skipped National Day 2026-10-01 to 2026-10-07 (7 days)")
		assert.Contains(t, out, "计入调休上班日2026-10-10（星期六，国庆节）")
		assert.Contains(t, out, "国务院办公厅关于2026年部分节假日安排的通知 https://www.gov.cn/")
		assert.Empty(t, errOut)
	})
	t.Run("第十五条/10 working days over National Day 2025, in one language", func(t *testing.T) {
		code, out, _ := runCLI("-from", "2025-09-26", "-workdays", "10", "-lang", "en")
		require.Equal(t, 0, code)
		assert.Contains(t, out, "Due: 2025-10-16 (Thursday)")
		assert.NotContains(t, out, "截止日：")
		code, out, _ = runCLI("-lang", "zh", "-from", "2025-09-26", "-workdays", "10")
		require.Equal(t, 0, code)
		assert.Contains(t, out, "截止日：2025-10-16（星期四）")
		assert.NotContains(t, out, "Due:")
	})
	t.Run("counting back", func(t *testing.T) {
		code, out, _ := runCLI("-from", "2026-10-15", "-workdays", "-7")
		require.Equal(t, 0, code)
		assert.Contains(t, out, "2026-09-30")
	})
	t.Run("unpublished year", func(t *testing.T) {
		code, out, errOut := runCLI("-from", "2027-12-20", "-workdays", "10")
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Contains(t, errOut, "2028")
		assert.Contains(t, errOut, "-project")
	})
	t.Run("projected year", func(t *testing.T) {
		code, out, errOut := runCLI("-from", "2027-12-20", "-workdays", "10", "-project")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "Due: 2028-01-04")
		assert.Contains(t, out, "暂定")
		assert.Contains(t, out, "Provisional")
	})
}

func TestDeadlineCLISchedule(t *testing.T) {
	dir := t.TempDir()
	jsonFile := filepath.Join(dir, "notice.json")
	require.NoError(t, os.WriteFile(jsonFile, []byte(`{"year": 2028, "papers": ["https://www.gov.cn/2028"], "days": [
		{"date": "2028-01-01", "name": "元旦", "isOffDay": true},
		{"date": "2028-01-02", "name": "元旦", "isOffDay": true},
		{"date": "2028-01-03", "name": "元旦", "isOffDay": true}]}`), 0o600))
	csvFile := filepath.Join(dir, "holidays-2028.csv")
	require.NoError(t, os.WriteFile(csvFile, []byte("date,name,off\n2028-01-01,元旦,true\n2028-01-03,元旦,true\n"), 0o600))
	otherCSV := filepath.Join(dir, "next.csv")
	require.NoError(t, os.WriteFile(otherCSV, []byte("2028-01-01,元旦,true\n2028-01-03,元旦,true\n"), 0o600))
	badFile := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(badFile, []byte(`{"year": 2028, "days": [{"date": "2028-01-03", "name": "元旦", "isOffDay": false}]}`), 0o600))

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"JSON", []string{"-schedule", jsonFile}},
		{"CSV, year from the file name", []string{"-schedule", csvFile}},
		{"CSV, year given", []string{"-schedule", otherCSV, "-year", "2028"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-from", "2027-12-20", "-workdays", "10"}, tc.args...)
			code, out, errOut := runCLI(args...)
			require.Equal(t, 0, code, errOut)
			// Dec 21–31: 9 working days; Jan 3 is off in each file; Jan 4 (10).
			assert.Contains(t, out, "Due: 2028-01-04")
			assert.NotContains(t, out, "Provisional")
			assert.Contains(t, out, "国务院办公厅关于2028年部分节假日安排的通知")
		})
	}
	t.Run("CSV without a year", func(t *testing.T) {
		code, _, errOut := runCLI("-from", "2027-12-20", "-workdays", "10", "-schedule", filepath.Join(dir, "next.csv"))
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "-year")
	})
	t.Run("invalid schedule names the day", func(t *testing.T) {
		code, _, errOut := runCLI("-from", "2027-12-20", "-workdays", "10", "-schedule", badFile)
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "days[0].isOffDay")
		assert.Contains(t, errOut, "2028-01-03")
	})
	t.Run("missing file", func(t *testing.T) {
		code, _, errOut := runCLI("-from", "2027-12-20", "-workdays", "10", "-schedule", filepath.Join(dir, "none.json"))
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "none.json")
	})
}

func TestDeadlineCLIUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no flags", nil},
		{"no -workdays", []string{"-from", "2026-09-30"}},
		{"no -from", []string{"-workdays", "7"}},
		{"malformed date", []string{"-from", "2026-9-30", "-workdays", "7"}},
		{"impossible date", []string{"-from", "2026-02-30", "-workdays", "7"}},
		{"workdays not a number", []string{"-from", "2026-09-30", "-workdays", "seven"}},
		{"unknown flag", []string{"-from", "2026-09-30", "-workdays", "7", "-verbose"}},
		{"stray argument", []string{"-from", "2026-09-30", "-workdays", "7", "extra"}},
		{"bad language", []string{"-from", "2026-09-30", "-workdays", "7", "-lang", "fr"}},
		{"-year without -schedule", []string{"-from", "2026-09-30", "-workdays", "7", "-year", "2028"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.NotEmpty(t, errOut)
		})
	}
	t.Run("usage text", func(t *testing.T) {
		_, _, errOut := runCLI()
		assert.Contains(t, errOut, "Usage: deadline -from YYYY-MM-DD -workdays N")
	})
	t.Run("help", func(t *testing.T) {
		code, _, errOut := runCLI("-h")
		assert.Equal(t, 0, code)
		assert.Contains(t, errOut, "Usage:")
	})
}
