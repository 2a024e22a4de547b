package blobstore_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/blobstore"
	"github.com/govit-cn/govit/adapters/blobstore/blobtest"
	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/document/doctest"
)

func TestDirContract(t *testing.T) { blobtest.Run(t, blobtest.Dir(t)) }

func TestS3Contract(t *testing.T) { blobtest.Run(t, blobtest.FakeS3(t)) }

// TestDirPutChecksContent: Put refuses bytes that are not those of the
// digest, and keeps nothing.
func TestDirPutChecksContent(t *testing.T) {
	d := blobtest.Dir(t)
	dg := blobtest.Digest([]byte("right"))
	require.Error(t, d.Put(t.Context(), dg, 5, bytes.NewReader([]byte("wrong"))))
	require.Error(t, d.Put(t.Context(), dg, 6, bytes.NewReader([]byte("right"))), "short")
	_, err := d.Stat(t.Context(), dg)
	require.Error(t, err)
	entries, _ := os.ReadDir(filepath.Join(d.Root(), "tmp"))
	assert.Empty(t, entries)
}

// TestDirAdoptAndSweep: a staged file is moved into place read-only; a
// stale staging file (left by a crash) is swept when the directory is
// opened again, a fresh one is not.
func TestDirAdoptAndSweep(t *testing.T) {
	root := t.TempDir()
	d, err := blobstore.OpenDir(root)
	require.NoError(t, err)
	f, err := d.TempFile()
	require.NoError(t, err)
	f.Write([]byte("hello"))
	dg := blobtest.Digest([]byte("hello"))
	require.NoError(t, d.Adopt(t.Context(), dg, 5, f))
	st, err := os.Stat(filepath.Join(root, "sha256", dg.Hex[:2], dg.Hex))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o440), st.Mode().Perm())

	stale, _ := d.TempFile()
	stale.Close()
	old := time.Now().Add(-48 * time.Hour)
	require.NoError(t, os.Chtimes(stale.Name(), old, old))
	fresh, _ := d.TempFile()
	fresh.Close()
	_, err = blobstore.OpenDir(root)
	require.NoError(t, err)
	_, err = os.Stat(stale.Name())
	assert.True(t, os.IsNotExist(err), "stale staging file swept")
	_, err = os.Stat(fresh.Name())
	assert.NoError(t, err, "an upload in progress is left alone")
}

// TestIngestIntoDir: an upload is staged in the directory's own staging
// area and moved into place; a refused or oversized one leaves nothing.
func TestIngestIntoDir(t *testing.T) {
	d := blobtest.Dir(t)
	in := &document.Ingester{Blobs: d, MaxSize: 1 << 20}
	png := doctest.PNG()
	sl, _ := document.ParseSlot("user_report")
	rec, err := in.Ingest(t.Context(), document.Incoming{Slot: sl, Name: "a.png", Body: bytes.NewReader(png)})
	require.NoError(t, err)
	rc, err := d.Open(t.Context(), rec.Digest)
	require.NoError(t, err)
	got, _ := io.ReadAll(rc)
	rc.Close()
	assert.Equal(t, png, got)

	_, err = in.Ingest(t.Context(), document.Incoming{Slot: sl, Name: "a.exe", Body: bytes.NewReader([]byte("MZ\x90\x00 not allowed"))})
	require.Error(t, err)
	in.MaxSize = 10
	_, err = in.Ingest(t.Context(), document.Incoming{Slot: sl, Name: "b.png", Body: bytes.NewReader(append(png, 1))})
	var tl *document.TooLargeError
	require.ErrorAs(t, err, &tl)
	entries, _ := os.ReadDir(filepath.Join(d.Root(), "tmp"))
	assert.Empty(t, entries, "no staging file left behind")
	var blobs int
	filepath.WalkDir(filepath.Join(d.Root(), "sha256"), func(_ string, e os.DirEntry, _ error) error {
		if e != nil && !e.IsDir() {
			blobs++
		}
		return nil
	})
	assert.Equal(t, 1, blobs)
}

// TestMirror: a blob is written to the primary and every replica; when the
// primary loses it, it is read from a replica.
func TestMirror(t *testing.T) {
	primary := blobtest.Dir(t)
	replica := blobtest.FakeS3(t)
	m := &blobstore.Mirror{Primary: primary, Replicas: []document.BlobStore{replica}}
	blobtest.Run(t, m)

	in := &document.Ingester{Blobs: m}
	sl, _ := document.ParseSlot("user_report")
	png := doctest.PNG()
	rec, err := in.Ingest(t.Context(), document.Incoming{Slot: sl, Name: "a.png", Body: bytes.NewReader(png)})
	require.NoError(t, err)
	n, err := replica.Stat(t.Context(), rec.Digest)
	require.NoError(t, err)
	assert.Equal(t, int64(len(png)), n)
	p := filepath.Join(primary.Root(), filepath.FromSlash(rec.Digest.Key()))
	require.NoError(t, os.Remove(p))
	rc, err := m.Open(t.Context(), rec.Digest)
	require.NoError(t, err)
	got, _ := io.ReadAll(rc)
	rc.Close()
	assert.Equal(t, png, got)
	// Fixity still reports the primary's loss.
	prob, err := document.VerifyBlob(t.Context(), m, nil, rec)
	require.NoError(t, err)
	require.NotNil(t, prob)
	assert.Equal(t, document.FixityMissing, prob.Problem)
}
