package change

import (
	"fmt"
	"testing"

	"github.com/govit-cn/govit/review"
)

func benchRequest(n int) Request {
	r := Request{Reason: "benchmark"}
	for i := range n {
		src := review.FundingSources()[i%4]
		if i%3 == 2 {
			r.Items = append(r.Items, LineItem{Item: fmt.Sprintf("新内容%d", i), Replaces: fmt.Sprintf("旧内容%d", i), Source: src, Old: dec("0.5"), New: dec("0.5")})
			continue
		}
		r.Items = append(r.Items, LineItem{Item: fmt.Sprintf("内容%d", i), Source: src, Old: dec("1.000001"), New: dec("1.123456")})
	}
	return r
}

func benchBasis(prior int) Basis {
	b := Basis{Approved: true, Base: review.Budget{
		Central: dec("1000"), Municipal: dec("1000"), District: dec("1000.123456"), SelfFunded: dec("1000"),
	}}
	small := Request{Reason: "r", Items: []LineItem{{Item: "x", Source: review.District, Old: dec("0"), New: dec("0.01")}}}
	for range prior {
		d, err := Assess(Yubei2019(), b, small)
		if err != nil {
			panic(err)
		}
		if b, err = b.Record(d); err != nil {
			panic(err)
		}
	}
	return b
}

// BenchmarkAssess measures Assess by the number of line items and of prior
// changes; the cost should grow linearly in both.
func BenchmarkAssess(b *testing.B) {
	p := Yubei2019()
	for _, c := range []struct{ items, prior int }{{1, 0}, {10, 0}, {100, 0}, {10, 100}} {
		r := benchRequest(c.items)
		basis := benchBasis(c.prior)
		b.Run(fmt.Sprintf("items=%d/prior=%d", c.items, c.prior), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Assess(p, basis, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReference measures the rational reference deciding the same
// 10-item change, for the ratio to BenchmarkAssess/items=10/prior=0.
func BenchmarkReference(b *testing.B) {
	p := Yubei2019()
	r := benchRequest(10)
	basis := benchBasis(0)
	inv := rat(basis.Base.Total())
	b.ReportAllocs()
	for b.Loop() {
		refMinor(p, refInvolved(p, r), inv)
	}
}
