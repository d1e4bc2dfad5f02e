package handoff

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AckSigner mints and checks acknowledgement links. A token carries its
// hand-off, responder and expiry, signed with the server's key, so a forged
// or expired link is refused without a database lookup; the store keeps a
// hash of each token, which is what makes it single-use.
type AckSigner struct{ Key []byte }

// AckClaims is what a genuine token says.
type AckClaims struct {
	HandoffID, ResponderID int64
	Expires                time.Time
}

var (
	// ErrAckForged is a token whose signature does not verify.
	ErrAckForged = errors.New("handoff: acknowledgement link is not genuine")
	// ErrAckExpired is a genuine token past its expiry.
	ErrAckExpired = errors.New("handoff: acknowledgement link has expired")
)

var b64 = base64.RawURLEncoding

// Mint returns a new token and the hash the store keeps of it.
func (s AckSigner) Mint(handoffID, responderID int64, expires time.Time) (token, hash string) {
	nonce := make([]byte, 12)
	rand.Read(nonce)
	payload := fmt.Sprintf("%d.%d.%d.%s", handoffID, responderID, expires.Unix(), hex.EncodeToString(nonce))
	token = b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(s.mac(payload))
	return token, HashToken(token)
}

// Verify checks a token's signature and expiry and returns its claims and
// hash.
func (s AckSigner) Verify(token string, now time.Time) (AckClaims, string, error) {
	var c AckClaims
	p64, m64, ok := strings.Cut(token, ".")
	if !ok {
		return c, "", ErrAckForged
	}
	payload, err1 := b64.DecodeString(p64)
	mac, err2 := b64.DecodeString(m64)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(string(payload))) {
		return c, "", ErrAckForged
	}
	f := strings.Split(string(payload), ".")
	if len(f) != 4 {
		return c, "", ErrAckForged
	}
	h, _ := strconv.ParseInt(f[0], 10, 64)
	r, _ := strconv.ParseInt(f[1], 10, 64)
	exp, _ := strconv.ParseInt(f[2], 10, 64)
	c = AckClaims{HandoffID: h, ResponderID: r, Expires: time.Unix(exp, 0)}
	if !now.Before(c.Expires) {
		return c, "", ErrAckExpired
	}
	return c, HashToken(token), nil
}

func (s AckSigner) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte("hotline-ack\x00" + payload))
	return m.Sum(nil)
}

// HashToken is what the store keeps of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
