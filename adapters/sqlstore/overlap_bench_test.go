package sqlstore

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
	"github.com/govit-cn/govit/review/corpus"
)

// envOverlapPortfolios names the seeded portfolios BenchmarkOverlapCheck
// measures: a comma-separated list of SQLite files (each copied into the
// benchmark's temporary directory first, so the original is never
// migrated or written) and postgres:// URLs (used as they are, their
// search_path naming a schema that holds a seeded portfolio). See
// examples/scale for seeding one.
const envOverlapPortfolios = "GOVIT_OVERLAP_PORTFOLIOS"

// BenchmarkOverlapCheck measures the store's part of the 第四条 check
// (OverlapCandidates) on seeded portfolios, to show what a check costs in
// memory as the portfolio grows. Probes are those of examples/scale:
// near-duplicates of the first seeded projects and new texts, alternately
// (corpus seeds 1 and 2), checked by the bureau (all units).
//
// Besides ns/op, B/op and allocs/op (one check at a time) it reports:
//
//   - p50-ms: the median of the timed checks;
//   - index-B/op and index-allocs/op: what the index's part of a check
//     allocates (the bigrams' counts, the postings, the filter: all but
//     reading the candidates' texts), and candidates/op, the projects it
//     lets through to be read and scored;
//   - 8x-p50-ms and 8x-max-ms: the wall time of 8 checks started at
//     once until the last answers, median and worst of 15 rounds;
//   - live-B and live8-B: the peak of the live heap while one check runs,
//     and while 8 run at once, above the live heap before, and
//     index-live-B the same for the index's part alone. The live heap
//     is runtime/metrics' /gc/heap/live:bytes, what the last garbage
//     collection found reachable (objects allocated during it included);
//     for this part of the benchmark the collector's target is set to 1%
//     (debug.SetGCPercent(1)), so that it collects every few tens of KiB
//     allocated, checks run until 50 collections have, and a sampler
//     reads the metric every 50 µs. Run with GODEBUG=gcstoptheworld=1
//     for these two: a collection then marks with the world stopped, and
//     counts only what is reachable; otherwise it also counts as live
//     what is allocated while it marks, garbage included. The live heap
//     before includes what the store keeps between checks (the window
//     counts, one per check run at once).
func BenchmarkOverlapCheck(b *testing.B) {
	list := os.Getenv(envOverlapPortfolios)
	if list == "" {
		b.Skipf("set %s to a comma-separated list of seeded portfolios (SQLite files, copied first, or postgres:// URLs)", envOverlapPortfolios)
	}
	probes := overlapBenchProbes(64)
	for _, dsn := range strings.Split(list, ",") {
		dsn = strings.TrimSpace(dsn)
		if dsn == "" {
			continue
		}
		if dialectOf(dsn) == SQLite {
			dsn = copyPortfolio(b, dsn)
		}
		s, err := Open(b.Context(), dsn)
		require.NoError(b, err)
		var n int
		require.NoError(b, s.db.QueryRowContext(b.Context(), `SELECT COUNT(*) FROM overlap_features`).Scan(&n))
		b.Run(fmt.Sprintf("%s/projects=%d", s.Dialect(), n), func(b *testing.B) {
			benchOverlapCheck(b, s, probes)
		})
		require.NoError(b, s.Close())
	}
}

func benchOverlapCheck(b *testing.B, s *Store, probes []lifecycle.OverlapQuery) {
	ctx := b.Context()
	check := func(i int) {
		_, err := s.OverlapCandidates(ctx, probes[i%len(probes)])
		if err != nil {
			b.Error(err)
		}
	}
	for i := range probes {
		check(i) // warm the caches of both databases
	}
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		check(i)
		times = append(times, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")

	// The index's part alone (overlapCandidateIDs: the bigrams' counts,
	// the postings, the filter), without reading the candidates' texts,
	// whose number grows with the portfolio in this corpus.
	var before, after runtime.MemStats
	var bytes, allocs uint64
	var cands int
	for i := range probes {
		runtime.ReadMemStats(&before)
		ids, err := s.overlapCandidateIDs(ctx, probes[i])
		runtime.ReadMemStats(&after)
		require.NoError(b, err)
		bytes += after.TotalAlloc - before.TotalAlloc
		allocs += after.Mallocs - before.Mallocs
		cands += len(ids)
	}
	b.ReportMetric(float64(bytes)/float64(len(probes)), "index-B/op")
	b.ReportMetric(float64(allocs)/float64(len(probes)), "index-allocs/op")
	b.ReportMetric(float64(cands)/float64(len(probes)), "candidates/op")

	var rounds []time.Duration
	for r := range 15 {
		var wg sync.WaitGroup
		t0 := time.Now()
		for k := range 8 {
			wg.Go(func() { check(8*r + k) })
		}
		wg.Wait()
		rounds = append(rounds, time.Since(t0))
	}
	slices.Sort(rounds)
	b.ReportMetric(float64(rounds[len(rounds)/2].Microseconds())/1000, "8x-p50-ms")
	b.ReportMetric(float64(rounds[len(rounds)-1].Microseconds())/1000, "8x-max-ms")

	i := 0
	b.ReportMetric(float64(peakLive(func() {
		check(i)
		i++
	})), "live-B")
	b.ReportMetric(float64(peakLive(func() {
		if _, err := s.overlapCandidateIDs(ctx, probes[i%len(probes)]); err != nil {
			b.Error(err)
		}
		i++
	})), "index-live-B")
	b.ReportMetric(float64(peakLive(func() {
		var wg sync.WaitGroup
		for k := range 8 {
			wg.Go(func() { check(i + k) })
		}
		wg.Wait()
		i += 8
	})), "live8-B")
}

// peakLive runs f with the collector's target at 1%, again and again
// until 50 collections have run (at least 8 times), and returns the peak
// of the live heap meanwhile, above the live heap before.
func peakLive(f func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(sample)
	base, cycles := sample[0].Value.Uint64(), sample[1].Value.Uint64()
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: sample[0].Name}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(50 * time.Microsecond):
			}
		}
	}()
	for n := 0; ; n++ {
		f()
		metrics.Read(sample)
		if n >= 8 && sample[1].Value.Uint64() >= cycles+50 {
			break
		}
	}
	runtime.GC() // the last cycle's live heap includes f's end
	metrics.Read(sample)
	close(done)
	<-sampled
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// overlapBenchProbes returns n queries as examples/scale makes them:
// even ones near-duplicates of the first 1,000 projects of corpus seed 1
// (the seeded portfolio's first texts), odd ones new texts of seed 2.
func overlapBenchProbes(n int) []lifecycle.OverlapQuery {
	seeded := corpus.New(1)
	var first []corpus.Project
	for range 1000 {
		first = append(first, seeded.Next())
	}
	fresh := corpus.New(2)
	minPct := review.DefaultOverlapPolicy().MinPercent
	qs := make([]lifecycle.OverlapQuery, n)
	for i := range qs {
		var p corpus.Project
		if i%2 == 0 {
			p = first[(i*37)%len(first)]
			p.Content = strings.Replace(p.Content, "建设", "新建", 1)
		} else {
			p = fresh.Next()
		}
		qs[i] = lifecycle.OverlapQuery{Grams: review.Bigrams(p.Name, p.Content), MinPercent: minPct}
	}
	return qs
}

// copyPortfolio copies the SQLite file at path into b's temporary
// directory and returns the copy's path.
func copyPortfolio(b *testing.B, path string) string {
	b.Helper()
	dst := filepath.Join(b.TempDir(), filepath.Base(path))
	in, err := os.Open(path)
	require.NoError(b, err)
	defer in.Close()
	out, err := os.Create(dst)
	require.NoError(b, err)
	_, err = io.Copy(out, in)
	require.NoError(b, err)
	require.NoError(b, out.Close())
	return dst
}
