// Package web is a server-rendered console over the lifecycle engine of
// 渝北府办发〔2019〕26号, for the clerks of the declaring units and the bureaus
// of 第三条: sign-in with a token, a to-do list, the project list with
// filters, the project page (the 附件1 facts, the budget by funding source,
// the lifecycle diagram, the timeline with the hash chain's verification,
// the obligations with their working-day explanation, a form for every
// permitted action), the declaration form laid out like 附件1, the change
// form with its 第十一条 preview, and a working-day calculator.
//
// The console is an http.Handler built with html/template; its stylesheet,
// script and templates are embedded, so nothing is fetched from elsewhere
// and there is no build step. Pages are readable without JavaScript; the
// script only adds the declaration form's running total.
//
// Security:
//   - Sign-in takes a token of the API's Authenticator and gives a session
//     cookie (HttpOnly, SameSite=Strict, Secure under TLS) with an idle and
//     an absolute expiry; sign-out ends the session.
//   - Every POST carries a per-session CSRF token and passes
//     net/http's CrossOriginProtection.
//   - The Content-Security-Policy allows scripts, styles and images from the
//     console's own origin only, with no inline script.
//   - Every read and every action goes through the Engine with the signed-in
//     Actor, so the console sees and does exactly what the API would: a unit
//     never sees another unit's project.
//
// Forms are generated from the Go types of the action payloads (see
// payloadType), the types the engine reads them into, and the engine's
// findings are shown next to the field they name.
package web
