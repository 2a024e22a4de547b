package review

import (
	"strings"
	"unicode"
)

// foldWidth maps full-width ASCII forms (Ａ, １, （, ：, the ideographic
// space) to their half-width equivalents, so that headings typed with a
// Chinese input method compare equal to ones typed without.
func foldWidth(r rune) rune {
	switch {
	case r == '\u3000':
		return ' '
	case r >= '\uFF01' && r <= '\uFF5E':
		return r - 0xFEE0
	}
	return r
}

// letterOrDigit reports whether r carries meaning in a title: letters
// (including Han characters) and digits. Spaces and punctuation do not.
func letterOrDigit(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// normalizeTitle keeps only the letters and digits of s, width-folded and
// lower-cased: "项目名称" and " 项目 名称： " normalise alike.
func normalizeTitle(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = foldWidth(r)
		if letterOrDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// isBlank reports whether s has nothing but white space.
func isBlank(s string) bool { return IsBlank(s) }

// IsBlank reports whether s shows nothing: it holds only white space
// (including the ideographic space), invisible format characters (the
// zero-width space, joiners, the byte order mark, soft hyphens: Unicode
// category Cf), control characters, or the characters that render as
// blank (the Hangul fillers, the blank Braille pattern). A name or a
// reason made of them is as good as missing.
func IsBlank(s string) bool {
	for _, r := range s {
		if !invisible(r) {
			return false
		}
	}
	return true
}

func invisible(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800', '\u3000':
		return true
	}
	return unicode.IsSpace(r) || unicode.In(r, unicode.Cf, unicode.Cc)
}
