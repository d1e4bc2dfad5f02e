package store

import (
	"context"
	"testing"
	"time"

	"hotline"
)

// TestSessionsListTouchAndRevoke: a user's sessions are listed with where
// they came from, touched, and revoked only by their owner's id.
func TestSessionsListTouchAndRevoke(t *testing.T) {
	// A clock that moves on every reading: a touch in the same millisecond
	// as the login must still show as later.
	opts := DefaultOptions()
	opts.Now = (&clock{t: time.Now()}).Now
	db, _ := openTest(t, opts)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "mey", hotline.RoleAgent, "x")
	o, _ := db.CreateUser(ctx, "ada", hotline.RoleAdmin, "x")
	me := hotline.Staff{User: u}
	a, err := db.CreateSessionFrom(ctx, u.ID, "192.0.2.10", "Firefox · Linux")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := db.CreateSessionFrom(ctx, u.ID, "198.51.100.7", "Safari · iPhone")
	adas, _ := db.CreateSession(ctx, o.ID)

	type row struct {
		id      int64
		address string
		current bool
	}
	list := func() (rows []row) {
		err := db.EachSession(ctx, u.ID, a, func(id int64, created, seen time.Time, address, agent string, current bool) {
			if created.IsZero() || seen.IsZero() || agent == "" {
				t.Errorf("session %d without times or agent", id)
			}
			rows = append(rows, row{id, address, current})
		})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	rows := list()
	if len(rows) != 2 || rows[0].address != "198.51.100.7" || rows[0].current || !rows[1].current {
		t.Fatalf("sessions %+v", rows)
	}
	bid, seen, must, err := db.SessionState(ctx, b)
	if err != nil || bid != rows[0].id || must {
		t.Fatalf("SessionState %d %v %v", bid, must, err)
	}
	if err := db.TouchSession(ctx, bid); err != nil {
		t.Fatal(err)
	}
	if _, seen2, _, _ := db.SessionState(ctx, b); !seen2.After(seen) {
		t.Errorf("last seen %v not after %v", seen2, seen)
	}

	adaID, _, _, _ := db.SessionState(ctx, adas)
	if err := db.RevokeSession(ctx, me, u.ID, adaID); hotline.ErrorCode(err) != hotline.ENOTFOUND {
		t.Errorf("revoking another user's session: %v", err)
	}
	if err := db.RevokeSession(ctx, me, u.ID, bid); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionByToken(ctx, b); hotline.ErrorCode(err) != hotline.EUNAUTHORIZED {
		t.Errorf("revoked session still works: %v", err)
	}
	if _, err := db.SessionByToken(ctx, adas); err != nil {
		t.Errorf("ada's session was ended: %v", err)
	}
	if n, err := db.RevokeAllSessions(ctx, hotline.Staff{User: o}, u.ID); err != nil || n != 1 {
		t.Errorf("RevokeAllSessions %d %v", n, err)
	}
	if _, err := db.RevokeAllSessions(ctx, hotline.Staff{User: o}, 999); hotline.ErrorCode(err) != hotline.ENOTFOUND {
		t.Errorf("revoking an unknown user: %v", err)
	}
}

// TestTOTPStepsAreUsedOnce: a step is accepted once, and no older one after it.
func TestTOTPStepsAreUsedOnce(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "chan", hotline.RoleAgent, "x")
	if err := db.EnableTOTP(ctx, u.ID, 100); hotline.ErrorCode(err) != hotline.ECONFLICT {
		t.Fatalf("enable with nothing pending: %v", err)
	}
	if err := db.SetTOTPPending(ctx, u.ID, "JBSWY3DPEHPK3PXP"); err != nil {
		t.Fatal(err)
	}
	if on, pending, _ := db.TOTPState(ctx, u.ID); on || pending == "" {
		t.Fatal("pending secret counted as on")
	}
	if s, _ := db.TOTPSecret(ctx, u.ID); s != "" {
		t.Fatal("a pending secret is asked for at login")
	}
	if err := db.EnableTOTP(ctx, u.ID, 100); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		step int64
		ok   bool
	}{{100, false}, {99, false}, {101, true}, {101, false}, {103, true}, {102, false}} {
		if ok, err := db.UseTOTPStep(ctx, u.ID, c.step); err != nil || ok != c.ok {
			t.Errorf("step %d: %v %v, want %v", c.step, ok, err, c.ok)
		}
	}
	if err := db.DisableTOTP(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if s, _ := db.TOTPSecret(ctx, u.ID); s != "" {
		t.Fatal("secret kept after disabling")
	}
}

// TestLoginChallenges expire and end.
func TestLoginChallenges(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	o := DefaultOptions()
	o.Now = func() time.Time { return now }
	db, _ := openTest(t, o)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "chan", hotline.RoleAgent, "x")
	tok, csrf, err := db.CreateLoginChallenge(ctx, u.ID, "/console/cases/3")
	if err != nil {
		t.Fatal(err)
	}
	uid, name, c2, next, err := db.LoginChallenge(ctx, tok)
	if err != nil || uid != u.ID || name != "chan" || c2 != csrf || next != "/console/cases/3" {
		t.Fatalf("challenge %d %q %q %v", uid, name, next, err)
	}
	now = now.Add(LoginChallengeTTL)
	if _, _, _, _, err := db.LoginChallenge(ctx, tok); hotline.ErrorCode(err) != hotline.EUNAUTHORIZED {
		t.Errorf("expired challenge: %v", err)
	}
	tok2, _, _ := db.CreateLoginChallenge(ctx, u.ID, "")
	if err := db.DeleteLoginChallenge(ctx, tok2); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, err := db.LoginChallenge(ctx, tok2); hotline.ErrorCode(err) != hotline.EUNAUTHORIZED {
		t.Errorf("deleted challenge: %v", err)
	}
}
