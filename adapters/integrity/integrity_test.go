package integrity

import (
	"bytes"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mth is RFC 6962's MTH written from section 2.1, recursively: the oracle
// for Tree.
func mth(newHash func() hash.Hash, leaves [][]byte) []byte {
	h := newHash()
	switch n := len(leaves); n {
	case 0:
		return h.Sum(nil)
	case 1:
		h.Write([]byte{0})
		h.Write(leaves[0])
		return h.Sum(nil)
	default:
		k := 1
		for k*2 < n {
			k *= 2
		}
		h.Write([]byte{1})
		h.Write(mth(newHash, leaves[:k]))
		h.Write(mth(newHash, leaves[k:]))
		return h.Sum(nil)
	}
}

func TestTreeMatchesRFC6962(t *testing.T) {
	for _, s := range Suites() {
		for n := 0; n <= 33; n++ {
			tr := NewTree(s.Hash())
			var raw [][]byte
			for i := range n {
				l := Leaf{ProjectID: fmt.Sprintf("p%03d", i), Version: int64(i + 1), Chain: []byte{byte(i)}}
				tr.Add(l)
				raw = append(raw, l.encode())
			}
			require.Equal(t, mth(s.Hash(), raw), tr.Root(), "%s n=%d", s, n)
			require.Equal(t, int64(n), tr.Size())
		}
	}
}

func TestKeyringCreateLoadRotate(t *testing.T) {
	for _, s := range Suites() {
		t.Run(string(s), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keys.json")
			kr, created, err := LoadOrCreate(path, s)
			require.NoError(t, err)
			require.True(t, created)
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

			again, created, err := LoadOrCreate(path, SHA256Ed25519)
			require.NoError(t, err)
			require.False(t, created)
			assert.Equal(t, s, again.CurrentKey().Suite, "an existing keyring keeps its suite")
			assert.Equal(t, kr.CurrentKey().MAC, again.CurrentKey().MAC)

			m1, err := kr.MAC("k1")
			require.NoError(t, err)
			m1.Write([]byte("x"))

			rot, err := again.Rotate(s)
			require.NoError(t, err)
			require.NoError(t, rot.Save(path))
			loaded, err := Load(path)
			require.NoError(t, err)
			assert.Equal(t, "k2", loaded.Current)
			require.NotNil(t, loaded.Key("k1"), "the old key stays to verify what it sealed")
			m1b, err := loaded.MAC("k1")
			require.NoError(t, err)
			m1b.Write([]byte("x"))
			assert.Equal(t, m1.Sum(nil), m1b.Sum(nil))
			m2, err := loaded.MAC("k2")
			require.NoError(t, err)
			m2.Write([]byte("x"))
			assert.NotEqual(t, m1.Sum(nil), m2.Sum(nil))
			_, err = loaded.MAC("k9")
			assert.Error(t, err)
		})
	}
}

func TestHeadSignatureCoversEveryField(t *testing.T) {
	for _, s := range Suites() {
		t.Run(string(s), func(t *testing.T) {
			kr, err := NewKeyring(s)
			require.NoError(t, err)
			h := Head{Seq: 42, Projects: 3, Events: 40, Root: bytes.Repeat([]byte{7}, 32)}
			require.NoError(t, kr.Sign(&h, time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)))
			require.NoError(t, kr.VerifyHead(h))
			pub, err := kr.CurrentKey().Public()
			require.NoError(t, err)
			require.NoError(t, VerifyHead(h, pub))

			for name, edit := range map[string]func(*Head){
				"seq":      func(h *Head) { h.Seq++ },
				"projects": func(h *Head) { h.Projects-- },
				"events":   func(h *Head) { h.Events++ },
				"root":     func(h *Head) { h.Root = append([]byte{1}, h.Root[1:]...) },
				"at":       func(h *Head) { h.At = h.At.Add(time.Second) },
				"key":      func(h *Head) { h.KeyID = "k2" },
			} {
				e := h
				edit(&e)
				assert.Error(t, VerifyHead(e, pub), name)
			}
			other, err := NewKeyring(s)
			require.NoError(t, err)
			opub, err := other.CurrentKey().Public()
			require.NoError(t, err)
			assert.ErrorIs(t, VerifyHead(h, opub), ErrBadSignature, "another key's public key")
		})
	}
}

func TestLoadRefusesABrokenKeyring(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"empty":     `{"current":"k1","keys":[]}`,
		"short key": `{"current":"k1","keys":[{"id":"k1","suite":"hmac-sha256+ed25519","mac_key":"AAAA","signing_key":""}]}`,
		"bad suite": `{"current":"k1","keys":[{"id":"k1","suite":"md5","mac_key":"","signing_key":""}]}`,
		"not json":  `[`,
	} {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
		_, err := Load(p)
		assert.Error(t, err, name)
	}
	_, err := ParseSuite("hmac-md5")
	assert.Error(t, err)
}
