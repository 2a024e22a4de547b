package web

import (
	"html/template"
	"strings"
)

// pages are the page templates; each is parsed with the layout and the
// shared parts.
var pages = []string{"error", "login", "todo", "list", "project", "declare", "deadline", "dashboard", "records"}

// shared are the templates every page may use.
var shared = []string{"templates/layout.html", "templates/declfields.html"}

type formArgs struct {
	Page *page
	ID   string
	Form *actionForm
}

type declArgs struct {
	Page *page
	Form *declForm
}

var funcs = template.FuncMap{
	"formArgs": func(p *page, id string, f *actionForm) formArgs { return formArgs{p, id, f} },
	"declArgs": func(p *page, d *declForm) declArgs { return declArgs{p, d} },
	"label":    label,
}

// parseTemplates parses every page with the layout.
func parseTemplates() (map[string]*template.Template, error) {
	out := make(map[string]*template.Template, len(pages))
	for _, name := range pages {
		files := append(append([]string(nil), shared...), "templates/"+name+".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, files...)
		if err != nil {
			return nil, err
		}
		out[name] = t
	}
	return out, nil
}

// setIDs gives every input of a form an element ID unique on the page:
// the form's prefix and the input's path.
func setIDs(fs []*Field, prefix string) {
	for _, f := range fs {
		f.ID = prefix + "-" + strings.ReplaceAll(f.Name, ".", "-")
		setIDs(f.Children, prefix)
	}
}
