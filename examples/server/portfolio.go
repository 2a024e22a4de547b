package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"github.com/govit-cn/govit/adapters/httpapi"
	"github.com/govit-cn/govit/adapters/portfolio"
	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/adapters/webhook"
	"github.com/govit-cn/govit/lifecycle"
)

// withPortfolio serves the portfolio endpoints (statistics, exports, the
// event feed, webhooks) beside next, and, when dispatch is set, sends the
// webhooks' deliveries in bg until ctx ends.
func withPortfolio(ctx context.Context, bg *sync.WaitGroup, next http.Handler, engine *lifecycle.Engine, auth httpapi.Authenticator,
	store *sqlstore.Store, logger *slog.Logger, hosts webhook.Hosts, dispatch bool) (http.Handler, error) {
	h, err := portfolio.New(portfolio.Config{Engine: engine, Auth: auth, Webhooks: store, WebhookHosts: hosts, Logger: logger})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	h.Register(mux)
	mux.Handle("/", next)
	if dispatch {
		d, err := webhook.New(webhook.Config{Store: store, Allowed: hosts, Logger: logger, Wake: store.FeedChanged})
		if err != nil {
			return nil, err
		}
		bg.Go(func() { _ = d.Run(ctx) })
	}
	return mux, nil
}
