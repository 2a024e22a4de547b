package httpapi

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/govit-cn/govit/change"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

//go:generate go run ./internal/openapigen/gen -base openapi.base.json -out openapi.json

//go:embed openapi.json
var openapiJSON []byte

// OpenAPI returns the OpenAPI 3 description of the API, the document served
// at /openapi.json. Each call returns a new copy.
//
// The document is generated (go generate): openapi.base.json holds what is
// written by hand (info, security, problem responses, the routes other
// than actions, the portfolio's routes); each action's operation and
// request schema are reflected from its Go payload type
// (lifecycle.PayloadType), so the contract follows the types the engine
// reads.
func OpenAPI() []byte {
	return append([]byte(nil), openapiJSON...)
}

func (s *Server) getOpenAPI(w http.ResponseWriter, r *http.Request, _ lifecycle.Actor) error {
	if p := checkQuery(r); p != nil {
		return p
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openapiJSON)
	return nil
}

type statusJSON struct {
	Status string `json:"status"`
}

// getHealth answers while the process serves: GET /healthz.
func (s *Server) getHealth(w http.ResponseWriter, r *http.Request, _ lifecycle.Actor) error {
	writeJSON(w, http.StatusOK, statusJSON{Status: "ok"})
	return nil
}

// readyTimeout bounds the readiness check.
const readyTimeout = 2 * time.Second

// getReady answers whether the server can serve, e.g. reach its store:
// GET /readyz.
func (s *Server) getReady(w http.ResponseWriter, r *http.Request, _ lifecycle.Actor) error {
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := s.ready(ctx); err != nil {
			s.log.WarnContext(r.Context(), "not ready", slog.Any("error", err))
			return newProblem(http.StatusServiceUnavailable, "not_ready",
				"服务暂不可用：存储无法访问", "not ready: the store cannot be reached")
		}
	}
	writeJSON(w, http.StatusOK, statusJSON{Status: "ready"})
	return nil
}

// getMetrics serves the Prometheus metrics: GET /metrics.
func (s *Server) getMetrics(w http.ResponseWriter, r *http.Request, _ lifecycle.Actor) error {
	s.metrics.handler().ServeHTTP(w, r)
	return nil
}

// onDate reads the optional date parameter name, today by default.
func (s *Server) onDate(r *http.Request, name string) (time.Time, *Problem) {
	t, ok, p := queryDate(r, name)
	if p != nil {
		return time.Time{}, p
	}
	if !ok {
		t = s.today()
	}
	return t, nil
}

// getRulebook shows the rulebook in force on a date (a project follows
// the one in force when it was first declared, 第二十条; a date before every
// rulebook gets the earliest):
// GET /v1/rulebook?on=YYYY-MM-DD.
func (s *Server) getRulebook(w http.ResponseWriter, r *http.Request, _ lifecycle.Actor) error {
	if p := checkQuery(r, "on"); p != nil {
		return p
	}
	on, p := s.onDate(r, "on")
	if p != nil {
		return p
	}
	writeJSON(w, http.StatusOK, s.engine.Rulebook(on))
	return nil
}

// assessRequest is the body of a dry run of the 10% rule (第十一条): the
// basis of an approved project and the change requested.
type assessRequest struct {
	// Base is the investment as approved, by funding source.
	Base *review.Budget `json:"base"`
	// Prior are the minor changes approved since, as this endpoint
	// returned them.
	Prior []change.Decision `json:"prior"`
	// FixedAsset marks a fixed-asset project (drc approves its changes).
	FixedAsset bool `json:"fixed_asset"`
	// Request is the change.
	Request *change.Request `json:"request"`
}

// postAssess assesses a change without recording anything:
// POST /v1/changes/assess. The policy is the change policy of the
// rulebook in force today.
func (s *Server) postAssess(w http.ResponseWriter, r *http.Request, _ lifecycle.Actor) error {
	if p := checkQuery(r); p != nil {
		return p
	}
	body, err := readBody(w, r, s.maxBody)
	if err != nil {
		return err
	}
	var in assessRequest
	if p := readJSON(body, &in); p != nil {
		return p
	}
	switch {
	case in.Base == nil:
		return fieldRequired("base")
	case in.Request == nil:
		return fieldRequired("request")
	}
	rb := s.engine.Rulebook(s.today())
	basis := change.Basis{Approved: true, FixedAsset: in.FixedAsset, Base: *in.Base, Prior: in.Prior}
	d, err := change.Assess(rb.Change, basis, *in.Request)
	if err != nil {
		var re *review.Error
		if errors.As(err, &re) {
			return findingsProblem(http.StatusBadRequest, "invalid_change", re.Findings)
		}
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func fieldRequired(field string) *Problem {
	p := newProblem(http.StatusBadRequest, "field_required",
		field+" 不能为空", field+" is required")
	p.Errors = []FieldError{memberError(field, "field_required", p.ZH, p.EN)}
	return p
}

// projectObligationJSON is an obligation with the project it belongs to.
type projectObligationJSON struct {
	ProjectID   string `json:"project_id"`
	ProjectName string `json:"project_name"`
	Unit        string `json:"unit"`
	lifecycle.Obligation
}

type obligationListJSON struct {
	AsOf       string                  `json:"as_of"`
	Items      []projectObligationJSON `json:"items"`
	NextCursor string                  `json:"next_cursor,omitempty"`
}

// listObligations lists the obligations of the projects the caller may
// see: GET /v1/obligations?status=&due_before=&as_of=&unit=&kind=&
// cursor=&limit=. Pages run over projects: limit projects are examined per
// page, so a page may hold fewer obligations than limit (even none) while
// next_cursor names the next page.
func (s *Server) listObligations(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := checkQuery(r, "status", "due_before", "as_of", "unit", "kind", "cursor", "limit"); p != nil {
		return p
	}
	status := lifecycle.ObligationStatus(r.URL.Query().Get("status"))
	switch status {
	case "", lifecycle.ObligationPending, lifecycle.ObligationOverdue, lifecycle.ObligationMetOnTime, lifecycle.ObligationMetLate:
	default:
		return badParam("status", fmt.Sprintf("%q 须是 pending、overdue、met_on_time 或 met_late", status),
			fmt.Sprintf("%q must be pending, overdue, met_on_time or met_late", status))
	}
	asOf, p := s.onDate(r, "as_of")
	if p != nil {
		return p
	}
	dueBefore, hasDueBefore, p := queryDate(r, "due_before")
	if p != nil {
		return p
	}
	q, p := s.query(r)
	if p != nil {
		return p
	}
	// The summary's NextDue is the earliest unmet due date, so it narrows
	// the projects when only unmet obligations are asked for.
	switch status {
	case lifecycle.ObligationOverdue:
		q.DueBefore = asOf
		if hasDueBefore && dueBefore.Before(asOf) {
			q.DueBefore = dueBefore
		}
	case lifecycle.ObligationPending:
		if hasDueBefore {
			q.DueBefore = dueBefore
		}
	}
	// The duties come from the projection rows when the store keeps them
	// (lifecycle.DutyReader): no project is loaded.
	page, next, err := s.engine.ListObligations(r.Context(), actor, q, asOf)
	if err != nil {
		return err
	}
	out := obligationListJSON{AsOf: asOf.Format(time.DateOnly), Items: []projectObligationJSON{}, NextCursor: next}
	for _, po := range page {
		sum := po.Summary
		for _, o := range po.Obligations {
			if status != "" && o.Status != status {
				continue
			}
			if hasDueBefore && !o.Due.Before(dueBefore) {
				continue
			}
			out.Items = append(out.Items, projectObligationJSON{
				ProjectID: sum.ProjectID, ProjectName: sum.Name, Unit: sum.Unit, Obligation: o,
			})
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
