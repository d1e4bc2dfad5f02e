package twilio

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// CallerSealer seals a caller's number for the callback URLs of a call, so
// that the number never appears in a URL. It is AES-256-GCM under a key
// only the server holds; Twilio's signature over the URL already stops
// tampering, the seal stops reading.
type CallerSealer struct{ aead cipher.AEAD }

// callerAAD binds a sealed value to this use of it.
var callerAAD = []byte("hotline voice caller")

// NewCallerSealer derives the sealing key from secret. An empty secret
// means a random key for this process: calls in progress across a restart
// then land as anonymous.
func NewCallerSealer(secret []byte) *CallerSealer {
	if len(secret) == 0 {
		secret = make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			panic("twilio: no randomness: " + err.Error())
		}
	}
	key := sha256.Sum256(append([]byte("hotline voice caller key\x00"), secret...))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		panic("twilio: " + err.Error()) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("twilio: " + err.Error())
	}
	return &CallerSealer{aead: aead}
}

func (cs *CallerSealer) seal(from string) string {
	nonce := make([]byte, cs.aead.NonceSize(), cs.aead.NonceSize()+len(from)+cs.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("twilio: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(cs.aead.Seal(nonce, nonce, []byte(from), callerAAD))
}

func (cs *CallerSealer) open(v string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < cs.aead.NonceSize() {
		return "", false
	}
	n := cs.aead.NonceSize()
	plain, err := cs.aead.Open(nil, b[:n], b[n:], callerAAD)
	if err != nil {
		return "", false
	}
	return string(plain), true
}
