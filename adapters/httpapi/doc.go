// Package httpapi is the reference REST API over a lifecycle.Engine: the
// process of 渝北府办发〔2019〕26号 (《重庆市渝北区政务信息化项目管理暂行办法》)
// over HTTP, for an OA system or a developer with curl. No rule lives here:
// the package authenticates, decodes, translates refusals into HTTP and
// encodes; every decision is the engine's, with the article that makes it.
//
// The OpenAPI 3 document served at /openapi.json (OpenAPI) is the contract;
// tests validate every request and response they make against it. It is
// generated: each action is an operation of its own
// (POST /v1/projects/{id}/actions/sign_contract is signContract) whose
// request schema is reflected from the action's Go payload type
// (lifecycle.PayloadType), completing the hand-written openapi.base.json;
// the portfolio's routes (adapters/portfolio) are described too, tagged
// portfolio. Each field error of a problem names its member as field
// (contract.amount) and, for a member of the body, as an RFC 6901 pointer
// (/contract/amount).
//
// # Endpoints
//
//	GET  /openapi.json                          this API's OpenAPI 3 document
//	GET  /healthz                               liveness
//	GET  /readyz                                readiness (Config.Ready: the store is reachable)
//	GET  /metrics                               Prometheus text format, from the server's own registry
//	POST /v1/projects                           declare (附件1; 第五条, 第六条): 201, Location, ETag
//	GET  /v1/projects                           summaries: state, kind, unit, overdue, cursor, limit
//	GET  /v1/projects/{id}                      the project and the actions the caller may take ("permitted")
//	POST /v1/projects/{id}/actions/{action}     an action of the specification; If-Match required
//	GET  /v1/projects/{id}/events               the history, paged: action, after, limit
//	GET  /v1/projects/{id}/obligations          duties and deadlines (第五条, 第十二条, 第十五条); as_of
//	GET  /v1/obligations                        duties across projects: status, due_before, as_of
//	POST /v1/changes/assess                     dry run of the 10% rule (第十一条)
//	POST /v1/declarations/overlaps              existing projects a declaration may duplicate (第四条); warnings only
//	GET  /v1/calendar/deadline                  N working days from a date (from, workdays)
//	GET  /v1/calendar/days/{date}               whether a date is a working day, and why
//	GET  /v1/rulebook                           the rulebook in force on a date (on; 第二十条)
//
// A project holds only the latest lifecycle.ListWindow (20) of its
// supervision records, audits, security opinions and acceptances, with
// each list's total (supervision_total, audits_total, …), so that a
// project with a long history reads and acts as fast as a young one; the
// whole of such a list is its events, paged by action
// (/v1/projects/{id}/events?action=audit).
//
// Every /v1 endpoint needs "Authorization: Bearer <token>". An Authenticator
// maps a request to a lifecycle.Actor {id, unit, roles}; the built-in
// TokenAuthenticator keeps only SHA-256 hashes of its tokens, looks a token
// up by its hash and confirms the match in constant time. An embedder
// plugs in its own (an OA session, a JWT). A unit sees and acts on its own
// projects only; the bureaus read every project.
//
// # Versions and retries
//
// A project's ETag is its version, strong: "v<version>". An action needs
// If-Match with the ETag the caller read: without it 428, with another
// version 412 (checked against the version the engine reads, before it
// decides; one tag needs no read of its own). A concurrent change that
// wins between that read and the append gives 409. GET of a project
// honours If-None-Match (304).
//
// POST /v1/projects and actions honour Idempotency-Key: the same key with
// the same request (same actor, method, path and body) replays the stored
// response with Idempotent-Replayed: true, even when the project has moved
// on since (so a retry after a lost response does not get 412); the same key
// with another request is 422 (idempotency_key_reused); while the first
// request runs, 409 (idempotency_key_in_flight). Keys are kept per actor
// by the store (lifecycle.KeyStore: the memory and SQL stores), so a retry
// after a restart, or on another instance on the same database, gets the
// first answer; the event a request appends is recorded with its key in
// the append's own transaction, so a retry after a crash between the
// commit and the answer gets the answer rebuilt from that event, and
// nothing is done twice. Keys expire after Config.IdempotencyTTL (24
// hours); the responses kept are bounded by Config.IdempotencyBytes (64
// MiB, the oldest dropped first). Answers that depend on timing (409, 412,
// 428) or are failures (5xx) are not kept.
//
// # Errors
//
// Every error is an RFC 9457 problem (application/problem+json): type
// (urn:govit:problem:<code>), title, status, detail, and the members code
// (stable, snake_case), article, zh, en, guard and errors (the field
// errors: field, code, article, zh, en). One table maps refusals to status:
//
//	400  malformed input: bad JSON, a NUL character in a string, an unknown
//	     or mistyped field, a bad date, query parameter or page cursor, an
//	     unknown action (lifecycle.KindInvalid); errors names each field
//	401  no valid bearer token (WWW-Authenticate: Bearer)
//	403  the caller's roles may not take the action (lifecycle.KindForbidden)
//	404  no such project, or one the caller's unit may not see: the two
//	     answers are identical (lifecycle.KindNotFound)
//	405  a method the path does not serve (Allow lists those it does)
//	409  a concurrent change won (lifecycle.KindConflict), or the
//	     Idempotency-Key's first request is still running
//	412  If-Match is not the project's current ETag
//	413  the body exceeds Config.MaxBodyBytes (1 MiB by default)
//	415  the body is not JSON
//	422  the measure refuses (lifecycle.KindRefused: a guard, a state, the
//	     scope of 第二条, 第十九条), the Idempotency-Key was used for another
//	     request, or a deadline needs a year whose holiday schedule is not
//	     published (calendar.ErrYearNotPublished)
//	428  If-Match is missing
//	500  a bug: logged with its stack; the body says nothing more; or a
//	     stored history that cannot be read back (lifecycle.KindCorrupt,
//	     code history_corrupt), logged as an error: a retry meets it again
//	503  the store failed or was cut short (lifecycle.KindUnavailable), the
//	     authenticator failed, /readyz is not ready, every request slot is
//	     taken (overloaded, Config.MaxInFlight), the request outlived
//	     Config.RequestTimeout (deadline_exceeded) or the overlap checks
//	     are busy (overlap_checks_busy); every 503 carries Retry-After
//
// Bad input never produces a 5xx.
//
// # Metrics
//
// /metrics serves the server's own Prometheus registry (or
// Config.Registry), never the process-wide default one:
// govit_http_requests_total and govit_http_request_duration_seconds by
// route pattern, method and status code; govit_http_requests_in_flight;
// govit_actions_total by action and outcome (ok, invalid, unauthenticated,
// forbidden, not_found, conflict, precondition_failed, refused, error).
package httpapi
