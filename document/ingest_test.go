package document_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/document/doctest"
)

// memBlobs is a BlobStore in memory, for the ingester's tests.
type memBlobs struct {
	mu sync.Mutex
	m  map[document.Digest][]byte
}

func newMemBlobs() *memBlobs { return &memBlobs{m: map[document.Digest][]byte{}} }

func (s *memBlobs) Put(_ context.Context, d document.Digest, size int64, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if int64(len(b)) != size {
		return fmt.Errorf("size %d, want %d", len(b), size)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[d] = b
	return nil
}

func (s *memBlobs) Open(_ context.Context, d document.Digest) (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[d]
	if !ok {
		return nil, document.ErrBlobNotFound
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (s *memBlobs) Stat(_ context.Context, d document.Digest) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[d]
	if !ok {
		return 0, document.ErrBlobNotFound
	}
	return int64(len(b)), nil
}

func (s *memBlobs) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// eicarScanner is a fake virus scanner that finds the EICAR test string.
type eicarScanner struct{}

func (eicarScanner) Name() string { return "fake-eicar" }
func (eicarScanner) Scan(_ context.Context, r io.Reader) (document.Verdict, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return document.Verdict{}, err
	}
	if bytes.Contains(b, []byte(doctest.EICAR)) {
		return document.Verdict{Infected: true, Signature: "Eicar-Test-Signature"}, nil
	}
	return document.Verdict{}, nil
}

type brokenScanner struct{}

func (brokenScanner) Name() string { return "down" }
func (brokenScanner) Scan(context.Context, io.Reader) (document.Verdict, error) {
	return document.Verdict{}, errors.New("connection refused")
}

func slot(t *testing.T, s string) document.Slot {
	t.Helper()
	sl, err := document.ParseSlot(s)
	require.NoError(t, err)
	return sl
}

func sha(b []byte) document.Digest {
	h := sha256.Sum256(b)
	return document.Digest{Alg: document.SHA256, Hex: hex.EncodeToString(h[:])}
}

func newIngester(t *testing.T) (*document.Ingester, *memBlobs) {
	blobs := newMemBlobs()
	return &document.Ingester{Blobs: blobs, Scanner: eicarScanner{}, TempDir: t.TempDir(), MaxSize: 1 << 20}, blobs
}

func checkOf(rec []document.CheckResult, name string) document.CheckResult {
	for _, c := range rec {
		if c.Check == name {
			return c
		}
	}
	return document.CheckResult{}
}

func TestIngest_AcceptsAllowedFormats(t *testing.T) {
	cases := []struct {
		name, file, mediaType string
		body                  []byte
	}{
		{"pdf", "验收报告.pdf", document.MediaPDF, doctest.PDF(doctest.Outline2(), 0)},
		{"docx", "需求说明.docx", document.MediaDOCX, doctest.DOCX(doctest.Outline2())},
		{"ofd", "批复.ofd", document.MediaOFD, doctest.OFD(doctest.Outline2())},
		{"png", "scan.png", document.MediaPNG, doctest.PNG()},
		{"wps", "说明.wps", document.MediaWPS, append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, blobs := newIngester(t)
			rec, err := in.Ingest(t.Context(), document.Incoming{Slot: slot(t, "acceptance_report"), Name: c.file, Body: bytes.NewReader(c.body), Declared: sha(c.body)})
			require.NoError(t, err)
			assert.Equal(t, c.mediaType, rec.MediaType)
			assert.Equal(t, int64(len(c.body)), rec.Size)
			assert.Equal(t, sha(c.body), rec.Digest)
			assert.True(t, rec.Passed(), "%+v", rec.Checks)
			assert.Equal(t, document.Passed, checkOf(rec.Checks, document.CheckFixity).Status)
			assert.Equal(t, document.Passed, checkOf(rec.Checks, document.CheckVirus).Status)
			assert.Equal(t, "fake-eicar", checkOf(rec.Checks, document.CheckVirus).By)
			assert.Equal(t, document.NotChecked, checkOf(rec.Checks, document.CheckSignatures).Status)
			rc, err := blobs.Open(t.Context(), rec.Digest)
			require.NoError(t, err)
			got, _ := io.ReadAll(rc)
			assert.Equal(t, c.body, got)
		})
	}
}

// TestIngest_RequirementSpecTOC: the TOC of a requirement specification is
// read on arrival and recorded.
func TestIngest_RequirementSpecTOC(t *testing.T) {
	in, _ := newIngester(t)
	body := doctest.DOCX(doctest.Outline2())
	rec, err := in.Ingest(t.Context(), document.Incoming{Slot: slot(t, "requirement_spec"), Name: "spec.docx", Body: bytes.NewReader(body)})
	require.NoError(t, err)
	require.NotNil(t, rec.TOC)
	assert.Equal(t, document.TOCDocxHeadings, rec.TOC.Source)
	assert.Len(t, rec.TOC.Headings, len(doctest.Outline2()))
}

// TestIngest_ExtensionMismatchRecorded: a PDF named .docx is kept, the
// name check failed, so the version does not count.
func TestIngest_ExtensionMismatchRecorded(t *testing.T) {
	in, blobs := newIngester(t)
	body := doctest.PDF(nil, 0)
	rec, err := in.Ingest(t.Context(), document.Incoming{Slot: slot(t, "test_report"), Name: "report.docx", Body: bytes.NewReader(body)})
	require.NoError(t, err)
	assert.Equal(t, document.MediaPDF, rec.MediaType, "the type is sniffed, not taken from the name")
	c := checkOf(rec.Checks, document.CheckName)
	assert.Equal(t, document.Failed, c.Status)
	assert.Equal(t, "extension_mismatch", c.Code)
	assert.False(t, rec.Passed())
	assert.Equal(t, 1, blobs.len())
}

func bomb(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, err := zw.Create(name)
		require.NoError(t, err)
		w.Write([]byte("<x/>"))
	}
	w, err := zw.Create("word/media/zeros.bin")
	require.NoError(t, err)
	_, err = io.CopyN(w, zeroReader{}, int64(n))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func encryptedEntry(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Flags: 0x1})
		require.NoError(t, err)
		w.Write([]byte("<x/>"))
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestIngest_RefusesUnfitFiles: every refusal names its check and code, and
// leaves nothing in the store.
func TestIngest_RefusesUnfitFiles(t *testing.T) {
	docx := func(extra ...doctest.Entry) []byte {
		es := []doctest.Entry{{Name: "[Content_Types].xml", Body: []byte("<Types/>")}, {Name: "word/document.xml", Body: []byte("<w:document/>")}}
		return doctest.Zip(append(es, extra...)...)
	}
	cases := []struct {
		name, file, check, code string
		body                    []byte
		declared                document.Digest
	}{
		{"empty", "a.pdf", document.CheckSize, "file_empty", nil, document.Digest{}},
		{"executable", "a.pdf", document.CheckFormat, "format_not_allowed", append([]byte("MZ\x90\x00"), make([]byte, 200)...), document.Digest{}},
		{"plain zip", "a.zip", document.CheckFormat, "format_not_allowed", doctest.Zip(doctest.Entry{Name: "a.txt", Body: []byte("x")}), document.Digest{}},
		{"html", "a.html", document.CheckFormat, "format_not_allowed", []byte("<!DOCTYPE html><html><body>x</body></html>"), document.Digest{}},
		{"legacy doc", "a.doc", document.CheckOpen, "format_not_open", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...), document.Digest{}},
		{"encrypted pdf", "a.pdf", document.CheckOpen, "pdf_encrypted", doctest.EncryptedPDF(), document.Digest{}},
		{"encrypted zip entry", "a.docx", document.CheckOpen, "zip_encrypted", encryptedEntry(t), document.Digest{}},
		{"parent path", "a.docx", document.CheckContainer, "zip_path_unsafe", docx(doctest.Entry{Name: "../../etc/cron.d/x", Body: []byte("x")}), document.Digest{}},
		{"absolute path", "a.docx", document.CheckContainer, "zip_path_unsafe", docx(doctest.Entry{Name: "/etc/passwd", Body: []byte("x")}), document.Digest{}},
		{"backslash path", "a.docx", document.CheckContainer, "zip_path_unsafe", docx(doctest.Entry{Name: `..\x.exe`, Body: []byte("x")}), document.Digest{}},
		{"duplicate entry", "a.docx", document.CheckContainer, "zip_duplicate_entry", docx(doctest.Entry{Name: "WORD/document.xml", Body: []byte("x")}), document.Digest{}},
		{"zip bomb", "a.docx", document.CheckContainer, "zip_bomb", bomb(t, 8<<20), document.Digest{}},
		{"broken docx", "a.docx", document.CheckParse, "docx_xml_invalid", docx(doctest.Entry{Name: "word/styles.xml", Body: []byte("<w:styles><")}), document.Digest{}},
		{"eicar", "a.pdf", document.CheckVirus, "virus_found", append(doctest.PDF(nil, 0), []byte(doctest.EICAR)...), document.Digest{}},
		{"digest mismatch", "a.png", document.CheckFixity, "digest_mismatch", doctest.PNG(), sha([]byte("other"))},
		{"name with path", "../a.png", document.CheckName, "file_name_invalid", doctest.PNG(), document.Digest{}},
		{"name with control", "a\x01.png", document.CheckName, "file_name_invalid", doctest.PNG(), document.Digest{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, blobs := newIngester(t)
			_, err := in.Ingest(t.Context(), document.Incoming{Slot: slot(t, "acceptance_report"), Name: c.file, Body: bytes.NewReader(c.body), Declared: c.declared})
			var re *document.RefusedError
			require.True(t, errors.As(err, &re), "%v", err)
			assert.Equal(t, c.check, re.Failure.Check)
			assert.Equal(t, c.code, re.Failure.Code, re.Failure.EN)
			assert.Equal(t, document.Failed, re.Failure.Status)
			assert.NotEmpty(t, re.Failure.ZH)
			assert.Zero(t, blobs.len(), "nothing stored")
			entries, _ := os.ReadDir(in.TempDir)
			assert.Empty(t, entries, "no staging file left")
		})
	}
}

func TestIngest_ZipLimits(t *testing.T) {
	in, _ := newIngester(t)
	in.MaxSize = 8 << 20
	in.Zip = document.ZipLimits{MaxExpanded: 1 << 20}
	body := bomb(t, 2<<20)
	_, err := in.Ingest(t.Context(), document.Incoming{Slot: slot(t, "acceptance_report"), Name: "a.docx", Body: bytes.NewReader(body)})
	var re *document.RefusedError
	require.True(t, errors.As(err, &re), "%v", err)
	assert.Equal(t, "zip_bomb", re.Failure.Code)

	in.Zip = document.ZipLimits{MaxEntries: 2}
	_, err = in.Ingest(t.Context(), document.Incoming{Slot: slot(t, "acceptance_report"), Name: "a.docx", Body: bytes.NewReader(doctest.DOCX(nil))})
	require.True(t, errors.As(err, &re), "%v", err)
	assert.Equal(t, "zip_too_many_entries", re.Failure.Code)
}

// TestIngest_SizeLimit: at the limit accepted, one byte over refused with
// nothing kept.
func TestIngest_SizeLimit(t *testing.T) {
	png := doctest.PNG()
	for _, c := range []struct {
		name  string
		limit int64
		ok    bool
	}{
		{"under", int64(len(png)) + 1, true},
		{"at", int64(len(png)), true},
		{"over", int64(len(png)) - 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, blobs := newIngester(t)
			in.MaxSize = c.limit
			_, err := in.Ingest(t.Context(), document.Incoming{Slot: slot(t, "user_report"), Name: "a.png", Body: bytes.NewReader(png)})
			if c.ok {
				require.NoError(t, err)
				return
			}
			var tl *document.TooLargeError
			require.True(t, errors.As(err, &tl), "%v", err)
			assert.Equal(t, c.limit, tl.Limit)
			assert.Zero(t, blobs.len())
			entries, _ := os.ReadDir(in.TempDir)
			assert.Empty(t, entries)
		})
	}
}

func TestIngest_NoScannerRecordedNotChecked(t *testing.T) {
	in, _ := newIngester(t)
	in.Scanner = nil
	rec, err := in.Ingest(t.Context(), document.Incoming{Slot: slot(t, "user_report"), Name: "a.png", Body: bytes.NewReader(doctest.PNG())})
	require.NoError(t, err)
	c := checkOf(rec.Checks, document.CheckVirus)
	assert.Equal(t, document.NotChecked, c.Status)
	assert.True(t, rec.Passed(), "not checked is no failure")
}

func TestIngest_ScannerDownIsNoVerdict(t *testing.T) {
	in, blobs := newIngester(t)
	in.Scanner = brokenScanner{}
	_, err := in.Ingest(t.Context(), document.Incoming{Slot: slot(t, "user_report"), Name: "a.png", Body: bytes.NewReader(doctest.PNG())})
	require.ErrorIs(t, err, document.ErrScanner)
	assert.Zero(t, blobs.len())
}

func TestParseSlot(t *testing.T) {
	for _, ok := range []string{"acceptance_report", "requirement_spec", "contract:HT-2026-001", "contract:渝北采〔2026〕1号", "change_request:2", "expert_opinion"} {
		_, err := document.ParseSlot(ok)
		assert.NoError(t, err, ok)
	}
	for _, bad := range []string{"", "contracts", "contract", "contract:", "acceptance_report:x", "contract:a b", "contract:a/b", "nonsense", "contract:" + strings.Repeat("x", 65)} {
		_, err := document.ParseSlot(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseDigest(t *testing.T) {
	d := sha([]byte("x"))
	got, err := document.ParseDigest("SHA256:" + strings.ToUpper(d.Hex))
	require.NoError(t, err)
	assert.Equal(t, d, got)
	for _, bad := range []string{"", "sha256:", "md5:" + d.Hex, "sha256:" + d.Hex[:10], "sha256:" + strings.Repeat("g", 64)} {
		_, err := document.ParseDigest(bad)
		assert.Error(t, err, bad)
	}
}

// FuzzIngest: any bytes under any name are either taken in, with every
// check recorded, or refused naming the check; never a panic, never another
// error, and nothing stored for a refusal.
func FuzzIngest(f *testing.F) {
	f.Add([]byte(doctest.PNG()), "a.png")
	f.Add(doctest.DOCX(doctest.Outline2()[:4]), "a.docx")
	f.Add(doctest.OFD(doctest.Outline2()[:4]), "a.ofd")
	f.Add(doctest.PDF(doctest.Outline2()[:4], 0), "a.pdf")
	f.Add([]byte("MZ\x90\x00"), "a.exe")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		blobs := newMemBlobs()
		in := &document.Ingester{Blobs: blobs, Scanner: eicarScanner{}, TempDir: dir, MaxSize: 1 << 20}
		sl, _ := document.ParseSlot("requirement_spec")
		rec, err := in.Ingest(context.Background(), document.Incoming{Slot: sl, Name: name, Body: bytes.NewReader(b)})
		if err != nil {
			var re *document.RefusedError
			var tl *document.TooLargeError
			require.True(t, errors.As(err, &re) || errors.As(err, &tl), "%T %v", err, err)
			if re != nil {
				require.NotEmpty(t, re.Failure.Code)
				require.Equal(t, document.Failed, re.Failure.Status)
			}
			require.Zero(t, blobs.len())
			return
		}
		require.Equal(t, sha(b), rec.Digest)
		require.Equal(t, int64(len(b)), rec.Size)
		require.NotEmpty(t, rec.Checks)
		require.Equal(t, 1, blobs.len())
	})
}

// TestIngest_SM3: a store whose chain uses the 国密 suite records SM3
// digests (GB/T 32905), and VerifyBlob re-hashes with SM3.
func TestIngest_SM3(t *testing.T) {
	in, blobs := newIngester(t)
	in.Alg = document.SM3
	body := doctest.PNG()
	rec, err := in.Ingest(t.Context(), document.Incoming{Slot: slot(t, "user_report"), Name: "a.png", Body: bytes.NewReader(body)})
	require.NoError(t, err)
	want := sm3.Sum(body)
	assert.Equal(t, document.Digest{Alg: document.SM3, Hex: hex.EncodeToString(want[:])}, rec.Digest)
	prob, err := document.VerifyBlob(t.Context(), blobs, nil, rec)
	require.NoError(t, err)
	assert.Nil(t, prob)
	blobs.m[rec.Digest] = append([]byte{}, body[:len(body)-1]...)
	prob, err = document.VerifyBlob(t.Context(), blobs, nil, rec)
	require.NoError(t, err)
	require.NotNil(t, prob)
	assert.Equal(t, document.FixityChanged, prob.Problem)
	assert.Equal(t, document.SM3, prob.Got.Alg)
}

// TestGBT32905Vector: the SM3 digest of "abc" is the example of GB/T
// 32905-2016 附录A.
func TestGBT32905Vector(t *testing.T) {
	blobs := newMemBlobs()
	in := &document.Ingester{Blobs: blobs, Alg: document.SM3, TempDir: t.TempDir()}
	// The standard's message is "abc"; a PNG-free check goes through
	// VerifyBlob on a record naming that digest.
	d, err := document.ParseDigest("sm3:66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
	require.NoError(t, err)
	require.NoError(t, blobs.Put(t.Context(), d, 3, bytes.NewReader([]byte("abc"))))
	prob, err := document.VerifyBlob(t.Context(), blobs, in.Hashes, document.Record{Slot: "user_report", Version: 1, Size: 3, Digest: d})
	require.NoError(t, err)
	assert.Nil(t, prob)
}
