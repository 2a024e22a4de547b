package sqlstore

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// The appender child: TestSIGKILLLosesNoAcknowledgedEvent re-executes the
// test binary with these variables set, running only TestCrashChildAppender.
const (
	envAppenderDB = "GOVIT_SQLSTORE_APPENDER_DB"
	crashEvents   = 10000
	crashProjects = 8
)

// TestCrashChildAppender is the child process of the SIGKILL test, not a test
// of its own: crashProjects goroutines, one per project, append
// crashEvents events in all, one event per append, so that the store's
// writer commits them in batches; each prints "ack <project> <version>"
// after its append returns.
func TestCrashChildAppender(t *testing.T) {
	path := os.Getenv(envAppenderDB)
	if path == "" {
		t.Skip("the child process of TestSIGKILLLosesNoAcknowledgedEvent")
	}
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := bufio.NewWriterSize(os.Stdout, 64)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range crashProjects {
		wg.Go(func() {
			p := fmt.Sprintf("crash-%d", w)
			for v := int64(1); v <= crashEvents/crashProjects; v++ {
				e := testEvents(p, v, v)
				if _, err := s.Append(ctx, v-1, e, lifecycle.Summary{Name: p, Unit: "u", Kind: "k", State: "s", UpdatedAt: e[0].At}); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
				mu.Lock()
				fmt.Fprintf(out, "ack %s %d\n", p, v)
				out.Flush()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	fmt.Fprintln(out, "done")
	out.Flush()
	os.Exit(0)
}

// TestSIGKILLLosesNoAcknowledgedEvent kills a child appending through the
// group commit of either store: no acknowledged event is lost, the chain
// verifies, and the feed (on PostgreSQL positioned after commit, by the
// sequencer of whichever instance runs next) holds every stored event
// once.
func TestSIGKILLLosesNoAcknowledgedEvent(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process; skipped with -short")
	}
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) { testSIGKILL(t, d.dsn(t)) })
	}
}

func testSIGKILL(t *testing.T, path string) {
	// The child is killed once killAfter appends are acknowledged, or when
	// the deadline passes, whichever comes first.
	const killAfter = 3000
	deadline := time.Now().Add(20 * time.Second)

	// On PostgreSQL the child's connections carry a name of their own, so
	// that the check below can wait for its server processes to end.
	child, pg := path, dialectOf(path) == Postgres
	name := fmt.Sprintf("govit-crash-child-%d-%d", os.Getpid(), time.Now().UnixNano())
	if pg {
		u, err := url.Parse(path)
		require.NoError(t, err)
		q := u.Query()
		q.Set("application_name", name)
		u.RawQuery = q.Encode()
		child = u.String()
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChildAppender$", "-test.count=1")
	cmd.Env = append(os.Environ(), envAppenderDB+"="+child)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	acked := map[string]int64{}
	n, killed, done := 0, false, false
	timer := time.AfterFunc(time.Until(deadline), func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if line == "done" {
			done = true
			continue
		}
		rest, ok := strings.CutPrefix(line, "ack ")
		if !ok {
			continue
		}
		p, vs, _ := strings.Cut(rest, " ")
		v, err := strconv.ParseInt(vs, 10, 64)
		require.NoError(t, err, line)
		require.Equal(t, acked[p]+1, v, "acknowledged in order")
		acked[p] = v
		n++
		if n == killAfter && !killed {
			// SIGKILL on Unix: no deferred function, no flush, no close.
			require.NoError(t, cmd.Process.Kill())
			killed = true
		}
	}
	err = cmd.Wait()
	t.Logf("child acknowledged %d appends (killed: %v, finished: %v, exit: %v)", n, killed, done, err)
	require.Positive(t, n, "the child acknowledged nothing")
	if !done {
		require.Error(t, err, "the child was killed")
	}

	s := open(t, path)
	if pg {
		// A batch the child had sent whole before it died still runs to
		// its commit in the server process that took it: wait for those
		// to end, so that what is read below stays as it is.
		require.Eventually(t, func() bool {
			var n int
			err := s.DB().QueryRowContext(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, name).Scan(&n)
			return err == nil && n == 0
		}, 30*time.Second, 20*time.Millisecond, "the killed child's server processes end")
	}
	total := 0
	for p, v := range acked {
		evs, err := s.Load(t.Context(), p)
		require.NoError(t, err)
		// Every acknowledged version is there; at most the one append of
		// the project in flight at the kill may be there too,
		// unacknowledged.
		require.GreaterOrEqual(t, int64(len(evs)), v, "project %s lost acknowledged events", p)
		require.LessOrEqual(t, int64(len(evs)), v+1, "project %s", p)
		for i, e := range evs {
			require.Equal(t, int64(i+1), e.Version)
		}
		want := testEvents(p, 1, v)
		assertEventsEqualNoSeq(t, want, evs[:v])
		total += len(evs)
	}
	assert.LessOrEqual(t, total, n+crashProjects)
	rep, err := s.Verify(t.Context(), "")
	require.NoError(t, err)
	assert.True(t, rep.OK(), "chain after SIGKILL: %v", rep.Break)
	assert.EqualValues(t, total, rep.Events)

	feed, _ := feedFrom(t, s, "")
	require.Len(t, feed, total, "every stored event in the feed")
	for i, fe := range feed {
		require.EqualValues(t, i+1, fe.Position)
	}

	// And the store takes appends again where it stopped.
	for p := range acked {
		evs, err := s.Load(t.Context(), p)
		require.NoError(t, err)
		cur := int64(len(evs))
		_, err = s.Append(t.Context(), cur, testEvents(p, cur+1, cur+1), lifecycle.Summary{})
		require.NoError(t, err)
	}
}

func assertEventsEqualNoSeq(t *testing.T, want, got []lifecycle.Event) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := lifecycle.CopyEvent(want[i]), got[i]
		g.Seq = 0
		require.True(t, w.At.Equal(g.At), "version %d at", w.Version)
		g.At = w.At
		require.Equal(t, w, g)
	}
}
