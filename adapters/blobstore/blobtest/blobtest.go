// Package blobtest proves a document.BlobStore (the contract suite Run)
// and starts the stores for tests: a directory, and S3 over an in-process
// fake S3 server (github.com/johannesboyne/gofakes3), so no object
// storage service is needed to test.
package blobtest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/blobstore"
	"github.com/govit-cn/govit/document"
)

// Dir returns a blob directory in a temporary directory of t.
func Dir(t testing.TB) *blobstore.Dir {
	t.Helper()
	d, err := blobstore.OpenDir(t.TempDir())
	require.NoError(t, err)
	return d
}

// FakeS3 starts an in-process fake S3 server for the test and returns a
// store on a fresh bucket of it.
func FakeS3(t testing.TB) *blobstore.S3 {
	t.Helper()
	s, _ := FakeS3Client(t)
	return s
}

// Bucket and Prefix are where FakeS3 keeps blobs.
const (
	Bucket = "govit"
	Prefix = "blobs/"
)

// FakeS3Client is FakeS3 with the client of the fake server, for tests
// that reach behind the store (to damage a blob).
func FakeS3Client(t testing.TB) (*blobstore.S3, *minio.Client) {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4("govit-test", "govit-test-secret", ""),
		Secure:       false,
		Region:       "us-east-1",
		BucketLookup: minio.BucketLookupPath,
	})
	require.NoError(t, err)
	require.NoError(t, client.MakeBucket(t.Context(), Bucket, minio.MakeBucketOptions{Region: "us-east-1"}))
	s, err := blobstore.NewS3(client, Bucket, Prefix)
	require.NoError(t, err)
	return s, client
}

// Digest is the SHA-256 digest of b.
func Digest(b []byte) document.Digest {
	h := sha256.Sum256(b)
	return document.Digest{Alg: document.SHA256, Hex: hex.EncodeToString(h[:])}
}

// Run proves the contract of document.BlobStore on s: a round trip byte
// for byte (a small blob and one of several multipart parts), Stat, a
// second Put of the same content, ErrBlobNotFound for what is not held,
// and an invalid digest refused.
func Run(t *testing.T, s document.BlobStore) {
	t.Run("round trip", func(t *testing.T) {
		for _, n := range []int{1, 4096, 20<<20 + 7} {
			b := make([]byte, n)
			rand.Read(b)
			d := Digest(b)
			require.NoError(t, s.Put(t.Context(), d, int64(n), bytes.NewReader(b)))
			size, err := s.Stat(t.Context(), d)
			require.NoError(t, err)
			assert.Equal(t, int64(n), size)
			rc, err := s.Open(t.Context(), d)
			require.NoError(t, err)
			got, err := io.ReadAll(rc)
			rc.Close()
			require.NoError(t, err)
			require.True(t, bytes.Equal(b, got), "bytes differ after a round trip of %d bytes", n)
			// Stored twice: kept once, still whole.
			require.NoError(t, s.Put(t.Context(), d, int64(n), bytes.NewReader(b)))
			size, err = s.Stat(t.Context(), d)
			require.NoError(t, err)
			assert.Equal(t, int64(n), size)
		}
	})
	t.Run("not found", func(t *testing.T) {
		d := Digest([]byte("never stored"))
		_, err := s.Stat(t.Context(), d)
		require.ErrorIs(t, err, document.ErrBlobNotFound)
		_, err = s.Open(t.Context(), d)
		require.ErrorIs(t, err, document.ErrBlobNotFound)
	})
	t.Run("invalid digest", func(t *testing.T) {
		bad := document.Digest{Alg: document.SHA256, Hex: "../../etc/passwd"}
		require.Error(t, s.Put(t.Context(), bad, 1, bytes.NewReader([]byte("x"))))
		_, err := s.Open(t.Context(), bad)
		require.Error(t, err)
		require.NotErrorIs(t, err, document.ErrBlobNotFound)
	})
}
