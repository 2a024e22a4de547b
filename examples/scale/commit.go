package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/review/corpus"
)

// commitRate compares, in one run, the server's actions per second at
// clients concurrent clients (each declaring a project and withdrawing it,
// again and again: two appends per cycle) with the raw rate of single-row
// INSERT transactions by as many writers into a plain table of the same
// database (on SQLite serialised in Go, as SQLite has one writer). Rounds
// alternate, so that both meet the same disk; a warm-up of each side
// comes first.
func commitRate(ctx context.Context, out io.Writer, dsn string, clients int, d, warmup time.Duration, rounds int) error {
	store, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	srv, err := newServer(store)
	if err != nil {
		return err
	}
	defer srv.close()
	db := store.DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS raw_insert (id bigint NOT NULL, v bytea NOT NULL)`); err != nil {
		if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS raw_insert (id INTEGER NOT NULL, v BLOB NOT NULL)`); err != nil {
			return err
		}
	}
	row := bytes.Repeat([]byte("x"), 300)
	var serial sync.Mutex
	sqlite := store.Dialect() == sqlstore.SQLite
	var seq atomic.Int64
	raw := func(ctx context.Context) (time.Duration, error) {
		if sqlite {
			serial.Lock()
			defer serial.Unlock()
		}
		t0 := time.Now()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		defer tx.Rollback() //nolint:errcheck // no-op after Commit
		if _, err := tx.ExecContext(ctx, `INSERT INTO raw_insert (id, v) VALUES ($1, $2)`, seq.Add(1), row); err != nil {
			return 0, err
		}
		err = tx.Commit()
		return time.Since(t0), err
	}
	// The bodies are encoded once: the clients' own work is kept out of
	// the server's measure as far as one process allows.
	decl, err := json.Marshal(declarationOf(corpusProject("负载测试平台", "建设负载测试平台，验证服务器在并发下的吞吐")))
	if err != nil {
		return err
	}
	withdraw := json.RawMessage(`{"reason":"撤回"}`)
	server := func(ctx context.Context, state *string) (time.Duration, error) {
		if *state == "" {
			a, d, err := srv.do(ctx, "POST", "/v1/projects", "quiet", "", json.RawMessage(decl))
			if err == nil {
				err = expect(a, 201, "declare")
			}
			if err == nil {
				*state = projectPath(a)
			}
			return d, err
		}
		path, tag, _ := cutTag(*state)
		a, d, err := srv.do(ctx, "POST", path+"/actions/withdraw", "quiet", tag, withdraw)
		if err == nil {
			err = expect(a, 200, "withdraw")
		}
		*state = ""
		return d, err
	}
	run := func(d time.Duration, fn func(context.Context, *string) (time.Duration, error)) (float64, timings, error) {
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			lats timings
			ferr error
		)
		rctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		t0 := time.Now()
		for range clients {
			wg.Go(func() {
				var state string
				var mine timings
				for rctx.Err() == nil {
					l, err := fn(ctx, &state)
					if err != nil {
						mu.Lock()
						ferr = err
						mu.Unlock()
						return
					}
					mine = append(mine, l)
				}
				mu.Lock()
				lats = append(lats, mine...)
				mu.Unlock()
			})
		}
		wg.Wait()
		rate := float64(len(lats)) / time.Since(t0).Seconds()
		return rate, lats, ferr
	}
	rawFn := func(ctx context.Context, _ *string) (time.Duration, error) { return raw(ctx) }
	// A warm-up of each side, not measured: the server's first seconds
	// (statements prepared on each connection, the heap's first sizes)
	// would otherwise count in the first round only.
	if warmup > 0 {
		if _, _, err := run(warmup, rawFn); err != nil {
			return err
		}
		if _, _, err := run(warmup, server); err != nil {
			return err
		}
	}
	for r := range rounds {
		rr, rl, err := run(d, rawFn)
		if err != nil {
			return err
		}
		c0, a0 := store.WriterStats()
		sr, sl, err := run(d, server)
		if err != nil {
			return err
		}
		c1, a1 := store.WriterStats()
		batch := ""
		if c1 > c0 {
			batch = fmt.Sprintf("; %.1f appends per commit", float64(a1-a0)/float64(c1-c0))
		}
		fmt.Fprintf(out, "round %d, %s, %d clients: raw INSERT %.0f tx/s (p99 %s); server %.0f actions/s (p50 %s, p99 %s%s); ratio %.2f\n",
			r+1, store.Dialect(), clients, rr, msf(rl.pct(0.99)), sr, msf(sl.pct(0.5)), msf(sl.pct(0.99)), batch, sr/rr)
	}
	return nil
}

func corpusProject(name, content string) corpus.Project {
	return corpus.Project{Unit: quietUnit, Name: name, Content: content, DuplicateOf: -1}
}

// projectPath is the path of the project a 201 created, with its ETag.
func projectPath(a answer) string {
	return a.location + "\x00" + a.etag
}

func cutTag(state string) (path, tag string, ok bool) { return strings.Cut(state, "\x00") }
