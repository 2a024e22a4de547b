package blobstore

import (
	"crypto/sha256"
	"hash"

	"github.com/govit-cn/govit/document"
)

// hashFor returns a hash to check content against a digest of alg, or nil
// for an algorithm this package has no implementation of (the content is
// then checked by the ingester only).
func hashFor(alg document.Alg) hash.Hash {
	if alg == document.SHA256 {
		return sha256.New()
	}
	return nil
}
