package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/adapters/integrity"
	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/lifecycle"
)

// keysFileName is the default keyring file, beside the tokens file.
const keysFileName = "govit-keys.json"

// headMaxAge is how long the server serves one signed head before it makes
// a new one: making a head holds appends back for a moment.
const headMaxAge = time.Minute

// finding is one broken project, or one kept head that does not match.
type finding struct {
	ProjectID string `json:"project_id,omitempty"`
	Head      string `json:"head,omitempty"`
	What      string `json:"what"`
}

func (f finding) String() string {
	if f.Head != "" {
		return "head " + f.Head + ": " + f.What
	}
	return "project " + f.ProjectID + ": " + f.What
}

// verification is what one run of verifyStore found.
type verification struct {
	Projects int       `json:"projects"`
	Events   int64     `json:"events"`
	Findings []finding `json:"findings"`
}

// broken lists the broken projects' IDs, each once, in order.
func (v verification) broken() []string {
	var ids []string
	for _, f := range v.Findings {
		if f.ProjectID != "" && !slices.Contains(ids, f.ProjectID) {
			ids = append(ids, f.ProjectID)
		}
	}
	slices.Sort(ids)
	return ids
}

// verifyStore checks every project's chain (sqlstore.Store.Verify), every
// projection against the fold of its events
// (lifecycle.AuditProjections), and each kept head (sqlstore.Store.CheckHead).
func verifyStore(ctx context.Context, store *sqlstore.Store, heads map[string]integrity.Head) (verification, error) {
	var v verification
	rep, err := store.Verify(ctx, "")
	if err != nil {
		return v, err
	}
	v.Projects, v.Events = rep.Projects, rep.Events
	for _, b := range rep.Breaks {
		v.Findings = append(v.Findings, finding{ProjectID: b.ProjectID, What: "chain: " + b.String()})
	}
	if _, err := lifecycle.AuditProjections(ctx, store, func(m lifecycle.ProjectionMismatch) {
		v.Findings = append(v.Findings, finding{ProjectID: m.ProjectID, What: "projection: " + m.String()})
	}); err != nil {
		return v, err
	}
	for _, name := range slices.Sorted(maps.Keys(heads)) {
		if err := store.CheckHead(ctx, heads[name]); err != nil {
			var mm *sqlstore.HeadMismatchError
			if !errors.As(err, &mm) {
				return v, err
			}
			v.Findings = append(v.Findings, finding{Head: name, What: err.Error()})
		}
	}
	return v, nil
}

// runVerify is the verify command: it checks a database and prints each
// broken project; the error is non-nil (and the exit status 1) when
// anything is broken.
//
//	go run ./examples/server verify -db FILE|DSN [-keys FILE] [-head FILE]...
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("verify", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dsn := fl.String("db", "govit.db", "SQLite file path, or a postgres:// DSN")
	tokensPath := fl.String("tokens", "", "tokens file (only to find the keyring beside it)")
	keysPath := fl.String("keys", "", "keyring file; default "+keysFileName+" beside the tokens file")
	var headFiles multiFlag
	fl.Var(&headFiles, "head", "a signed head kept from /integrity/head, to check against the database (repeatable)")
	asJSON := fl.Bool("json", false, "print the findings as JSON")
	docFlags := addDocumentFlags(fl)
	if err := parseFlags(fl, args); err != nil {
		return err
	}
	documents, err := docFlags.open(*dsn)
	if err != nil {
		return err
	}
	_, keys := defaultPaths(*dsn, *tokensPath, *keysPath)
	var opts []sqlstore.Option
	kr, err := integrity.Load(keys)
	switch {
	case err == nil:
		opts = append(opts, sqlstore.WithKeyring(kr))
	case errors.Is(err, os.ErrNotExist):
		fmt.Fprintf(stderr, "warning: no keyring at %s: checking the plain hash chain only, which an editor can recompute\n", keys)
	default:
		return err
	}
	heads := map[string]integrity.Head{}
	for _, f := range headFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var h integrity.Head
		if err := json.Unmarshal(data, &h); err != nil {
			return fmt.Errorf("%s: not a signed head: %w", f, err)
		}
		heads[f] = h
	}
	if len(heads) > 0 && kr == nil {
		return errors.New("-head needs the keyring")
	}
	store, err := sqlstore.Open(ctx, *dsn, opts...)
	if err != nil {
		return err
	}
	defer store.Close()
	v, err := verifyStore(ctx, store, heads)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
	} else {
		for _, f := range v.Findings {
			fmt.Fprintln(stdout, "BROKEN", f)
		}
		fmt.Fprintf(stdout, "checked %d projects, %d events, %d kept heads: %d broken projects, %d heads not matching\n",
			v.Projects, v.Events, len(heads), len(v.broken()), len(v.Findings)-countProjects(v.Findings))
	}
	fix, err := verifyDocuments(ctx, store, documents, stdout, *asJSON)
	if err != nil {
		return err
	}
	if len(v.Findings) > 0 {
		return fmt.Errorf("integrity broken: %s", strings.Join(append(v.broken(), headNames(v.Findings)...), ", "))
	}
	if !fix.OK() {
		return fmt.Errorf("fixity broken: %d documents changed or missing", len(fix.Problems))
	}
	return nil
}

func countProjects(fs []finding) int {
	n := 0
	for _, f := range fs {
		if f.ProjectID != "" {
			n++
		}
	}
	return n
}

func headNames(fs []finding) []string {
	var out []string
	for _, f := range fs {
		if f.Head != "" {
			out = append(out, "head "+f.Head)
		}
	}
	return out
}

// runRotateKey is the rotate-key command: it adds a new current key to
// the keyring file, keeping the old ones to verify what they sealed.
//
//	go run ./examples/server rotate-key -keys FILE [-suite hmac-sm3+sm2]
func runRotateKey(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("rotate-key", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dsn := fl.String("db", "govit.db", "SQLite file path, or a postgres:// DSN (only to find the default keyring)")
	tokensPath := fl.String("tokens", "", "tokens file (only to find the keyring beside it)")
	keysPath := fl.String("keys", "", "keyring file; default "+keysFileName+" beside the tokens file")
	suiteName := fl.String("suite", "", "suite of the new key (default: the current key's): "+suiteNames())
	if err := parseFlags(fl, args); err != nil {
		return err
	}
	_, keys := defaultPaths(*dsn, *tokensPath, *keysPath)
	kr, err := integrity.Load(keys)
	if err != nil {
		return err
	}
	suite := kr.CurrentKey().Suite
	if *suiteName != "" {
		if suite, err = integrity.ParseSuite(*suiteName); err != nil {
			return err
		}
	}
	next, err := kr.Rotate(suite)
	if err != nil {
		return err
	}
	if err := next.Save(keys); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: new current key %s (%s); restart every server instance with this file\n", keys, next.Current, suite)
	return nil
}

func suiteNames() string {
	var s []string
	for _, x := range integrity.Suites() {
		s = append(s, string(x))
	}
	return strings.Join(s, ", ")
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// verifier runs verifyStore in the background and exposes the result as
// metrics; it also makes and caches the signed head.
type verifier struct {
	store *sqlstore.Store
	log   *slog.Logger

	broken    prometheus.Gauge
	lastRun   prometheus.Gauge
	events    prometheus.Gauge
	runs      *prometheus.CounterVec
	headMu    sync.Mutex
	head      integrity.Head
	headReady time.Time
}

func newVerifier(store *sqlstore.Store, log *slog.Logger, reg prometheus.Registerer) (*verifier, error) {
	v := &verifier{
		store: store, log: log,
		broken: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "govit", Subsystem: "integrity", Name: "broken_projects",
			Help: "Projects whose chain or projection did not verify in the last background verification."}),
		lastRun: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "govit", Subsystem: "integrity", Name: "last_verification_timestamp_seconds",
			Help: "When the last background verification finished (Unix time)."}),
		events: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "govit", Subsystem: "integrity", Name: "verified_events",
			Help: "Events whose chain values the last background verification recomputed."}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "govit", Subsystem: "integrity", Name: "verifications_total",
			Help: "Background verifications by result: ok, broken or error."}, []string{"result"}),
	}
	for _, c := range []prometheus.Collector{v.broken, v.lastRun, v.events, v.runs} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// once runs one verification, logging each broken project as an error.
func (v *verifier) once(ctx context.Context) {
	res, err := verifyStore(ctx, v.store, nil)
	if err != nil {
		if ctx.Err() == nil {
			v.log.Error("integrity verification failed", "error", err)
			v.runs.WithLabelValues("error").Inc()
		}
		return
	}
	ids := res.broken()
	v.broken.Set(float64(len(ids)))
	v.events.Set(float64(res.Events))
	v.lastRun.SetToCurrentTime()
	if len(ids) > 0 {
		v.runs.WithLabelValues("broken").Inc()
		for _, f := range res.Findings {
			v.log.Error("integrity broken", "project", f.ProjectID, "finding", f.What)
		}
		return
	}
	v.runs.WithLabelValues("ok").Inc()
	v.log.Info("integrity verified", "projects", res.Projects, "events", res.Events)
}

// loop verifies now and then every interval until ctx ends.
func (v *verifier) loop(ctx context.Context, every time.Duration) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v.once(ctx)
		t.Reset(every)
	}
}

// signedHead returns a head at most headMaxAge old.
func (v *verifier) signedHead(ctx context.Context) (integrity.Head, error) {
	v.headMu.Lock()
	defer v.headMu.Unlock()
	if !v.headReady.IsZero() && time.Since(v.headReady) < headMaxAge {
		return v.head, nil
	}
	h, err := v.store.Head(ctx)
	if err != nil {
		return h, err
	}
	v.head, v.headReady = h, time.Now()
	return h, nil
}

// publicKey is a key of the keyring as an auditor sees it.
type publicKey struct {
	ID     string          `json:"id"`
	Suite  integrity.Suite `json:"suite"`
	Since  time.Time       `json:"since"`
	Public []byte          `json:"public_key"`
}

// integrityHandler serves GET /integrity/head (the latest signed head) and
// GET /integrity/keys (the public keys that sign heads) to any
// authenticated caller, and passes everything else to next.
func integrityHandler(v *verifier, kr *integrity.Keyring, auth httpapi.Authenticator, log *slog.Logger, next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", next)
	reply := func(w http.ResponseWriter, r *http.Request, get func(context.Context) (any, error)) {
		if _, err := auth.Authenticate(r); err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="govit"`)
			http.Error(w, `{"code":"unauthenticated"}`, http.StatusUnauthorized)
			return
		}
		body, err := get(r.Context())
		if err != nil {
			log.Error("integrity endpoint failed", "path", r.URL.Path, "error", err)
			w.Header().Set("Retry-After", "5")
			http.Error(w, `{"code":"unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(body)
	}
	mux.HandleFunc("GET /integrity/head", func(w http.ResponseWriter, r *http.Request) {
		reply(w, r, func(ctx context.Context) (any, error) { return v.signedHead(ctx) })
	})
	mux.HandleFunc("GET /integrity/keys", func(w http.ResponseWriter, r *http.Request) {
		reply(w, r, func(context.Context) (any, error) {
			var out []publicKey
			for _, k := range kr.Keys {
				pub, err := k.Public()
				if err != nil {
					return nil, err
				}
				out = append(out, publicKey{ID: k.ID, Suite: k.Suite, Since: k.Since, Public: pub})
			}
			return map[string]any{"current": kr.Current, "keys": out}, nil
		})
	})
	return mux
}
