// Package storetest is the contract of lifecycle.Store as a test suite. Any
// store that passes Run can carry the project records of 渝北府办发〔2019〕26号
// for the engine: the in-memory store of package lifecycle, the SQLite and
// PostgreSQL stores of adapters/sqlstore, and a store an embedder brings.
//
// An embedder proves its own store with
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) lifecycle.Store {
//			s := mystore.New(…) // empty, isolated
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The suite checks: an unknown project is not found; appends succeed only
// at the project's current version (optimistic concurrency) and a
// conflicting or malformed append writes nothing; events round-trip
// exactly (payload bytes, actor, role, article, time to the microsecond);
// the global sequence increases strictly; the summary is replaced on each
// append and decimal amounts survive exactly; List filters by unit, state,
// kind, overdue date and budget year and pages by project ID in byte order
// without duplicates or misses; a lifecycle.DueLister lists the projects
// with a duty pending by due date, then project ID, and pages by position;
// a lifecycle.BackLister gives back the page before each page of List; Racers goroutines racing to append the same
// version leave exactly one winner and no lost or duplicated event; a
// cancelled context is respected.
package storetest
