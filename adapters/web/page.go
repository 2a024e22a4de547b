package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// page is what every template gets: the language, the signed-in actor,
// the CSRF token for its forms, and the page's own data.
type page struct {
	Lang    string
	Title   string
	Nav     string
	Actor   *lifecycle.Actor
	CSRF    string
	Path    string
	Next    string
	Message string
	Notice  string
	Data    any
}

func (c *Console) newPage(r *http.Request, s *session, nav string) *page {
	p := &page{Lang: langOf(r), Nav: nav, Path: r.URL.RequestURI()}
	p.Title = p.T(nav)
	if s != nil {
		a := s.actor
		p.Actor = &a
		p.CSRF = s.csrf
	}
	return p
}

// T is a message in the page's language.
func (p *page) T(key string) string { return text(p.Lang, key) }

// Tf is a formatted message in the page's language.
func (p *page) Tf(key string, args ...any) string { return fmt.Sprintf(text(p.Lang, key), args...) }

// EN reports whether the page is in English.
func (p *page) EN() bool { return p.Lang == langEN }

// OtherLang is the language the switch offers.
func (p *page) OtherLang() string {
	if p.Lang == langEN {
		return langZH
	}
	return langEN
}

// State names a state.
func (p *page) State(s lifecycle.State) string { return stateName(p.Lang, s) }

// ActionName names an action.
func (p *page) ActionName(a lifecycle.Action) string { return actionName(p.Lang, a) }

// Role names a role.
func (p *page) Role(r lifecycle.Role) string { return roleName(p.Lang, r) }

// Roles names roles, joined.
func (p *page) Roles(rs []lifecycle.Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = p.Role(r)
	}
	sep := "、"
	if p.EN() {
		sep = ", "
	}
	return strings.Join(names, sep)
}

// KindName names a kind of project.
func (p *page) KindName(k string) string {
	if p.EN() {
		return review.Kind(k).EN()
	}
	return review.Kind(k).ZH()
}

// Msg picks the message of a finding or error in the page's language.
func (p *page) Msg(zh, en string) string {
	if p.EN() && en != "" {
		return en
	}
	return zh
}

// Date writes an instant's Beijing date.
func (p *page) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Beijing).Format(time.DateOnly)
}

// Time writes an instant in Beijing time to the minute.
func (p *page) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Beijing).Format("2006-01-02 15:04")
}

// YesNo writes a boolean.
func (p *page) YesNo(b bool) string {
	if b {
		return p.T("yes")
	}
	return p.T("no")
}

// amounts are a budget's amounts as the store writes them (Budget's own
// JSON): the four sources and the total, never reformatted.
func amounts(b review.Budget) map[string]string {
	out := map[string]string{}
	data, err := json.Marshal(b)
	if err != nil {
		return out
	}
	_ = json.Unmarshal(data, &out)
	return out
}

// today is the start of the current Beijing day.
func (c *Console) today() time.Time { return calendar.DateOf(c.clock()) }

// dueText says where an obligation stands, in working days.
func (c *Console) dueText(p *page, status lifecycle.ObligationStatus, due time.Time, lateBy int) (string, string) {
	switch status {
	case lifecycle.ObligationOverdue:
		return p.Tf("overdue_by", lateBy), "overdue"
	case lifecycle.ObligationMetOnTime:
		return p.T("met_on_time"), "met"
	case lifecycle.ObligationMetLate:
		return p.Tf("met_late", lateBy), "late"
	}
	left, err := c.cal.WorkdaysBetween(c.today(), due)
	switch {
	case err != nil:
		return "", "pending"
	case left < 0:
		return p.Tf("overdue_by", -left), "overdue"
	case left == 0:
		return p.T("due_today"), "soon"
	case left <= 3:
		return p.Tf("workdays_left", left), "soon"
	}
	return p.Tf("workdays_left", left), "pending"
}

// dutyName names a duty of the obligations.
func dutyName(p *page, duty string) string {
	switch duty {
	case lifecycle.DutyContractFiling:
		return p.Msg("合同备案", "File the contract")
	case lifecycle.DutyArchive:
		return p.Msg("项目文件归档", "Archive the documents")
	case lifecycle.DutyOMDeclaration:
		return p.Msg("申报下一年度运维需求", "Declare next year's O&M")
	}
	return duty
}

// discretionary are the actions a party may take whenever it sees fit:
// supervision (第十三条), audits (第十六条), a change (第十一条), a
// withdrawal, or a contract terminated. They are not work waiting on
// anyone, so the to-do list leaves them out.
var discretionary = map[lifecycle.Action]bool{
	lifecycle.ActReportIssue: true, lifecycle.ActOrderRectification: true, lifecycle.ActSuspend: true,
	lifecycle.ActAudit: true, lifecycle.ActRequestChange: true, lifecycle.ActWithdraw: true,
	lifecycle.ActTerminateContract: true,
}

// awaited reports whether action a, from state s of a project of kind k,
// is work waiting on its party: a row of the table that moves the project
// on (a row that leaves the state as it is, like a filing, shows as a duty
// instead) and is not discretionary.
func awaited(rb *lifecycle.Rulebook, k review.Kind, s lifecycle.State, a lifecycle.Action) bool {
	if discretionary[a] {
		return false
	}
	for _, row := range rb.Table(k) {
		if row.Action == a && !row.Stay && slices.Contains(row.From, s) {
			return true
		}
	}
	return false
}

// permittedStates lists, for an actor, the states in which some awaited
// action of the actor's roles moves a project on: the to-do list looks
// there.
func permittedStates(rb *lifecycle.Rulebook, actor lifecycle.Actor) []lifecycle.State {
	seen := map[lifecycle.State]bool{}
	var out []lifecycle.State
	for _, kind := range []review.Kind{review.Construction, review.Operation} {
		for _, row := range rb.Table(kind) {
			if row.Stay || discretionary[row.Action] || !slices.ContainsFunc(row.Roles, actor.Has) {
				continue
			}
			for _, s := range row.From {
				if s != lifecycle.StateNone && !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
	}
	return out
}
