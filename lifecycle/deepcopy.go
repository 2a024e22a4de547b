package lifecycle

import (
	"reflect"
	"sync"
)

// copier makes copies of projects that share no mutable memory with the
// original: every slice, map and pointer reachable through exported fields
// is copied. Values that are immutable by construction (the unexported
// internals of decimal.Decimal and time.Time) are shared. A copier
// remembers which types need no walking; each Engine has its own.
type copier struct {
	flat sync.Map // reflect.Type → bool
}

// project returns a detached copy of p.
func (c *copier) project(p *Project) *Project {
	if p == nil {
		return nil
	}
	return c.copy(reflect.ValueOf(p)).Interface().(*Project)
}

// copy copies v, following exported fields, slices, arrays, maps,
// pointers and interfaces.
func (c *copier) copy(v reflect.Value) reflect.Value {
	if c.isFlat(v.Type()) {
		return v
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(c.copy(v.Elem()))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		if c.isFlat(v.Type().Elem()) {
			reflect.Copy(out, v)
			return out
		}
		for i := range v.Len() {
			out.Index(i).Set(c.copy(v.Index(i)))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			out.Index(i).Set(c.copy(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out.SetMapIndex(c.copy(iter.Key()), c.copy(iter.Value()))
		}
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(c.copy(v.Elem()))
		return out
	case reflect.Struct:
		// Copied whole first, so unexported fields keep their values.
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() || c.isFlat(v.Type().Field(i).Type) {
				continue
			}
			out.Field(i).Set(c.copy(v.Field(i)))
		}
		return out
	}
	return v
}

// isFlat reports whether a plain assignment of a value of type t shares
// no memory reachable through exported fields.
func (c *copier) isFlat(t reflect.Type) bool {
	if f, ok := c.flat.Load(t); ok {
		return f.(bool)
	}
	f := flatType(t, map[reflect.Type]bool{})
	c.flat.Store(t, f)
	return f
}

func flatType(t reflect.Type, seen map[reflect.Type]bool) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface, reflect.Func, reflect.Chan:
		return false
	case reflect.Array:
		return flatType(t.Elem(), seen)
	case reflect.Struct:
		if seen[t] {
			return true
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			if f.IsExported() && !flatType(f.Type, seen) {
				return false
			}
		}
	}
	return true
}
