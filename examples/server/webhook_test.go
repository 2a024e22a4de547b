package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/adapters/webhook"
	"github.com/govit-cn/govit/lifecycle/storetest"
)

func (p *child) post(t *testing.T, path, token string, body any) (int, []byte) {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest("POST", p.url+path, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// TestWebhookDeliveredAfterSIGKILL: the server acknowledges a declaration
// (its event committed with the webhook's delivery in the outbox) and is
// killed with SIGKILL before sending it — the first server runs without a
// dispatcher, so nothing is sent before the kill. A server started again on
// the same database delivers the event.
func TestWebhookDeliveredAfterSIGKILL(t *testing.T) {
	for _, db := range []struct {
		name string
		args func(t *testing.T) []string
	}{
		{"sqlite", func(t *testing.T) []string {
			dir := t.TempDir()
			return []string{"-db", filepath.Join(dir, "govit.db")}
		}},
		{"postgres", func(t *testing.T) []string {
			dir := t.TempDir()
			return []string{"-db", sqltest.PostgresDSN(t), "-tokens", filepath.Join(dir, "tokens.json")}
		}},
	} {
		t.Run(db.name, func(t *testing.T) {
			var (
				mu  sync.Mutex
				got []http.Header
			)
			rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				got = append(got, r.Header.Clone())
				mu.Unlock()
				w.WriteHeader(http.StatusNoContent)
			}))
			defer rcv.Close()
			args := append(db.args(t), "-webhook-hosts", "127.0.0.1")

			first := startChild(t, append(args, "-webhook-dispatch=false")...)
			status, body := first.post(t, "/v1/webhooks", first.tokens["TOKEN_BDB"], map[string]string{"url": rcv.URL + "/govit", "secret": "a-secret-of-the-oa-system"})
			require.Equal(t, http.StatusCreated, status, "%s", body)
			decl := storetest.Declaration("渝北区教育委员会")
			status, body = first.post(t, "/v1/projects", first.tokens["TOKEN_UNIT"], decl)
			require.Equal(t, http.StatusCreated, status, "%s", body)
			var created struct {
				Project struct{ ID string } `json:"project"`
			}
			require.NoError(t, json.Unmarshal(body, &created))
			require.NoError(t, first.cmd.Process.Kill(), "SIGKILL")
			_ = first.cmd.Wait()
			mu.Lock()
			require.Empty(t, got, "nothing was sent before the kill")
			mu.Unlock()

			second := startChild(t, args...)
			require.Eventually(t, func() bool {
				mu.Lock()
				defer mu.Unlock()
				return len(got) > 0
			}, 20*time.Second, 20*time.Millisecond, "the acknowledged event is delivered after the restart")
			_ = second
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, webhook.EventID(created.Project.ID, 1), got[0].Get("Govit-Event-Id"))
			_, err := strconv.ParseInt(got[0].Get("Govit-Timestamp"), 10, 64)
			assert.NoError(t, err)
			assert.True(t, strings.HasPrefix(got[0].Get("Govit-Signature"), "sha256="))
		})
	}
}
