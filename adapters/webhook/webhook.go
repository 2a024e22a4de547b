// Package webhook delivers govit's events to the HTTP endpoints that OA
// systems register, reliably: each delivery is written to an outbox in the
// transaction that appends its event (so an acknowledged event is never
// lost, whatever happens to the process after the commit), sent with an
// HMAC-SHA256 signature and the event's ID for de-duplication, retried
// with exponential backoff until the receiver answers 2xx, at least once
// and in order per project. Several server instances on one database
// share the work: a Dispatcher claims deliveries with a lease (on
// PostgreSQL under FOR UPDATE SKIP LOCKED), so each is sent by one
// instance at a time.
//
// The outbox lives in the store (adapters/sqlstore implements Store); the
// Dispatcher sends.
//
// # What a receiver gets
//
// A POST with Content-Type application/json and the body of Message,
// and these headers:
//
//	Govit-Event-Id:   <project_id>/<version>    the event's identity; de-duplicate on it
//	Govit-Delivery:   <delivery id>
//	Govit-Attempt:    1, 2, …
//	Govit-Timestamp:  <unix seconds when sent>
//	Govit-Signature:  sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>
//
// Any 2xx is success; anything else (or no answer within the timeout) is
// retried. Redirects are not followed.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/govit-cn/govit/lifecycle"
)

// Hook is a registered webhook: where an actor's events go.
type Hook struct {
	ID string `json:"id"`
	// Actor registered the hook; it receives the events this actor may
	// see (a bureau every project's, a unit its own projects').
	Actor lifecycle.Actor `json:"-"`
	URL   string          `json:"url"`
	// Secret keys the signature; never shown after registration.
	Secret    string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// The statuses of a delivery.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusFailed    = "failed" // given up after MaxAttempts
)

// Delivery is one event on its way to one hook.
type Delivery struct {
	ID     int64  `json:"id"`
	HookID string `json:"webhook_id"`
	// Position is the event's place in the feed (lifecycle.FeedEvent).
	Position    int64     `json:"position"`
	ProjectID   string    `json:"project_id"`
	EventID     string    `json:"event_id"`
	Status      string    `json:"status"`
	Attempts    int       `json:"attempts"`
	NextAt      time.Time `json:"next_attempt_at,omitzero"`
	LastStatus  int       `json:"last_status,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
}

// Claimed is a delivery a dispatcher holds the lease of, with what it
// needs to send it.
type Claimed struct {
	Delivery
	URL    string
	Secret string
	Event  lifecycle.FeedEvent
	// Lease identifies this claim; Settle applies only under it.
	Lease string
}

// Outcome is the result of one attempt.
type Outcome struct {
	Delivered bool
	// Status is the receiver's HTTP status (0 when it did not answer).
	Status int
	Error  string
	// Retry is when to try again; zero with Delivered false means give up.
	Retry time.Time
	At    time.Time
}

// Store keeps hooks and the outbox. Deliveries are created by the store
// itself, in the transaction of each append, for every hook whose actor
// may see the event.
type Store interface {
	// CreateHook registers h (ID, actor, URL and secret set).
	CreateHook(ctx context.Context, h Hook) error
	// Hook returns a hook; lifecycle.ErrNotFound when there is none.
	Hook(ctx context.Context, id string) (Hook, error)
	// Deliveries lists a hook's deliveries after the given ID, oldest
	// first.
	Deliveries(ctx context.Context, hookID string, after int64, limit int) ([]Delivery, error)
	// Claim leases, until now+lease, up to n pending deliveries that are
	// due and not leased, each the earliest pending delivery of its hook
	// and project, under the lease token.
	Claim(ctx context.Context, token string, now time.Time, lease time.Duration, n int) ([]Claimed, error)
	// Settle records an attempt's outcome and ends the lease, if the
	// lease is still the claim's.
	Settle(ctx context.Context, c Claimed, o Outcome) error
}

// EventID is the identity of an event across deliveries and retries:
// "<project_id>/<version>".
func EventID(projectID string, version int64) string {
	return projectID + "/" + strconv.FormatInt(version, 10)
}

// Message is the body of a delivery.
type Message struct {
	EventID  string `json:"event_id"`
	Delivery int64  `json:"delivery"`
	lifecycle.FeedEvent
}

// Sign is the value of the Govit-Signature header for body sent at
// timestamp (unix seconds): sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">.
func Sign(secret string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestamp, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a Govit-Signature header against body and timestamp, in
// constant time; receivers call it (and should refuse old timestamps).
func Verify(secret string, timestamp int64, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature))
}

// ErrHostNotAllowed is the error of a URL whose host the operator has not
// allowed.
var ErrHostNotAllowed = errors.New("webhook: host not allowed")
