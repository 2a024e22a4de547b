package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// eventsShown is how many timeline entries a project page shows at once.
const eventsShown = 50

// visitedLimit is the longest history the lifecycle diagram folds to mark
// the states a project passed through; a longer one marks the current
// state only, so that the page's cost does not grow with the history.
const visitedLimit = 200

type fact struct {
	Label, Value string
	Long         bool
}

type budgetRow struct {
	Label, Requested, Approved string
	Total                      bool
}

type diagramState struct {
	State   lifecycle.State
	Current bool
	Visited bool
}

type exitRow struct {
	Action  lifecycle.Action
	To      lifecycle.State
	Stay    bool
	Roles   []lifecycle.Role
	Article string
}

type eventRow struct {
	Version int64
	At      string
	Actor   string
	Unit    string
	Role    lifecycle.Role
	Action  lifecycle.Action
	Article string
}

type obligationRow struct {
	Duty, Article, Ref, Trigger, Due, Status, Class, Explanation string
}

// actionForm is the form of one permitted action.
type actionForm struct {
	Action      lifecycle.Action
	Article     string
	Fields      []*Field
	General     []string
	Open        bool
	Declaration *declForm
	Preview     bool
	Decision    *change.Decision
	Version     int64
	Permitted   bool
}

type projectView struct {
	P           *lifecycle.Project
	Facts       []fact
	Budget      []budgetRow
	States      []diagramState
	Exits       []exitRow
	Events      []eventRow
	EventCount  int
	Older       string
	Newer       string
	ChainClass  string
	ChainText   string
	Obligations []obligationRow
	Forms       []*actionForm
	Contracts   []contractRow
	Records     []recordList
	Findings    []review.Finding
	Stale       bool
	Done        lifecycle.Action
	Refusal     *lifecycle.Error
}

type contractRow struct {
	ID, Title, Amount, SignedOn, Supplier, Filed string
}

// project shows one project.
func (c *Console) project(w http.ResponseWriter, r *http.Request, s *session) {
	v, ok := c.projectView(w, r, s, nil)
	if !ok {
		return
	}
	if done := lifecycle.Action(r.URL.Query().Get("done")); done != "" {
		if _, known := payloadType(done); known {
			v.Done = done
		}
	}
	p := c.newPage(r, s, "projects")
	p.Title = v.P.Name
	p.Data = v
	c.render(w, http.StatusOK, "project", p)
}

// projectView reads everything the project page shows. kept, when not
// nil, is the form a refused or stale submission is shown again with.
func (c *Console) projectView(w http.ResponseWriter, r *http.Request, s *session, kept *actionForm) (*projectView, bool) {
	ctx := r.Context()
	id := r.PathValue("id")
	proj, err := c.engine.Get(ctx, s.actor, id)
	if err != nil {
		c.fail(w, r, s, err)
		return nil, false
	}
	// What the actor may do and what is due, from the project just read:
	// the page reads the project once.
	permitted := c.engine.PermittedOn(proj, s.actor)
	obs, obErr := c.engine.ObligationsOn(proj, c.clock())
	lang := langOf(r)
	pg := &page{Lang: lang}
	rb := c.engine.RulebookOf(proj)
	v := &projectView{P: proj, Findings: proj.Findings}
	v.Facts = declarationFacts(pg, proj)
	req, appr := amounts(proj.Requested), amounts(proj.Approved)
	for _, src := range review.FundingSources() {
		v.Budget = append(v.Budget, budgetRow{Label: pg.Msg(src.ZH(), src.EN()), Requested: req[string(src)], Approved: appr[string(src)]})
	}
	v.Budget = append(v.Budget, budgetRow{Label: pg.T("total"), Requested: req["total"], Approved: appr["total"], Total: true})

	// The timeline, newest first, a page at a time: the page of events
	// below version top.
	offset, _ := strconv.Atoi(r.URL.Query().Get("ev"))
	offset = max(0, min(offset, int(proj.Version)))
	top := proj.Version - int64(offset)
	after := max(0, top-eventsShown)
	var events []lifecycle.Event
	if top > 0 {
		if proj.Version <= visitedLimit {
			after = 0
		}
		events, _, err = c.engine.EventsPage(ctx, s.actor, id, after, int(top-after))
		if err != nil {
			c.fail(w, r, s, err)
			return nil, false
		}
	}
	v.EventCount = int(proj.Version)
	for i := len(events) - 1; i >= 0 && len(v.Events) < eventsShown; i-- {
		e := events[i]
		if e.Version > top {
			continue
		}
		v.Events = append(v.Events, eventRow{Version: e.Version, At: pg.Time(e.At), Actor: e.Actor.ID, Unit: e.Actor.Unit,
			Role: e.Role, Action: e.Action, Article: e.Article})
	}
	if offset+eventsShown < int(proj.Version) {
		v.Older = "/projects/" + url.PathEscape(id) + "?ev=" + strconv.Itoa(offset+eventsShown) + "#timeline"
	}
	if offset > 0 {
		v.Newer = "/projects/" + url.PathEscape(id) + "#timeline"
	}

	// The diagram: every state of the kind, the current one marked, and,
	// for a history short enough to read whole, the states passed through;
	// then the table's rows out of the current state.
	visited := map[lifecycle.State]bool{}
	if proj.Version <= visitedLimit && len(events) == int(proj.Version) {
		fold := &lifecycle.Project{}
		for _, e := range events {
			if fold.Apply(e) != nil {
				break
			}
			visited[fold.State] = true
		}
	}
	for _, st := range lifecycle.States(proj.Kind) {
		v.States = append(v.States, diagramState{State: st, Current: st == proj.State, Visited: visited[st]})
	}
	for _, row := range rb.Table(proj.Kind) {
		if slices.Contains(row.From, proj.State) {
			v.Exits = append(v.Exits, exitRow{Action: row.Action, To: row.Dest(proj.State), Stay: row.Stay, Roles: row.Roles, Article: row.Article})
		}
	}

	switch {
	case c.verify == nil && c.after == nil:
		v.ChainClass, v.ChainText = "chain-none", pg.T("chain_none")
	default:
		ok, detail, pending, err := c.chainStatus(ctx, id, proj.Version)
		switch {
		case pending:
			v.ChainClass, v.ChainText = "chain-pending", pg.T("chain_pending")
		case err != nil:
			c.log.WarnContext(ctx, "web console: chain verification", "project", id, "err", err)
			v.ChainClass, v.ChainText = "chain-none", pg.T("chain_error")
		case ok:
			v.ChainClass, v.ChainText = "chain-ok", pg.T("chain_ok")
		default:
			v.ChainClass, v.ChainText = "chain-broken", pg.T("chain_broken")+detail
		}
	}

	// Obligations with the working-day count explained.
	if obErr != nil {
		c.log.WarnContext(ctx, "web console: obligations", "project", id, "err", obErr)
	}
	for _, o := range obs {
		row := obligationRow{Duty: pg.Msg(o.ZH, o.EN), Article: o.Article, Ref: o.Ref, Trigger: pg.Date(o.Trigger), Due: pg.Date(o.Due)}
		row.Status, row.Class = c.dueText(pg, o.Status, o.Due, o.LateBy)
		days := 0
		switch o.Duty {
		case lifecycle.DutyContractFiling:
			days = rb.FilingDays
		case lifecycle.DutyArchive:
			days = rb.ArchiveDays
		}
		if days > 0 {
			if d, err := c.cal.Deadline(o.Trigger, days); err == nil {
				row.Explanation = pg.Msg(d.Zh(), d.En())
			}
		} else {
			row.Explanation = pg.Msg("年底前申报（第五条），按规则书的截止日计算。", "Due by the year-end day of the rulebook (第五条).")
		}
		v.Obligations = append(v.Obligations, row)
	}
	for _, ct := range proj.Contracts {
		v.Contracts = append(v.Contracts, contractRow{ID: ct.ID, Title: ct.Title, Amount: ct.Amount.String(),
			SignedOn: string(ct.SignedOn), Supplier: ct.Supplier, Filed: pg.Date(ct.FiledAt)})
	}
	v.Records = recordLists(pg, proj)

	// A form for every permitted action; the kept one as submitted.
	for _, a := range permitted {
		if kept != nil && kept.Action == a {
			kept.Permitted, kept.Version, kept.Open = true, proj.Version, true
			v.Forms = append(v.Forms, kept)
			continue
		}
		f := c.newForm(lang, rb, proj, a, nil, nil)
		f.Version, f.Permitted = proj.Version, true
		v.Forms = append(v.Forms, f)
	}
	if kept != nil && !kept.Permitted {
		// No longer permitted: shown so that nothing typed is lost, but
		// it cannot be sent.
		kept.Open = true
		v.Forms = append(v.Forms, kept)
	}
	return v, true
}

// articleOf is the article of an action's first row.
func articleOf(rb *lifecycle.Rulebook, kind review.Kind, a lifecycle.Action) string {
	for _, row := range rb.Table(kind) {
		if row.Action == a {
			return row.Article
		}
	}
	return ""
}

// newForm builds the form of an action, filled with vals (or what is on
// record, for a re-declaration) and with errs next to their fields.
func (c *Console) newForm(lang string, rb *lifecycle.Rulebook, proj *lifecycle.Project, a lifecycle.Action, vals url.Values, errs []fieldError) *actionForm {
	f := &actionForm{Action: a, Article: articleOf(rb, proj.Kind, a), Preview: a == lifecycle.ActRequestChange}
	t, ok := payloadType(a)
	if !ok {
		return f
	}
	schema := schemaOf(t)
	if vals == nil {
		vals = prefill(schema, proj, a)
	}
	if a == lifecycle.ActDeclare {
		f.Declaration = newDeclForm(lang, schema, vals, errs)
		for _, fl := range f.Declaration.F {
			fl.ID = "redeclare-" + strings.ReplaceAll(fl.Name, ".", "-")
		}
		f.General = f.Declaration.General
		return f
	}
	f.Fields, f.General = view(schema, vals, errs, lang)
	setIDs(f.Fields, string(a))
	return f
}

// prefill fills a form with what is on record where that helps: the
// declaration in force for a re-declaration, the approved investment for
// an expert review.
func prefill(schema *node, proj *lifecycle.Project, a lifecycle.Action) url.Values {
	switch a {
	case lifecycle.ActDeclare:
		if data, err := json.Marshal(proj.Declaration); err == nil {
			return decode(schema, data)
		}
	case lifecycle.ActExpertReview:
		vals := url.Values{}
		for i, asp := range review.Aspects() {
			vals.Set("opinions."+strconv.Itoa(i)+".aspect", string(asp))
		}
		for _, o := range review.ExpertOrganisers() {
			vals.Add("organisers", o)
		}
		for k, amt := range amounts(proj.Requested) {
			if k != "total" {
				vals.Set("approved."+k, amt)
			}
		}
		return vals
	case lifecycle.ActFileContract:
		for _, ct := range proj.Contracts {
			if !ct.Filed() {
				return url.Values{"contract_id": {ct.ID}}
			}
		}
	case lifecycle.ActBudget:
		if proj.BudgetYear != 0 {
			return url.Values{"year": {strconv.Itoa(proj.BudgetYear)}}
		}
	}
	return url.Values{}
}

// act takes an action from a form. On success it goes back to the
// project; a refusal shows the page again with the form as submitted and
// the engine's findings next to their fields; a stale version says so
// and keeps what was typed.
func (c *Console) act(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	id := r.PathValue("id")
	a := lifecycle.Action(r.PathValue("action"))
	t, ok := payloadType(a)
	if !ok {
		c.notFound(w, r)
		return
	}
	proj, err := c.engine.Get(ctx, s.actor, id)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	lang := langOf(r)
	rb := c.engine.RulebookOf(proj)
	schema := schemaOf(t)
	vals := r.PostForm
	version, verr := strconv.ParseInt(vals.Get("version"), 10, 64)
	payload, errs := encode(schema, vals)
	if verr != nil {
		errs = append(errs, fieldError{ZH: "表单缺少项目版本，请重新载入项目", EN: "the form lacks the project version; reload the project"})
	}
	if len(errs) > 0 {
		c.showKept(w, r, s, http.StatusUnprocessableEntity, c.newForm(lang, rb, proj, a, vals, errs), nil, false)
		return
	}
	if a == lifecycle.ActRequestChange && vals.Get("intent") == "preview" {
		c.previewChange(w, r, s, proj, rb, payload, vals)
		return
	}
	_, _, err = c.engine.DoJSON(ctx, id, version, s.actor, a, payload)
	if err == nil {
		http.Redirect(w, r, "/projects/"+url.PathEscape(id)+"?done="+url.QueryEscape(string(a)), http.StatusSeeOther)
		return
	}
	var le *lifecycle.Error
	if !errors.As(err, &le) {
		c.fail(w, r, s, err)
		return
	}
	switch le.Kind {
	case lifecycle.KindNotFound:
		c.notFound(w, r)
	case lifecycle.KindConflict:
		c.showKept(w, r, s, http.StatusConflict, c.newForm(lang, rb, proj, a, vals, nil), nil, true)
	case lifecycle.KindUnavailable:
		c.fail(w, r, s, err)
	default:
		var fe []fieldError
		for _, f := range le.Findings {
			fe = append(fe, fieldError{Path: f.Field, ZH: f.ZH + "（" + f.Article + "）", EN: f.EN + " (" + f.Article + ")"})
		}
		status := http.StatusUnprocessableEntity
		if le.Kind == lifecycle.KindForbidden {
			status = http.StatusForbidden
		}
		c.showKept(w, r, s, status, c.newForm(lang, rb, proj, a, vals, fe), le, false)
	}
}

// showKept shows the project page again with a submitted form kept.
func (c *Console) showKept(w http.ResponseWriter, r *http.Request, s *session, status int, f *actionForm, refusal *lifecycle.Error, stale bool) {
	v, ok := c.projectView(w, r, s, f)
	if !ok {
		return
	}
	v.Stale, v.Refusal = stale, refusal
	p := c.newPage(r, s, "projects")
	p.Title = v.P.Name
	p.Data = v
	c.render(w, status, "project", p)
}

// previewChange assesses a change request under 第十一条 as the engine
// would, without sending it, and shows the decision above the form.
func (c *Console) previewChange(w http.ResponseWriter, r *http.Request, s *session, proj *lifecycle.Project, rb *lifecycle.Rulebook, payload json.RawMessage, vals url.Values) {
	lang := langOf(r)
	f := c.newForm(lang, rb, proj, lifecycle.ActRequestChange, vals, nil)
	var req change.Request
	if err := json.Unmarshal(payload, &req); err != nil {
		var re *review.Error
		var fe []fieldError
		if errors.As(err, &re) {
			for _, fd := range re.Findings {
				fe = append(fe, fieldError{Path: fd.Field, ZH: fd.ZH, EN: fd.EN})
			}
		} else {
			fe = append(fe, fieldError{ZH: "变更内容无法读取", EN: "the change could not be read"})
		}
		f = c.newForm(lang, rb, proj, lifecycle.ActRequestChange, vals, fe)
		c.showKept(w, r, s, http.StatusUnprocessableEntity, f, nil, false)
		return
	}
	basis, err := proj.ChangeBasis()
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	d, err := change.Assess(rb.Change, basis, req)
	if err != nil {
		var re *review.Error
		var fe []fieldError
		if errors.As(err, &re) {
			for _, fd := range re.Findings {
				fe = append(fe, fieldError{Path: fd.Field, ZH: fd.ZH + "（" + fd.Article + "）", EN: fd.EN + " (" + fd.Article + ")"})
			}
		} else {
			fe = append(fe, fieldError{ZH: err.Error(), EN: err.Error()})
		}
		f = c.newForm(lang, rb, proj, lifecycle.ActRequestChange, vals, fe)
		c.showKept(w, r, s, http.StatusUnprocessableEntity, f, nil, false)
		return
	}
	f.Decision = &d
	c.showKept(w, r, s, http.StatusOK, f, nil, false)
}

// declarationFacts lists the 附件1 facts of the declaration in force.
func declarationFacts(p *page, proj *lifecycle.Project) []fact {
	d := proj.Declaration
	kind := p.KindName(string(d.Kind))
	if d.ConstructionType != "" {
		kind += "（" + d.ConstructionType.ZH() + "）"
	}
	facts := []fact{
		{Label: label(p.Lang, "unit"), Value: d.Unit},
		{Label: p.T("name"), Value: d.Name},
		{Label: label(p.Lang, "contact"), Value: d.Contact.Name},
		{Label: label(p.Lang, "phone"), Value: d.Contact.Phone},
		{Label: label(p.Lang, "period"), Value: d.Period.Start + " — " + d.Period.End},
		{Label: label(p.Lang, "kind"), Value: kind},
		{Label: label(p.Lang, "procurement_category"), Value: d.ProcurementCategory.ZH()},
		{Label: label(p.Lang, "fixed_asset"), Value: p.YesNo(d.FixedAsset)},
		{Label: label(p.Lang, "fund_composition"), Value: d.FundComposition, Long: true},
		{Label: label(p.Lang, "content"), Value: d.Content, Long: true},
		{Label: label(p.Lang, "cloud"), Value: d.Cloud, Long: true},
		{Label: label(p.Lang, "sharing"), Value: d.Sharing, Long: true},
		{Label: label(p.Lang, "integration"), Value: d.Integration, Long: true},
	}
	if d.BudgetYear != 0 {
		facts = append(facts, fact{Label: label(p.Lang, "budget_year"), Value: strconv.Itoa(d.BudgetYear)})
	}
	if d.Remarks != "" {
		facts = append(facts, fact{Label: label(p.Lang, "remarks"), Value: d.Remarks, Long: true})
	}
	if len(d.Items) > 0 {
		var names []string
		for _, it := range d.Items {
			n := it.Category.ZH()
			if it.Name != "" {
				n += "：" + it.Name
			}
			names = append(names, n)
		}
		facts = append(facts, fact{Label: label(p.Lang, "items"), Value: strings.Join(names, "；"), Long: true})
	}
	return facts
}
