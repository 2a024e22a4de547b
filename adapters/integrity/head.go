package integrity

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"time"
)

// headTag opens the signed encoding of a head.
const headTag = "govit/head/v1\x00"

// Leaf is one project's place in a head: its ID, the version the head
// covers and the chain value (MAC) of that version.
type Leaf struct {
	ProjectID string
	Version   int64
	Chain     []byte
}

// encode is the leaf's bytes in the tree: field(project_id) ‖ version as
// 8-byte big-endian ‖ field(chain), field(x) being x's length as 4 bytes
// big-endian then x.
func (l Leaf) encode() []byte {
	var b bytes.Buffer
	field(&b, []byte(l.ProjectID))
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], uint64(l.Version))
	b.Write(v[:])
	field(&b, l.Chain)
	return b.Bytes()
}

func field(b *bytes.Buffer, x []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(x)))
	b.Write(n[:])
	b.Write(x)
}

// Tree computes the Merkle tree hash of RFC 6962 (section 2.1) over leaves
// added in order: the leaf hash is H(0x00 ‖ leaf), an inner node's
// H(0x01 ‖ left ‖ right), the tree split at the largest power of two
// below its size. It keeps O(log n) hashes, not the leaves.
type Tree struct {
	newHash func() hash.Hash
	// stack holds the roots of complete subtrees, largest first, with
	// their sizes.
	stack []node
	n     int64
}

type node struct {
	size int64
	h    []byte
}

// NewTree starts a tree with hash function newHash.
func NewTree(newHash func() hash.Hash) *Tree { return &Tree{newHash: newHash} }

// Add appends a leaf.
func (t *Tree) Add(l Leaf) {
	h := t.newHash()
	h.Write([]byte{0})
	h.Write(l.encode())
	cur := node{1, h.Sum(nil)}
	// Merge equal-sized complete subtrees, as a binary counter carries.
	for len(t.stack) > 0 && t.stack[len(t.stack)-1].size == cur.size {
		left := t.stack[len(t.stack)-1]
		t.stack = t.stack[:len(t.stack)-1]
		cur = node{left.size * 2, t.inner(left.h, cur.h)}
	}
	t.stack = append(t.stack, cur)
	t.n++
}

func (t *Tree) inner(l, r []byte) []byte {
	h := t.newHash()
	h.Write([]byte{1})
	h.Write(l)
	h.Write(r)
	return h.Sum(nil)
}

// Size is the number of leaves.
func (t *Tree) Size() int64 { return t.n }

// Root is the tree hash: the complete subtrees folded from the smallest
// (right) up, which is RFC 6962's split; the hash of the empty string for
// no leaves.
func (t *Tree) Root() []byte {
	if len(t.stack) == 0 {
		return t.newHash().Sum(nil)
	}
	r := t.stack[len(t.stack)-1].h
	for i := len(t.stack) - 2; i >= 0; i-- {
		r = t.inner(t.stack[i].h, r)
	}
	return r
}

// Head is a signed statement of the log up to Seq: every project's latest
// chain value among the events with seq ≤ Seq, as a Merkle tree hash.
type Head struct {
	Suite Suite  `json:"suite"`
	KeyID string `json:"key_id"`
	// Seq is the last global sequence number the head covers.
	Seq int64 `json:"seq"`
	// Projects is the number of leaves (projects with an event with
	// seq ≤ Seq), Events the number of such events.
	Projects int64 `json:"projects"`
	Events   int64 `json:"events"`
	// Root is the Merkle tree hash over the projects in ID order.
	Root []byte `json:"root"`
	// At is when the head was made (UTC, seconds).
	At        time.Time `json:"at"`
	Signature []byte    `json:"signature"`
}

// signed is the encoding the signature covers.
func (h Head) signed() []byte {
	var b bytes.Buffer
	b.WriteString(headTag)
	for _, f := range [][]byte{
		[]byte(h.Suite), []byte(h.KeyID),
		[]byte(strconv.FormatInt(h.Seq, 10)),
		[]byte(strconv.FormatInt(h.Projects, 10)),
		[]byte(strconv.FormatInt(h.Events, 10)),
		h.Root,
		[]byte(h.At.UTC().Format(time.RFC3339)),
	} {
		field(&b, f)
	}
	return b.Bytes()
}

// Sign fills in the suite, key and time of h and signs it with the
// keyring's current key.
func (kr *Keyring) Sign(h *Head, now time.Time) error {
	k := kr.CurrentKey()
	if k == nil || k.signer == nil {
		return errors.New("integrity: no current signing key")
	}
	h.Suite, h.KeyID, h.At = k.Suite, k.ID, now.UTC().Truncate(time.Second)
	sig, err := k.signer.sign(rand.Reader, h.signed())
	if err != nil {
		return err
	}
	h.Signature = sig
	return nil
}

// VerifyHead checks h's signature with the public key (PKIX DER) of the
// key that signed it.
func VerifyHead(h Head, publicDER []byte) error {
	if err := VerifySignature(h.Suite, publicDER, h.signed(), h.Signature); err != nil {
		return fmt.Errorf("head at seq %d: %w", h.Seq, err)
	}
	return nil
}

// VerifyHead checks h's signature with the keyring's key h.KeyID.
func (kr *Keyring) VerifyHead(h Head) error {
	k := kr.Key(h.KeyID)
	if k == nil {
		return fmt.Errorf("integrity: the head names key %q, which is not in the keyring", h.KeyID)
	}
	if k.Suite != h.Suite {
		return fmt.Errorf("integrity: the head names suite %s, key %s is %s", h.Suite, k.ID, k.Suite)
	}
	pub, err := k.Public()
	if err != nil {
		return err
	}
	return VerifyHead(h, pub)
}
