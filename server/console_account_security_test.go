package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"hotline"
	"hotline/internal/password"
	"hotline/locales"
)

// TestAccountPasswordRules changes a password through the account form:
// every rule of internal/password is refused with its own text, and a
// Korean and a long Khmer passphrase are taken and then log in.
func TestAccountPasswordRules(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("sokha", hotline.RoleAgent, "")
	cc := h.login("sokha")
	change := func(current, pw string) (int, string, string) {
		t.Helper()
		return cc.post("/console/account/password", url.Values{"current": {current}, "new": {pw}, "confirm": {pw}})
	}
	for _, bad := range []struct{ pw, id string }{
		{"twelve chars", "password.too_short"},
		{"Correct Horse Battery Staple", "password.common"},
		{"qwertyuiop123456", "password.common"},
		{"aaaaaaaaaaaaaaaaaaaa", "password.pattern"},
		{"sokha's own long password", "password.context"},
		{"the hotline is open all night", "password.context"},
		{"우리집강아지최고", "password.too_short"}, // 24 bytes, 8 characters
	} {
		code, page, _ := change(staffPassword, bad.pw)
		if want := locales.T("en", bad.id, nil); code != http.StatusBadRequest || !strings.Contains(page, want) {
			t.Errorf("new password %q: %d, want 400 with %q", bad.pw, code, want)
		}
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'user.password_changed'`); n != 0 {
		t.Fatalf("%d refused changes were recorded as changes", n)
	}
	// A passphrase in Korean: 16 characters, 40 bytes.
	ko := "우리 집 강아지는 정말 귀엽다요"
	if code, _, loc := change(staffPassword, ko); code != http.StatusSeeOther || loc != "/console/account?done=password" {
		t.Fatalf("Korean passphrase: %d → %q", code, loc)
	}
	// A Khmer one longer than bcrypt's 72 bytes: every character counts.
	km := strings.Repeat("ព្រះអាទិត្យរះលើភ្នំ ", 4)
	if code, _, _ := change(ko, km); code != http.StatusSeeOther {
		t.Fatalf("Khmer passphrase: %d", code)
	}
	if code, _, _ := h.browser().tryLogin("sokha", km[:len(km)-4]+"x"); code != http.StatusUnauthorized {
		t.Errorf("a passphrase differing past byte 72 logged in: %d", code)
	}
	if code, _, loc := h.browser().tryLogin("sokha", km); code != http.StatusSeeOther || loc != "/console" {
		t.Errorf("login with the Khmer passphrase: %d → %q", code, loc)
	}
}

// TestPasswordTextsNameTheLength keeps the translated rule in step with
// the constant (the texts cannot take it as a parameter).
func TestPasswordTextsNameTheLength(t *testing.T) {
	digits := map[string]string{"en": strconv.Itoa(password.MinLength), "ko": strconv.Itoa(password.MinLength),
		"km": strings.Map(func(r rune) rune { return r - '0' + '០' }, strconv.Itoa(password.MinLength))}
	for lang, n := range digits {
		for _, id := range []string{"password.too_short", "password.hint"} {
			if !strings.Contains(locales.T(lang, id, nil), n) {
				t.Errorf("%s %s does not say %s", lang, id, n)
			}
		}
	}
}

// TestForcedPasswordChange: an account made on the admin page logs in with
// its one-time password and can do nothing but choose its own.
func TestForcedPasswordChange(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("ada", hotline.RoleAdmin, "")
	admin := h.login("ada")
	code, page, _ := admin.post("/console/admin/users", url.Values{"name": {"vanna"}, "role": {"agent"}})
	m := otpRe.FindStringSubmatch(page)
	if code != http.StatusCreated || m == nil {
		t.Fatalf("create agent: %d", code)
	}
	otp := m[1]
	if err := password.Check(otp, "vanna"); err != nil {
		t.Fatalf("the generated password breaks the rules: %v", err)
	}
	vanna := h.browser()
	if code, _, loc := vanna.tryLogin("vanna", otp); code != http.StatusSeeOther || loc != "/console" {
		t.Fatalf("login with the one-time password: %d → %q", code, loc)
	}
	code, acct := vanna.get("/console/account")
	if code != http.StatusOK || !strings.Contains(acct, locales.T("en", "account.must_change", nil)) {
		t.Fatalf("account page while a change is due: %d", code)
	}
	vanna.csrf = csrfRe.FindStringSubmatch(acct)[1]
	for _, path := range []string{"/console", "/console/cases/1", "/console/overview", "/console/admin"} {
		if code, _, loc := vanna.getLoc(path); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/account") {
			t.Errorf("GET %s before the change: %d → %q", path, code, loc)
		}
	}
	if code, _, loc := vanna.post("/console/cases/1/note", url.Values{"body": {"test"}}); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/account") {
		t.Errorf("POST a note before the change: %d → %q", code, loc)
	}
	pw := "monsoon ferry at dawn"
	if code, _, _ := vanna.post("/console/account/password", url.Values{"current": {otp}, "new": {pw}, "confirm": {pw}}); code != http.StatusSeeOther {
		t.Fatalf("change: %d", code)
	}
	if code, _ := vanna.get("/console"); code != http.StatusOK {
		t.Errorf("queue after the change: %d", code)
	}
	if n := h.count(`SELECT count(*) FROM users WHERE name = 'vanna' AND must_change_password = 0`); n != 1 {
		t.Error("the flag was not cleared")
	}
	// Accounts made by the harness (as by a password given on stdin) are not forced.
	h.staff("dara", hotline.RoleAgent, "")
	if code, _ := h.login("dara").get("/console"); code != http.StatusOK {
		t.Errorf("an account with a chosen password was sent away: %d", code)
	}
}

// getLoc is get that also returns the redirect target.
func (cc *consoleClient) getLoc(path string) (int, string, string) {
	cc.h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, cc.h.baseURL+path, nil)
	return cc.do(req)
}
