package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"hotline"
	"hotline/store"
)

// *store.DB must keep satisfying what the acknowledgement links need.
var _ hotline.AckLinkStore = (*store.DB)(nil)

var packetEN = regexp.MustCompile(`(?s)<pre class="packet" lang="en">(.*?)</pre>`)

// TestCasePagePacketProposalAndConsent: a Korean family's report is
// proposed to the embassy the rules name; the case page shows the packet
// in Korean and English with the passport copy missing, and the reporter's
// number enters the packet only once consent is recorded.
func TestCasePagePacketProposalAndConsent(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	ctx := t.Context()
	if _, err := h.db.AddRoute(ctx, "test", "Korean embassy consular desk", store.RoutingRule{Nationality: "KR"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.AddResponder(ctx, "test", "Korean embassy consular desk", store.Responder{Name: "duty officer",
		Channel: hotline.SMS, Address: "+821000009999", Lang: "ko", OnDuty: true}); err != nil {
		t.Fatal(err)
	}
	cs := h.newCase("SM00000000000000000000000000000b01", "+821000001234", "제 아들이 시아누크빌 단지에 갇혀 있어요")
	agent := h.login("agnes")
	path := fmt.Sprintf("/console/cases/%d", cs.ID)
	code, page := agent.get(path)
	if code != http.StatusOK {
		t.Fatalf("case page: %d", code)
	}
	for _, want := range []string{
		"The routing rules propose:", "Korean embassy consular desk", "Hand off to",
		`data-item="passport_copy" class="missing"`, "Passport copy: <strong>MISSING",
		`<pre class="packet" lang="ko">`, "여권 사본", "No consent recorded",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	m := packetEN.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no English packet on the case page")
	}
	if strings.Contains(m[1], "+821000001234") || strings.Contains(m[1], "1234") {
		t.Fatal("the packet carries the number without consent")
	}

	// Consent recorded (CSRF, audited): the packet now carries the number.
	if code, _, loc := agent.post(path+"/consent", url.Values{"consent": {"1"}}); code != http.StatusSeeOther || !strings.Contains(loc, "done=consent") {
		t.Fatalf("consent: %d %s", code, loc)
	}
	_, page = agent.get(path)
	if m := packetEN.FindStringSubmatch(page); m == nil || !strings.Contains(m[1], "+821000001234") {
		t.Fatal("the packet lacks the number after consent")
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'case.consent_share' AND actor = 'agnes' AND case_id = ?`, cs.ID); n != 1 {
		t.Fatalf("consent audited %d times", n)
	}
	// Confirming the proposal hands the case off; the proposal is gone.
	org := h.orgID("Korean embassy consular desk")
	if code, _, _ := agent.post(path+"/handoff", url.Values{"organisation": {fmt.Sprint(org)}, "share": {"location", "reasons"}}); code != http.StatusSeeOther {
		t.Fatalf("hand-off: %d", code)
	}
	if _, page = agent.get(path); strings.Contains(page, "The routing rules propose:") {
		t.Fatal("a case already handed to the proposed organisation is still proposed to it")
	}
}

// TestResponderUpdates: table of updates from responders of the right and
// the wrong organisation; each lands on the timeline, and a rescue
// resolves the case.
func TestResponderUpdates(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	h.staff("kosal", hotline.RoleResponder, "Anti-human-trafficking police")
	h.staff("vanna", hotline.RoleResponder, "Provincial police Svay Rieng")
	police := h.orgID("Anti-human-trafficking police")
	right, wrong := h.login("kosal"), h.login("vanna")
	agent := h.login("agnes")
	tests := []struct {
		name       string
		who        *consoleClient
		kind       string
		wantCode   int
		wantStatus string
	}{
		{"en route", right, hotline.UpdateEnRoute, http.StatusSeeOther, hotline.StatusHandedOff},
		{"needs info", right, hotline.UpdateNeedsInfo, http.StatusSeeOther, hotline.StatusHandedOff},
		{"not found", right, hotline.UpdateNotFound, http.StatusSeeOther, hotline.StatusHandedOff},
		{"rescued resolves", right, hotline.UpdateRescued, http.StatusSeeOther, hotline.StatusResolved},
		{"unknown kind", right, "arrested", http.StatusBadRequest, hotline.StatusHandedOff},
		{"wrong organisation", wrong, hotline.UpdateRescued, http.StatusForbidden, hotline.StatusHandedOff},
		{"staff cannot post updates", agent, hotline.UpdateRescued, http.StatusForbidden, hotline.StatusHandedOff},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := h.newCase(fmt.Sprintf("SM00000000000000000000000000000c%02d", i), fmt.Sprintf("+8551000080%d", i), "we are held in Bavet, please help")
			if _, err := h.db.HandOff(t.Context(), mustStaffFull(t, h, "agnes"), cs.ID, police, []string{"location"}, ""); err != nil {
				t.Fatal(err)
			}
			path := fmt.Sprintf("/console/cases/%d", cs.ID)
			if code, _, _ := tt.who.post(path+"/update", url.Values{"kind": {tt.kind}, "note": {"team of four"}}); code != tt.wantCode {
				t.Fatalf("update: %d, want %d", code, tt.wantCode)
			}
			got, err := h.db.GetCase(t.Context(), cs.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.wantStatus {
				t.Fatalf("status %s, want %s", got.Status, tt.wantStatus)
			}
			_, page := agent.get(path)
			onTimeline := strings.Contains(page, "["+tt.kind+"] team of four")
			if onTimeline != (tt.wantCode == http.StatusSeeOther) {
				t.Fatalf("update on the timeline: %v", onTimeline)
			}
		})
	}
	// The right responder sees the update form and the packet, shared
	// fields only.
	cs := h.newCase("SM00000000000000000000000000000c99", "+85510000899", "we are held in Bavet, please help")
	if _, err := h.db.HandOff(t.Context(), mustStaffFull(t, h, "agnes"), cs.ID, police, []string{"location"}, ""); err != nil {
		t.Fatal(err)
	}
	_, page := right.get(fmt.Sprintf("/console/cases/%d", cs.ID))
	if !strings.Contains(page, `action="/console/cases/`+fmt.Sprint(cs.ID)+`/update"`) || !strings.Contains(page, "Police checklist") {
		t.Fatal("the responder's case page lacks the update form or the checklist")
	}
	if strings.Contains(page, "+85510000899") || strings.Contains(page, "/consent") {
		t.Fatal("the responder sees what the hand-off did not share")
	}
}

// TestRoutingAdminActions: table of the admin's responder and rule forms,
// each audited, errors shown next to the form with what was typed (but
// never the secret).
func TestRoutingAdminActions(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("ada", hotline.RoleAdmin, "")
	h.orgID("Korean embassy consular desk")
	admin := h.login("ada")
	tests := []struct {
		name     string
		path     string
		form     url.Values
		wantCode int
		wantBody string
		audit    string
	}{
		{"sms contact", "/console/admin/responders", url.Values{"organisation": {"Korean embassy consular desk"}, "name": {"duty officer"},
			"channel": {"sms"}, "address": {"+821000009999"}, "lang": {"ko"}, "on_duty": {"1"}}, http.StatusSeeOther, "", "responder.added"},
		{"bad email", "/console/admin/responders", url.Values{"organisation": {"Korean embassy consular desk"}, "name": {"mailbox"},
			"channel": {"email"}, "address": {"not-an-address"}}, http.StatusBadRequest, "not an email address", ""},
		{"webhook with a short secret", "/console/admin/responders", url.Values{"organisation": {"Korean embassy consular desk"}, "name": {"hook"},
			"channel": {"webhook"}, "address": {"https://police.example/hook"}, "secret": {"short-secret-x"}}, http.StatusBadRequest, "secret of at least 16", ""},
		{"same name twice", "/console/admin/responders", url.Values{"organisation": {"Korean embassy consular desk"}, "name": {"duty officer"},
			"channel": {"sms"}, "address": {"+821000009998"}}, http.StatusConflict, "already has a responder", ""},
		{"rule", "/console/admin/routes", url.Values{"organisation": {"Korean embassy consular desk"}, "nationality": {"kr"},
			"min_urgency": {"high"}}, http.StatusSeeOther, "", "route.added"},
		{"rule with a bad reporter", "/console/admin/routes", url.Values{"organisation": {"Korean embassy consular desk"}, "reporter": {"police"}},
			http.StatusBadRequest, "reporter must be", ""},
		{"rule without organisation", "/console/admin/routes", url.Values{"lang": {"km"}}, http.StatusBadRequest, "choose an organisation", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.count(`SELECT count(*) FROM audit_events WHERE actor = 'ada' AND action = ?`, tt.audit)
			code, body, _ := admin.post(tt.path, tt.form)
			if code != tt.wantCode || !strings.Contains(body, tt.wantBody) {
				t.Fatalf("%d, want %d with %q: %.300s", code, tt.wantCode, tt.wantBody, body)
			}
			if tt.form.Get("secret") != "" && strings.Contains(body, tt.form.Get("secret")) {
				t.Fatal("the secret came back to the browser")
			}
			if tt.audit != "" {
				if after := h.count(`SELECT count(*) FROM audit_events WHERE actor = 'ada' AND action = ?`, tt.audit); after != before+1 {
					t.Fatalf("audit %s: %d → %d", tt.audit, before, after)
				}
			}
		})
	}
	rs, _ := h.db.Responders(t.Context(), 0)
	rules, _ := h.db.Routes(t.Context())
	if len(rs) != 1 || len(rules) != 1 || rules[0].Nationality != "KR" || rules[0].MinUrgency != hotline.High {
		t.Fatalf("responders %+v rules %+v", rs, rules)
	}
	_, page := admin.get("/console/admin/routing")
	if !strings.Contains(page, "duty officer") || !strings.Contains(page, "+821000009999") || !strings.Contains(page, fmt.Sprintf(`data-rule="%d"`, rules[0].ID)) {
		t.Fatal("the routing page does not list the contact and the rule")
	}
	// Off duty, then removed; the rule removed.
	if code, _, _ := admin.post(fmt.Sprintf("/console/admin/responders/%d/duty", rs[0].ID), url.Values{"on": {"0"}}); code != http.StatusSeeOther {
		t.Fatalf("duty: %d", code)
	}
	if r, _ := h.db.ResponderByID(t.Context(), rs[0].ID); r.OnDuty {
		t.Fatal("still on duty")
	}
	for _, p := range []string{fmt.Sprintf("/console/admin/responders/%d/remove", rs[0].ID), fmt.Sprintf("/console/admin/routes/%d/remove", rules[0].ID)} {
		if code, _, _ := admin.post(p, nil); code != http.StatusSeeOther {
			t.Fatalf("%s: %d", p, code)
		}
		if code, _, _ := admin.post(p, nil); code != http.StatusNotFound {
			t.Fatalf("%s again: %d, want 404", p, code)
		}
	}
	if rs, _ := h.db.Responders(t.Context(), 0); len(rs) != 0 {
		t.Fatalf("responders left: %+v", rs)
	}
	for _, a := range []string{"responder.on_duty", "responder.removed", "route.deleted"} {
		if n := h.count(`SELECT count(*) FROM audit_events WHERE actor = 'ada' AND action = ?`, a); n != 1 {
			t.Errorf("%s audited %d times", a, n)
		}
	}
}

// TestQueueShowsEscalationTimers: a critical case's automatic hand-off
// shows its timer on the queue row, then that it escalated.
func TestQueueShowsEscalationTimers(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	ctx := t.Context()
	if _, err := h.db.AddRoute(ctx, "test", "Anti-human-trafficking police", store.RoutingRule{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.AddRoute(ctx, "test", "Joint task force", store.RoutingRule{Position: 1}); err != nil {
		t.Fatal(err)
	}
	r, err := h.db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, ExternalID: "SMesc1", From: "+85510000811", Body: "help", ReceivedAt: time.Now()},
		hotline.Triage{Lang: "km", Urgency: hotline.Critical, Reporter: hotline.ReporterSelf}, nil)
	if err != nil {
		t.Fatal(err)
	}
	calm := h.newCase("SM00000000000000000000000000000d01", "+85510000812", "hello")
	if _, err := h.db.EscalateDue(ctx, 10*time.Minute); err != nil { // arms the timer
		t.Fatal(err)
	}
	agent := h.login("agnes")
	row := func(id int64) string {
		_, page := agent.get("/console?status=")
		return regexp.MustCompile(fmt.Sprintf(`(?s)<tr data-case="%d">.*?</tr>`, id)).FindString(page)
	}
	if crit := row(r.CaseID); !strings.Contains(crit, "escalates in 10 min") && !strings.Contains(crit, "escalates in 9 min") {
		t.Fatalf("critical row: %s", crit)
	}
	if other := row(calm.ID); other == "" || strings.Contains(other, "escalat") {
		t.Fatalf("a case without a hand-off shows a timer: %s", other)
	}
	// Another critical case whose timer runs out: escalated, and timed again.
	r2, err := h.db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, ExternalID: "SMesc2", From: "+85510000813", Body: "help", ReceivedAt: time.Now()},
		hotline.Triage{Lang: "km", Urgency: hotline.Critical, Reporter: hotline.ReporterSelf}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.EscalateDue(ctx, time.Millisecond); err != nil { // arms the second case's timer, already run out
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if n, err := h.db.EscalateDue(ctx, 10*time.Minute); err != nil || n != 1 {
		t.Fatalf("escalated %d, %v; want 1", n, err)
	}
	if crit := row(r2.CaseID); !strings.Contains(crit, "escalated; again in 10 min") && !strings.Contains(crit, "escalated; again in 9 min") {
		t.Fatalf("escalated row: %s", crit)
	}
	if crit := row(r.CaseID); !strings.Contains(crit, "escalates in") {
		t.Fatalf("the first case's timer changed: %s", crit)
	}
}
