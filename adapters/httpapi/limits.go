package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// MaxItems is the most elements an array of a request body may have, by
// the name of the member that holds it, from what the forms mean: a
// declaration lists its content by category (items), a change request its
// lines (items), a panel its experts, and so on, each far below these
// bounds. An array under any other name (or inside another array) may have
// DefaultMaxItems. A reader of request bodies enforces this table before
// it decodes anything (see checkShape), so that decoding costs at most a
// small multiple of the body.
var MaxItems = map[string]int{
	"items":             500, // 附件1 content categories; 第十一条 change lines
	"table_of_contents": 300, // 附件2 outline headings
	"sections":          300,
	"open_datasets":     1000,
	"documents":         200, // 第十五条 archive documents
	"contracts":         200,
	"experts":           100, // 第五条, 第七条 expert panels
	"organisers":        20,
	"opinions":          100,
	"approvers":         20,
	"concerns":          200,
	"findings":          200,
	"waived":            200,
	"criteria":          100,
	"prior":             500, // earlier change decisions of an assessment
}

// Bounds of a request body's shape, checked before decoding.
const (
	// DefaultMaxItems bounds an array not named in MaxItems.
	DefaultMaxItems = 100
	// MaxMembers bounds the members of one object: no form has a tenth
	// of it.
	MaxMembers = 200
	// MaxDepth bounds nesting.
	MaxDepth = 16
	// MaxTokens bounds the JSON tokens of a whole body: a 500-line change
	// request has about 6,000.
	MaxTokens = 20000
)

// checkShape reads body as a stream of JSON tokens, without building any
// value, and refuses it (400, naming the field) when an array is longer
// than MaxItems allows, an object has more than MaxMembers members, the
// nesting is deeper than MaxDepth, or the body has more than MaxTokens
// tokens. Its own cost is linear in the body with no allocation per
// token; the decoding that follows then costs at most a small multiple of
// the body. A syntax error is left to the decoder, which explains it.
func checkShape(body []byte) *Problem {
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	var (
		names  [MaxDepth + 2]string // the last member name read at each depth
		limits [MaxDepth + 2]int    // the item limit of the array at each depth
	)
	for tokens := 1; ; tokens++ {
		tok, err := dec.ReadToken()
		if err == io.EOF || err != nil {
			return nil
		}
		if tokens > MaxTokens {
			return shapeProblem("body_too_complex", "",
				fmt.Sprintf("请求体的 JSON 记号超过 %d 个", MaxTokens),
				fmt.Sprintf("the request body has more than %d JSON tokens", MaxTokens))
		}
		depth := dec.StackDepth()
		if depth > MaxDepth {
			return shapeProblem("body_too_deep", shapePath(dec, &names, depth),
				fmt.Sprintf("请求体嵌套超过 %d 层", MaxDepth),
				fmt.Sprintf("the request body is nested deeper than %d levels", MaxDepth))
		}
		kind := tok.Kind()
		switch kind {
		case '[':
			// The array is the top level; the member holding it is the
			// last name read in the object above.
			limit := DefaultMaxItems
			if pk, _ := dec.StackIndex(depth - 1); pk == '{' {
				if n, ok := MaxItems[names[depth-1]]; ok {
					limit = n
				}
			}
			limits[depth] = limit
		case '"':
			if k, n := dec.StackIndex(depth); k == '{' && n%2 == 1 {
				names[depth] = tok.String()
			}
		}
		// The level a value was added to: the top, or the one below for
		// a value that opened a level.
		at := depth
		if kind == '[' || kind == '{' {
			at = depth - 1
		}
		if at < 1 {
			continue
		}
		switch k, n := dec.StackIndex(at); k {
		case '[':
			if n > int64(limits[at]) {
				return shapeProblem("too_many_items", shapePath(dec, &names, at),
					fmt.Sprintf("%s 最多 %d 项", shapePath(dec, &names, at), limits[at]),
					fmt.Sprintf("%s may have at most %d elements", shapePath(dec, &names, at), limits[at]))
			}
		case '{':
			if n > 2*MaxMembers {
				return shapeProblem("too_many_members", shapePath(dec, &names, at),
					fmt.Sprintf("对象最多 %d 个成员", MaxMembers),
					fmt.Sprintf("an object may have at most %d members", MaxMembers))
			}
		}
	}
}

// shapePath is the field path of the level at depth: the member names
// and array indexes down to it ("request.items", "items[3].names").
func shapePath(dec *jsontext.Decoder, names *[MaxDepth + 2]string, depth int) string {
	var b strings.Builder
	for i := 1; i < depth; i++ {
		switch k, n := dec.StackIndex(i); k {
		case '{':
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(names[i])
		case '[':
			b.WriteString("[" + strconv.FormatInt(max(n-1, 0), 10) + "]")
		}
	}
	return b.String()
}

func shapeProblem(code, field, zh, en string) *Problem {
	p := newProblem(http.StatusBadRequest, code, zh, en)
	if field != "" {
		p.Errors = []FieldError{memberError(field, code, zh, en)}
	}
	return p
}
