// Command scale seeds a portfolio of projects into a SQL store and
// measures the operations whose cost must not grow with it: reading and
// acting on a project with a long history, the 第四条 overlap check, the
// overdue and obligation lists, and the server's append rate against raw
// inserts (group commit). BENCHMARKS.md's scaling table comes from it.
//
//	go run ./examples/scale seed    -db /tmp/scale-100k.db -projects 100000 -histories 100,1000,10000
//	go run ./examples/scale measure -db /tmp/scale-100k.db -n 30 -baseline
//	go run ./examples/scale commit  -db /tmp/scale-commit.db -clients 16 -duration 5s -rounds 3
//
// -db is a SQLite path or a postgres:// URL (as for sqlstore.Open). Seed
// once and measure as often as needed: seeding 100,000 projects takes
// minutes. Projects are declared through the engine, on days spread over
// the past 400, with texts from review/corpus (same -seed, same texts); a
// third are withdrawn, a third pass their preliminary review, the rest
// wait for it (most overdue); the unit 区气象局 declares only today, so it
// has nothing overdue. The long histories (projects H100, H1000, …, of
// 区教委) are decided event by event as the engine would and appended in
// chunks with their fold. The server runs in this process over loopback.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: scale seed|measure|commit -db DSN [flags]")
	}
	fl := flag.NewFlagSet("scale "+args[0], flag.ContinueOnError)
	fl.SetOutput(out)
	dsn := fl.String("db", "", "SQLite path or postgres:// URL (required)")
	projects := fl.Int("projects", 1000, "seed: projects to declare")
	workers := fl.Int("workers", 16, "seed: concurrent declarations")
	histories := fl.String("histories", "100,1000,10000", "seed and measure: lengths of the long histories")
	seedValue := fl.Uint64("seed", 1, "seed of the generated texts")
	n := fl.Int("n", 30, "measure: timed calls per operation")
	baseline := fl.Bool("baseline", false, "measure: also time reads and the 第四条 check as without kept folds and the index, in the same run")
	clients := fl.Int("clients", 16, "commit: concurrent clients")
	duration := fl.Duration("duration", 5*time.Second, "commit: time per round and side")
	rounds := fl.Int("rounds", 3, "commit: rounds")
	warmup := fl.Duration("warmup", 2*time.Second, "commit: unmeasured load of each side before the rounds")
	cpuProfile := fl.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	if *dsn == "" {
		return fmt.Errorf("-db is required")
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var hs []int
	for _, f := range strings.Split(*histories, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		h, err := strconv.Atoi(f)
		if err != nil || h < 10 || h > 100000 {
			return fmt.Errorf("-histories: %q is not a length from 10 to 100000", f)
		}
		hs = append(hs, h)
	}
	switch args[0] {
	case "seed":
		if *projects < 0 || *projects > 1000000 || *workers < 1 || *workers > 256 {
			return fmt.Errorf("-projects must be 0–1000000 and -workers 1–256")
		}
		return seed(ctx, out, *dsn, *projects, *workers, hs, *seedValue)
	case "measure":
		if *n < 1 || *n > 10000 {
			return fmt.Errorf("-n must be 1–10000")
		}
		return measure(ctx, out, *dsn, *n, hs, *seedValue, *baseline)
	case "commit":
		if *clients < 1 || *clients > 256 || *duration <= 0 || *duration > 2*time.Minute || *rounds < 1 || *rounds > 20 ||
			*warmup < 0 || *warmup > 2*time.Minute {
			return fmt.Errorf("-clients must be 1–256, -duration and -warmup up to 2m, -rounds 1–20")
		}
		return commitRate(ctx, out, *dsn, *clients, *duration, *warmup, *rounds)
	}
	return fmt.Errorf("unknown command %q: seed, measure or commit", args[0])
}
