package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/blobstore"
	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/document/doctest"
	"github.com/govit-cn/govit/lifecycle"
)

// uploadRequest builds a document upload of slot and file.
func uploadRequest(t testing.TB, url, token, id, slot, name string, file []byte) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(t, mw.WriteField("slot", slot))
	w, err := mw.CreateFormFile("file", name)
	require.NoError(t, err)
	w.Write(file)
	require.NoError(t, mw.Close())
	r, err := http.NewRequest(http.MethodPost, url+"/v1/projects/"+id+"/documents", &buf)
	require.NoError(t, err)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}

func declareOver(t testing.TB, url, token string) string {
	r, err := http.NewRequest(http.MethodPost, url+"/v1/projects", strings.NewReader(declarationBody("学籍平台")))
	require.NoError(t, err)
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out struct {
		Project struct{ ID string } `json:"project"`
	}
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out.Project.ID
}

// TestDocumentsOverTheServer: the reference server keeps documents in
// govit-blobs beside the SQLite file; verify re-hashes them and names a
// changed one by project and slot.
func TestDocumentsOverTheServer(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir)
	token := srv.exports["TOKEN_UNIT"]
	id := declareOver(t, srv.url, token)
	pdf := doctest.PDF(doctest.Outline2(), 100)
	resp, err := http.DefaultClient.Do(uploadRequest(t, srv.url, token, id, "requirement_spec", "spec.pdf", pdf))
	require.NoError(t, err)
	var filed struct {
		Document document.Version `json:"document"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&filed))
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.NoError(t, srv.stop())

	var out, errOut bytes.Buffer
	require.NoError(t, runVerify(context.Background(), []string{"-db", filepath.Join(dir, "govit.db")}, &out, &errOut), "%s%s", out.String(), errOut.String())
	assert.Contains(t, out.String(), "checked 1 documents of 1 projects: 0 changed or missing")

	blob := filepath.Join(dir, blobsDirName, filepath.FromSlash(filed.Document.Digest.Key()))
	require.NoError(t, os.Chmod(blob, 0o600))
	require.NoError(t, os.WriteFile(blob, append(pdf[:len(pdf)-1], 'x'), 0o600))
	out.Reset()
	err = runVerify(context.Background(), []string{"-db", filepath.Join(dir, "govit.db")}, &out, &errOut)
	require.Error(t, err)
	assert.Contains(t, out.String(), "FIXITY "+id+" requirement_spec v1: file changed")
}

// The child of TestSIGKILLMidUploadLeavesNoDanglingEvent: the reference
// server, run until it is killed.
func TestSIGKILLChildServer(t *testing.T) {
	dir, db := os.Getenv("GOVIT_SIGKILL_CHILD_DIR"), os.Getenv("GOVIT_SIGKILL_CHILD_DB")
	if dir == "" || db == "" {
		t.Skip("the child process of TestSIGKILLMidUploadLeavesNoDanglingEvent")
	}
	_ = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-db", db,
		"-tokens", filepath.Join(dir, "tokens.json"), "-blobs", filepath.Join(dir, blobsDirName),
		"-log-level", "warn", "-verify-every", "0"}, os.Stdout, os.Stderr)
}

// TestSIGKILLMidUploadLeavesNoDanglingEvent kills the server (SIGKILL: no
// deferred function runs) while a document streams in: the history names
// only blobs that exist, whole, and the interrupted upload left no event.
func TestSIGKILLMidUploadLeavesNoDanglingEvent(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	for _, store := range []struct {
		name string
		db   func(t *testing.T, dir string) string
	}{
		{"sqlite", func(_ *testing.T, dir string) string { return filepath.Join(dir, "govit.db") }},
		{"postgres", func(t *testing.T, _ string) string { return sqltest.PostgresDSN(t) }},
	} {
		t.Run(store.name, func(t *testing.T) {
			dir := t.TempDir()
			sigkillMidUpload(t, dir, store.db(t, dir))
		})
	}
}

// sigkillMidUpload runs the server on db (a SQLite file or a PostgreSQL
// DSN) with its blobs in dir, kills it while an upload streams in, and
// checks that the history names only whole blobs.
func sigkillMidUpload(t *testing.T, dir, db string) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestSIGKILLChildServer$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GOVIT_SIGKILL_CHILD_DIR="+dir, "GOVIT_SIGKILL_CHILD_DB="+db)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	var url, token string
	for sc.Scan() && (url == "" || token == "") {
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
		if m := exportLine.FindStringSubmatch(sc.Text()); m != nil && m[1] == "TOKEN_UNIT" {
			token = m[2]
		}
	}
	require.NotEmpty(t, url)
	require.NotEmpty(t, token)
	go io.Copy(io.Discard, stdout)

	id := declareOver(t, url, token)
	whole := doctest.PDF(nil, 1000)
	resp, err := http.DefaultClient.Do(uploadRequest(t, url, token, id, "test_report", "a.pdf", whole))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	// A second upload that never finishes: the head of a multipart body,
	// then a few MiB of a PDF, then the server is killed.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, err := http.NewRequest(http.MethodPost, url+"/v1/projects/"+id+"/documents", pr)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
	}()
	require.NoError(t, mw.WriteField("slot", "acceptance_report"))
	fw, err := mw.CreateFormFile("file", "big.pdf")
	require.NoError(t, err)
	_, err = fw.Write(doctest.PDF(nil, 4<<20))
	require.NoError(t, err)
	staging := filepath.Join(dir, blobsDirName, "tmp")
	require.Eventually(t, func() bool {
		entries, _ := os.ReadDir(staging)
		for _, e := range entries {
			if info, err := e.Info(); err == nil && info.Size() > 1<<20 {
				return true
			}
		}
		return false
	}, 20*time.Second, 10*time.Millisecond, "the upload is being staged")
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	pw.CloseWithError(fmt.Errorf("server killed"))

	store, err := sqlstore.Open(context.Background(), db)
	require.NoError(t, err)
	defer store.Close()
	blobs, err := blobstore.OpenDir(filepath.Join(dir, blobsDirName))
	require.NoError(t, err)
	eng, err := lifecycle.New(lifecycle.Config{Store: store, Documents: &document.Ingester{Blobs: blobs}})
	require.NoError(t, err)
	rep, err := eng.VerifyDocuments(context.Background(), "")
	require.NoError(t, err)
	assert.True(t, rep.OK(), "every event names a whole blob: %+v", rep.Problems)
	assert.Equal(t, 1, rep.Files, "the interrupted upload has no event")
	events, err := store.Load(context.Background(), id)
	require.NoError(t, err)
	var filed int
	for _, e := range events {
		if e.Action == lifecycle.ActFileDocument {
			filed++
		}
	}
	assert.Equal(t, 1, filed)
}

// TestDocumentsSM3Suite: with the 国密 keyring suite the documents' digests
// are SM3 too, and verify re-hashes them with SM3.
func TestDocumentsSM3Suite(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir, "-suite", "hmac-sm3+sm2")
	token := srv.exports["TOKEN_UNIT"]
	id := declareOver(t, srv.url, token)
	resp, err := http.DefaultClient.Do(uploadRequest(t, srv.url, token, id, "test_report", "a.pdf", doctest.PDF(nil, 10)))
	require.NoError(t, err)
	var filed struct {
		Document document.Version `json:"document"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&filed))
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, document.SM3, filed.Document.Digest.Alg)
	require.NoError(t, srv.stop())
	var out, errOut bytes.Buffer
	require.NoError(t, runVerify(context.Background(), []string{"-db", filepath.Join(dir, "govit.db")}, &out, &errOut), "%s%s", out.String(), errOut.String())
	assert.Contains(t, out.String(), "checked 1 documents of 1 projects: 0 changed or missing")
}
