// Package adapters holds what connects the rules of 渝北府办发〔2019〕26号,
// which live in the domain packages (calendar, review, change, lifecycle),
// to the world outside: storage and transport. Adapters are thin: no rule
// of the measure lives here, and no domain package imports an adapter.
//
//   - adapters/httpapi serves the lifecycle engine over HTTP (net/http).
//   - adapters/sqlstore keeps projects' events in SQLite (embedded, the
//     default) or PostgreSQL, with a hash chain that Verify checks; its
//     sqltest package gives tests an isolated database of either kind.
//
// The in-memory store is lifecycle.NewMemoryStore; any store, ours or an
// embedder's, proves itself with the suite of lifecycle/storetest.
//
// The test in this package enforces the module's dependency direction,
//
//	calendar, review → change → lifecycle → adapters → examples
//
// and that no domain package imports an adapter, net/http or database/sql.
package adapters
