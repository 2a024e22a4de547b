// Command server runs the govit REST API (package adapters/httpapi) over the
// lifecycle engine of 渝北府办发〔2019〕26号, storing projects in SQLite (the
// default, a file in the working directory) or PostgreSQL.
//
//	go run ./examples/server                       # 127.0.0.1:8080, ./govit.db
//	GOVIT_DB=postgres://user:secret@host/db go run ./examples/server
//	go run ./examples/server -addr 127.0.0.1:9090 -tokens my-tokens.json
//	go run ./examples/server verify -db FILE|DSN [-head kept-head.json]...
//	go run ./examples/server rotate-key [-keys FILE] [-suite hmac-sm3+sm2]
//
// On first start it writes demo bearer tokens for every role to a tokens
// file next to the database (govit-tokens.json, mode 0600) and prints them
// once, as shell exports (export TOKEN_UNIT=…) on standard output; later
// starts reuse the file and print only its path. Logs are JSON on standard
// error. SIGINT or SIGTERM shuts it down gracefully.
//
// Flags (each may also come from the environment variable GOVIT_ and its
// name in capitals, - as _: GOVIT_DB, GOVIT_LOG_LEVEL, …; a flag on the
// command line wins), so that a DSN with a password need not be on a
// command line, where ps shows it:
//
//	-addr              listen address (127.0.0.1:8080)
//	-db                SQLite file path or postgres:// DSN (govit.db)
//	-tokens            tokens file: a JSON array of {token, actor, unit, roles}
//	                   (token_sha256 may stand in for token); default
//	                   govit-tokens.json next to the SQLite file (or in the
//	                   working directory for PostgreSQL), created with demo
//	                   tokens when missing
//	-keys              keyring file (default govit-keys.json beside the
//	                   tokens file), created on first start, mode 0600
//	-suite             algorithms of a new keyring: hmac-sha256+ed25519
//	                   (default) or hmac-sm3+sm2 (国密 SM3/SM2)
//	-verify-every      background verification interval (1h; 0 never)
//	-max-conns         connections open at once, idle ones included (512);
//	                   one more is answered 503 with Retry-After and closed
//	-max-in-flight     API requests served at once (128); more get 503
//	-request-timeout   how long a request may work (20s) before it is
//	                   answered 503 with Retry-After, never a cut connection
//	-log-level         debug, info, warn or error (info)
//	-shutdown-timeout  how long in-flight requests get on shutdown (10s)
//	-webhook-hosts     comma-separated hosts webhooks may go to (none)
//	-webhook-dispatch  send webhook deliveries from this instance (true);
//	                   several instances on one PostgreSQL share the work
//	-blobs             directory of the documents' bytes (govit-blobs beside
//	                   the SQLite file, or in the working directory)
//	-s3-endpoint       S3-compatible endpoint keeping a replica of every
//	                   document (with -s3-bucket, -s3-prefix, -s3-region,
//	                   -s3-access-key, -s3-secret-key, -s3-insecure)
//	-clamd             clamd address (host:port or socket path) scanning
//	                   every document; none: recorded as not checked
//	-max-document      largest document in bytes (512 MiB; 413 above)
//
// Documents are uploaded with POST /v1/projects/{id}/documents; their
// digests are SHA-256, or SM3 when the keyring's suite is hmac-sm3+sm2.
// verify also re-hashes every stored document (fixity) and names a changed
// or missing one by project and slot. Uploads and downloads of documents
// get httpapi.DocumentTransferTimeout (30 minutes) instead of the read and
// write timeouts below.
//
// # Integrity
//
// Every event's chain value is an HMAC under the keyring's current key
// (package integrity), so an edit of the database cannot be hidden by
// recomputing hashes without the key file. Rows written before the store
// had a keyring are sealed at start if their plain chain verifies. The
// server verifies every chain and every projection (against the fold of
// its events) in the background and exposes govit_integrity_broken_projects
// and govit_integrity_last_verification_timestamp_seconds at /metrics,
// logging each broken project as an error. GET /integrity/head (any
// bearer token) is a signed head over every project's chain, on the model
// of Certificate Transparency's signed tree heads; GET /integrity/keys
// lists the public keys. An auditor keeps heads outside the database and
// later runs verify -head FILE: a removed or edited event covered by a
// kept head is found even if the projection was rolled back with it. The
// verify command exits 1 naming each broken project.
//
// Every instance on one database must use the same keyring file: copy it
// with the tokens file. To rotate, run rotate-key (it adds a new current
// key and keeps the old ones, which still verify what they sealed), copy
// the file to every instance and restart them; until an instance restarts
// it seals with the old key, which stays valid. Never delete a key from
// the file while rows it sealed exist; losing the file makes every chain
// unverifiable (keep a copy offline).
//
// Server timeouts: ReadHeaderTimeout 5s (slow-header clients), ReadTimeout
// 15s and WriteTimeout 30s (a whole request and response), IdleTimeout 120s
// (keep-alive), MaxHeaderBytes 64 KiB; request bodies are capped at 1 MiB
// by the API itself (413).
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/adapters/integrity"
	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/adapters/web"
	"github.com/govit-cn/govit/adapters/webhook"
	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/lifecycle"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	args := os.Args[1:]
	cmd := run
	if len(args) > 0 {
		switch args[0] {
		case "verify":
			cmd, args = runVerify, args[1:]
		case "rotate-key":
			cmd, args = func(_ context.Context, a []string, o, e io.Writer) error { return runRotateKey(a, o, e) }, args[1:]
		}
	}
	if err := cmd(ctx, args, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// The HTTP server's timeouts.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
)

// tokensFileName is the default tokens file, next to the SQLite database.
const tokensFileName = "govit-tokens.json"

// run starts the server and blocks until ctx ends, then shuts down. It
// prints the address it listens on ("listening on http://…") and the
// tokens on stdout; logs go to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("server", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "127.0.0.1:8080", "listen address")
	dsn := fl.String("db", "govit.db", "SQLite file path, or a postgres:// DSN")
	tokensPath := fl.String("tokens", "", "tokens file: JSON array of {token, actor, unit, roles}; default "+tokensFileName+" next to the SQLite file, created with demo tokens when missing")
	logLevel := fl.String("log-level", "info", "log level: debug, info, warn or error")
	shutdownTimeout := fl.Duration("shutdown-timeout", 10*time.Second, "how long in-flight requests get on shutdown")
	keysPath := fl.String("keys", "", "keyring file sealing the hash chain and signing heads; default "+keysFileName+" beside the tokens file, created when missing")
	suiteName := fl.String("suite", "", "algorithms of a new keyring: "+suiteNames()+" (default the first)")
	verifyEvery := fl.Duration("verify-every", time.Hour, "how often the server verifies every chain and projection in the background (0: never)")
	webhookHosts := fl.String("webhook-hosts", "", "comma-separated hosts webhooks may be registered for and sent to (none by default)")
	webhookDispatch := fl.Bool("webhook-dispatch", true, "send webhook deliveries from this instance")
	docFlags := addDocumentFlags(fl)
	maxConns := fl.Int("max-conns", 512, "most connections open at once, idle keep-alive ones included; more are answered 503")
	maxInFlight := fl.Int("max-in-flight", httpapi.DefaultMaxInFlight, "most API requests served at once; more are answered 503")
	requestTimeout := fl.Duration("request-timeout", httpapi.DefaultRequestTimeout, "how long a request may work before it is answered 503 (below the 30s write timeout)")
	if err := parseFlags(fl, args); err != nil {
		return err
	}
	documents, err := docFlags.open(*dsn)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	postgres := isPostgres(*dsn)
	*tokensPath, *keysPath = defaultPaths(*dsn, *tokensPath, *keysPath)
	entries, created, err := loadOrCreateTokens(*tokensPath)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(*tokensPath); err == nil && fi.Mode().Perm()&0o077 != 0 {
		logger.Warn("the tokens file is readable by others; chmod 600 it", "path", *tokensPath, "mode", fi.Mode().Perm().String())
	}
	auth, err := httpapi.NewTokenAuthenticator(entries)
	if err != nil {
		return fmt.Errorf("%s: %w", *tokensPath, err)
	}

	suite, err := integrity.ParseSuite(*suiteName)
	if err != nil {
		return fmt.Errorf("-suite: %w", err)
	}
	keyring, keysCreated, err := integrity.LoadOrCreate(*keysPath, suite)
	if err != nil {
		return err
	}
	if keysCreated {
		logger.Info("keyring created; keep a copy somewhere safe, and give every instance the same file", "path", *keysPath, "suite", string(suite))
	}
	if k := keyring.CurrentKey(); k != nil && k.Suite == integrity.SM3SM2 {
		// A 国密 chain: the documents' digests in SM3 too.
		documents.Alg = document.SM3
	}
	store, err := sqlstore.Open(ctx, *dsn, sqlstore.WithLogger(logger), sqlstore.WithKeyring(keyring))
	if err != nil {
		return err
	}
	defer store.Close()
	// The background work — webhook deliveries, the periodic chain
	// verification — ends, and is waited for, before the store closes.
	var bg sync.WaitGroup
	defer bg.Wait()
	bgctx, stopBG := context.WithCancel(ctx)
	defer stopBG()
	if n, err := store.SealUnkeyed(ctx); err != nil {
		logger.Error("some projects written before the keyring could not be sealed", "sealed", n, "error", err)
	} else if n > 0 {
		logger.Info("projects written before the keyring sealed with it", "projects", n, "key", keyring.Current)
	}
	registry := newRegistry()
	verify, err := newVerifier(store, logger, registry)
	if err != nil {
		return err
	}
	cal := calendar.China()
	engine, err := lifecycle.New(lifecycle.Config{Store: store, Calendar: cal, Logger: logger, Documents: documents})
	if err != nil {
		return err
	}
	api, err := httpapi.New(httpapi.Config{
		Engine: engine, Auth: auth, Calendar: cal, Logger: logger,
		Ready:    func(ctx context.Context) error { return store.DB().PingContext(ctx) },
		Registry: registry,
		// The multipart framing aside, a document's own limit is the
		// ingester's (413 either way).
		MaxDocumentBytes: documents.MaxSize,
		MaxInFlight:      *maxInFlight, RequestTimeout: *requestTimeout,
	})
	if err != nil {
		return err
	}

	console, err := web.New(web.Config{
		Engine: engine, Auth: auth, Calendar: cal, Logger: logger,
		Verify: func(ctx context.Context, projectID string) (bool, string, error) {
			rep, err := store.Verify(ctx, projectID)
			if err != nil || rep.OK() {
				return err == nil, "", err
			}
			return false, rep.Break.String(), nil
		},
		VerifyAfter: func(ctx context.Context, projectID string, from web.ChainPoint) (bool, string, web.ChainPoint, error) {
			rep, to, err := store.VerifyAfter(ctx, projectID, sqlstore.ChainPoint{Version: from.Version, Hash: from.Hash})
			if err != nil || rep.OK() {
				return err == nil, "", web.ChainPoint{Version: to.Version, Hash: to.Hash}, err
			}
			return false, rep.Break.String(), web.ChainPoint{}, nil
		},
	})
	if err != nil {
		return err
	}

	handler, err := withPortfolio(bgctx, &bg, routes(api, console), engine, auth, store, logger, webhook.ParseHosts(*webhookHosts), *webhookDispatch)
	if err != nil {
		return err
	}

	if *maxConns <= 0 || *maxInFlight <= 0 || *requestTimeout <= 0 || *requestTimeout >= writeTimeout {
		return fmt.Errorf("-max-conns and -max-in-flight must be positive, -request-timeout between 0 and %s", writeTimeout)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ln = limitConns(ln, *maxConns)
	srv := &http.Server{
		Handler:           integrityHandler(verify, keyring, auth, logger, handler),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String()
	printBanner(stdout, url, *dsn, postgres, *tokensPath, created, entries)
	logger.Info("listening", "addr", ln.Addr().String(), "store", string(store.Dialect()))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if *verifyEvery > 0 {
		bg.Go(func() { verify.loop(bgctx, *verifyEvery) })
	}
	// Projections written before the store kept duties get them, so that
	// the obligation lists read rows rather than load those projects.
	bg.Go(func() {
		n, err := engine.FillDuties(bgctx)
		switch {
		case err != nil && bgctx.Err() == nil:
			logger.Warn("keeping the duties of older projections", "filled", n, "err", err)
		case n > 0:
			logger.Info("duties kept for projections written before the store kept them", "projects", n)
		}
	})
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), *shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// routes serves the API under /v1 (with its description, health and
// metrics endpoints) and the web console everywhere else.
func routes(api *httpapi.Server, console *web.Console) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/v1/", api)
	for _, p := range []string{"/openapi.json", "/healthz", "/readyz", "/metrics"} {
		mux.Handle(p, api)
	}
	mux.Handle("/", console)
	return mux
}

// printBanner tells the developer where the server is and how to call it.
func printBanner(w io.Writer, url, dsn string, postgres bool, tokensPath string, created bool, entries []httpapi.TokenEntry) {
	store := "SQLite " + dsn
	if postgres {
		store = "PostgreSQL"
	}
	fmt.Fprintf(w, "govit listening on %s (%s)\n", url, store)
	if !created {
		// Tokens are printed once, when the file is made: a log that
		// keeps stdout must not collect them on every start.
		fmt.Fprintf(w, "Tokens: in %s (printed only when that file was created)\n\n", tokensPath)
		fmt.Fprintf(w, "export GOVIT=%s\n", url)
	} else {
		fmt.Fprintf(w, "Demo tokens for every role written to %s (mode 0600); paste these lines into your shell:\n\n", tokensPath)
		fmt.Fprintf(w, "export GOVIT=%s\n", url)
		for _, e := range entries {
			if e.Token == "" {
				continue
			}
			fmt.Fprintf(w, "export %s=%s\n", tokenVar(e.Actor), e.Token)
		}
	}
	fmt.Fprintf(w, "\nTry: curl -s $GOVIT/v1/projects -H \"Authorization: Bearer $TOKEN_BDB\"\n")
	fmt.Fprintf(w, "API description: %s/openapi.json\n", url)
	fmt.Fprintf(w, "Web console: %s/ (sign in with a token of %s)\n", url, tokensPath)
}

// tokenVar is the shell variable a token of actor is printed as:
// TOKEN_ and the actor ID in capitals, e.g. TOKEN_UNIT for "unit".
func tokenVar(actor string) string {
	notVarChar := regexp.MustCompile(`[^A-Z0-9]+`)
	return "TOKEN_" + strings.Trim(notVarChar.ReplaceAllString(strings.ToUpper(actor), "_"), "_")
}

// demoActors are the demo actors: two units (to see that one cannot see
// the other's projects) and one actor for each bureau of 第三条 and the
// district government.
func demoActors() []httpapi.TokenEntry {
	one := func(actor, unit string, r lifecycle.Role) httpapi.TokenEntry {
		return httpapi.TokenEntry{Actor: actor, Unit: unit, Roles: []lifecycle.Role{r}}
	}
	return []httpapi.TokenEntry{
		one("unit", "渝北区教育委员会", lifecycle.RoleUnit),
		one("unit2", "渝北区卫生健康委员会", lifecycle.RoleUnit),
		one("bdb", "渝北区大数据发展局", lifecycle.RoleBDB),
		one("drc", "渝北区发展和改革委员会", lifecycle.RoleDRC),
		one("finance", "渝北区财政局", lifecycle.RoleFinance),
		one("audit", "渝北区审计局", lifecycle.RoleAudit),
		one("cac", "中共渝北区委网络安全和信息化委员会办公室", lifecycle.RoleCAC),
		one("government", "渝北区人民政府", lifecycle.RoleGovernment),
	}
}

// loadOrCreateTokens reads the tokens file, or creates it with random demo
// tokens (mode 0600) when it does not exist; created reports which.
func loadOrCreateTokens(path string) (entries []httpapi.TokenEntry, created bool, err error) {
	data, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(data, &entries); err != nil {
			return nil, false, fmt.Errorf("%s: not a JSON array of {token, actor, unit, roles}: %w", path, err)
		}
		if len(entries) == 0 {
			return nil, false, fmt.Errorf("%s: no tokens", path)
		}
		return entries, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	entries = demoActors()
	for i := range entries {
		entries[i].Token = "govit_" + rand.Text()
	}
	data, err = json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("creating the tokens file: %w", err)
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return nil, false, err
	}
	if err := f.Close(); err != nil {
		return nil, false, err
	}
	return entries, true, nil
}

// newRegistry is the server's metrics registry: the Go and process
// collectors, the API's metrics and the integrity verifier's.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}
