package web

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// declForm is the declaration form laid out like the paper 附件1: its
// inputs by JSON path, for the template to place, with the outline of 附件2
// beside it and the result of the 第四条 duplicate check.
type declForm struct {
	F        map[string]*Field
	General  []string
	Outline  []review.Chapter
	Checked  bool
	Overlaps []review.Finding
	Ack      bool
}

// newDeclForm lays out the declaration's schema with values and errors.
func newDeclForm(lang string, schema *node, vals url.Values, errs []fieldError) *declForm {
	fields, general := view(schema, vals, errs, lang)
	d := &declForm{F: map[string]*Field{}, General: general, Outline: review.Outline()}
	var walk func(fs []*Field)
	walk = func(fs []*Field) {
		for _, f := range fs {
			d.F[f.Name] = f
			walk(f.Children)
		}
	}
	walk(fields)
	setIDs(fields, "decl")
	if f := d.F["budget"]; f != nil {
		d.F["budget.total"] = &Field{ID: "decl-budget-total", Name: "budget.total", Label: text(lang, "total"), Widget: string(wDecimal),
			Optional: true, Value: vals.Get("budget.total")}
		if len(f.Errors) > 0 {
			d.F["budget.total"].Errors = f.Errors
		}
	}
	return d
}

type declareView struct {
	Form *declForm
}

func declarationSchema() *node { return schemaOf(reflect.TypeFor[review.Declaration]()) }

// declarePage shows an empty declaration form for a unit.
func (c *Console) declarePage(w http.ResponseWriter, r *http.Request, s *session) {
	if !s.actor.Has(lifecycle.RoleUnit) {
		c.renderError(w, r, s, http.StatusForbidden, "declare_only")
		return
	}
	vals := url.Values{
		"unit": {s.actor.Unit}, "kind": {string(review.Construction)},
	}
	y := calendar.DateOf(c.clock()).Year()
	vals.Set("period.start", itoa(y)+"-01")
	vals.Set("period.end", itoa(y)+"-12")
	c.showDeclare(w, r, s, http.StatusOK, newDeclForm(langOf(r), declarationSchema(), vals, nil))
}

func (c *Console) showDeclare(w http.ResponseWriter, r *http.Request, s *session, status int, f *declForm) {
	p := c.newPage(r, s, "declare")
	p.Data = &declareView{Form: f}
	c.render(w, status, "declare", p)
}

// declarePost checks a declaration for duplicates (第四条) and, when asked
// and the duplicates are acknowledged, declares it.
func (c *Console) declarePost(w http.ResponseWriter, r *http.Request, s *session) {
	if !s.actor.Has(lifecycle.RoleUnit) {
		c.renderError(w, r, s, http.StatusForbidden, "declare_only")
		return
	}
	ctx := r.Context()
	lang := langOf(r)
	schema := declarationSchema()
	vals := r.PostForm
	payload, errs := encode(schema, vals)
	if len(errs) > 0 {
		c.showDeclare(w, r, s, http.StatusUnprocessableEntity, newDeclForm(lang, schema, vals, errs))
		return
	}
	d, err := review.ParseDeclaration(payload)
	if err != nil {
		c.showDeclare(w, r, s, http.StatusUnprocessableEntity, newDeclForm(lang, schema, vals, findingErrors(err)))
		return
	}
	overlaps, err := c.engine.Overlaps(ctx, s.actor, d)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	submit := vals.Get("intent") == "submit"
	ack := vals.Get("ack") == "true"
	if !submit || (len(overlaps) > 0 && !ack) {
		f := newDeclForm(lang, schema, vals, nil)
		f.Checked, f.Overlaps, f.Ack = true, overlaps, ack
		status := http.StatusOK
		if submit {
			f.General = append(f.General, text(lang, "ack_required"))
			status = http.StatusUnprocessableEntity
		}
		c.showDeclare(w, r, s, status, f)
		return
	}
	proj, _, err := c.engine.Declare(ctx, s.actor, d)
	if err != nil {
		var le *lifecycle.Error
		if !errors.As(err, &le) || le.Kind == lifecycle.KindUnavailable {
			c.fail(w, r, s, err)
			return
		}
		fe := findingErrors(err)
		if len(fe) == 0 {
			fe = []fieldError{{ZH: le.ZH + "（" + le.Article + "）", EN: le.EN + " (" + le.Article + ")"}}
		}
		f := newDeclForm(lang, schema, vals, fe)
		f.Checked, f.Overlaps, f.Ack = true, overlaps, ack
		c.showDeclare(w, r, s, http.StatusUnprocessableEntity, f)
		return
	}
	http.Redirect(w, r, "/projects/"+url.PathEscape(proj.ID)+"?done=declare", http.StatusSeeOther)
}

// findingErrors turns the findings of a review or lifecycle error into
// field errors citing their articles.
func findingErrors(err error) []fieldError {
	var fs []review.Finding
	var re *review.Error
	var le *lifecycle.Error
	switch {
	case errors.As(err, &le):
		fs = le.Findings
	case errors.As(err, &re):
		fs = re.Findings
	}
	out := make([]fieldError, 0, len(fs))
	for _, f := range fs {
		zh, en := f.ZH, f.EN
		if f.Article != "" {
			zh += "（" + f.Article + "）"
			en += " (" + f.Article + ")"
		}
		out = append(out, fieldError{Path: f.Field, ZH: zh, EN: en})
	}
	if len(out) == 0 && le != nil {
		out = append(out, fieldError{Path: strings.TrimSpace(""), ZH: le.ZH, EN: le.EN})
	}
	return out
}
