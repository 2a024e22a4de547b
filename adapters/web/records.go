package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/govit-cn/govit/lifecycle"
)

// recordList is one of the lists a project holds only the latest of
// (lifecycle.ListWindow): the entries held, newest first, how many there
// are in all, and the page of the events that lists every one.
type recordList struct {
	Key   string // element ID
	Title string
	Shown string // "latest n of m"
	Rows  []recordRow
	All   string // the console's page of the list's events
}

type recordRow struct {
	At, Who, What, Text string
}

// recordsPath is the console's page of a project's events of some actions.
func recordsPath(id string, actions []lifecycle.Action) string {
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = string(a)
	}
	return "/projects/" + url.PathEscape(id) + "/records?action=" + url.QueryEscape(strings.Join(names, ","))
}

// recordLists are the windowed lists of p that hold any entry.
func recordLists(pg *page, p *lifecycle.Project) []recordList {
	var out []recordList
	add := func(key, zh, en string, total int, actions []lifecycle.Action, rows []recordRow) {
		if total == 0 {
			return
		}
		out = append(out, recordList{Key: key, Title: pg.Msg(zh, en),
			Shown: pg.Msg(fmt.Sprintf("最近 %d 条，共 %d 条", len(rows), total), fmt.Sprintf("latest %d of %d", len(rows), total)),
			Rows:  rows, All: recordsPath(p.ID, actions)})
	}
	var rows []recordRow
	for i := len(p.Supervision) - 1; i >= 0; i-- {
		r := p.Supervision[i]
		rows = append(rows, recordRow{At: pg.Time(r.At), Who: r.ActorID + " (" + pg.Role(r.Role) + ")", What: pg.ActionName(r.Action), Text: r.Text})
	}
	add("supervision", "问题报告与监督措施（第十三条）", "Issues and measures (第十三条)", p.SupervisionTotal, lifecycle.SupervisionActions, rows)
	rows = nil
	for i := len(p.Audits) - 1; i >= 0; i-- {
		a := p.Audits[i]
		rows = append(rows, recordRow{At: pg.Time(a.At), Who: a.ActorID, What: pg.ActionName(lifecycle.ActAudit), Text: a.Summary})
	}
	add("audits", "审计监督（第十六条）", "Audits (第十六条)", p.AuditsTotal, lifecycle.AuditActions, rows)
	rows = nil
	for i := len(p.SecurityOpinions) - 1; i >= 0; i-- {
		o := p.SecurityOpinions[i]
		rows = append(rows, recordRow{At: pg.Time(o.At), Who: o.ActorID + " (" + pg.Role(o.Role) + ")", What: string(o.Kind), Text: o.Opinion})
	}
	add("security-opinions", "网络安全指导与监督意见（第三条）", "Security opinions (第三条)", p.SecurityOpinionsTotal, lifecycle.SecurityOpinionActions, rows)
	rows = nil
	for i := len(p.Acceptances) - 1; i >= 0; i-- {
		a := p.Acceptances[i]
		row := recordRow{At: pg.Time(a.AppliedAt), What: pg.ActionName(lifecycle.ActApplyAcceptance)}
		if a.Result != nil {
			row.What, row.Text = pg.ActionName(lifecycle.ActAccept)+" · "+pg.YesNo(a.Result.Passed != nil && *a.Result.Passed), a.Result.Opinion
		}
		rows = append(rows, row)
	}
	add("acceptances", "验收（第十四条）", "Acceptances (第十四条)", p.AcceptancesTotal, lifecycle.AcceptanceActions, rows)
	return out
}

// recordsView is the page of a project's events of some actions.
type recordsView struct {
	ID, Name string
	Title    string
	Events   []eventRow
	Next     string
	First    string
}

// recordsPageSize is how many events the records page shows at once.
const recordsPageSize = 50

// records shows a project's events of the actions named by ?action=
// (comma-separated), a page at a time from ?after=: the whole of a list
// the project page shows only the latest of.
func (c *Console) records(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	id := r.PathValue("id")
	var actions []lifecycle.Action
	for _, a := range strings.Split(r.URL.Query().Get("action"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			actions = append(actions, lifecycle.Action(a))
		}
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	proj, err := c.engine.Get(ctx, s.actor, id)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	events, next, err := c.engine.EventsPageOf(ctx, s.actor, id, lifecycle.EventFilter{Actions: actions, After: max(after, 0), Limit: recordsPageSize})
	if err != nil {
		if lifecycle.KindOf(err) == lifecycle.KindInvalid {
			c.notFound(w, r) // an unknown action names no list
			return
		}
		c.fail(w, r, s, err)
		return
	}
	pg := c.newPage(r, s, "projects")
	v := &recordsView{ID: id, Name: proj.Name}
	var names []string
	for _, a := range actions {
		names = append(names, pg.ActionName(a))
	}
	v.Title = strings.Join(names, "、")
	if v.Title == "" {
		v.Title = pg.T("timeline")
	}
	for _, e := range events {
		v.Events = append(v.Events, eventRow{Version: e.Version, At: pg.Time(e.At), Actor: e.Actor.ID, Unit: e.Actor.Unit,
			Role: e.Role, Action: e.Action, Article: e.Article})
	}
	if next > 0 {
		v.Next = recordsPath(id, actions) + "&after=" + strconv.FormatInt(next, 10)
	}
	if after > 0 {
		v.First = recordsPath(id, actions)
	}
	pg.Title = proj.Name + " · " + v.Title
	pg.Data = v
	c.render(w, http.StatusOK, "records", pg)
}
