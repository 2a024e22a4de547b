package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/document/doctest"
)

// The markers of the README's walkthrough section.
const (
	walkthroughStart = "<!-- walkthrough:start -->"
	walkthroughEnd   = "<!-- walkthrough:end -->"
	// readmeBase is the address the walkthrough's commands use: the
	// server's default.
	readmeBase = "http://127.0.0.1:8080"
)

// TestREADMEWalkthrough runs the curl commands of the README's
// walkthrough against a server started as `go run ./examples/server`
// would start it, with the tokens it prints, and checks that each answers
// as the walkthrough says.
func TestREADMEWalkthrough(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("README.md not found")
	}
	require.NoError(t, err)
	section, ok := walkthroughSection(string(data))
	if !ok {
		t.Skip("README.md has no " + walkthroughStart + " … " + walkthroughEnd + " section")
	}
	ran := runWalkthrough(t, section)
	assert.Greater(t, ran, 10, "curl commands run")
}

// walkthroughSection returns the text between the markers.
func walkthroughSection(doc string) (string, bool) {
	_, rest, ok := strings.Cut(doc, walkthroughStart)
	if !ok {
		return "", false
	}
	section, _, ok := strings.Cut(rest, walkthroughEnd)
	return section, ok
}

// runWalkthrough starts the server and runs the shell blocks of markdown;
// it returns the number of curl commands run.
func runWalkthrough(t testing.TB, markdown string) int {
	blocks := shellBlocks(markdown)
	require.NotEmpty(t, blocks, "the walkthrough has no ```sh blocks")
	srv := startServer(t, t.TempDir())
	env := map[string]string{}
	for k, v := range srv.exports {
		env[k] = v
	}
	w := &walker{t: t, env: env, base: srv.url, client: &http.Client{Timeout: 10 * time.Second}}
	ran := 0
	for _, b := range blocks {
		cmds, err := parseShell(b)
		require.NoError(t, err, "block:\n%s", b)
		for _, c := range cmds {
			if w.run(c) {
				ran++
			}
		}
	}
	return ran
}

// shellBlocks returns the bodies of the ```sh and ```bash fenced blocks.
func shellBlocks(markdown string) []string {
	var out []string
	var cur []string
	in := false
	for line := range strings.SplitSeq(markdown, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case !in && (trimmed == "```sh" || trimmed == "```bash" || trimmed == "```shell"):
			in, cur = true, nil
		case in && trimmed == "```":
			in = false
			out = append(out, strings.Join(cur, "\n"))
		case in:
			cur = append(cur, line)
		}
	}
	return out
}

// part is a piece of a shell word: literal text, a variable, or a command
// substitution.
type part struct {
	lit, variable, subst string
	kind                 int // 0 literal, 1 variable, 2 substitution
}

// word is a shell word before expansion.
type word []part

// command is a parsed command line with the comments above it.
type command struct {
	words    []word
	comments []string
	line     int
}

// parseShell parses the subset of POSIX shell the walkthrough uses: words
// separated by blanks, commands by newlines; 'single' and "double" quotes
// (which may span lines), backslash escapes and line continuations,
// $NAME, ${NAME} and $(…), and # comments. Pipes, redirections, ; and & are
// refused so that the walkthrough stays plain.
func parseShell(src string) ([]command, error) {
	var cmds []command
	var cur command
	var w word
	inWord := false
	var comments []string
	line := 1
	cur.line = 1
	rs := []rune(src)
	lit := func(s string) {
		if n := len(w); n > 0 && w[n-1].kind == 0 {
			w[n-1].lit += s
		} else {
			w = append(w, part{lit: s})
		}
		inWord = true
	}
	endWord := func() {
		if inWord {
			cur.words = append(cur.words, w)
		}
		w, inWord = nil, false
	}
	endCommand := func() {
		endWord()
		if len(cur.words) > 0 {
			cur.comments = comments
			cmds = append(cmds, cur)
			comments = nil
		}
		cur = command{line: line}
	}
	dollar := func(i int) (part, int, error) {
		// rs[i] == '$'
		if i+1 >= len(rs) {
			return part{}, i, errors.New("$ at end of input")
		}
		switch rs[i+1] {
		case '(':
			depth, j := 1, i+2
			for ; j < len(rs) && depth > 0; j++ {
				switch rs[j] {
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			if depth != 0 {
				return part{}, i, errors.New("unclosed $(")
			}
			return part{kind: 2, subst: string(rs[i+2 : j-1])}, j - 1, nil
		case '{':
			j := i + 2
			for j < len(rs) && rs[j] != '}' {
				j++
			}
			if j >= len(rs) {
				return part{}, i, errors.New("unclosed ${")
			}
			return part{kind: 1, variable: string(rs[i+2 : j])}, j, nil
		}
		j := i + 1
		for j < len(rs) && (rs[j] == '_' || rs[j] >= 'A' && rs[j] <= 'Z' || rs[j] >= 'a' && rs[j] <= 'z' || rs[j] >= '0' && rs[j] <= '9') {
			j++
		}
		if j == i+1 {
			return part{}, i, fmt.Errorf("line %d: a lone $", line)
		}
		return part{kind: 1, variable: string(rs[i+1 : j])}, j - 1, nil
	}
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '#' && !inWord:
			j := i
			for j < len(rs) && rs[j] != '\n' {
				j++
			}
			comments = append(comments, strings.TrimSpace(string(rs[i+1:j])))
			i = j - 1
		case c == '\\':
			if i+1 < len(rs) && rs[i+1] == '\n' {
				i++
				line++
				endWord()
				continue
			}
			if i+1 < len(rs) {
				lit(string(rs[i+1]))
				i++
			}
		case c == ' ' || c == '\t':
			endWord()
		case c == '\n':
			line++
			endCommand()
		case c == '\'':
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				if rs[j] == '\n' {
					line++
				}
				j++
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("line %d: unclosed '", line)
			}
			lit(string(rs[i+1 : j]))
			i = j
		case c == '"':
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				switch rs[j] {
				case '\\':
					if j+1 < len(rs) && strings.ContainsRune("\"\\$`", rs[j+1]) {
						lit(string(rs[j+1]))
						j++
					} else {
						lit("\\")
					}
				case '$':
					p, end, err := dollar(j)
					if err != nil {
						return nil, err
					}
					w = append(w, p)
					inWord = true
					j = end
				case '\n':
					line++
					lit("\n")
				default:
					lit(string(rs[j]))
				}
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("line %d: unclosed \"", line)
			}
			inWord = true
			i = j
		case c == '$':
			p, end, err := dollar(i)
			if err != nil {
				return nil, err
			}
			w = append(w, p)
			inWord = true
			i = end
		case strings.ContainsRune(";|&<>`", c):
			return nil, fmt.Errorf("line %d: %q is not supported in the walkthrough", line, c)
		default:
			lit(string(c))
		}
	}
	endCommand()
	return cmds, nil
}

// walker runs commands, keeping the shell's variables.
type walker struct {
	t      testing.TB
	env    map[string]string
	base   string
	client *http.Client
	// etag is the ETag of the latest response that had one.
	etag string
}

var expectStatus = regexp.MustCompile(`(?:→|->)\s*([1-5][0-9][0-9])\b`)

// expand expands a word.
func (w *walker) expand(c command, wd word) string {
	var b strings.Builder
	for _, p := range wd {
		switch p.kind {
		case 0:
			b.WriteString(p.lit)
		case 1:
			v, ok := w.env[p.variable]
			require.True(w.t, ok, "line %d: $%s is not set", c.line, p.variable)
			b.WriteString(v)
		case 2:
			// The one command substitution the walkthrough uses: today in
			// Beijing.
			require.Equal(w.t, "TZ=Asia/Shanghai date +%F", p.subst, "line %d: unsupported $(…)", c.line)
			b.WriteString(calendar.DateOf(time.Now()).Format(time.DateOnly))
		}
	}
	return b.String()
}

var assignment = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)

// run runs one command and reports whether it was a curl.
func (w *walker) run(c command) bool {
	t := w.t
	args := make([]string, len(c.words))
	for i, wd := range c.words {
		args[i] = w.expand(c, wd)
	}
	if args[0] == "export" {
		args = args[1:]
	}
	if m := assignment.FindStringSubmatch(args[0]); m != nil && len(args) == 1 {
		if m[1] == "ETAG" {
			assert.Equal(t, w.etag, m[2], "line %d: the walkthrough's ETag is not the server's", c.line)
		}
		w.env[m[1]] = m[2]
		return false
	}
	switch args[0] {
	case "go":
		return false // the server is already running
	case "curl":
		w.curl(c, args[1:])
		return true
	}
	t.Fatalf("line %d: unsupported command %q", c.line, args[0])
	return false
}

// curl sends the request a curl command line describes and checks the
// status against the expectation in the comments above it (→ 4xx), or
// 2xx.
func (w *walker) curl(c command, args []string) {
	t := w.t
	method, url, data := "", "", ""
	hasData := false
	header := http.Header{}
	var form [][2]string // -F name=value, name=@file
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() string {
			require.Less(t, i+1, len(args), "line %d: %s needs a value", c.line, a)
			i++
			return args[i]
		}
		switch {
		case a == "-X" || a == "--request":
			method = next()
		case a == "-H" || a == "--header":
			k, v, ok := strings.Cut(next(), ":")
			require.True(t, ok, "line %d: header without colon", c.line)
			header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		case a == "-d" || a == "--data" || a == "--data-raw" || a == "--data-binary":
			require.False(t, hasData, "line %d: one body per command", c.line)
			data, hasData = next(), true
			require.False(t, strings.HasPrefix(data, "@") && a != "--data-raw", "line %d: bodies from files are not supported", c.line)
		case a == "-F" || a == "--form":
			k, v, ok := strings.Cut(next(), "=")
			require.True(t, ok, "line %d: -F needs name=value", c.line)
			form = append(form, [2]string{k, v})
		case a == "--silent" || a == "--include" || a == "--show-error":
		case regexp.MustCompile(`^-[siS]+$`).MatchString(a):
		case strings.HasPrefix(a, "http://") || strings.HasPrefix(a, "https://"):
			require.Empty(t, url, "line %d: one URL per command", c.line)
			url = a
		default:
			t.Fatalf("line %d: unsupported curl argument %q", c.line, a)
		}
	}
	require.True(t, strings.HasPrefix(url, readmeBase+"/"), "line %d: the walkthrough talks to %s, not %s", c.line, readmeBase, url)
	url = w.base + strings.TrimPrefix(url, readmeBase)
	if method == "" {
		method = http.MethodGet
		if hasData || len(form) > 0 { // as curl -d and -F do
			method = http.MethodPost
		}
	}
	if hasData && header.Get("Content-Type") == "" {
		header.Set("Content-Type", "application/x-www-form-urlencoded") // as curl -d does
	}
	var body io.Reader
	if hasData {
		body = strings.NewReader(data)
	}
	if len(form) > 0 {
		require.False(t, hasData, "line %d: -d and -F together", c.line)
		b, ct := formBody(t, form)
		body = bytes.NewReader(b)
		header.Set("Content-Type", ct)
	}
	req, err := http.NewRequest(method, url, body)
	require.NoError(t, err)
	req.Header = header
	resp, err := w.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	want := 0
	for _, cm := range c.comments {
		if m := expectStatus.FindStringSubmatch(cm); m != nil {
			want, _ = strconv.Atoi(m[1])
		}
	}
	where := fmt.Sprintf("line %d: %s %s", c.line, method, strings.TrimPrefix(url, w.base))
	if want != 0 {
		require.Equal(t, want, resp.StatusCode, "%s: %s", where, got)
		assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"), where)
	} else {
		require.True(t, resp.StatusCode >= 200 && resp.StatusCode < 300, "%s → %d: %s", where, resp.StatusCode, got)
	}
	assert.True(t, json.Valid(got), "%s: the body is not JSON: %s", where, got)
	if tag := resp.Header.Get("ETag"); tag != "" {
		w.etag = tag
	}
	if loc := resp.Header.Get("Location"); loc != "" && strings.TrimPrefix(url, w.base) == "/v1/projects" {
		w.env["ID"] = path.Base(loc) // a declaration names the new project
	}
}

// formBody is the multipart body curl -F sends. A file (name=@path)
// stands for the reader's own document: the walkthrough's runner makes a
// small PDF in its place.
func formBody(t testing.TB, form [][2]string) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range form {
		if file, ok := strings.CutPrefix(f[1], "@"); ok {
			w, err := mw.CreateFormFile(f[0], path.Base(file))
			require.NoError(t, err)
			w.Write(doctest.PDF([]doctest.Heading{{Level: 1, Title: path.Base(file)}}, 0))
			continue
		}
		require.NoError(t, mw.WriteField(f[0], f[1]))
	}
	require.NoError(t, mw.Close())
	return buf.Bytes(), mw.FormDataContentType()
}

func TestParseShell(t *testing.T) {
	cmds, err := parseShell(`# a comment → 404
A=1
curl -s "http://x/$A/${B}" \
  -d '{"a":
 "b"}' -H 'X: "y"'"$A"z
export C='"v1"'
D=$(TZ=Asia/Shanghai date +%F)`)
	require.NoError(t, err)
	require.Len(t, cmds, 4)
	assert.Equal(t, []string{"a comment → 404"}, cmds[0].comments)
	curl := cmds[1]
	require.Len(t, curl.words, 7)
	assert.Equal(t, word{{lit: "http://x/"}, {kind: 1, variable: "A"}, {lit: "/"}, {kind: 1, variable: "B"}}, curl.words[2])
	assert.Equal(t, word{{lit: "{\"a\":\n \"b\"}"}}, curl.words[4])
	assert.Equal(t, word{{lit: `X: "y"`}, {kind: 1, variable: "A"}, {lit: "z"}}, curl.words[6])
	assert.Equal(t, word{{lit: `C="v1"`}}, cmds[2].words[1])
	assert.Equal(t, word{{lit: "D="}, {kind: 2, subst: "TZ=Asia/Shanghai date +%F"}}, cmds[3].words[0])

	for _, bad := range []string{"curl x | jq .", "curl x > out", "a; b", "echo 'open", `echo "open`, "echo $(open"} {
		_, err := parseShell(bad)
		assert.Error(t, err, bad)
	}
}

// miniWalkthrough exercises the runner on its own: a declaration, the
// ETag it sets, an expected refusal and an action.
const miniWalkthrough = `
Some prose.

` + "```sh" + `
curl -si http://127.0.0.1:8080/v1/projects \
  -H "Authorization: Bearer $TOKEN_UNIT" -H 'Content-Type: application/json' \
  -d '{"unit": "渝北区教育委员会", "name": "学籍平台", "contact": {"name": "李明", "phone": "023-67812345"},
       "period": {"start": "2026-03", "end": "2026-12"}, "kind": "construction", "construction_type": "new",
       "procurement_category": "service", "budget": {"district": "100"}, "fund_composition": "软件开发",
       "content": "学籍管理", "cloud": "政务云", "sharing": "共享交换平台", "integration": "整合"}'
ETAG=%s
# without If-Match → 428
curl -si http://127.0.0.1:8080/v1/projects/$ID/actions/withdraw \
  -H "Authorization: Bearer $TOKEN_UNIT" -H 'Content-Type: application/json' -d '{}'
curl -si http://127.0.0.1:8080/v1/projects/$ID/actions/withdraw \
  -H "Authorization: Bearer $TOKEN_UNIT" -H "If-Match: $ETAG" -H 'Content-Type: application/json' \
  -d '{"reason": "重复申报"}'
` + "```\n"

func TestWalkthroughRunner(t *testing.T) {
	t.Run("a correct walkthrough passes", func(t *testing.T) {
		assert.Equal(t, 3, runWalkthrough(t, fmt.Sprintf(miniWalkthrough, `'"v1"'`)))
	})
	for name, md := range map[string]string{
		"a wrong ETag":            fmt.Sprintf(miniWalkthrough, `'"v2"'`),
		"a wrong expected status": strings.Replace(fmt.Sprintf(miniWalkthrough, `'"v1"'`), "→ 428", "→ 412", 1),
		"an unset variable":       strings.Replace(fmt.Sprintf(miniWalkthrough, `'"v1"'`), "$TOKEN_UNIT", "$TOKEN_UNTI", 1),
		"an unsupported command":  strings.Replace(fmt.Sprintf(miniWalkthrough, `'"v1"'`), "ETAG=", "echo ETAG=", 1),
	} {
		t.Run(name+" fails", func(t *testing.T) {
			rec := &failRecorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				runWalkthrough(rec, md)
			}()
			<-done
			assert.True(t, rec.failed.Load(), "the runner did not notice")
		})
	}
}

// failRecorder records a failure instead of failing the test; FailNow
// ends the goroutine as it would end a test's.
type failRecorder struct {
	testing.TB
	failed atomic.Bool
}

func (f *failRecorder) Helper()               {}
func (f *failRecorder) Errorf(string, ...any) { f.failed.Store(true) }
func (f *failRecorder) Fatalf(string, ...any) { f.failed.Store(true); runtime.Goexit() }
func (f *failRecorder) FailNow()              { f.failed.Store(true); runtime.Goexit() }
