package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Defaults of Config.
const (
	DefaultMaxAttempts = 20
	DefaultLease       = time.Minute
	DefaultPoll        = 500 * time.Millisecond
	DefaultBatch       = 32
	DefaultTimeout     = 10 * time.Second
)

// Config configures a Dispatcher. Store and Allowed are required.
type Config struct {
	Store Store
	// Allowed are the hosts deliveries may go to; checked again before
	// every attempt, so narrowing it stops deliveries to hosts left out
	// (they fail without being sent).
	Allowed Hosts
	// Client sends; nil means a client with DefaultTimeout that follows
	// no redirect (a redirect could lead off the allowed hosts).
	Client *http.Client
	// Clock gives the time; nil means time.Now.
	Clock func() time.Time
	// Logger receives a record per attempt; nil discards.
	Logger *slog.Logger
	// Backoff is the wait after the attempt-th failed attempt; nil means
	// one second doubled each time, at most an hour.
	Backoff func(attempt int) time.Duration
	// MaxAttempts gives up on a delivery (status failed) after so many
	// attempts; 0 means DefaultMaxAttempts.
	MaxAttempts int
	// Lease is how long a claimed delivery is this dispatcher's: past it,
	// a delivery whose sender died is claimed again. It must exceed the
	// client's timeout. 0 means DefaultLease.
	Lease time.Duration
	// Poll is how often the outbox is looked at when idle; 0 means
	// DefaultPoll. Wake, if set, ends a wait early (e.g. the store's
	// FeedChanged after an append in this process).
	Poll time.Duration
	Wake func() <-chan struct{}
	// Batch caps the deliveries claimed at once; 0 means DefaultBatch.
	Batch int
}

// Dispatcher sends the outbox's deliveries. Run one (or more) per
// process; several processes may share one database.
type Dispatcher struct {
	cfg Config
}

// New builds a Dispatcher.
func New(cfg Config) (*Dispatcher, error) {
	if cfg.Store == nil {
		return nil, errors.New("webhook: Config.Store is required")
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{
			Timeout:       DefaultTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Backoff == nil {
		cfg.Backoff = func(attempt int) time.Duration {
			d := time.Second << min(attempt-1, 12)
			return min(d, time.Hour)
		}
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	return &Dispatcher{cfg: cfg}, nil
}

// Run sends deliveries until ctx ends. A failure of the store is logged
// and retried after a poll interval.
func (d *Dispatcher) Run(ctx context.Context) error {
	for {
		var wake <-chan struct{}
		if d.cfg.Wake != nil {
			wake = d.cfg.Wake()
		}
		n, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.cfg.Logger.WarnContext(ctx, "webhook: outbox unavailable", "error", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if n > 0 && err == nil {
			continue // more may be waiting
		}
		t := time.NewTimer(d.cfg.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunOnce claims the deliveries due now, sends them (those of different
// projects at once) and records each outcome. It returns how many it
// claimed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	claimed, err := d.cfg.Store.Claim(ctx, token, d.cfg.Clock(), d.cfg.Lease, d.cfg.Batch)
	if err != nil {
		return 0, err
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for _, c := range claimed {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := d.send(ctx, c)
			if err := d.cfg.Store.Settle(context.WithoutCancel(ctx), c, o); err != nil {
				mu.Lock()
				first = cmpOr(first, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return len(claimed), first
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// send makes one attempt.
func (d *Dispatcher) send(ctx context.Context, c Claimed) Outcome {
	attempt := c.Attempts + 1
	fail := func(status int, reason string) Outcome {
		now := d.cfg.Clock()
		o := Outcome{Status: status, Error: reason, At: now}
		if attempt < d.cfg.MaxAttempts {
			o.Retry = now.Add(d.cfg.Backoff(attempt))
		}
		d.cfg.Logger.InfoContext(ctx, "webhook: attempt failed", "delivery", c.ID, "webhook", c.HookID,
			"event", c.EventID, "attempt", attempt, "status", status, "error", reason, "retry", o.Retry)
		return o
	}
	if _, err := d.cfg.Allowed.CheckURL(c.URL); err != nil {
		return fail(0, err.Error())
	}
	body, err := json.Marshal(Message{EventID: c.EventID, Delivery: c.ID, FeedEvent: c.Event})
	if err != nil {
		return fail(0, "encode: "+err.Error())
	}
	now := d.cfg.Clock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return fail(0, err.Error())
	}
	ts := now.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "govit-webhook/1")
	req.Header.Set("Govit-Event-Id", c.EventID)
	req.Header.Set("Govit-Delivery", strconv.FormatInt(c.ID, 10))
	req.Header.Set("Govit-Attempt", strconv.Itoa(attempt))
	req.Header.Set("Govit-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("Govit-Signature", Sign(c.Secret, ts, body))
	resp, err := d.cfg.Client.Do(req)
	if err != nil {
		return fail(0, err.Error())
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fail(resp.StatusCode, fmt.Sprintf("the receiver answered %d", resp.StatusCode))
	}
	at := d.cfg.Clock()
	d.cfg.Logger.InfoContext(ctx, "webhook: delivered", "delivery", c.ID, "webhook", c.HookID, "event", c.EventID, "attempt", attempt)
	return Outcome{Delivered: true, Status: resp.StatusCode, At: at}
}
