package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
)

// child is the server run as a process of its own (main, in the test
// binary; see TestMain), to be killed and started again.
type child struct {
	cmd    *exec.Cmd
	url    string
	tokens map[string]string
}

// startChild starts a child server and waits until it listens.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	enc, err := json.Marshal(append([]string{"-addr", "127.0.0.1:0", "-log-level", "error", "-verify-every", "0", "-request-timeout", "5s"}, args...))
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), mainChild+"="+string(enc))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	c := &child{cmd: cmd, tokens: map[string]string{}}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if m := listening.FindStringSubmatch(line); m != nil {
			c.url = m[1]
		}
		if m := exportLine.FindStringSubmatch(line); m != nil {
			c.tokens[m[1]] = m[2]
		}
		if strings.HasPrefix(line, "API description") {
			break
		}
	}
	require.NotEmpty(t, c.url, "the child did not start")
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return c
}

// keyedDeclare sends a declaration under an Idempotency-Key and returns
// the status and the project ID (empty when no answer came).
func keyedDeclare(client *http.Client, url, token, key, body string) (int, string, error) {
	req, err := http.NewRequest(http.MethodPost, url+"/v1/projects", strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var v struct {
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	_ = json.Unmarshal(data, &v)
	return resp.StatusCode, v.Project.ID, nil
}

// TestSIGKILLWithIdempotentRetries kills the server while keyed
// declarations stream in, restarts it on the same database and retries
// every request with its key: each acknowledged request gets its original
// answer, every other one is done at most once, and nothing is done twice.
func TestSIGKILLWithIdempotentRetries(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns server processes; skipped with -short")
	}
	for _, d := range []struct {
		name string
		args func(t *testing.T, dir string) []string
	}{
		{"sqlite", func(_ *testing.T, dir string) []string { return []string{"-db", filepath.Join(dir, "govit.db")} }},
		{"postgres", func(t *testing.T, dir string) []string {
			return []string{"-db", sqltest.PostgresDSN(t), "-tokens", filepath.Join(dir, "tokens.json")}
		}},
	} {
		t.Run(d.name, func(t *testing.T) {
			dir := t.TempDir()
			args := d.args(t, dir)
			first := startChild(t, args...)
			token := first.tokens["TOKEN_UNIT"]
			require.NotEmpty(t, token)
			client := &http.Client{Timeout: 30 * time.Second}

			const n = 60
			body := func(i int) string { return declarationBody(fmt.Sprintf("断电测试项目%03d", i)) }
			var (
				mu    sync.Mutex
				acked = map[int]string{}
				wg    sync.WaitGroup
				next  = make(chan int)
			)
			for range 4 {
				wg.Go(func() {
					for i := range next {
						status, id, err := keyedDeclare(client, first.url, token, fmt.Sprint("kill-", i), body(i))
						if err == nil && status == http.StatusCreated {
							mu.Lock()
							acked[i] = id
							mu.Unlock()
						}
					}
				})
			}
			killed := false
			for i := range n {
				next <- i
				mu.Lock()
				enough := len(acked) >= n/3
				mu.Unlock()
				// Killed once a third is acknowledged, or two thirds sent
				// on a machine too slow to acknowledge them.
				if (enough || i >= 2*n/3) && !killed {
					require.NoError(t, first.cmd.Process.Kill()) // SIGKILL
					killed = true
				}
			}
			close(next)
			wg.Wait()
			_ = first.cmd.Wait()
			require.True(t, killed, "the server was killed mid-stream")
			require.Less(t, len(acked), n, "some requests got no answer")

			again := startChild(t, args...)
			answers := map[int]string{}
			for i := range n {
				// A request cut by the kill holds its key until its lease
				// (twice the request timeout) passes: 409 with Retry-After
				// until then.
				var (
					status int
					id     string
					err    error
				)
				for deadline := time.Now().Add(60 * time.Second); ; {
					status, id, err = keyedDeclare(client, again.url, token, fmt.Sprint("kill-", i), body(i))
					require.NoError(t, err)
					if status != http.StatusConflict || time.Now().After(deadline) {
						break
					}
					time.Sleep(200 * time.Millisecond)
				}
				require.Equal(t, http.StatusCreated, status, "retry of request %d", i)
				if want, ok := acked[i]; ok {
					assert.Equal(t, want, id, "request %d was acknowledged: its retry gets its original answer", i)
				}
				answers[i] = id
			}
			// A second round of retries changes nothing.
			for i := range n {
				_, id, err := keyedDeclare(client, again.url, token, fmt.Sprint("kill-", i), body(i))
				require.NoError(t, err)
				assert.Equal(t, answers[i], id)
			}
			// Every request was done exactly once.
			req, err := http.NewRequest(http.MethodGet, again.url+"/v1/projects?limit=500", nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			var list struct {
				Items []struct {
					ProjectID string `json:"project_id"`
				} `json:"items"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
			seen := map[string]bool{}
			for _, it := range list.Items {
				seen[it.ProjectID] = true
			}
			assert.Len(t, list.Items, n, "one project per key, none twice")
			for i, id := range answers {
				assert.True(t, seen[id], "request %d's project is stored", i)
			}
		})
	}
}
