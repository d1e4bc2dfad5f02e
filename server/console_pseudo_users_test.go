package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"hotline"
	"hotline/store"
)

// pseudoUsers reads, from the database file, the rows of users that are
// not people: the store gives them a password hash that is no hash ("!"),
// so nobody can log in as them. Reading the file rather than naming them
// keeps the test true if the store renames its system account.
func (h *harness) pseudoUsers() []string {
	h.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+h.path+"?mode=ro")
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM users WHERE password_hash = '!'`)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

var (
	assigneeSelectRe = regexp.MustCompile(`(?s)<select id="assignee".*?</select>`)
	adminPeopleRe    = regexp.MustCompile(`<tr data-user="\d+"><td>([^<]*)</td>`)
)

// TestConsoleStaffListsHideSystemAccount: an automatic hand-off records
// itself under the store's system account, a users row nobody can log in
// as. It must not be offered as an assignee nor listed among the accounts
// on the admin page (the hand-off itself still says who made it).
func TestConsoleStaffListsHideSystemAccount(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("ada", hotline.RoleAdmin, "")
	h.staff("minji", hotline.RoleAgent, "")
	h.staff("dara", hotline.RoleResponder, "Anti-trafficking police")
	ctx := context.Background()
	if _, err := h.db.AddRoute(ctx, "ada", "Anti-trafficking police", store.RoutingRule{}); err != nil {
		t.Fatal(err)
	}
	r, err := h.db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, ExternalID: "SMpseudo01", From: "+85510000501",
		Body: "report", ReceivedAt: time.Now()},
		hotline.Triage{Lang: "en", Urgency: hotline.Critical, Reporter: hotline.ReporterSelf}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := h.db.Handoffs(ctx, r.CaseID)
	if err != nil || len(hs) != 1 {
		t.Fatalf("automatic hand-off: %+v, %v", hs, err)
	}
	pseudo := h.pseudoUsers()
	if len(pseudo) == 0 {
		t.Fatal("the automatic hand-off made no system account: nothing to check")
	}

	admin := h.login("ada")
	_, page := admin.get("/console/admin")
	var listed []string
	for _, m := range adminPeopleRe.FindAllStringSubmatch(page, -1) {
		listed = append(listed, m[1])
	}
	for _, want := range []string{"ada", "minji", "dara"} {
		if !slices.Contains(listed, want) {
			t.Errorf("admin page: account %q not listed in %q", want, listed)
		}
	}
	for _, p := range pseudo {
		if slices.Contains(listed, p) {
			t.Errorf("admin page lists the system account %q among people: %q", p, listed)
		}
	}

	for _, who := range []*consoleClient{admin, h.login("minji")} {
		_, cp := who.get(fmt.Sprintf("/console/cases/%d", r.CaseID))
		sel := assigneeSelectRe.FindString(cp)
		if sel == "" {
			t.Fatal("case page has no assignee picker")
		}
		if !strings.Contains(sel, ">minji<") || !strings.Contains(sel, ">ada<") {
			t.Errorf("assignee picker lacks the staff: %s", sel)
		}
		if strings.Contains(sel, ">dara<") {
			t.Errorf("assignee picker offers a responder: %s", sel)
		}
		for _, p := range pseudo {
			if strings.Contains(sel, ">"+p+"<") {
				t.Errorf("assignee picker offers the system account %q: %s", p, sel)
			}
		}
	}
}
