package portfolio

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govit-cn/govit/adapters/export"
	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/adapters/webhook"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// format reads ?format= among the allowed, the first being the default.
func format(r *http.Request, allowed ...string) (string, error) {
	f := r.URL.Query().Get("format")
	if f == "" {
		return allowed[0], nil
	}
	if !slices.Contains(allowed, f) {
		return "", httpapi.BadParameter("format", fmt.Sprintf("%q 须是 %s 之一", f, strings.Join(allowed, "、")),
			fmt.Sprintf("%q must be one of %s", f, strings.Join(allowed, ", ")))
	}
	return f, nil
}

// kind reads ?kind=.
func kind(r *http.Request) (string, error) {
	k := r.URL.Query().Get("kind")
	if k != "" && !review.Kind(k).Valid() {
		return "", httpapi.BadParameter("kind", fmt.Sprintf("%q 须是 construction 或 operation", k),
			fmt.Sprintf("%q must be construction or operation", k))
	}
	return k, nil
}

// unit reads ?unit=, which must be text.
func unit(r *http.Request) (string, error) {
	u := r.URL.Query().Get("unit")
	if !utf8.ValidString(u) || strings.ContainsRune(u, 0) {
		return "", httpapi.BadParameter("unit", "须是有效文本", "must be valid text")
	}
	return u, nil
}

// intParam reads an optional integer within [lo, hi].
func intParam(r *http.Request, name string, lo, hi int64) (int64, bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, false, httpapi.BadParameter(name, fmt.Sprintf("%q 须是 %d 至 %d 之间的整数", v, lo, hi),
			fmt.Sprintf("%q must be an integer from %d to %d", v, lo, hi))
	}
	return n, true, nil
}

// attachment starts a file download; from here on the response has begun.
func attachment(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, asciiName(name), pathEscape(name)))
	w.WriteHeader(http.StatusOK)
}

// asciiName is name with every non-ASCII rune replaced, for old clients.
func asciiName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
}

func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// getStats answers GET /v1/stats.
func (h *Handler) getStats(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := httpapi.CheckQuery(r, "budget_year", "unit", "kind", "format"); p != nil {
		return p
	}
	f, err := format(r, "json", "csv", "xlsx")
	if err != nil {
		return err
	}
	var q lifecycle.StatsQuery
	if q.Kind, err = kind(r); err != nil {
		return err
	}
	if q.Unit, err = unit(r); err != nil {
		return err
	}
	year, _, err := intParam(r, "budget_year", review.MinBudgetYear, 9999)
	if err != nil {
		return err
	}
	q.BudgetYear = int(year)
	s, err := h.cfg.Engine.Stats(r.Context(), actor, q)
	if err != nil {
		return err
	}
	name := "统计-" + h.cfg.Clock().Format("20060102")
	switch f {
	case "csv":
		attachment(w, export.ContentTypeCSV, name+".csv")
		return export.StatsCSV(w, s)
	case "xlsx":
		attachment(w, export.ContentTypeXLSX, name+".xlsx")
		return export.StatsXLSX(w, s)
	}
	httpapi.WriteJSON(w, http.StatusOK, s)
	return nil
}

// exportProjects answers GET /v1/exports/projects.
func (h *Handler) exportProjects(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := httpapi.CheckQuery(r, "unit", "state", "kind", "format"); p != nil {
		return p
	}
	f, err := format(r, "csv", "xlsx")
	if err != nil {
		return err
	}
	var q lifecycle.Query
	if q.Kind, err = kind(r); err != nil {
		return err
	}
	if q.Unit, err = unit(r); err != nil {
		return err
	}
	if st := lifecycle.State(r.URL.Query().Get("state")); st != "" {
		if !knownState(st) {
			return httpapi.BadParameter("state", fmt.Sprintf("未知的状态 %q", st), fmt.Sprintf("unknown state %q", st))
		}
		q.State = st
	}
	rows := h.cfg.Engine.Summaries(r.Context(), actor, q)
	// Read the first page before answering, so that a store failing at
	// once is a clean 503 and not a cut download.
	next, stop := iterPull(rows)
	defer stop()
	first, err, ok := next()
	if ok && err != nil {
		return err
	}
	replay := func(yield func(lifecycle.Summary, error) bool) {
		if !ok || !yield(first, nil) {
			return
		}
		for {
			s, err, more := next()
			if !more || !yield(s, err) || err != nil {
				return
			}
		}
	}
	extendWrite(w, 30*time.Minute)
	name := "项目清单-" + h.cfg.Clock().Format("20060102")
	if f == "xlsx" {
		attachment(w, export.ContentTypeXLSX, name+".xlsx")
		return export.ProjectsXLSX(w, replay)
	}
	attachment(w, export.ContentTypeCSV, name+".csv")
	return export.ProjectsCSV(w, replay)
}

func knownState(st lifecycle.State) bool {
	for _, k := range []review.Kind{review.Construction, review.Operation} {
		if slices.Contains(lifecycle.States(k), st) {
			return true
		}
	}
	return false
}

// getForm answers GET /v1/projects/{id}/declaration-form.
func (h *Handler) getForm(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := httpapi.CheckQuery(r); p != nil {
		return p
	}
	p, err := h.cfg.Engine.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	attachment(w, export.ContentTypeXLSX, "申报表-"+p.Declaration.Name+".xlsx")
	return export.DeclarationForm(w, p)
}

// getAudit answers GET /v1/projects/{id}/audit.
func (h *Handler) getAudit(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := httpapi.CheckQuery(r, "format"); p != nil {
		return p
	}
	f, err := format(r, "json", "xlsx")
	if err != nil {
		return err
	}
	rec, err := h.cfg.Engine.Audit(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if f == "xlsx" {
		attachment(w, export.ContentTypeXLSX, "审计记录-"+rec.ProjectID+".xlsx")
		return export.AuditXLSX(w, rec)
	}
	httpapi.WriteJSON(w, http.StatusOK, rec)
	return nil
}

// getEvents answers GET /v1/events: the feed after ?after=, at most
// ?limit= events, waiting up to ?wait= (a duration such as 30s, or
// seconds) for the first when there is none.
func (h *Handler) getEvents(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := httpapi.CheckQuery(r, "after", "limit", "wait"); p != nil {
		return p
	}
	after := r.URL.Query().Get("after")
	limit, _, err := intParam(r, "limit", 1, lifecycle.MaxFeedLimit)
	if err != nil {
		return err
	}
	var wait time.Duration
	if v := r.URL.Query().Get("wait"); v != "" {
		d, perr := time.ParseDuration(v)
		if n, nerr := strconv.Atoi(v); nerr == nil {
			d, perr = time.Duration(n)*time.Second, nil
		}
		if perr != nil || d < 0 || d > lifecycle.MaxFeedWait {
			return httpapi.BadParameter("wait", fmt.Sprintf("%q 须是 0 至 30s 之间的时长", v), fmt.Sprintf("%q must be a duration from 0 to 30s", v))
		}
		wait = d
	}
	extendWrite(w, wait+30*time.Second)
	page, err := h.cfg.Engine.Feed(r.Context(), actor, after, int(limit), wait)
	if err != nil {
		var le *lifecycle.Error
		if errors.As(err, &le) && le.Code == "feed_unsupported" {
			return notImplemented("事件流")
		}
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, page)
	return nil
}

// webhookRequest is the body of POST /v1/webhooks.
type webhookRequest struct {
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

// MinSecret is the shortest webhook secret accepted.
const MinSecret = 16

// postWebhook answers POST /v1/webhooks.
func (h *Handler) postWebhook(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if h.cfg.Webhooks == nil {
		return notImplemented("Webhook")
	}
	if p := httpapi.CheckQuery(r); p != nil {
		return p
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return httpapi.NewProblem(http.StatusUnsupportedMediaType, "unsupported_media_type",
			"请求体须是 application/json", "the body must be application/json")
	}
	var req webhookRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return httpapi.NewProblem(http.StatusBadRequest, "invalid_body",
			"请求体不是有效的 JSON 对象 {url, secret}："+err.Error(), "the body is not a valid JSON object {url, secret}: "+err.Error())
	}
	if dec.More() {
		return httpapi.NewProblem(http.StatusBadRequest, "invalid_body", "请求体只能有一个 JSON 对象", "the body must hold one JSON object")
	}
	if _, err := h.cfg.WebhookHosts.CheckURL(req.URL); err != nil {
		if errors.Is(err, webhook.ErrHostNotAllowed) {
			return httpapi.NewProblem(http.StatusForbidden, "webhook_host_not_allowed",
				"Webhook 地址的主机不在运维人员允许的范围内", err.Error())
		}
		return httpapi.NewProblem(http.StatusBadRequest, "invalid_webhook_url",
			"Webhook 地址须是 http 或 https 的绝对地址", err.Error())
	}
	if utf8.RuneCountInString(req.Secret) < MinSecret || len(req.Secret) > 256 || !utf8.ValidString(req.Secret) || strings.ContainsRune(req.Secret, 0) {
		return httpapi.NewProblem(http.StatusBadRequest, "invalid_webhook_secret",
			fmt.Sprintf("secret 须是 %d 至 256 个字符的文本", MinSecret), fmt.Sprintf("secret must be text of %d to 256 characters", MinSecret))
	}
	hook := webhook.Hook{ID: h.cfg.NewID(), Actor: actor, URL: req.URL, Secret: req.Secret, CreatedAt: lifecycle.StoreTime(h.cfg.Clock().UTC())}
	if err := h.cfg.Webhooks.CreateHook(r.Context(), hook); err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/webhooks/"+hook.ID)
	httpapi.WriteJSON(w, http.StatusCreated, hook)
	return nil
}

// deliveriesJSON is the answer of GET /v1/webhooks/{id}/deliveries.
type deliveriesJSON struct {
	Items []webhook.Delivery `json:"items"`
	// NextAfter continues the list (?after=); absent at its end.
	NextAfter int64 `json:"next_after,omitempty"`
}

// getDeliveries answers GET /v1/webhooks/{id}/deliveries.
func (h *Handler) getDeliveries(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if h.cfg.Webhooks == nil {
		return notImplemented("Webhook")
	}
	if p := httpapi.CheckQuery(r, "after", "limit"); p != nil {
		return p
	}
	after, _, err := intParam(r, "after", 0, 1<<62)
	if err != nil {
		return err
	}
	limit, ok, err := intParam(r, "limit", 1, 1000)
	if err != nil {
		return err
	}
	if !ok {
		limit = 100
	}
	hook, err := h.cfg.Webhooks.Hook(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if hook.Actor.ID != actor.ID {
		// Another actor's webhook is not shown, nor said to exist.
		return &lifecycle.Error{Kind: lifecycle.KindNotFound, Code: "webhook_not_found",
			ZH: "Webhook " + hook.ID + " 不存在", EN: "webhook " + hook.ID + " not found"}
	}
	items, err := h.cfg.Webhooks.Deliveries(r.Context(), hook.ID, after, int(limit))
	if err != nil {
		return err
	}
	out := deliveriesJSON{Items: items}
	if len(items) == int(limit) {
		out.NextAfter = items[len(items)-1].ID
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
	return nil
}
