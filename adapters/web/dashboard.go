package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// dashboardView is the portfolio's figures with their charts, drawn here
// as SVG so that the page needs no script.
type dashboardView struct {
	Stats     lifecycle.Stats
	Year      string
	Kind      string
	States    template.HTML
	Money     template.HTML
	Error     string
	Sources   []moneyRow
	DutyUnits []lifecycle.DutyFigures
}

type moneyRow struct {
	Source              string
	Requested, Approved string
}

// dashboard shows Engine.Stats for the actor (a unit its own projects):
// projects by state and money by funding source as bar charts, duties due
// and overdue by unit, and the approval times.
func (c *Console) dashboard(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.newPage(r, s, "dashboard")
	q := r.URL.Query()
	v := &dashboardView{Year: strings.TrimSpace(q.Get("budget_year")), Kind: q.Get("kind")}
	var sq lifecycle.StatsQuery
	status := http.StatusOK
	if v.Year != "" {
		n, err := strconv.Atoi(v.Year)
		if err != nil || n < review.MinBudgetYear || n > 9999 {
			v.Error = p.Msg("预算年度须为 2020 至 9999 之间的年份", "the budget year must be a year from 2020 to 9999")
			status = http.StatusUnprocessableEntity
		}
		sq.BudgetYear = n
	}
	if v.Kind != "" && !review.Kind(v.Kind).Valid() {
		v.Error = p.Msg("项目类别无效", "unknown kind")
		status = http.StatusUnprocessableEntity
	}
	sq.Kind = v.Kind
	if v.Error == "" {
		st, err := c.engine.Stats(r.Context(), s.actor, sq)
		if err != nil {
			c.fail(w, r, s, err)
			return
		}
		v.Stats = st
		v.States = stateChart(p, st)
		v.Money = moneyChart(p, st)
		names := []string{p.Msg("中央财政资金", "central"), p.Msg("市财政资金", "municipal"), p.Msg("区财政资金", "district"), p.Msg("自有资金", "self-funded"), p.Msg("合计", "total")}
		req, app := budgetCells(st.Requested), budgetCells(st.Approved)
		for i, n := range names {
			v.Sources = append(v.Sources, moneyRow{n, req[i].String(), app[i].String()})
		}
		v.DutyUnits = st.Duties.ByUnit
	}
	p.Data = v
	c.render(w, status, "dashboard", p)
}

func budgetCells(b review.Budget) []decimal.Decimal {
	return []decimal.Decimal{b.Central, b.Municipal, b.District, b.SelfFunded, b.Total()}
}

// bar is one bar of a chart: a label and its value.
type bar struct {
	label string
	value float64 // for drawing only; the figures are shown exactly beside
	text  string
	class string
}

// barChart draws horizontal bars scaled to the largest value, each with
// its label and its exact figure.
func barChart(title string, bars []bar) template.HTML {
	const (
		labelW, barW, row, pad = 150, 360, 26, 8
	)
	height := pad*2 + row*len(bars)
	width := labelW + barW + 140
	top := 0.0
	for _, b := range bars {
		top = max(top, b.value)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(title), width, height, width, height)
	for i, b := range bars {
		y := pad + i*row
		w := 0.0
		if top > 0 {
			w = b.value / top * barW
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" class="label">%s</text>`, labelW-6, y+17, html.EscapeString(b.label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" class="bar %s"></rect>`, labelW, y+4, w, row-8, b.class)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" class="value">%s</text>`, float64(labelW)+w+6, y+17, html.EscapeString(b.text))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) //nolint:gosec // built from escaped text and numbers
}

func stateChart(p *page, st lifecycle.Stats) template.HTML {
	states := make([]lifecycle.State, 0, len(st.ByState))
	for s := range st.ByState {
		states = append(states, s)
	}
	slices.SortFunc(states, func(a, b lifecycle.State) int { return st.ByState[b] - st.ByState[a] })
	var bars []bar
	for _, s := range states {
		n := st.ByState[s]
		bars = append(bars, bar{label: p.State(s), value: float64(n), text: strconv.Itoa(n), class: "count"})
	}
	return barChart(p.Msg("按状态的项目数", "Projects by state"), bars)
}

func moneyChart(p *page, st lifecycle.Stats) template.HTML {
	names := []string{p.Msg("中央财政", "central"), p.Msg("市财政", "municipal"), p.Msg("区财政", "district"), p.Msg("自有资金", "self-funded")}
	req, app := budgetCells(st.Requested), budgetCells(st.Approved)
	var bars []bar
	for i, n := range names {
		r, _ := req[i].Float64()
		a, _ := app[i].Float64()
		bars = append(bars,
			bar{label: n + p.Msg(" 申报", " requested"), value: r, text: req[i].String() + p.Msg(" 万元", " 万元"), class: "requested"},
			bar{label: n + p.Msg(" 批复", " approved"), value: a, text: app[i].String() + p.Msg(" 万元", " 万元"), class: "approved"})
	}
	return barChart(p.Msg("按资金来源的申报与批复金额", "Money requested and approved by funding source"), bars)
}
