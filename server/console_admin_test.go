package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"hotline"
)

var otpRe = regexp.MustCompile(`id="otp" type="text" class="mono" value="([^"]+)"`)

// TestConsoleAdminAccounts walks the admin page as a person would: an
// organisation, a responder in it with a generated password that works
// once shown, then disabled (sessions and tokens gone) and enabled again.
func TestConsoleAdminAccounts(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("ada", hotline.RoleAdmin, "")
	admin := h.login("ada")

	if code, _, loc := admin.post("/console/admin/orgs", url.Values{"name": {"Police Unit"}}); code != http.StatusSeeOther || loc != "/console/admin?done=org" {
		t.Fatalf("create organisation: %d → %q", code, loc)
	}
	if code, _, _ := admin.post("/console/admin/orgs", url.Values{"name": {"Police Unit"}}); code != http.StatusConflict {
		t.Errorf("same organisation again: %d, want 409", code)
	}
	org := h.orgID("Police Unit")

	// Refusals keep what was typed and create nothing.
	for _, bad := range []struct {
		form url.Values
		want int
	}{
		{url.Values{"name": {"dara"}, "role": {"responder"}}, http.StatusBadRequest}, // no organisation
		{url.Values{"name": {"d"}, "role": {"agent"}}, http.StatusBadRequest},
		{url.Values{"name": {"has space"}, "role": {"agent"}}, http.StatusBadRequest},
		{url.Values{"name": {"dara"}, "role": {"root"}}, http.StatusBadRequest},
		{url.Values{"name": {"ada"}, "role": {"agent"}}, http.StatusConflict},
	} {
		if code, _, _ := admin.post("/console/admin/users", bad.form); code != bad.want {
			t.Errorf("create %v: %d, want %d", bad.form, code, bad.want)
		}
	}
	if n := h.count(`SELECT count(*) FROM users`); n != 1 {
		t.Fatalf("%d users after refusals, want 1", n)
	}

	code, page, _ := admin.post("/console/admin/users", url.Values{"name": {"dara"}, "role": {"responder"}, "organisation": {fmt.Sprint(org)}})
	m := otpRe.FindStringSubmatch(page)
	if code != http.StatusCreated || m == nil {
		t.Fatalf("create responder: %d, password shown: %v", code, m != nil)
	}
	pw := m[1]
	if len(pw) < 20 {
		t.Errorf("one-time password %d characters", len(pw))
	}
	if _, again := admin.get("/console/admin"); strings.Contains(again, pw) {
		t.Error("the one-time password is shown a second time")
	}
	if n := h.count(`SELECT count(*) FROM users WHERE name = 'dara' AND password_hash LIKE '$2%' AND password_hash <> ?`, pw); n != 1 {
		t.Error("the password is not stored as a bcrypt hash")
	}
	dara := h.browser()
	if code, _, loc := dara.tryLogin("dara", pw); code != http.StatusSeeOther || loc != "/console" {
		t.Fatalf("login with the one-time password: %d → %q", code, loc)
	}
	if code, _ := dara.get("/console/account"); code != http.StatusOK {
		t.Fatalf("dara's session: %d", code)
	}
	st := mustStaffFull(t, h, "dara")
	if st.Role != hotline.RoleResponder || st.OrganisationID != org {
		t.Errorf("dara is %s of organisation %d, want responder of %d", st.Role, st.OrganisationID, org)
	}
	tok, err := h.db.CreateToken(t.Context(), "dara")
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := h.get("/api/v1/cases", tok); r.StatusCode != http.StatusOK {
		t.Fatalf("dara's token before disabling: %d", r.StatusCode)
	}

	// An admin cannot disable themselves; the form has a CSRF token.
	ada := mustStaffFull(t, h, "ada")
	if code, _, _ := admin.post(fmt.Sprintf("/console/admin/users/%d/disable", ada.ID), nil); code != http.StatusBadRequest {
		t.Errorf("disable own account: %d, want 400", code)
	}
	if code, _, _ := admin.post(fmt.Sprintf("/console/admin/users/%d/disable", st.ID), url.Values{"csrf": {"forged"}}); code != http.StatusForbidden {
		t.Errorf("disable with a forged token: %d, want 403", code)
	}
	if code, _ := dara.get("/console/account"); code != http.StatusOK {
		t.Fatal("a refused disable logged dara out")
	}

	if code, _, loc := admin.post(fmt.Sprintf("/console/admin/users/%d/disable", st.ID), nil); code != http.StatusSeeOther || loc != "/console/admin?done=disabled" {
		t.Fatalf("disable: %d → %q", code, loc)
	}
	if code, _ := dara.get("/console/account"); code != http.StatusSeeOther {
		t.Errorf("dara's session after disabling: %d, want 303 to the login", code)
	}
	if r, _ := h.get("/api/v1/cases", tok); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("dara's token after disabling: %d, want 401", r.StatusCode)
	}
	if code, _, _ := h.browser().tryLogin("dara", pw); code != http.StatusUnauthorized {
		t.Errorf("login of a disabled account: %d, want 401", code)
	}
	// A token made afterwards (the CLI does not know) is refused as well.
	late, err := h.db.CreateToken(t.Context(), "dara")
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := h.get("/api/v1/cases", late); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a new token of a disabled account: %d, want 401", r.StatusCode)
	}
	if _, page := admin.get("/console/admin"); !strings.Contains(page, fmt.Sprintf(`action="/console/admin/users/%d/enable"`, st.ID)) {
		t.Error("the admin page does not offer to enable dara again")
	}

	if code, _, _ := admin.post(fmt.Sprintf("/console/admin/users/%d/enable", st.ID), nil); code != http.StatusSeeOther {
		t.Fatalf("enable: %d", code)
	}
	if code, _, _ := h.browser().tryLogin("dara", pw); code != http.StatusSeeOther {
		t.Errorf("login after enabling: %d, want 303", code)
	}

	// Everything above is in the audit trail, under the admin's name.
	for action, want := range map[string]int{"organisation.created": 1, "user.created": 1, "user.disabled": 1, "user.enabled": 1} {
		if n := h.count(`SELECT count(*) FROM audit_events WHERE actor = 'ada' AND action = ?`, action); n != want {
			t.Errorf("audit %s by ada: %d, want %d", action, n, want)
		}
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'user.disabled' AND json_extract(detail, '$.sessions_ended') = 1 AND json_extract(detail, '$.tokens_revoked') = 1`); n != 1 {
		t.Error("the disable event does not record the ended session and revoked token")
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE detail LIKE ?`, "%"+pw+"%"); n != 0 {
		t.Error("the one-time password is in the audit trail")
	}
}
