package integrity

import (
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// macKeySize is the size of a chain key: 32 bytes, the output size of
// both hashes (RFC 2104 recommends at least that).
const macKeySize = 32

// Key is one key of a keyring: a secret chain key and a signing key.
type Key struct {
	// ID names the key in every row it seals ("k1", "k2", …).
	ID    string    `json:"id"`
	Suite Suite     `json:"suite"`
	Since time.Time `json:"since"`
	// MAC is the secret key of the chain's HMAC.
	MAC []byte `json:"mac_key"`
	// Signing is the private signing key, PKCS #8 DER.
	Signing []byte `json:"signing_key"`

	signer *signer
}

// Public returns the key's public signing key, PKIX DER: what an auditor
// pins to check heads.
func (k *Key) Public() ([]byte, error) { return k.signer.public() }

// Keyring is the keys of a store: the current one seals new rows and signs
// heads, older ones only verify. It is safe for concurrent use once
// loaded (it is not changed in place; Rotate returns a new one).
type Keyring struct {
	Current string `json:"current"`
	Keys    []*Key `json:"keys"`
}

// NewKeyring makes a keyring with one new key of suite s.
func NewKeyring(s Suite) (*Keyring, error) {
	k, err := newKey("k1", s, time.Now())
	if err != nil {
		return nil, err
	}
	return &Keyring{Current: k.ID, Keys: []*Key{k}}, nil
}

func newKey(id string, s Suite, now time.Time) (*Key, error) {
	if _, err := ParseSuite(string(s)); err != nil {
		return nil, err
	}
	mac := make([]byte, macKeySize)
	if _, err := rand.Read(mac); err != nil {
		return nil, err
	}
	der, err := s.generate(rand.Reader)
	if err != nil {
		return nil, err
	}
	g, err := parseSigner(s, der)
	if err != nil {
		return nil, err
	}
	return &Key{ID: id, Suite: s, Since: now.UTC().Truncate(time.Second), MAC: mac, Signing: der, signer: g}, nil
}

// Rotate returns a keyring with a new current key of suite s; the old keys
// stay, to verify what they sealed.
func (kr *Keyring) Rotate(s Suite) (*Keyring, error) {
	n := len(kr.Keys) + 1
	id := "k" + strconv.Itoa(n)
	for kr.Key(id) != nil {
		n++
		id = "k" + strconv.Itoa(n)
	}
	k, err := newKey(id, s, time.Now())
	if err != nil {
		return nil, err
	}
	out := &Keyring{Current: id, Keys: append(append([]*Key(nil), kr.Keys...), k)}
	return out, nil
}

// Key returns the key with id, nil if there is none.
func (kr *Keyring) Key(id string) *Key {
	for _, k := range kr.Keys {
		if k.ID == id {
			return k
		}
	}
	return nil
}

// CurrentKey returns the key that seals new rows.
func (kr *Keyring) CurrentKey() *Key { return kr.Key(kr.Current) }

// MAC returns a new HMAC keyed with key id, or an error if the keyring
// has no such key.
func (kr *Keyring) MAC(id string) (hash.Hash, error) {
	k := kr.Key(id)
	if k == nil {
		return nil, fmt.Errorf("integrity: no key %q in the keyring", id)
	}
	return hmac.New(k.Suite.Hash(), k.MAC), nil
}

// check parses the signing keys and checks the keyring's shape.
func (kr *Keyring) check() error {
	if len(kr.Keys) == 0 {
		return errors.New("integrity: the keyring has no keys")
	}
	seen := map[string]bool{}
	for _, k := range kr.Keys {
		if k.ID == "" || seen[k.ID] {
			return fmt.Errorf("integrity: key ID %q is empty or repeated", k.ID)
		}
		seen[k.ID] = true
		if _, err := ParseSuite(string(k.Suite)); err != nil {
			return err
		}
		if len(k.MAC) < macKeySize {
			return fmt.Errorf("integrity: key %s: the chain key has %d bytes, at least %d are needed", k.ID, len(k.MAC), macKeySize)
		}
		g, err := parseSigner(k.Suite, k.Signing)
		if err != nil {
			return fmt.Errorf("integrity: key %s: %w", k.ID, err)
		}
		k.signer = g
	}
	if kr.CurrentKey() == nil {
		return fmt.Errorf("integrity: the current key %q is not in the keyring", kr.Current)
	}
	return nil
}

// Load reads a keyring file.
func Load(path string) (*Keyring, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var kr Keyring
	if err := json.Unmarshal(data, &kr); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := kr.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &kr, nil
}

// LoadOrCreate reads the keyring file at path, or, when there is none,
// creates it (mode 0600) with one new key of suite s; created reports
// which. An existing keyring keeps its suite whatever s is.
func LoadOrCreate(path string, s Suite) (kr *Keyring, created bool, err error) {
	kr, err = Load(path)
	if err == nil {
		return kr, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	kr, err = NewKeyring(s)
	if err != nil {
		return nil, false, err
	}
	if err := kr.write(path, os.O_EXCL); err != nil {
		return nil, false, err
	}
	return kr, true, nil
}

// Save writes the keyring to path (mode 0600), replacing the file
// atomically: a crash leaves the old keyring or the new, never half.
func (kr *Keyring) Save(path string) error {
	return kr.write(path, 0)
}

func (kr *Keyring) write(path string, excl int) error {
	data, err := json.MarshalIndent(kr, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if excl != 0 {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("integrity: creating the keyring: %w", err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".keyring-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func asECDSA(pub any) *ecdsa.PublicKey {
	k, _ := pub.(*ecdsa.PublicKey)
	return k
}
