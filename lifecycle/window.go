package lifecycle

// ListWindow is how many of the latest entries the fold keeps of each
// list that no rule reads in full: the supervision records (第十三条), the
// audits (第十六条), the security opinions (第三条) and the acceptances
// (第十四条). Each such list in Project holds at most ListWindow entries,
// oldest first, and its total (SupervisionTotal, AuditsTotal,
// SecurityOpinionsTotal, AcceptancesTotal) counts every entry ever
// recorded; the earlier ones stay in the history, read a page at a time
// by action (Engine.EventsPageOf with EventFilter.Actions). So the fold,
// and every read and append that carries it, has a size bounded whatever
// the length of the history.
//
// What the rules do read stays whole: the contracts (第十二条 filings,
// 第十三条 terminations, the contract sum against the approved investment,
// the contract IDs of 第十四条 and 第十五条), the changes (第十一条 is
// cumulative since the latest approval), the budget years (第五条). Of the
// acceptances the rules need only the latest (the pending one) and the
// first passed one, whose date (AcceptedAt) starts the archive of 第十五条.
//
// ListWindow is a constant of the package, not a setting of an Engine:
// the fold is a function of the history alone, so that every engine over
// one store (several server instances on one PostgreSQL) keeps and reads
// the same folds. 20 is a screenful of each list's latest entries on the
// console's project page, and keeps the fold of a history of any length
// within a small factor of a young project's (1.4× at 10,000 events in
// BENCHMARKS.md). Changing ListWindow changes the fold's shape:
// snapshotFormat changes with it, so that kept folds of another window are
// rebuilt by replay.
const ListWindow = 20

// keepLatest appends x to s and keeps the latest ListWindow entries.
// owned says that s is the caller's alone (a replay's own fold): then a
// full window is shifted in place. Otherwise s may share its array with
// another project's fold (see clone), so a full window is copied first;
// below the window, append reallocates a clipped list.
func keepLatest[T any](s []T, x T, owned bool) []T {
	if len(s) < ListWindow {
		return append(s, x)
	}
	if owned {
		n := copy(s, s[len(s)-ListWindow+1:])
		s = s[:n+1]
		s[n] = x
		return s
	}
	out := make([]T, ListWindow)
	n := copy(out, s[len(s)-ListWindow+1:])
	out[n] = x
	return out
}

// windowCap is the capacity a replay reserves for a windowed list of n
// entries.
func windowCap(n int) int { return min(n, ListWindow) }
