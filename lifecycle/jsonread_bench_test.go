package lifecycle_test

import (
	"encoding/json"
	"testing"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// BenchmarkReadDeclaration reads a declaration (附件1) strictly, as the
// HTTP adapter reads the body of POST /v1/projects: one parse that checks
// every member and reads the form.
func BenchmarkReadDeclaration(b *testing.B) {
	body := js(b, declaration(review.Construction, false, district("100")))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var d review.Declaration
		if err := lifecycle.ReadJSON(body, &d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineDeclarationJSON is the form's own lenient reader
// (review.Declaration.UnmarshalJSON) on the same body: one parse, no
// member check. BenchmarkReadDeclaration is reported as a ratio to it.
func BenchmarkBaselineDeclarationJSON(b *testing.B) {
	body := js(b, declaration(review.Construction, false, district("100")))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var d review.Declaration
		if err := json.Unmarshal(body, &d); err != nil {
			b.Fatal(err)
		}
	}
}
