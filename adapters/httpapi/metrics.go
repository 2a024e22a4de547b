package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus collectors, registered on a registry
// of its own (never the process-wide default one).
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	actions  *prometheus.CounterVec
	rejected *prometheus.CounterVec
}

// newMetrics registers the collectors on reg, or on a new registry with
// the Go runtime and process collectors when reg is nil.
func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
		if err := reg.Register(collectors.NewGoCollector()); err != nil {
			return nil, err
		}
		if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
			return nil, err
		}
	}
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "govit", Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "govit", Subsystem: "http", Name: "request_duration_seconds",
			Help:    "HTTP request latency by route pattern, method and status code.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method", "code"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "govit", Subsystem: "http", Name: "requests_in_flight",
			Help: "HTTP requests being served.",
		}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "govit", Name: "actions_total",
			Help: "Lifecycle actions by action name and outcome (ok, or the problem code's class: invalid, forbidden, not_found, conflict, refused, precondition_failed, error).",
		}, []string{"action", "outcome"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "govit", Subsystem: "http", Name: "rejected_total",
			Help: "Requests answered 503 for load, by reason: in_flight (every slot taken), deadline (the request timeout passed), overlap_checks.",
		}, []string{"reason"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.inFlight, m.actions, m.rejected} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// observe records one finished request.
func (m *metrics) observe(route, method string, status int, elapsed time.Duration) {
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, code).Inc()
	m.duration.WithLabelValues(route, method, code).Observe(elapsed.Seconds())
}

// action records the outcome of one action request.
func (m *metrics) action(name, outcome string) {
	m.actions.WithLabelValues(name, outcome).Inc()
}

// outcomeOf names the outcome of an action from its response status.
func outcomeOf(status int) string {
	switch {
	case status < 300:
		return "ok"
	case status == http.StatusBadRequest, status == http.StatusRequestEntityTooLarge, status == http.StatusUnsupportedMediaType:
		return "invalid"
	case status == http.StatusUnauthorized:
		return "unauthenticated"
	case status == http.StatusForbidden:
		return "forbidden"
	case status == http.StatusNotFound:
		return "not_found"
	case status == http.StatusConflict:
		return "conflict"
	case status == http.StatusPreconditionFailed, status == http.StatusPreconditionRequired:
		return "precondition_failed"
	case status == http.StatusUnprocessableEntity:
		return "refused"
	}
	return "error"
}
