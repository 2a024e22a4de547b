package lifecycle

import (
	"reflect"

	"github.com/huandu/go-clone"
	"github.com/shopspring/decimal"
)

// copier makes copies of projects that share no mutable memory with the
// original, with github.com/huandu/go-clone: every slice, map and pointer
// is copied. decimal.Decimal, whose value no method changes, and
// time.Time are copied as values. Each Engine has its own copier, so no
// setting of the library's default is changed.
type copier struct {
	alloc *clone.Allocator
}

func newCopier() copier {
	a := clone.FromHeap()
	a.MarkAsScalar(reflect.TypeFor[decimal.Decimal]())
	return copier{alloc: a}
}

// project returns a detached copy of p.
func (c copier) project(p *Project) *Project {
	if p == nil {
		return nil
	}
	return c.alloc.Clone(reflect.ValueOf(p)).Interface().(*Project)
}
