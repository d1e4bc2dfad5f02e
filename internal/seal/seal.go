// Package seal encrypts Hotline's personal data at rest, so that a copy of
// the database file (a seized server, a stolen backup) reveals no victim's
// words or number without the key file kept apart from it.
//
// Values are sealed with AES-256-GCM under the newest data key of a
// Keyring; each sealed value names its key, so older keys keep opening old
// rows until a rotation has re-sealed them. Lookups that SQL must still do
// (a contact by phone number, an entity by value) use Hash, a keyed
// HMAC-SHA256 that cannot be reversed or recomputed without the key.
package seal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
)

// magic starts every sealed value. It begins with a NUL byte, which no text
// Hotline stores contains, so sealed and not-yet-sealed values (rows
// written before encryption existed) can be told apart.
var magic = []byte{0, 'H', 'L', 1}

const (
	keyLen   = 32 // AES-256
	nonceLen = 12
	// Overhead is how many bytes sealing adds to a value.
	Overhead = 4 + 1 + nonceLen + 16
	// HashLen is the length of a lookup hash: 128 bits is beyond collision
	// for any number of contacts Hotline will see, and keeps indexes small.
	HashLen = 16
)

// ErrOpen means a sealed value could not be opened: the wrong key file, a
// key that was dropped too early, or a value that was altered.
var ErrOpen = errors.New("seal: cannot open value (wrong key file or altered data)")

// IsSealed reports whether b is a sealed value rather than plain text.
func IsSealed(b []byte) bool { return bytes.HasPrefix(b, magic) }

// Seal encrypts plain under the active data key. aad binds the value to
// where it is kept (e.g. "messages.body"), so a sealed value copied into
// another column does not open there. Empty stays empty: redacted and
// absent values need no key to read.
func (k *Keyring) Seal(plain, aad []byte) []byte {
	if len(plain) == 0 {
		return nil
	}
	id := k.active
	out := make([]byte, 0, Overhead+len(plain))
	out = append(out, magic...)
	out = append(out, id)
	nonce := out[len(out) : len(out)+nonceLen]
	if _, err := rand.Read(nonce); err != nil {
		panic("seal: no randomness: " + err.Error()) // crypto/rand does not fail on Linux
	}
	out = out[:len(out)+nonceLen]
	return k.aeads[id].Seal(out, nonce, plain, aad)
}

// SealString is Seal for text columns.
func (k *Keyring) SealString(plain, aad string) []byte {
	return k.Seal([]byte(plain), []byte(aad))
}

// Open decrypts a value made by Seal with any key of the ring. A value
// that is not sealed (written before encryption, or empty) is returned as
// it is, so that a database can be sealed in place row by row.
func (k *Keyring) Open(sealed, aad []byte) ([]byte, error) {
	if !IsSealed(sealed) {
		return sealed, nil
	}
	if len(sealed) < Overhead {
		return nil, ErrOpen
	}
	id := sealed[len(magic)]
	aead, ok := k.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%w: key %d is not in the key file", ErrOpen, id)
	}
	nonce := sealed[len(magic)+1 : len(magic)+1+nonceLen]
	plain, err := aead.Open(nil, nonce, sealed[len(magic)+1+nonceLen:], aad)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// OpenString is Open for text columns.
func (k *Keyring) OpenString(sealed []byte, aad string) (string, error) {
	b, err := k.Open(sealed, []byte(aad))
	return string(b), err
}

// NeedsReseal reports whether a stored value is plain text or sealed under
// a key other than the active one, i.e. what a rotation must rewrite.
func (k *Keyring) NeedsReseal(stored []byte) bool {
	if len(stored) == 0 {
		return false
	}
	return !IsSealed(stored) || len(stored) < Overhead || stored[len(magic)] != k.active
}

// Hash is the keyed lookup hash of value within domain (e.g. "contact",
// "entity:phone"). Equal values in the same domain hash alike, so SQL can
// find them by equality; without the key the hash says nothing.
func (k *Keyring) Hash(domain string, value []byte) []byte {
	m, ok := k.macs.Get().(hash.Hash)
	if ok {
		m.Reset()
	} else {
		m = hmac.New(sha256.New, k.lookup[:])
	}
	m.Write([]byte(domain))
	m.Write([]byte{0})
	m.Write(value)
	var sum [sha256.Size]byte
	out := append([]byte(nil), m.Sum(sum[:0])[:HashLen]...)
	k.macs.Put(m)
	return out
}

// HashString is Hash for text.
func (k *Keyring) HashString(domain, value string) []byte {
	return k.Hash(domain, []byte(value))
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// ActivePrefix is how every value sealed under the active key begins, so
// that SQL can find the rows a rotation (or the first sealing of an old
// database) still has to rewrite without reading every value into Go.
func (k *Keyring) ActivePrefix() []byte {
	return append(append([]byte(nil), magic...), k.active)
}

// DeriveKey is a 32-byte secret for one purpose (e.g. "voice-caller"),
// derived from the lookup key, so that parts of Hotline that need a stable
// key of their own get one that survives restarts and lives in the one key
// file to back up. Different purposes get unrelated keys.
func (k *Keyring) DeriveKey(purpose string) []byte {
	m := hmac.New(sha256.New, k.lookup[:])
	m.Write([]byte("derive\x00"))
	m.Write([]byte(purpose))
	return m.Sum(nil)
}
