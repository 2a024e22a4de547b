package review

import (
	"errors"
	"regexp"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$`)

func codesOf(fs []Finding) []string {
	if len(fs) == 0 {
		return nil
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Code
	}
	return out
}

func fieldsOf(fs []Finding) []string {
	if len(fs) == 0 {
		return nil
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Field
	}
	return out
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// assertFinding checks the shape every finding must have: a snake_case
// code, the article, the field, a Chinese and an English message.
func assertFinding(t testing.TB, f Finding, article, field string) {
	t.Helper()
	assert.Regexp(t, snakeCase, f.Code)
	assert.Equal(t, article, f.Article, "article of %s", f.Code)
	assert.Equal(t, field, f.Field, "field of %s", f.Code)
	assert.True(t, hasHan(f.ZH), "Chinese message of %s: %q", f.Code, f.ZH)
	assert.NotContains(t, f.ZH, "Key: '", "untranslated validator message")
	assert.NotEmpty(t, f.EN, "English message of %s", f.Code)
}

// assertShape checks the shape of findings whose article and field vary.
func assertShape(t testing.TB, fs []Finding) {
	t.Helper()
	for _, f := range fs {
		assert.Regexp(t, snakeCase, f.Code)
		assert.NotEmpty(t, f.Article, "article of %s", f.Code)
		assert.True(t, hasHan(f.ZH), "Chinese message of %s: %q", f.Code, f.ZH)
		assert.NotEmpty(t, f.EN, "English message of %s", f.Code)
	}
}

// wantFinding is a finding a table test expects: its code, field and
// article.
type wantFinding struct{ code, field, article string }

// requireFindings asserts that err is an *Error whose findings are want,
// in order, each of the shape assertFinding checks.
func requireFindings(t testing.TB, err error, want []wantFinding) {
	t.Helper()
	var rerr *Error
	require.True(t, errors.As(err, &rerr), "want *Error, got %v", err)
	require.Len(t, rerr.Findings, len(want), "%v", rerr)
	for i, w := range want {
		assert.Equal(t, w.code, rerr.Findings[i].Code)
		assertFinding(t, rerr.Findings[i], w.article, w.field)
	}
}
