// Command server runs the govit REST API (package adapters/httpapi) over the
// lifecycle engine of 渝北府办发〔2019〕26号, storing projects in SQLite (the
// default, a file in the working directory) or PostgreSQL.
//
//	go run ./examples/server                       # 127.0.0.1:8080, ./govit.db
//	go run ./examples/server -db postgres://user@host/db
//	go run ./examples/server -addr 127.0.0.1:9090 -tokens my-tokens.json
//
// On first start it writes demo bearer tokens for every role to a tokens
// file next to the database (govit-tokens.json, mode 0600) and reuses them
// later; it prints them as shell exports (export TOKEN_UNIT=…) on standard
// output. Logs are JSON on standard error. SIGINT or SIGTERM shuts it down
// gracefully.
//
// Flags:
//
//	-addr              listen address (127.0.0.1:8080)
//	-db                SQLite file path or postgres:// DSN (govit.db)
//	-tokens            tokens file: a JSON array of {token, actor, unit, roles}
//	                   (token_sha256 may stand in for token); default
//	                   govit-tokens.json next to the SQLite file (or in the
//	                   working directory for PostgreSQL), created with demo
//	                   tokens when missing
//	-log-level         debug, info, warn or error (info)
//	-shutdown-timeout  how long in-flight requests get on shutdown (10s)
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
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
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
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fl.Args(), " "))
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	// The scheme decides, case-insensitively, as in sqlstore.Open.
	scheme, _, _ := strings.Cut(strings.ToLower(*dsn), "://")
	postgres := scheme == "postgres" || scheme == "postgresql"
	if *tokensPath == "" {
		*tokensPath = tokensFileName
		if !postgres {
			*tokensPath = filepath.Join(filepath.Dir(*dsn), tokensFileName)
		}
	}
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

	store, err := sqlstore.Open(ctx, *dsn, sqlstore.WithLogger(logger))
	if err != nil {
		return err
	}
	defer store.Close()
	cal := calendar.China()
	engine, err := lifecycle.New(lifecycle.Config{Store: store, Calendar: cal, Logger: logger})
	if err != nil {
		return err
	}
	api, err := httpapi.New(httpapi.Config{
		Engine: engine, Auth: auth, Calendar: cal, Logger: logger,
		Ready: func(ctx context.Context) error { return store.DB().PingContext(ctx) },
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           api,
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

// printBanner tells the developer where the server is and how to call it.
func printBanner(w io.Writer, url, dsn string, postgres bool, tokensPath string, created bool, entries []httpapi.TokenEntry) {
	store := "SQLite " + dsn
	if postgres {
		store = "PostgreSQL"
	}
	fmt.Fprintf(w, "govit listening on %s (%s)\n", url, store)
	if created {
		fmt.Fprintf(w, "Demo tokens for every role written to %s (mode 0600); paste these lines into your shell:\n\n", tokensPath)
	} else {
		fmt.Fprintf(w, "Tokens read from %s; paste these lines into your shell:\n\n", tokensPath)
	}
	fmt.Fprintf(w, "export GOVIT=%s\n", url)
	for _, e := range entries {
		if e.Token == "" {
			continue
		}
		fmt.Fprintf(w, "export %s=%s\n", tokenVar(e.Actor), e.Token)
	}
	fmt.Fprintf(w, "\nTry: curl -s $GOVIT/v1/projects -H \"Authorization: Bearer $TOKEN_BDB\"\n")
	fmt.Fprintf(w, "API description: %s/openapi.json\n", url)
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
