// Package integrity keys the event log's hash chain and signs heads over
// it, so that a change to stored events can be told from the events that
// were appended, by the server and by an auditor outside it.
//
// A Suite names the algorithms: a hash for the keyed chain (HMAC) and the
// Merkle tree, and a signature for heads. Two are offered: SHA-256 with
// Ed25519, and the 国密 (Chinese commercial cryptography) SM3 with SM2
// (GB/T 32905, GB/T 32918, via github.com/emmansun/gmsm), which systems
// assessed under 密评 (GB/T 39786-2021) are expected to use.
//
// A Keyring holds the keys in a JSON file (mode 0600), created on first
// use. Each key has an ID; every chained row records the ID of the key
// that sealed it, so after a rotation (Keyring.Rotate) rows sealed by an
// older key still verify with it, and new rows are sealed by the new one.
// A key is never deleted from the file while rows it sealed exist.
//
// A Head is a signed statement over every project's chain up to a point of
// the log, on the model of Certificate Transparency's signed tree heads
// (RFC 6962): a Merkle tree hash over the projects' latest chain values,
// the counts, the time and a signature. An auditor keeps heads outside the
// database; a later check of a kept head against the store shows any
// event removed or changed since, even with the projection rolled back.
package integrity

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
)

// Suite names the hash and signature algorithms of a key.
type Suite string

// The suites.
const (
	// SHA256Ed25519: HMAC-SHA-256 chain, SHA-256 Merkle tree, Ed25519
	// signatures. The default.
	SHA256Ed25519 Suite = "hmac-sha256+ed25519"
	// SM3SM2: HMAC-SM3 chain, SM3 Merkle tree, SM2 signatures with the
	// default user ID of GB/T 32918 (1234567812345678).
	SM3SM2 Suite = "hmac-sm3+sm2"
)

// Suites lists the suites offered.
func Suites() []Suite { return []Suite{SHA256Ed25519, SM3SM2} }

// ParseSuite reads a suite's name; "" is the default.
func ParseSuite(s string) (Suite, error) {
	switch Suite(s) {
	case "":
		return SHA256Ed25519, nil
	case SHA256Ed25519, SM3SM2:
		return Suite(s), nil
	}
	return "", fmt.Errorf("integrity: unknown suite %q (known: %s, %s)", s, SHA256Ed25519, SM3SM2)
}

// Hash returns the suite's hash function.
func (s Suite) Hash() func() hash.Hash {
	if s == SM3SM2 {
		return sm3.New
	}
	return sha256.New
}

// generate makes a new signing key of the suite, as PKCS #8 DER.
func (s Suite) generate(random io.Reader) ([]byte, error) {
	switch s {
	case SHA256Ed25519:
		_, priv, err := ed25519.GenerateKey(random)
		if err != nil {
			return nil, err
		}
		return smx509.MarshalPKCS8PrivateKey(priv)
	case SM3SM2:
		priv, err := sm2.GenerateKey(random)
		if err != nil {
			return nil, err
		}
		return smx509.MarshalPKCS8PrivateKey(priv)
	}
	return nil, fmt.Errorf("integrity: unknown suite %q", s)
}

// signer is a parsed signing key.
type signer struct {
	suite Suite
	ed    ed25519.PrivateKey
	sm    *sm2.PrivateKey
}

func parseSigner(s Suite, der []byte) (*signer, error) {
	k, err := smx509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("integrity: signing key: %w", err)
	}
	switch s {
	case SHA256Ed25519:
		if ed, ok := k.(ed25519.PrivateKey); ok {
			return &signer{suite: s, ed: ed}, nil
		}
	case SM3SM2:
		if sk, ok := k.(*sm2.PrivateKey); ok {
			return &signer{suite: s, sm: sk}, nil
		}
	}
	return nil, fmt.Errorf("integrity: the signing key (%T) does not belong to suite %s", k, s)
}

func (g *signer) sign(random io.Reader, msg []byte) ([]byte, error) {
	if g.ed != nil {
		return ed25519.Sign(g.ed, msg), nil
	}
	return g.sm.SignWithSM2(random, nil, msg)
}

// public returns the public key as PKIX DER.
func (g *signer) public() ([]byte, error) {
	if g.ed != nil {
		return smx509.MarshalPKIXPublicKey(g.ed.Public())
	}
	return smx509.MarshalPKIXPublicKey(&g.sm.PublicKey)
}

// VerifySignature checks sig over msg with a public key (PKIX DER) of
// suite s.
func VerifySignature(s Suite, publicDER, msg, sig []byte) error {
	pub, err := smx509.ParsePKIXPublicKey(publicDER)
	if err != nil {
		return fmt.Errorf("integrity: public key: %w", err)
	}
	ok := false
	switch s {
	case SHA256Ed25519:
		ed, isEd := pub.(ed25519.PublicKey)
		ok = isEd && ed25519.Verify(ed, msg, sig)
	case SM3SM2:
		ok = sm2.IsSM2PublicKey(pub) && sm2.VerifyASN1WithSM2(asECDSA(pub), nil, msg, sig)
	default:
		return fmt.Errorf("integrity: unknown suite %q", s)
	}
	if !ok {
		return ErrBadSignature
	}
	return nil
}

// ErrBadSignature: a signature does not verify.
var ErrBadSignature = errors.New("integrity: the signature does not verify")
