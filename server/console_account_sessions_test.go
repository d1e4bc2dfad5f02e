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

var sessionRowRe = regexp.MustCompile(`<tr data-session="(\d+)"( aria-current="true")?>`)

// sessionsOn reads the session list of the account page: every id, and the
// one marked as this session.
func sessionsOn(t *testing.T, cc *consoleClient) (ids []string, current string) {
	t.Helper()
	code, page := cc.get("/console/account")
	if code != http.StatusOK {
		t.Fatalf("account page: %d", code)
	}
	for _, m := range sessionRowRe.FindAllStringSubmatch(page, -1) {
		ids = append(ids, m[1])
		if m[2] != "" {
			if current != "" {
				t.Fatal("two sessions marked as this one")
			}
			current = m[1]
		}
	}
	return ids, current
}

// TestSessionRevokeTakesEffectAtOnce logs one user in from two browsers
// (two cookie jars) over real HTTP: each sees both sessions, ends the other,
// and the ended one is refused on its very next request.
func TestSessionRevokeTakesEffectAtOnce(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("mey", hotline.RoleAgent, "")
	h.staff("ada", hotline.RoleAdmin, "")
	laptop, phone := h.login("mey"), h.login("mey")

	ids, cur := sessionsOn(t, laptop)
	_, phoneCur := sessionsOn(t, phone)
	if len(ids) != 2 || cur == "" || phoneCur == "" || cur == phoneCur {
		t.Fatalf("sessions %v, laptop's %q, phone's %q", ids, cur, phoneCur)
	}
	_, page := laptop.get("/console/account")
	if !strings.Contains(page, "127.0.0.1") || !strings.Contains(page, ">Go<") {
		t.Error("the list does not show the address and browser of the sessions")
	}

	// Another user's session id is not mey's to end.
	other := h.login("ada")
	_, adaCur := sessionsOn(t, other)
	if code, _, _ := laptop.post("/console/account/sessions/"+adaCur+"/revoke", nil); code != http.StatusNotFound {
		t.Errorf("revoke another user's session: %d, want 404", code)
	}
	if code, _ := other.get("/console"); code != http.StatusOK {
		t.Fatal("ada was logged out by mey")
	}
	if code, _, _ := laptop.post("/console/account/sessions/"+phoneCur+"/revoke", url.Values{"csrf": {"forged"}}); code != http.StatusForbidden {
		t.Errorf("revoke with a forged token: %d", code)
	}

	if code, _, loc := laptop.post("/console/account/sessions/"+phoneCur+"/revoke", nil); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/account?ok=revoked") {
		t.Fatalf("revoke the phone: %d → %q", code, loc)
	}
	if code, _, loc := phone.getLoc("/console"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/login") {
		t.Errorf("the revoked phone still gets the queue: %d → %q", code, loc)
	}
	if code, _, _ := phone.post("/console/cases/1/note", url.Values{"body": {"x"}}); code != http.StatusUnauthorized {
		t.Errorf("the revoked phone can still post: %d", code)
	}
	if ids, _ := sessionsOn(t, laptop); len(ids) != 1 {
		t.Errorf("after revoking, the list has %v", ids)
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'session.revoked' AND actor = 'mey' AND detail LIKE ?`, `%"session_id":`+phoneCur+`%`); n != 1 {
		t.Errorf("%d audit events for the revoke", n)
	}

	// Sign out everywhere else: the laptop stays, the others go.
	tablet, desk := h.login("mey"), h.login("mey")
	if code, _, _ := laptop.post("/console/account/sessions/revoke-others", nil); code != http.StatusSeeOther {
		t.Fatalf("revoke others: %d", code)
	}
	for name, cc := range map[string]*consoleClient{"tablet": tablet, "desk": desk} {
		if code, _ := cc.get("/console"); code != http.StatusSeeOther {
			t.Errorf("%s still logged in: %d", name, code)
		}
	}
	if code, _ := laptop.get("/console"); code != http.StatusOK {
		t.Errorf("the laptop was logged out too: %d", code)
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'session.revoked_others' AND detail LIKE '%"sessions":2%'`); n != 1 {
		t.Errorf("%d audit events for signing out elsewhere", n)
	}

	// An administrator ends every session of mey from the admin page.
	_, adminPage := other.get("/console/admin")
	mey := mustStaffFull(t, h, "mey")
	action := fmt.Sprintf("/console/admin/users/%d/revoke-sessions", mey.ID)
	if !strings.Contains(adminPage, `action="`+action+`"`) {
		t.Fatal("no revoke button on the admin page")
	}
	if code, _, _ := laptop.post(action, nil); code != http.StatusForbidden {
		t.Errorf("an agent used the admin revoke: %d", code)
	}
	if code, page, _ := other.post(action, nil); code != http.StatusOK || !strings.Contains(page, "All sessions of this account were logged out.") {
		t.Fatalf("admin revoke: %d", code)
	}
	if code, _ := laptop.get("/console"); code != http.StatusSeeOther {
		t.Errorf("mey still logged in after the admin's revoke: %d", code)
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'session.revoked_all' AND actor = 'ada'`); n != 1 {
		t.Errorf("%d audit events for the admin's revoke", n)
	}
	if n := h.count(`SELECT count(*) FROM sessions WHERE user_id = ?`, mey.ID); n != 0 {
		t.Errorf("%d sessions of mey left", n)
	}
}

// TestRevokeOwnSessionLogsOut: ending the session in use is logging out.
func TestRevokeOwnSessionLogsOut(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("mey", hotline.RoleAgent, "")
	cc := h.login("mey")
	_, cur := sessionsOn(t, cc)
	if code, _, loc := cc.post("/console/account/sessions/"+cur+"/revoke", nil); code != http.StatusSeeOther || loc != "/console/login" {
		t.Fatalf("revoke this session: %d → %q", code, loc)
	}
	if code, _ := cc.get("/console"); code != http.StatusSeeOther {
		t.Errorf("still logged in: %d", code)
	}
}
