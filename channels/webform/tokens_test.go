package webform

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"
)

func TestTokenRoundTrip(t *testing.T) {
	tk := NewTokens([]byte("test secret, not a real one"))
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	tok := tk.Issue(now)
	nonce, err := tk.Check(tok, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(nonce) != 32 {
		t.Fatalf("nonce %q", nonce)
	}
	again, err := tk.Check(tok, now.Add(2*time.Hour))
	if err != nil || again != nonce {
		t.Fatalf("second check: %q %v", again, err)
	}
	if other := tk.Issue(now); other == tok {
		t.Fatal("two tokens with one nonce")
	}
}

func TestTokenRejects(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	tk := NewTokens([]byte("secret A"))
	tok := tk.Issue(now)
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	cases := []struct {
		name  string
		tk    *Tokens
		token string
		at    time.Time
		want  error
	}{
		{"empty", tk, "", now, ErrTokenInvalid},
		{"garbage", tk, "not-a-token", now, ErrTokenInvalid},
		{"right length, bad base64", tk, string(make([]byte, len(tok))), now, ErrTokenInvalid},
		{"other key", NewTokens([]byte("secret B")), tok, now, ErrTokenInvalid},
		{"time changed", tk, flip(8), now, ErrTokenInvalid},
		{"nonce changed", tk, flip(12), now, ErrTokenInvalid},
		{"mac changed", tk, flip(len(raw) - 1), now, ErrTokenInvalid},
		{"version changed", tk, flip(0), now, ErrTokenInvalid},
		{"expired", tk, tok, now.Add(TokenTTL + time.Second), ErrTokenExpired},
		{"from the future", tk, tok, now.Add(-time.Hour), ErrTokenInvalid},
		{"just valid", tk, tok, now.Add(TokenTTL), nil},
		{"small skew", tk, tok, now.Add(-time.Minute), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.tk.Check(c.token, c.at)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestRandomKeyWhenNoSecret(t *testing.T) {
	now := time.Now()
	a, b := NewTokens(nil), NewTokens(nil)
	if _, err := b.Check(a.Issue(now), now); err == nil {
		t.Fatal("two random keys accepted each other's tokens")
	}
	if _, err := a.Check(a.Issue(now), now); err != nil {
		t.Fatal(err)
	}
}
