package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// envName is the environment variable of a flag: GOVIT_ and the flag's
// name in capitals with - as _ (-db is GOVIT_DB, -log-level
// GOVIT_LOG_LEVEL).
func envName(flagName string) string {
	return "GOVIT_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags parses args, then gives each flag not set on the command line
// the value of its environment variable (envName), if set: so that a
// PostgreSQL DSN with a password need not appear on a command line, where
// ps shows it. A flag on the command line wins. Arguments left over are an
// error.
func parseFlags(fl *flag.FlagSet, args []string) error {
	return parseFlagsEnv(fl, args, os.LookupEnv)
}

func parseFlagsEnv(fl *flag.FlagSet, args []string, lookup func(string) (string, bool)) error {
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fl.Args(), " "))
	}
	set := map[string]bool{}
	fl.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fl.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		v, ok := lookup(envName(f.Name))
		if !ok {
			return
		}
		if e := fl.Set(f.Name, v); e != nil {
			// The value is not echoed: it may be a secret.
			err = fmt.Errorf("%s: invalid value for -%s: %w", envName(f.Name), f.Name, e)
		}
	})
	return err
}

// isPostgres reports whether dsn is a PostgreSQL URL; the scheme decides,
// case-insensitively, as in sqlstore.Open.
func isPostgres(dsn string) bool {
	scheme, _, _ := strings.Cut(strings.ToLower(dsn), "://")
	return scheme == "postgres" || scheme == "postgresql"
}

// defaultPaths fills in the tokens file (tokensFileName next to the SQLite
// file, or in the working directory for PostgreSQL) and the keyring
// (keysFileName beside the tokens file) when not given.
func defaultPaths(dsn, tokens, keys string) (string, string) {
	if tokens == "" {
		tokens = tokensFileName
		if !isPostgres(dsn) {
			tokens = filepath.Join(filepath.Dir(dsn), tokensFileName)
		}
	}
	if keys == "" {
		keys = filepath.Join(filepath.Dir(tokens), keysFileName)
	}
	return tokens, keys
}
