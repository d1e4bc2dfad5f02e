package store

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"hotline"
)

func TestUsersAndTokens(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	ctx := context.Background()
	if n, err := db.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers %d %v", n, err)
	}
	u, err := db.CreateUser(ctx, "dara", hotline.RoleAgent, "$argon2id$fake")
	if err != nil || u.ID == 0 || u.Name != "dara" || u.Role != hotline.RoleAgent || u.CreatedAt.IsZero() {
		t.Fatalf("CreateUser %+v %v", u, err)
	}
	if _, err := db.CreateUser(ctx, "dara", hotline.RoleAdmin, ""); hotline.ErrorCode(err) != hotline.ECONFLICT {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := db.CreateUser(ctx, "minji", "superuser", ""); hotline.ErrorCode(err) != hotline.EINVALID {
		t.Errorf("bad role: %v", err)
	}
	if n, _ := db.CountUsers(ctx); n != 1 {
		t.Errorf("CountUsers %d", n)
	}

	tok, err := db.CreateToken(ctx, "dara")
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(raw) != 32 {
		t.Errorf("token %q is not 32 bytes of URL-safe base64", tok)
	}
	if n := count(t, db, `SELECT count(*) FROM api_tokens WHERE token_hash = ? AND length(token_hash) = 64`, hashToken(tok)); n != 1 {
		t.Error("token hash not stored")
	}
	if n := count(t, db, `SELECT count(*) FROM api_tokens WHERE token_hash = ?`, tok); n != 0 {
		t.Error("token stored in the clear")
	}
	got, err := db.UserByToken(ctx, tok)
	if err != nil || got.ID != u.ID || got.Role != hotline.RoleAgent {
		t.Errorf("UserByToken %+v %v", got, err)
	}
	tok2, _ := db.CreateToken(ctx, "dara")
	if tok2 == tok {
		t.Error("two tokens are equal")
	}
	for _, bad := range []string{"", "x", strings.ToUpper(tok)} {
		if _, err := db.UserByToken(ctx, bad); hotline.ErrorCode(err) != hotline.EUNAUTHORIZED {
			t.Errorf("UserByToken(%q): %v", bad, err)
		}
	}
	if _, err := db.CreateToken(ctx, "nobody"); hotline.ErrorCode(err) != hotline.ENOTFOUND {
		t.Errorf("token for unknown user: %v", err)
	}

	bu, hash, err := db.UserByName(ctx, "dara")
	if err != nil || bu.ID != u.ID || hash != "$argon2id$fake" {
		t.Errorf("UserByName %+v %q %v", bu, hash, err)
	}
	if _, _, err := db.UserByName(ctx, "nobody"); hotline.ErrorCode(err) != hotline.ENOTFOUND {
		t.Errorf("UserByName unknown: %v", err)
	}
}
