package webform

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"time"
)

// TokenTTL is how long a form stays valid after it was served: long enough to
// write a careful message on a slow phone, short enough that a page left open
// on a shared phone cannot be used the next day.
const TokenTTL = 4 * time.Hour

// clockSkew tolerates a token issued by another instance whose clock runs a
// little ahead.
const clockSkew = 5 * time.Minute

// Token errors. Both mean: nothing is stored; show the form again.
var (
	ErrTokenInvalid = errors.New("webform: token invalid")
	ErrTokenExpired = errors.New("webform: token expired")
)

const (
	tokenVersion = 1
	nonceLen     = 16
	macLen       = sha256.Size
	payloadLen   = 1 + 8 + nonceLen
	tokenLen     = payloadLen + macLen
)

// Tokens issues and checks the form's hidden submission token. A token is
// signed, so only a page this server served can submit, which stops
// cross-site forgery without a cookie (a cookie is itself evidence on an
// inspected phone). Its random nonce names the submission, so a double click
// or a resent POST is stored once.
type Tokens struct {
	key []byte
}

// NewTokens returns a Tokens keyed by secret. An empty secret gets a random
// key, valid for this process only.
func NewTokens(secret []byte) *Tokens {
	key := append([]byte(nil), secret...)
	if len(key) == 0 {
		key = make([]byte, 32)
		rand.Read(key)
	}
	return &Tokens{key: key}
}

// Issue returns a fresh token for a form served at now.
func (t *Tokens) Issue(now time.Time) string {
	b := make([]byte, payloadLen, tokenLen)
	b[0] = tokenVersion
	binary.BigEndian.PutUint64(b[1:9], uint64(now.Unix()))
	rand.Read(b[9:payloadLen])
	b = append(b, t.mac(b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Check verifies token at now and returns its nonce, which identifies the
// submission (the Inbound's ExternalID).
func (t *Tokens) Check(token string, now time.Time) (nonce string, err error) {
	if len(token) != base64.RawURLEncoding.EncodedLen(tokenLen) {
		return "", ErrTokenInvalid
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != tokenLen || b[0] != tokenVersion {
		return "", ErrTokenInvalid
	}
	if !hmac.Equal(b[payloadLen:], t.mac(b[:payloadLen])) {
		return "", ErrTokenInvalid
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(b[1:9])), 0)
	if issued.After(now.Add(clockSkew)) {
		return "", ErrTokenInvalid
	}
	if now.Sub(issued) > TokenTTL {
		return "", ErrTokenExpired
	}
	return hex.EncodeToString(b[9:payloadLen]), nil
}

func (t *Tokens) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write(payload)
	return m.Sum(nil)
}
