package store

import (
	"bytes"
	"context"
	"testing"

	"hotline/internal/seal"
)

// TestTOTPSecretsAreSealed: a second-factor secret is useless to someone
// holding a copy of the database file; the store still hands it back.
func TestTOTPSecretsAreSealed(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "fictional-agent", "agent", "x")
	if err != nil {
		t.Fatal(err)
	}
	const secret = "JBSWY3DPEHPK3PXPFICTIONAL"
	if err := db.SetTOTPPending(ctx, u.ID, secret); err != nil {
		t.Fatal(err)
	}
	raw := func(col string) []byte {
		var b []byte
		if err := db.rdb.QueryRowContext(ctx, `SELECT `+col+` FROM users WHERE id = ?`, u.ID).Scan(&b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	if b := raw("totp_pending"); !seal.IsSealed(b) || bytes.Contains(b, []byte(secret)) {
		t.Fatalf("pending secret stored as %q", b)
	}
	if on, pending, err := db.TOTPState(ctx, u.ID); err != nil || on || pending != secret {
		t.Fatalf("TOTPState = %v, %q, %v", on, pending, err)
	}
	if err := db.EnableTOTP(ctx, u.ID, 1); err != nil {
		t.Fatal(err)
	}
	if b := raw("totp_secret"); !seal.IsSealed(b) || bytes.Contains(b, []byte(secret)) {
		t.Fatalf("secret stored as %q", b)
	}
	if got, err := db.TOTPSecret(ctx, u.ID); err != nil || got != secret {
		t.Fatalf("TOTPSecret = %q, %v", got, err)
	}
	if on, pending, err := db.TOTPState(ctx, u.ID); err != nil || !on || pending != "" {
		t.Fatalf("after enabling: %v, %q, %v", on, pending, err)
	}
	if err := db.EnableTOTP(ctx, u.ID, 2); err == nil {
		t.Fatal("enabled twice without a pending secret")
	}
}
