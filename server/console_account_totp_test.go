package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"hotline"
	"hotline/store"
)

var totpKeyRe = regexp.MustCompile(`id="totp-key" type="text" class="mono" value="([A-Z2-7]+)"`)

// code is the TOTP code of secret at t.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrongCode is a code that matches none of the steps the server accepts.
func wrongCode(t *testing.T, secret string) string {
	t.Helper()
	now := time.Now()
	valid := map[string]bool{}
	for d := -2; d <= 2; d++ {
		valid[code(t, secret, now.Add(time.Duration(d)*30*time.Second))] = true
	}
	for _, c := range []string{"000000", "111111", "222222", "333333", "444444", "555555"} {
		if !valid[c] {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

// enrol turns on the second factor of cc's account through the account
// page and returns its secret.
func enrol(t *testing.T, cc *consoleClient) string {
	t.Helper()
	if code, _, _ := cc.post("/console/account/totp/start", nil); code != http.StatusSeeOther {
		t.Fatalf("start enrolment: %d", code)
	}
	_, page := cc.get("/console/account")
	m := totpKeyRe.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "otpauth://totp/Hotline:") || !strings.Contains(page, `src="data:image/png;base64,`) {
		t.Fatal("enrolment does not show the key, the otpauth:// link and the QR code")
	}
	secret := m[1]
	if c, _, _ := cc.post("/console/account/totp/confirm", url.Values{"code": {wrongCode(t, secret)}}); c != http.StatusBadRequest {
		t.Fatalf("confirm with a wrong code: %d", c)
	}
	if c, _, loc := cc.post("/console/account/totp/confirm", url.Values{"code": {code(t, secret, time.Now())}}); c != http.StatusSeeOther || !strings.Contains(loc, "ok=totp_on") {
		t.Fatalf("confirm: %d → %q", c, loc)
	}
	return secret
}

// codeStep posts a code to the login's second step.
func (cc *consoleClient) codeStep(c string) (int, string, string) {
	cc.h.t.Helper()
	code, page := cc.get("/console/login/code")
	m := csrfRe.FindStringSubmatch(page)
	if code != http.StatusOK || m == nil {
		cc.h.t.Fatalf("code form: %d", code)
	}
	return cc.post("/console/login/code", url.Values{"csrf": {m[1]}, "code": {c}})
}

// TestTOTPLogin enrols a second factor from the account page, logs in with
// password then code, refuses the same code a second time, and counts
// wrong codes towards the lockout.
func TestTOTPLogin(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("chan", hotline.RoleAgent, "")
	secret := enrol(t, h.login("chan"))

	// The password alone gives no session, only the code form.
	b := h.browser()
	if c, _, loc := b.tryLogin("chan", staffPassword); c != http.StatusSeeOther || loc != "/console/login/code" {
		t.Fatalf("password step: %d → %q", c, loc)
	}
	if c, _ := b.get("/console"); c != http.StatusSeeOther {
		t.Fatalf("the queue before the code: %d", c)
	}
	if c, _, _ := b.post("/console/login/code", url.Values{"csrf": {"forged"}, "code": {"123456"}}); c != http.StatusForbidden {
		t.Errorf("code with a forged form token: %d", c)
	}
	// The confirming code's step is used; the next one is in the window.
	next := code(t, secret, time.Now().Add(30*time.Second))
	if c, _, loc := b.codeStep(next); c != http.StatusSeeOther || loc != "/console" {
		t.Fatalf("code step: %d → %q", c, loc)
	}
	if c, _ := b.get("/console"); c != http.StatusOK {
		t.Fatalf("the queue after the code: %d", c)
	}

	// The same code again, from another browser with the right password.
	r := h.browser()
	if c, _, _ := r.tryLogin("chan", staffPassword); c != http.StatusSeeOther {
		t.Fatal("password step again")
	}
	if c, page, _ := r.codeStep(next); c != http.StatusUnauthorized || !strings.Contains(page, "already used") {
		t.Fatalf("replayed code: %d", c)
	}
	if c, _ := r.get("/console"); c != http.StatusSeeOther {
		t.Fatal("a replayed code gave a session")
	}

	// Wrong codes count with wrong passwords: the replay above was one.
	wrong := wrongCode(t, secret)
	for i := 2; i < store.LockoutAttempts; i++ {
		if c, _, _ := r.codeStep(wrong); c != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d", i, c)
		}
	}
	c, page, _ := r.codeStep(wrong)
	if c != http.StatusTooManyRequests || !strings.Contains(page, "locked") {
		t.Fatalf("wrong code %d: %d, want 429 locked", store.LockoutAttempts, c)
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'user.locked'`); n != 1 {
		t.Errorf("%d lock events", n)
	}
	// Locked: even the right password and a fresh code do not log in.
	l := h.browser()
	if c, _, _ := l.tryLogin("chan", staffPassword); c != http.StatusTooManyRequests {
		t.Errorf("login while locked: %d", c)
	}
	if n := h.count(`SELECT count(*) FROM login_challenges`); n != 0 {
		t.Errorf("%d challenges left after the lock", n)
	}
}

// TestTOTPDisableNeedsCode: turning the second factor off takes a current
// code, and afterwards the password alone logs in again.
func TestTOTPDisableNeedsCode(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("chan", hotline.RoleAgent, "")
	cc := h.login("chan")
	secret := enrol(t, cc)
	if c, _, _ := cc.post("/console/account/totp/disable", url.Values{"code": {wrongCode(t, secret)}}); c != http.StatusBadRequest {
		t.Fatalf("disable with a wrong code: %d", c)
	}
	// The code that confirmed the enrolment is spent.
	if c, _, _ := cc.post("/console/account/totp/disable", url.Values{"code": {code(t, secret, time.Now().Add(-30*time.Second))}}); c != http.StatusBadRequest {
		t.Fatalf("disable with an old code: %d", c)
	}
	if c, _, loc := cc.post("/console/account/totp/disable", url.Values{"code": {code(t, secret, time.Now().Add(30*time.Second))}}); c != http.StatusSeeOther || !strings.Contains(loc, "ok=totp_off") {
		t.Fatalf("disable: %d → %q", c, loc)
	}
	if c, _, loc := h.browser().tryLogin("chan", staffPassword); c != http.StatusSeeOther || loc != "/console" {
		t.Fatalf("password login after disabling: %d → %q", c, loc)
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action IN ('user.totp_enabled', 'user.totp_disabled')`); n != 2 {
		t.Errorf("%d audit events for enabling and disabling", n)
	}
}

// TestGuessesFromASessionCountTowardsLockout: someone at an unlocked screen
// guessing the current password (or a code to turn the second factor off)
// locks the account like guesses at the login form.
func TestGuessesFromASessionCountTowardsLockout(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("chan", hotline.RoleAgent, "")
	cc := h.login("chan")
	secret := enrol(t, cc)
	if c, _, _ := cc.post("/console/account/totp/disable", url.Values{"code": {wrongCode(t, secret)}}); c != http.StatusBadRequest {
		t.Fatalf("disable with a wrong code: %d", c)
	}
	pw := "monsoon ferry at dawn"
	for i := 2; i <= store.LockoutAttempts; i++ {
		if c, _, _ := cc.post("/console/account/password", url.Values{"current": {"a guess that is wrong"}, "new": {pw}, "confirm": {pw}}); c != http.StatusBadRequest {
			t.Fatalf("guess %d: %d", i, c)
		}
	}
	if c, page, _ := cc.post("/console/account/password", url.Values{"current": {staffPassword}, "new": {pw}, "confirm": {pw}}); c != http.StatusTooManyRequests || !strings.Contains(page, "locked") {
		t.Errorf("the right password while locked: %d", c)
	}
	if c, _, _ := cc.post("/console/account/totp/disable", url.Values{"code": {code(t, secret, time.Now().Add(30*time.Second))}}); c != http.StatusTooManyRequests {
		t.Errorf("disable with a right code while locked: %d", c)
	}
	if n := h.count(`SELECT count(*) FROM users WHERE name = 'chan' AND totp_secret <> ''`); n != 1 {
		t.Error("the second factor was turned off while locked")
	}
}
