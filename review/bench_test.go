package review

import (
	"fmt"
	"testing"
)

// BenchmarkDeclaration compares validating with a kept Validator against
// building one per call, the reason callers keep one.
func BenchmarkDeclaration(b *testing.B) {
	d := validDeclaration(b)
	b.Run("reused_validator", func(b *testing.B) {
		v := NewValidator()
		for b.Loop() {
			if err := v.Declaration(d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("new_validator_each_call", func(b *testing.B) {
		for b.Loop() {
			if err := NewValidator().Declaration(d); err != nil {
				b.Fatal(err)
			}
		}
	})
	bad := d
	bad.Contact.Phone, bad.Name = "1", ""
	b.Run("reused_validator_with_findings", func(b *testing.B) {
		v := NewValidator()
		for b.Loop() {
			if err := v.Declaration(bad); err == nil {
				b.Fatal("accepted")
			}
		}
	})
}

func BenchmarkParseDeclaration(b *testing.B) {
	data := []byte(validDeclarationJSON)
	for b.Loop() {
		if _, err := ParseDeclaration(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOverlaps shows the duplicate check grows linearly with the
// number of existing projects.
func BenchmarkOverlaps(b *testing.B) {
	d := validDeclaration(b)
	for _, n := range []int{100, 1000} {
		existing := make([]Declaration, n)
		for i := range existing {
			existing[i] = Declaration{
				Unit:    fmt.Sprintf("单位%d", i%37),
				Name:    fmt.Sprintf("渝北区第%d号政务信息系统", i),
				Content: fmt.Sprintf("建设第%d号业务系统，提供数据采集、统计分析、公众服务等功能，部署于政务云。", i),
			}
		}
		b.Run(fmt.Sprintf("existing=%d", n), func(b *testing.B) {
			for b.Loop() {
				Overlaps(d, existing)
			}
		})
	}
}

func BenchmarkCheckOutline(b *testing.B) {
	toc := lines(fullTOC(3))
	for b.Loop() {
		if fs := CheckOutline(toc); len(fs) != 0 {
			b.Fatal(fs)
		}
	}
}
