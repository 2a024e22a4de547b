package document

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// The problems VerifyBlob reports.
const (
	FixityMissing = "missing" // no blob under the recorded digest
	FixityChanged = "changed" // the bytes no longer have the recorded digest
	FixitySize    = "size"    // the blob's length differs from the recorded size
)

// FixityProblem is one stored file that no longer matches its record.
type FixityProblem struct {
	Slot    string `json:"slot"`
	Version int    `json:"version"`
	Digest  Digest `json:"digest"`
	// Problem is FixityMissing, FixityChanged or FixitySize.
	Problem string `json:"problem"`
	// Got is the digest found, for a changed file; Size the length found.
	Got  Digest `json:"got,omitzero"`
	Size int64  `json:"size,omitempty"`
}

func (p FixityProblem) String() string {
	switch p.Problem {
	case FixityMissing:
		return fmt.Sprintf("%s v%d: file %s missing", p.Slot, p.Version, p.Digest)
	case FixitySize:
		return fmt.Sprintf("%s v%d: file %s has %d bytes, not as recorded", p.Slot, p.Version, p.Digest, p.Size)
	}
	return fmt.Sprintf("%s v%d: file changed: recorded %s, found %s", p.Slot, p.Version, p.Digest, p.Got)
}

// VerifyBlob re-reads the blob of a record and re-computes its digest
// (fixity, DA/T 70-2018 真实性). It returns the problem found, or nil when
// the blob is whole; an error when the store cannot be read (not a
// problem of the file).
func VerifyBlob(ctx context.Context, blobs BlobStore, hs Hashes, r Record) (*FixityProblem, error) {
	prob := &FixityProblem{Slot: r.Slot, Version: r.Version, Digest: r.Digest}
	// Stat first: a store that reads from a replica when its primary has
	// lost a blob (blobstore.Mirror) still reports the loss.
	if _, err := blobs.Stat(ctx, r.Digest); errors.Is(err, ErrBlobNotFound) {
		prob.Problem = FixityMissing
		return prob, nil
	} else if err != nil {
		return nil, err
	}
	rc, err := blobs.Open(ctx, r.Digest)
	if errors.Is(err, ErrBlobNotFound) {
		prob.Problem = FixityMissing
		return prob, nil
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	h, err := hs.newHash(r.Digest.Alg)
	if err != nil {
		return nil, err
	}
	n, err := io.CopyBuffer(h, rc, make([]byte, copyBuf))
	if err != nil {
		return nil, err
	}
	if got := sum(r.Digest.Alg, h); got != r.Digest {
		prob.Problem, prob.Got, prob.Size = FixityChanged, got, n
		return prob, nil
	}
	if n != r.Size {
		prob.Problem, prob.Size = FixitySize, n
		return prob, nil
	}
	return nil, nil
}
