package document

import (
	"context"
	"errors"
	"io"
	"os"
)

// ErrBlobNotFound is returned (wrapped) by a BlobStore for a digest it does
// not hold.
var ErrBlobNotFound = errors.New("document: blob not found")

// BlobStore keeps documents' bytes under their digest (content-addressed):
// the same bytes are stored once, and a blob's key proves its content.
// Implementations: adapters/blobstore (a directory on the filesystem, the
// default; S3-compatible object storage).
type BlobStore interface {
	// Put stores size bytes read from r under d. The store may verify
	// them against d. A blob already stored under d is kept.
	Put(ctx context.Context, d Digest, size int64, r io.Reader) error
	// Open returns the blob's bytes; ErrBlobNotFound when it is not held.
	Open(ctx context.Context, d Digest) (io.ReadCloser, error)
	// Stat returns the blob's size; ErrBlobNotFound when it is not held.
	Stat(ctx context.Context, d Digest) (int64, error)
}

// Stager is an optional interface of a BlobStore on the local filesystem:
// uploads are staged in a file of its own, and a staged file is moved
// under its digest rather than copied.
type Stager interface {
	// TempFile returns a new empty file in the store's staging area.
	TempFile() (*os.File, error)
	// Adopt moves the staged file f, of size bytes, under d; f is closed.
	Adopt(ctx context.Context, d Digest, size int64, f *os.File) error
}

// Scanner scans a file for viruses. adapters/clamd speaks to a clamd
// daemon; an embedder may plug in the scanner its district uses.
type Scanner interface {
	// Name names the scanner (and its engine version if known); it is
	// recorded with each verdict.
	Name() string
	// Scan reads r to its end and returns the verdict. An error means
	// no verdict (the scanner is unreachable), not an infection.
	Scan(ctx context.Context, r io.Reader) (Verdict, error)
}

// Verdict is a scanner's answer for one file.
type Verdict struct {
	Infected bool
	// Signature names what was found, when infected.
	Signature string
}
