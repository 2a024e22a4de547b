package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/govit-cn/govit/document"
)

// S3 keeps blobs in a bucket of S3-compatible object storage, under
// "<prefix><alg>/<xx>/<hex>". It implements document.BlobStore. An
// upload is staged locally by the ingester and sent with its size known,
// in parts of PartSize read from the staging file (io.ReaderAt), so memory
// does not grow with the file; a part is sent as one request, so a blob
// is never visible half-written.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
	// partSize is the multipart part size.
	partSize uint64
}

// DefaultPartSize is the multipart part size: 16 MiB (S3's minimum is
// 5 MiB). minio-go would otherwise size parts for a 5 TiB object when the
// size is unknown; govit always sends the size.
const DefaultPartSize = 16 << 20

// NewS3 returns a store over bucket reached with client; prefix (e.g.
// "govit/") is prepended to every key. The bucket must exist.
func NewS3(client *minio.Client, bucket, prefix string) (*S3, error) {
	if client == nil || bucket == "" {
		return nil, errors.New("blobstore: S3 needs a client and a bucket")
	}
	return &S3{client: client, bucket: bucket, prefix: prefix, partSize: DefaultPartSize}, nil
}

func (s *S3) key(dg document.Digest) (string, error) {
	if !dg.Valid() {
		return "", fmt.Errorf("blobstore: invalid digest %q", dg)
	}
	return s.prefix + dg.Key(), nil
}

// Put implements document.BlobStore. A blob already in the bucket is kept.
func (s *S3) Put(ctx context.Context, dg document.Digest, size int64, r io.Reader) error {
	key, err := s.key(dg)
	if err != nil {
		return err
	}
	if _, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{}); err == nil {
		return nil
	} else if !notFound(err) {
		return fmt.Errorf("blobstore: s3 stat %s: %w", key, err)
	}
	_, err = s.client.PutObject(ctx, s.bucket, key, r, size, minio.PutObjectOptions{
		ContentType:  "application/octet-stream",
		PartSize:     s.partSize,
		UserMetadata: map[string]string{"Digest": dg.String()},
		// Parts are sent whole with an unsigned payload rather than in
		// signed aws-chunked encoding, which some S3-compatible servers
		// store undecoded; the content is checked by its digest anyway
		// (the ingester stats the stored size, verify re-hashes it).
		DisableContentSha256: true,
	})
	if err != nil {
		return fmt.Errorf("blobstore: s3 put %s: %w", key, err)
	}
	return nil
}

// Open implements document.BlobStore.
func (s *S3) Open(ctx context.Context, dg document.Digest) (io.ReadCloser, error) {
	key, err := s.key(dg)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.mapErr(key, err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, s.mapErr(key, err)
	}
	return obj, nil
}

// Stat implements document.BlobStore.
func (s *S3) Stat(ctx context.Context, dg document.Digest) (int64, error) {
	key, err := s.key(dg)
	if err != nil {
		return 0, err
	}
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return 0, s.mapErr(key, err)
	}
	return info.Size, nil
}

func (s *S3) mapErr(key string, err error) error {
	if notFound(err) {
		return fmt.Errorf("%w: %s", document.ErrBlobNotFound, key)
	}
	return fmt.Errorf("blobstore: s3 %s: %w", key, err)
}

func notFound(err error) bool {
	resp := minio.ToErrorResponse(err)
	return resp.StatusCode == http.StatusNotFound || resp.Code == "NoSuchKey" || strings.Contains(resp.Code, "NotFound")
}
