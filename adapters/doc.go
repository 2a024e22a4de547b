// Package adapters holds the thin layers that connect govit's domain
// packages (calendar, review, change, lifecycle) to the outside world: the
// SQL event stores in adapters/sqlstore (SQLite, the embedded default, and
// PostgreSQL) and the reference REST API in adapters/httpapi.
//
// No rule of 渝北府办发〔2019〕26号 lives here: an adapter translates and
// stores, and every decision is taken by the domain packages. The test in
// this package enforces the module's dependency direction:
//
//	calendar, review → change → lifecycle → adapters → examples
//
// and that no domain package imports an adapter, net/http or database/sql.
package adapters
