package document

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"

	"github.com/emmansun/gmsm/sm3"
)

// Alg names a digest algorithm.
type Alg string

// The digest algorithms, both built in: SHA-256, and SM3 (GB/T 32905, the
// 国密 hash, with github.com/emmansun/gmsm) for a store whose chain uses
// the 国密 suite. Ingester.Hashes may supply other implementations.
const (
	SHA256 Alg = "sha256"
	SM3    Alg = "sm3"
)

// Digest is a content digest with its algorithm.
type Digest struct {
	Alg Alg `json:"alg" jsonschema:"required"`
	// Hex is the digest in lowercase hexadecimal.
	Hex string `json:"hex" jsonschema:"required,pattern=^[0-9a-f]{64}$"`
}

// String renders the digest as "alg:hex".
func (d Digest) String() string { return string(d.Alg) + ":" + d.Hex }

// IsZero reports whether d is the zero Digest.
func (d Digest) IsZero() bool { return d.Alg == "" && d.Hex == "" }

// hexLen is the length of a digest in hex, per algorithm.
var hexLen = map[Alg]int{SHA256: 64, SM3: 64}

// Valid reports whether d names a known algorithm and has a lowercase hex
// value of its length.
func (d Digest) Valid() bool {
	n, ok := hexLen[d.Alg]
	if !ok || len(d.Hex) != n {
		return false
	}
	for _, c := range d.Hex {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Key is the blob's path-like key in a store: "alg/xx/hex", where xx are
// the first two hex digits (so no directory grows too large).
func (d Digest) Key() string { return string(d.Alg) + "/" + d.Hex[:2] + "/" + d.Hex }

// ParseDigest reads "alg:hex" (hex in either case).
func ParseDigest(s string) (Digest, error) {
	alg, hx, ok := strings.Cut(strings.TrimSpace(s), ":")
	d := Digest{Alg: Alg(strings.ToLower(alg)), Hex: strings.ToLower(hx)}
	if !ok || !d.Valid() {
		return Digest{}, fmt.Errorf("document: %q is not a digest of the form sha256:<64 hex digits>", s)
	}
	return d, nil
}

// Hashes maps each algorithm to a constructor of its hash.
type Hashes map[Alg]func() hash.Hash

// newHash returns a hash for alg: from hs, or the built-in SHA-256.
func (hs Hashes) newHash(alg Alg) (hash.Hash, error) {
	if f, ok := hs[alg]; ok && f != nil {
		return f(), nil
	}
	switch alg {
	case SHA256:
		return sha256.New(), nil
	case SM3:
		return sm3.New(), nil
	}
	return nil, fmt.Errorf("document: no implementation of digest algorithm %q", alg)
}

// sum renders a finished hash as a Digest.
func sum(alg Alg, h hash.Hash) Digest {
	return Digest{Alg: alg, Hex: hex.EncodeToString(h.Sum(nil))}
}
