package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// The browser tests drive Debian's chromium with chromedp. Without a
// browser they skip, except under CI=true, where they fail: CI installs
// chromium (.ci/run).

// chromiumPath finds the browser: $GOVIT_CHROMIUM, else chromium on the
// PATH, else /usr/bin/chromium.
func chromiumPath() string {
	if p := os.Getenv("GOVIT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// screenshotDir is where the screenshots of a test go:
// $GOVIT_SCREENSHOTS, else testdata/screenshots (ignored by git), in a
// folder named after the test.
func screenshotDir(t *testing.T) string {
	base := os.Getenv("GOVIT_SCREENSHOTS")
	if base == "" {
		base = filepath.Join("testdata", "screenshots")
	}
	dir := filepath.Join(base, strings.ReplaceAll(t.Name(), "/", "_"))
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	abs, err := filepath.Abs(dir)
	require.NoError(t, err)
	t.Logf("screenshots: %s", abs)
	return dir
}

// browser is one chromium for a test, with a browser context per actor
// and what every page did: console errors, requests, dialogs.
type browser struct {
	t        *testing.T
	f        *fixture
	root     context.Context
	shots    string
	shotNo   int
	mu       sync.Mutex
	problems []string
	requests []string
	tabs     map[string]*tab
}

// tab is one actor's browser context.
type tab struct {
	b    *browser
	name string
	ctx  context.Context
}

func newBrowser(t *testing.T, f *fixture) *browser {
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed, and CI=true forbids skipping the browser tests")
		}
		t.Skip("chromium is not installed (apt-get install -y chromium); set CI=true to make this a failure")
	}
	profile, err := os.MkdirTemp("", "govit-chromium-")
	require.NoError(t, err)
	t.Cleanup(func() {
		// The browser's helpers may still write there for a moment.
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 1000),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(cancelRoot)
	require.NoError(t, chromedp.Do(root), "starting chromium")
	return &browser{t: t, f: f, root: root, shots: screenshotDir(t), tabs: map[string]*tab{}}
}

// record notes what a page did, from the tab's event loop.
func (b *browser) record(name string) func(ev any) {
	return func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				b.problems = append(b.problems, name+": console."+string(ev.Type)+": "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, name+": exception: "+ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError && !expectedStatus(ev.Entry) {
				b.problems = append(b.problems, name+": log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		case *cdppage.EventJavascriptDialogOpening:
			b.problems = append(b.problems, name+": dialog: "+ev.Message)
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, ev.Request.URL)
		}
	}
}

// expectedStatus tells the browser's note of an answer the test provokes
// on purpose from an error: the stale form's 409 and the refusal's 422.
func expectedStatus(e *log.Entry) bool {
	return e.Source == log.EntrySourceNetwork &&
		((strings.Contains(e.Text, "409") && strings.HasSuffix(e.URL, "/actions/start_procurement")) ||
			(strings.Contains(e.Text, "422") && strings.HasSuffix(e.URL, "/actions/apply_acceptance")))
}

// as returns the actor's tab, signed in through the sign-in page.
func (b *browser) as(token string) *tab {
	if tb, ok := b.tabs[token]; ok {
		return tb
	}
	name := strings.TrimPrefix(token, "tok-")
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext(), chromedp.WithListener(b.record(name)))
	b.t.Cleanup(cancel)
	require.NoError(b.t, chromedp.Do(ctx), "a browser context for %s", name)
	_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(b.t, err)
	_, err = chromedp.Call(ctx, log.Enable, cdp.Empty{})
	require.NoError(b.t, err)
	tb := &tab{b: b, name: name, ctx: ctx}
	tb.open("/login")
	tb.do(chromedp.SendKeys(chromedp.ID("token"), token))
	tb.click("#signin")
	tb.do(chromedp.WaitVisible(chromedp.ID("signout")))
	tb.shot("todo")
	b.tabs[token] = tb
	return tb
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	require.NoError(tb.b.t, chromedp.Do(ctx, actions...), "%s", tb.name)
}

func (tb *tab) doNamed(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	require.NoError(tb.b.t, chromedp.Do(ctx, actions...), "%s: %s", tb.name, what)
}

func (tb *tab) open(path string) {
	tb.b.t.Helper()
	tb.do(chromedp.Navigate(tb.b.f.srv.URL + path))
}

// click clicks and waits for the page it leads to.
func (tb *tab) click(sel string) {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	_, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	require.NoError(tb.b.t, err, "%s clicks %s", tb.name, sel)
}

func (tb *tab) text(sel string) string {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(tb.b.t, err, "%s reads %s", tb.name, sel)
	return s
}

func (tb *tab) value(sel string) string {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	require.NoError(tb.b.t, err)
	return s
}

// present reports whether an element matches now, without waiting.
func (tb *tab) present(sel string) bool {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(0)))
	require.NoError(tb.b.t, err)
	return len(nodes) > 0
}

// clickIf clicks an element if it is there (an unticked box, a closed
// section), without waiting for a page.
func (tb *tab) clickIf(sel string) {
	tb.b.t.Helper()
	if tb.present(sel) {
		tb.do(chromedp.Click(chromedp.CSS(sel)))
	}
}

// shot writes a full-page screenshot.
func (tb *tab) shot(name string) {
	tb.b.t.Helper()
	tb.b.shotNo++
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	img, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(tb.b.t, err)
	file := filepath.Join(tb.b.shots, fmt.Sprintf("%02d-%s-%s.png", tb.b.shotNo, tb.name, name))
	require.NoError(tb.b.t, os.WriteFile(file, img, 0o644))
}

// fill types a form's values into its inputs, by the payload schema:
// boxes and radio buttons are clicked, the rest typed or chosen.
func (tb *tab) fill(form string, schema *node, vals url.Values) {
	tb.b.t.Helper()
	names := make([]string, 0, len(vals))
	for k := range vals {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		sel := fmt.Sprintf(`%s [name=%q]`, form, name)
		switch widgetAt(schema, name) {
		case wCheck, wYesNo, wChoices:
			for _, v := range vals[name] {
				tb.clickIf(fmt.Sprintf(`%s[value=%q]:not(:checked)`, sel, v))
			}
		case wText, wInt, wDecimal, wMonth:
			tb.doNamed(name, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), vals.Get(name)))
		default:
			tb.doNamed(name, chromedp.SetValue(chromedp.CSS(sel), vals.Get(name)))
		}
	}
}

// widgetAt is the widget of the input at a form path.
func widgetAt(schema *node, path string) widget {
	n := schema
	for part := range strings.SplitSeq(path, ".") {
		if _, err := fmt.Sscan(part, new(int)); err == nil && n.Widget == wRows {
			continue
		}
		if n.Widget == wBudget {
			return wDecimal
		}
		var next *node
		for _, c := range n.Children {
			if c.Key == part {
				next = c
			}
		}
		if next == nil {
			return wText
		}
		n = next
	}
	return n.Widget
}

// act takes an action on the project page through its form.
func (tb *tab) act(id string, a lifecycle.Action, vals url.Values) {
	tb.b.t.Helper()
	tb.open("/projects/" + id)
	tb.fillAction(a, vals)
	tb.submitAction(a)
}

func (tb *tab) fillAction(a lifecycle.Action, vals url.Values) {
	tb.b.t.Helper()
	form := "#act-" + string(a)
	require.True(tb.b.t, tb.present(form), "%s is offered %s", tb.name, a)
	tb.clickIf(form + ":not([open]) > summary")
	t, _ := payloadType(a)
	tb.fill(form+" form", schemaOf(t), vals)
}

func (tb *tab) submitAction(a lifecycle.Action) {
	tb.b.t.Helper()
	tb.click(fmt.Sprintf(`#act-%s button[value="submit"]`, a))
}

// browserPath is the 建设类 path of a fixed-asset project with a minor
// change, so that every bureau acts: the DRC's 立项 (第十条) and its
// approval of the change (第十一条).
func browserPath() []step {
	path := constructionPath()
	out := slices.Clone(path[:4])
	out = append(out,
		step{"tok-unit", lifecycle.ActApplyInitiation, url.Values{"note": {"申请立项"}}, lifecycle.StateInitiationApplied},
		step{"tok-drc", lifecycle.ActApproveInitiation, url.Values{"approved": {"true"}, "number": {"渝北发改投〔2026〕18号"}, "opinion": {"同意立项"}}, lifecycle.StateInitiated},
	)
	out = append(out, path[4:7]...)
	out = append(out,
		step{"tok-unit", lifecycle.ActRequestChange, url.Values{"reason": {"增加数据共享接口"},
			"items.0.item": {"数据共享接口"}, "items.0.source": {"district"}, "items.0.old": {"0"}, "items.0.new": {"5"}},
			lifecycle.StateImplementing},
		step{"tok-bdb", lifecycle.ActApproveChange, url.Values{"opinion": {"同意"}}, lifecycle.StateImplementing},
		step{"tok-drc", lifecycle.ActApproveChange, url.Values{"opinion": {"同意"}}, lifecycle.StateImplementing},
		step{"tok-unit", lifecycle.ActApplyAcceptance, url.Values{
			"facts.documents":             {review.DocConstructionPlan, review.DocInitiationApproval, review.DocProcurementDocuments, review.DocContracts},
			"facts.data_catalog_compiled": {"true"}, "facts.sharing_platform_connected": {"true"},
		}, lifecycle.StateAcceptanceApplied},
	)
	out = append(out, path[8:10]...)
	out = append(out,
		step{"tok-unit", lifecycle.ActArchive, url.Values{"documents": {
			review.DocConstructionPlan, review.DocDataStructureDesign, review.DocInitiationApproval, review.DocProcurementDocuments,
			review.DocContracts, review.DocTestReport, review.DocChangeExplanation, review.DocAcceptanceReport,
			review.DocUserReport, review.DocAcceptanceOpinion}}, lifecycle.StateArchived},
		path[11],
	)
	return out
}

// TestFixedAssetPathThroughForms runs browserPath through the forms over
// HTTP: the same path the browser clicks, without a browser.
func TestFixedAssetPathThroughForms(t *testing.T) {
	f := newFixture(t)
	form := declarationForm("渝北区教育委员会", "区智慧教育云平台")
	form.Set("fixed_asset", "true")
	form.Set("intent", "submit")
	unit := f.signIn("tok-unit")
	status, body := unit.post("/declare", form)
	require.Equal(t, 200, status, visible(body))
	page, _, err := f.engine.List(context.Background(), actorOf(t, "tok-unit"), lifecycle.Query{})
	require.NoError(t, err)
	require.Len(t, page, 1)
	id := page[0].ProjectID
	clients := map[string]*client{"tok-unit": unit}
	for _, s := range browserPath() {
		c, ok := clients[s.Token]
		if !ok {
			c = f.signIn(s.Token)
			clients[s.Token] = c
		}
		status, body := c.act(id, s.Action, s.Values)
		require.Equal(t, 200, status, "%s: %s", s.Action, visible(body))
		got, err := f.engine.Get(context.Background(), actorOf(t, "tok-bdb"), id)
		require.NoError(t, err)
		require.Equal(t, s.State, got.State, "after %s", s.Action)
	}
}

// TestBrowserConstructionPath clicks the whole 建设类 path of a
// fixed-asset project through the console in chromium: the unit, the
// bureau, the DRC, the finance bureau and the government each in its own
// browser context, with a refusal shown with its article, a stale form,
// the change preview, a project named <script>alert(1)</script>, no
// console error and no request to another origin. A screenshot of each
// page goes to the folder the test logs.
func TestBrowserConstructionPath(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f)
	unit := b.as("tok-unit")

	// The declaration form of 附件1, checked for duplicates first (第四条).
	unit.open("/declare")
	unit.shot("declare")
	form := declarationForm("渝北区教育委员会", "区智慧教育云平台")
	form.Del("unit")
	unit.clickIf("details.more:not([open]) > summary")
	form.Set("fixed_asset", "true")
	unit.fill("#declare-form", declarationSchema(), form)
	sum := unit.text("#declare-form output[data-sum]")
	assert.Contains(t, sum, "120.5", "the running total, added exactly")
	unit.click("#check")
	unit.do(chromedp.WaitVisible(chromedp.ID("no-overlaps")))
	unit.shot("declare-checked")
	unit.click("#submit-declaration")
	unit.do(chromedp.WaitVisible(chromedp.ID("done")))
	loc, err := chromedp.Run(unit.ctx, chromedp.Location())
	require.NoError(t, err)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	id := strings.TrimPrefix(u.Path, "/projects/")
	require.NotEmpty(t, id)
	unit.shot("declared")

	for _, s := range browserPath() {
		tb := b.as(s.Token)
		switch s.Action {
		case lifecycle.ActStartProcurement:
			// A stale form: the unit fills the form, the audit bureau
			// acts meanwhile, the unit submits.
			tb.open("/projects/" + id)
			tb.fillAction(s.Action, s.Values)
			audit := b.as("tok-audit")
			audit.act(id, lifecycle.ActAudit, url.Values{"summary": {"预算执行情况检查"}})
			audit.do(chromedp.WaitVisible(chromedp.ID("done")))
			tb.submitAction(s.Action)
			tb.do(chromedp.WaitVisible(chromedp.ID("stale")))
			assert.Contains(t, tb.text("#stale"), "项目已被他人更新")
			assert.Equal(t, "公开招标", tb.value(`#act-start_procurement [name="method"]`), "nothing typed is lost")
			tb.shot("stale")
			tb.submitAction(s.Action)
		case lifecycle.ActRequestChange:
			// The 第十一条 decision, previewed before sending.
			tb.open("/projects/" + id)
			tb.fillAction(s.Action, s.Values)
			tb.click("#preview")
			tb.do(chromedp.WaitVisible(chromedp.ID("decision")))
			assert.Contains(t, tb.text("#decision"), "第十一条第（一）项")
			tb.shot("change-preview")
			tb.submitAction(s.Action)
		case lifecycle.ActApplyAcceptance:
			// A refusal shown with its article (第十四条), the form kept.
			tb.act(id, s.Action, url.Values{"facts.documents": {review.DocContracts}})
			tb.do(chromedp.WaitVisible(chromedp.ID("refusal")))
			assert.Contains(t, tb.text("#refusal"), "第十四条")
			assert.Contains(t, tb.text("#act-apply_acceptance"), "政务数据资源目录清单")
			tb.shot("refusal")
			tb.fillAction(s.Action, s.Values)
			tb.submitAction(s.Action)
		default:
			tb.act(id, s.Action, s.Values)
		}
		tb.do(chromedp.WaitVisible(chromedp.ID("done")))
		assert.Equal(t, s.State.ZH(), tb.text("#project-state"), "after %s", s.Action)
		tb.shot(string(s.Action))
	}

	// The pages around the project.
	bdb := b.as("tok-bdb")
	bdb.open("/projects/" + id + "#timeline")
	assert.Contains(t, bdb.text("#chain"), "哈希链校验通过")
	assert.Contains(t, bdb.text("#diagram li.current"), "已综合评价")
	bdb.open("/projects?kind=construction")
	bdb.shot("list")
	bdb.open("/deadline")
	bdb.do(chromedp.SetValue(chromedp.ID("from"), "2026-09-30"), chromedp.SetValue(chromedp.ID("days"), "7"))
	bdb.click("#compute")
	assert.Contains(t, bdb.text("#deadline-result"), "2026-10-15")
	bdb.shot("deadline")
	bdb.open("/lang?to=en&back=/projects/" + id)
	assert.Contains(t, bdb.text("#lifecycle"), "Lifecycle")
	bdb.shot("project-en")
	bdb.open("/lang?to=zh&back=/todo")

	// A project named <script>alert(1)</script>, declared through the
	// form, is text on every page: no dialog opens.
	unit.open("/declare")
	xss := declarationForm("渝北区教育委员会", xssName)
	xss.Del("unit")
	xss.Set("content", "<img src=x onerror=alert(2)>")
	unit.clickIf("details.more:not([open]) > summary")
	unit.fill("#declare-form", declarationSchema(), xss)
	unit.click("#check")
	unit.click("#submit-declaration")
	unit.do(chromedp.WaitVisible(chromedp.ID("done")))
	assert.Equal(t, xssName, unit.text("#project-name"))
	unit.shot("xss-project")
	bdb.open("/todo")
	assert.Contains(t, bdb.text("#work"), xssName)
	bdb.shot("xss-todo")
	unit.open("/projects")
	unit.shot("xss-list")

	// Sign-out ends the session.
	unit.click("#signout")
	unit.do(chromedp.WaitVisible(chromedp.ID("token")))
	unit.open("/todo")
	unit.do(chromedp.WaitVisible(chromedp.ID("token")))

	b.mu.Lock()
	defer b.mu.Unlock()
	assert.Empty(t, b.problems, "console errors, exceptions or dialogs")
	require.NotEmpty(t, b.requests)
	for _, r := range b.requests {
		if strings.HasPrefix(r, "data:") {
			continue
		}
		assert.True(t, strings.HasPrefix(r, f.srv.URL+"/"), "a request to another origin: %s", r)
	}
}
