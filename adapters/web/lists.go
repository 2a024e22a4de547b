package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// Sizes of the lists.
const (
	// todoShown is how many entries each part of the to-do list shows.
	todoShown = 50
	// pageSize is the project list's page.
	pageSize = 50
)

// workItem is a project awaiting the actor, with what they may do.
type workItem struct {
	Summary lifecycle.Summary
	Actions []lifecycle.Action
}

// dueItem is a project's next duty with the working days left.
type dueItem struct {
	Summary lifecycle.Summary
	Duty    string
	Text    string
	Class   string
}

type todoView struct {
	Work      []workItem
	WorkMore  bool
	Due       []dueItem
	DueMore   bool
	CanCreate bool
}

// todo lists the projects on which the actor may act now, and the duties
// due or overdue, soonest first.
func (c *Console) todo(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	p := c.newPage(r, s, "todo")
	v := &todoView{CanCreate: s.actor.Has(lifecycle.RoleUnit)}
	rb := c.engine.Rulebook(c.clock())

	var candidates []lifecycle.Summary
	for _, st := range permittedStates(rb, s.actor) {
		page, _, err := c.engine.List(ctx, s.actor, lifecycle.Query{State: st, Limit: todoShown + 1})
		if err != nil {
			c.fail(w, r, s, err)
			return
		}
		candidates = append(candidates, page...)
	}
	// Oldest first: what has waited longest comes first.
	slices.SortFunc(candidates, func(a, b lifecycle.Summary) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	for _, sum := range candidates {
		if len(v.Work) == todoShown {
			v.WorkMore = true
			break
		}
		acts, err := c.awaitedWork(ctx, s.actor, rb, sum)
		if err != nil {
			if lifecycle.KindOf(err) == lifecycle.KindNotFound {
				continue
			}
			c.fail(w, r, s, err)
			return
		}
		if len(acts) > 0 {
			v.Work = append(v.Work, workItem{Summary: sum, Actions: acts})
		}
	}

	// The duties soonest first: the store reads them in that order, so
	// that the page costs one page of them however many are pending.
	due, next, err := c.engine.ListDue(ctx, s.actor, lifecycle.DueQuery{DueBefore: c.today().AddDate(1, 0, 0), Limit: todoShown})
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	v.DueMore = !next.Due.IsZero()
	for _, sum := range due {
		t, class := c.dueText(p, lifecycle.ObligationPending, sum.NextDue, 0)
		v.Due = append(v.Due, dueItem{Summary: sum, Duty: dutyName(p, sum.NextDuty), Text: t, Class: class})
	}
	p.Data = v
	c.render(w, http.StatusOK, "todo", p)
}

// listView is a page of the project list.
type listView struct {
	Rows   []lifecycle.Summary
	Totals map[string]string
	Filter listFilter
	States []lifecycle.State
	Next   string
	Prev   string
	First  string
	Paged  bool
	Bureau bool
}

type listFilter struct {
	State   string
	Kind    string
	Unit    string
	Year    string
	Overdue bool
	After   string
	Before  string
}

// query writes the filter (without the cursor) as a query string.
func (f listFilter) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"state": f.State, "kind": f.Kind, "unit": f.Unit, "year": f.Year} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Overdue {
		q.Set("overdue", "1")
	}
	return q
}

// list shows the projects the actor may see, filtered, a page at a time.
func (c *Console) list(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	p := c.newPage(r, s, "projects")
	qv := r.URL.Query()
	f := listFilter{
		State: qv.Get("state"), Kind: qv.Get("kind"), Unit: strings.TrimSpace(qv.Get("unit")),
		Year: strings.TrimSpace(qv.Get("year")), Overdue: qv.Get("overdue") != "", After: qv.Get("after"),
		Before: qv.Get("before"),
	}
	v := &listView{Filter: f, Bureau: s.actor.IsBureau()}
	seen := map[lifecycle.State]bool{}
	for _, k := range []review.Kind{review.Construction, review.Operation} {
		for _, st := range lifecycle.States(k) {
			if !seen[st] {
				seen[st] = true
				v.States = append(v.States, st)
			}
		}
	}
	q := lifecycle.Query{State: lifecycle.State(f.State), Kind: f.Kind, Unit: f.Unit, After: f.After, Limit: pageSize}
	if f.State != "" && !seen[q.State] {
		q.State = ""
		v.Filter.State = ""
	}
	if f.Kind != "" && !review.Kind(f.Kind).Valid() {
		q.Kind = ""
		v.Filter.Kind = ""
	}
	if f.Overdue {
		q.DueBefore = c.today()
	}
	if year, err := strconv.Atoi(f.Year); err == nil && year >= review.FirstBudgetYear && year <= 9999 {
		q.BudgetYear = year
	} else {
		v.Filter.Year = ""
	}
	// Keyset paging both ways: "after" the last project of the page
	// before, or "before" the first of the page after. A page reached
	// forwards has a page before it (its cursor is that page's last
	// project); one reached backwards has a page after it.
	var (
		page       []lifecycle.Summary
		next, prev string
		err        error
	)
	if f.Before != "" {
		page, prev, err = c.engine.ListBefore(ctx, s.actor, q, f.Before)
		if err == nil && len(page) > 0 {
			next = page[len(page)-1].ProjectID
		}
	} else {
		page, next, err = c.engine.List(ctx, s.actor, q)
		if err == nil && f.After != "" && len(page) > 0 {
			prev = page[0].ProjectID
		}
	}
	if err != nil {
		if lifecycle.KindOf(err) == lifecycle.KindInvalid {
			http.Redirect(w, r, "/projects", http.StatusSeeOther)
			return
		}
		c.fail(w, r, s, err)
		return
	}
	v.Rows = page
	v.First = "/projects?" + v.Filter.query().Encode()
	v.Paged = f.After != "" || f.Before != ""
	if next != "" {
		at := v.Filter.query()
		at.Set("after", next)
		v.Next = "/projects?" + at.Encode()
	}
	if prev != "" {
		at := v.Filter.query()
		at.Set("before", prev)
		v.Prev = "/projects?" + at.Encode()
	}
	v.Totals = map[string]string{}
	for _, row := range v.Rows {
		v.Totals[row.ProjectID] = amounts(row.Approved)["total"]
	}
	p.Data = v
	c.render(w, http.StatusOK, "list", p)
}
