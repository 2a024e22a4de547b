package httpapi

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/blobstore"
	"github.com/govit-cn/govit/adapters/blobstore/blobtest"
	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/document/doctest"
	"github.com/govit-cn/govit/lifecycle"
)

// docLimit is the document size limit of the tests.
const docLimit = 256 << 10

// fakeScanner finds the EICAR test string.
type fakeScanner struct{}

func (fakeScanner) Name() string { return "fake-scanner" }
func (fakeScanner) Scan(_ context.Context, r io.Reader) (document.Verdict, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return document.Verdict{}, err
	}
	if bytes.Contains(b, []byte(doctest.EICAR)) {
		return document.Verdict{Infected: true, Signature: "Eicar-Test-Signature"}, nil
	}
	return document.Verdict{}, nil
}

// withDocuments configures the engine with an ingester over blobs.
func withDocuments(blobs document.BlobStore, tmp string) harnessOption {
	return func(lc *lifecycle.Config, c *Config) {
		lc.Documents = &document.Ingester{Blobs: blobs, Scanner: fakeScanner{}, MaxSize: docLimit, TempDir: tmp}
		c.MaxDocumentBytes = docLimit
	}
}

// multipartBody builds a multipart/form-data body of fields then a file.
func multipartBody(t testing.TB, fields [][2]string, name string, file []byte) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		require.NoError(t, mw.WriteField(f[0], f[1]))
	}
	if name != "" {
		w, err := mw.CreateFormFile("file", name)
		require.NoError(t, err)
		w.Write(file)
	}
	require.NoError(t, mw.Close())
	return buf.Bytes(), mw.FormDataContentType()
}

// upload files a document over HTTP.
func (h *harness) upload(id, token, slot, name string, file []byte, mode specMode) *reply {
	h.t.Helper()
	body, ct := multipartBody(h.t, [][2]string{{"slot", slot}}, name, file)
	return h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/documents", token: token, body: body,
		header: map[string]string{"Content-Type": ct}, mode: mode})
}

type filedView struct {
	ProjectID      string           `json:"project_id"`
	ProjectVersion int64            `json:"project_version"`
	Document       document.Version `json:"document"`
}

type blobCase struct {
	name string
	open func(t *testing.T) (document.BlobStore, func(d document.Digest))
}

// blobCases are the blob stores, each with a way to damage a blob behind
// the store's back.
var blobCases = []blobCase{
	{"dir", func(t *testing.T) (document.BlobStore, func(document.Digest)) {
		d := blobtest.Dir(t)
		return d, func(dg document.Digest) {
			p := filepath.Join(d.Root(), filepath.FromSlash(dg.Key()))
			require.NoError(t, os.Chmod(p, 0o600))
			f, err := os.OpenFile(p, os.O_WRONLY, 0)
			require.NoError(t, err)
			f.WriteAt([]byte("tampered"), 20)
			f.Close()
		}
	}},
	{"fake-s3", func(t *testing.T) (document.BlobStore, func(document.Digest)) {
		s, client := blobtest.FakeS3Client(t)
		return s, func(dg document.Digest) {
			b := []byte("tampered content")
			_, err := client.PutObject(t.Context(), blobtest.Bucket, blobtest.Prefix+dg.Key(), bytes.NewReader(b), int64(len(b)), minio.PutObjectOptions{})
			require.NoError(t, err)
		}
	}},
}

var storeCases = []struct {
	name string
	dsn  func(t testing.TB) string
}{{"sqlite", sqltest.SQLitePath}, {"postgres", sqltest.PostgresDSN}}

// TestDocuments runs the document endpoints on SQLite and PostgreSQL, with
// the blob directory and S3 (fake): a round trip byte for byte, the
// history, unit isolation, the size limit, a damaged blob caught by
// VerifyDocuments, the archive package.
func TestDocuments(t *testing.T) {
	for _, sc := range storeCases {
		for _, bc := range blobCases {
			t.Run(sc.name+"/"+bc.name, func(t *testing.T) {
				blobs, damage := bc.open(t)
				tmp := t.TempDir()
				h := newHarness(t, openStore(t, sc.dsn(t)), withDocuments(blobs, tmp))
				id, _ := h.declare(asUnitA, declaration(unitA, "学籍平台"))

				// Round trip, byte for byte.
				pdf := doctest.PDF(doctest.Outline2(), 1000)
				r := h.upload(id, asUnitA, "requirement_spec", "需求说明.pdf", pdf, conform)
				require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
				var filed filedView
				r.decode(&filed)
				v1 := filed.Document
				assert.Equal(t, 1, v1.Version)
				assert.Equal(t, document.MediaPDF, v1.MediaType)
				assert.Equal(t, int64(len(pdf)), v1.Size)
				sum := sha256.Sum256(pdf)
				assert.Equal(t, hex.EncodeToString(sum[:]), v1.Digest.Hex)
				require.NotNil(t, v1.TOC)
				assert.Equal(t, document.TOCPDFBookmarks, v1.TOC.Source)
				assert.Equal(t, documentLocation(id, "requirement_spec", 1), r.header.Get("Location"))

				r = h.get("/v1/projects/"+id+"/documents/requirement_spec/content", asUnitA)
				require.Equal(t, http.StatusOK, r.status)
				assert.True(t, bytes.Equal(pdf, r.body), "bytes differ")
				assert.Equal(t, `"`+v1.Digest.String()+`"`, r.header.Get("ETag"))
				assert.Equal(t, "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":", r.header.Get("Repr-Digest"))
				assert.Equal(t, document.MediaPDF, r.header.Get("Content-Type"))
				assert.Contains(t, r.header.Get("Content-Disposition"), "attachment")
				r = h.send(req{method: http.MethodGet, path: "/v1/projects/" + id + "/documents/requirement_spec/content", token: asUnitA,
					header: map[string]string{"If-None-Match": `"` + v1.Digest.String() + `"`}})
				assert.Equal(t, http.StatusNotModified, r.status)

				// A second version; the history keeps the first.
				docx := doctest.DOCX(doctest.Outline2())
				r = h.upload(id, asUnitA, "requirement_spec", "需求说明.docx", docx, conform)
				require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
				r = h.upload(id, asUnitA, "contract:HT-2026-001", "合同.png", doctest.PNG(), conform)
				require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
				r = h.get("/v1/projects/"+id+"/documents", asBDB)
				require.Equal(t, http.StatusOK, r.status, "%s", r.body)
				var list struct{ Items []slotView }
				r.decode(&list)
				require.Len(t, list.Items, 2)
				assert.Equal(t, "requirement_spec", list.Items[0].Slot)
				require.NotNil(t, list.Items[0].Current)
				assert.Equal(t, 2, list.Items[0].Current.Version)
				assert.Len(t, list.Items[0].Versions, 2)
				r = h.get("/v1/projects/"+id+"/documents/requirement_spec/content?version=1", asBDB)
				require.Equal(t, http.StatusOK, r.status)
				assert.True(t, bytes.Equal(pdf, r.body))

				// Unit B neither lists nor reads unit A's documents.
				assertProblem(t, h.get("/v1/projects/"+id+"/documents", asUnitB), http.StatusNotFound, "project_not_found")
				assertProblem(t, h.get("/v1/projects/"+id+"/documents/requirement_spec/content", asUnitB), http.StatusNotFound, "project_not_found")
				assertProblem(t, h.upload(id, asUnitB, "test_report", "a.pdf", pdf, conform), http.StatusNotFound, "project_not_found")
				assertProblem(t, h.send(req{method: http.MethodGet, path: "/v1/projects/" + id + "/archive.zip", token: asUnitB}), http.StatusNotFound, "project_not_found")

				// Over the limit: 413, no event, no blob, no staging file.
				before, err := h.engine.Events(t.Context(), h.bdb(), id)
				require.NoError(t, err)
				big := doctest.PDF(nil, docLimit)
				r = h.upload(id, asUnitA, "test_report", "big.pdf", big, malformed)
				assertProblem(t, r, http.StatusRequestEntityTooLarge, "document_too_large")
				after, err := h.engine.Events(t.Context(), h.bdb(), id)
				require.NoError(t, err)
				assert.Len(t, after, len(before))
				bigSum := sha256.Sum256(big)
				_, err = blobs.Stat(t.Context(), document.Digest{Alg: document.SHA256, Hex: hex.EncodeToString(bigSum[:])})
				assert.ErrorIs(t, err, document.ErrBlobNotFound)
				assertNoStaging(t, blobs, tmp)

				// The archive package, re-hashable by the receiver.
				checkPackage(t, h, id, map[string][]byte{"requirement_spec": docx, "contract:HT-2026-001": doctest.PNG()})

				// Fixity: a blob changed behind the store's back is caught.
				rep, err := h.engine.VerifyDocuments(t.Context(), "")
				require.NoError(t, err)
				require.True(t, rep.OK(), "%+v", rep.Problems)
				assert.Equal(t, 3, rep.Files)
				damage(v1.Digest)
				rep, err = h.engine.VerifyDocuments(t.Context(), "")
				require.NoError(t, err)
				require.Len(t, rep.Problems, 1)
				assert.Equal(t, id, rep.Problems[0].ProjectID)
				assert.Equal(t, "requirement_spec", rep.Problems[0].Slot)
				assert.Equal(t, 1, rep.Problems[0].Version)
				assert.Equal(t, document.FixityChanged, rep.Problems[0].Problem)
			})
		}
	}
}

// bdb is the bureau actor of the tests.
func (h *harness) bdb() lifecycle.Actor {
	return lifecycle.Actor{ID: "bdb", Unit: "渝北区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB}}
}

// assertNoStaging checks that no upload is left staged.
func assertNoStaging(t *testing.T, blobs document.BlobStore, tmp string) {
	t.Helper()
	dirs := []string{tmp}
	if d, ok := blobs.(*blobstore.Dir); ok {
		dirs = append(dirs, filepath.Join(d.Root(), "tmp"))
	}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, entries, "staging files left in %s", dir)
	}
}

// checkPackage reads the archive package and re-hashes every document
// against the manifest, the checksum list and the history.
func checkPackage(t *testing.T, h *harness, id string, want map[string][]byte) {
	t.Helper()
	r := h.send(req{method: http.MethodGet, path: "/v1/projects/" + id + "/archive.zip", token: asBDB})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "application/zip", r.header.Get("Content-Type"))
	zr, err := zip.NewReader(bytes.NewReader(r.body), int64(len(r.body)))
	require.NoError(t, err)
	read := func(name string) []byte {
		f, err := zr.Open(name)
		require.NoError(t, err, name)
		defer f.Close()
		b, err := io.ReadAll(f)
		require.NoError(t, err)
		return b
	}
	var man ArchiveManifest
	require.NoError(t, json.Unmarshal(read("manifest.json"), &man))
	assert.Equal(t, id, man.ProjectID)
	require.Len(t, man.Files, len(want))
	sums := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(read("manifest-sha256.txt")))
	for sc.Scan() {
		hexSum, path, ok := strings.Cut(sc.Text(), "  ")
		require.True(t, ok)
		sums[path] = hexSum
	}
	var events []lifecycle.Event
	require.NoError(t, json.Unmarshal(read("events.json"), &events))
	recorded := map[string]bool{}
	for _, e := range events {
		if e.Action == lifecycle.ActFileDocument {
			var rec document.Record
			require.NoError(t, json.Unmarshal(e.Payload, &rec))
			recorded[rec.Digest.String()] = true
		}
	}
	for _, f := range man.Files {
		b := read(f.Path)
		sum := sha256.Sum256(b)
		got := hex.EncodeToString(sum[:])
		assert.Equal(t, f.Digest.Hex, got, f.Path)
		assert.Equal(t, sums[f.Path], got, f.Path)
		assert.Equal(t, f.Size, int64(len(b)))
		assert.True(t, bytes.Equal(want[f.Slot], b), f.Slot)
		assert.True(t, recorded[f.Digest.String()], "the history records %s", f.Path)
		assert.NotContains(t, f.Path, ":", "portable paths")
	}
}

// TestDocumentRefusals: bad files and bad requests are clear 4xx answers
// naming the problem, and leave nothing behind.
func TestDocumentRefusals(t *testing.T) {
	blobs := blobtest.Dir(t)
	tmp := t.TempDir()
	h := newHarness(t, nil, withDocuments(blobs, tmp))
	id, _ := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	cases := []struct {
		name, slot, file string
		body             []byte
		status           int
		code             string
	}{
		{"executable", "test_report", "a.exe", append([]byte("MZ\x90\x00"), make([]byte, 100)...), http.StatusUnsupportedMediaType, "format_not_allowed"},
		{"encrypted pdf", "test_report", "a.pdf", doctest.EncryptedPDF(), http.StatusUnprocessableEntity, "pdf_encrypted"},
		{"eicar", "test_report", "a.pdf", append(doctest.PDF(nil, 0), doctest.EICAR...), http.StatusUnprocessableEntity, "virus_found"},
		{"zip path", "test_report", "a.docx", doctest.Zip(doctest.Entry{Name: "[Content_Types].xml", Body: []byte("<T/>")},
			doctest.Entry{Name: "word/document.xml", Body: []byte("<d/>")}, doctest.Entry{Name: "../../x", Body: []byte("x")}), http.StatusUnprocessableEntity, "zip_path_unsafe"},
		{"empty", "test_report", "a.pdf", nil, http.StatusUnprocessableEntity, "file_empty"},
		{"unknown slot", "tax_return", "a.pdf", doctest.PDF(nil, 0), http.StatusBadRequest, "document_slot_invalid"},
		{"contract without number", "contract", "a.pdf", doctest.PDF(nil, 0), http.StatusBadRequest, "document_slot_invalid"},
		{"expert opinion by unit", "expert_opinion", "a.pdf", doctest.PDF(nil, 0), http.StatusForbidden, "role_forbidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := assertProblem(t, h.upload(id, asUnitA, c.slot, c.file, c.body, conform), c.status, c.code)
			assert.NotEmpty(t, p.ZH)
		})
	}
	t.Run("not multipart", func(t *testing.T) {
		assertProblem(t, h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/documents", token: asUnitA, body: obj{"slot": "x"}, mode: malformed}),
			http.StatusUnsupportedMediaType, "multipart_required")
	})
	t.Run("file before slot", func(t *testing.T) {
		body, ct := multipartBody(t, nil, "a.pdf", doctest.PDF(nil, 0))
		assertProblem(t, h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/documents", token: asUnitA, body: body,
			header: map[string]string{"Content-Type": ct}, mode: malformed}), http.StatusBadRequest, "document_slot_missing")
	})
	t.Run("digest mismatch", func(t *testing.T) {
		body, ct := multipartBody(t, [][2]string{{"slot", "test_report"}, {"digest", "sha256:" + strings.Repeat("0", 64)}}, "a.pdf", doctest.PDF(nil, 0))
		assertProblem(t, h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/documents", token: asUnitA, body: body,
			header: map[string]string{"Content-Type": ct}}), http.StatusUnprocessableEntity, "digest_mismatch")
	})
	t.Run("bad digest", func(t *testing.T) {
		body, ct := multipartBody(t, [][2]string{{"slot", "test_report"}, {"digest", "md5:abc"}}, "a.pdf", doctest.PDF(nil, 0))
		assertProblem(t, h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/documents", token: asUnitA, body: body,
			header: map[string]string{"Content-Type": ct}}), http.StatusBadRequest, "invalid_parameter")
	})
	t.Run("truncated multipart", func(t *testing.T) {
		body, ct := multipartBody(t, [][2]string{{"slot", "test_report"}}, "a.pdf", doctest.PDF(nil, 0))
		assertProblem(t, h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/documents", token: asUnitA, body: body[:len(body)-30],
			header: map[string]string{"Content-Type": ct}, mode: malformed}), http.StatusBadRequest, "document_upload_incomplete")
	})
	t.Run("unknown version", func(t *testing.T) {
		assertProblem(t, h.get("/v1/projects/"+id+"/documents/test_report/content", asUnitA), http.StatusNotFound, "document_not_found")
		assertProblem(t, h.send(req{method: http.MethodGet, path: "/v1/projects/" + id + "/documents/test_report/content?version=0", token: asUnitA, mode: malformed}),
			http.StatusBadRequest, "invalid_parameter")
	})
	events, err := h.engine.Events(t.Context(), h.bdb(), id)
	require.NoError(t, err)
	assert.Len(t, events, 1, "no refused upload left an event")
	assertNoStaging(t, blobs, tmp)
	var blobsLeft int
	filepath.WalkDir(filepath.Join(blobs.Root(), "sha256"), func(_ string, e os.DirEntry, _ error) error {
		if e != nil && !e.IsDir() {
			blobsLeft++
		}
		return nil
	})
	assert.Zero(t, blobsLeft, "no refused upload left a blob")
}

// TestDocumentWithdrawal withdraws the current version over HTTP.
func TestDocumentWithdrawal(t *testing.T) {
	h := newHarness(t, nil, withDocuments(blobtest.Dir(t), t.TempDir()))
	id, _ := h.declare(asUnitA, declaration(unitA, "学籍平台"))
	for i := range 2 {
		r := h.upload(id, asUnitA, "test_report", "a.pdf", doctest.PDF(nil, i), conform)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	}
	r := h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/documents/test_report/withdrawal", token: asUnitA, body: obj{"reason": "错传"}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var v slotView
	r.decode(&v)
	require.NotNil(t, v.Current)
	assert.Equal(t, 1, v.Current.Version)
	assert.True(t, v.Versions[1].Withdrawn)
	p := assertProblem(t, h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/documents/test_report/withdrawal", token: asUnitA, body: obj{}, mode: malformed}),
		http.StatusBadRequest, "withdrawal_reason_missing")
	assert.Equal(t, []string{"reason"}, fieldsOf(p))
	assertProblem(t, h.send(req{method: http.MethodPost, path: "/v1/projects/" + id + "/documents/test_report/withdrawal", token: asUnitB, body: obj{"reason": "x"}}),
		http.StatusNotFound, "project_not_found")
	r = h.get("/v1/projects/"+id+"/events", asUnitA)
	require.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, string(r.body), `"withdraw_document"`)
	assert.Equal(t, fmt.Sprint(http.StatusOK), fmt.Sprint(h.get("/v1/projects/"+id, asUnitA).status), "a project with documents conforms")
}
