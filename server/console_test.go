package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hotline"
)

// newCase sends a signed SMS webhook and returns the case it opened.
func (h *harness) newCase(sid, from, body string) hotline.Case {
	h.t.Helper()
	resp, _ := h.post("/webhooks/twilio/messages", sms(sid, from, body), hAuthToken)
	if resp.StatusCode != 200 {
		h.t.Fatalf("webhook: %d", resp.StatusCode)
	}
	for _, c := range h.allCases() {
		full, err := h.db.GetCase(context.Background(), c.ID)
		if err != nil {
			h.t.Fatal(err)
		}
		for _, m := range full.Messages {
			if m.ExternalID == sid {
				return *full
			}
		}
	}
	h.t.Fatalf("no case for %s", sid)
	return hotline.Case{}
}

func (h *harness) orgID(name string) int64 {
	h.t.Helper()
	o, err := h.db.EnsureOrganisation(context.Background(), name)
	if err != nil {
		h.t.Fatal(err)
	}
	return o.ID
}

func TestConsoleLoginLogoutAndLockout(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")

	anon := h.browser()
	if code, _ := anon.get("/console"); code != http.StatusSeeOther {
		t.Errorf("anonymous queue: %d, want 303 to login", code)
	}
	// The login form's own CSRF token is required.
	if code, _, _ := anon.post("/console/login", url.Values{"name": {"agnes"}, "password": {staffPassword}}); code != http.StatusForbidden {
		t.Errorf("login without token: %d, want 403", code)
	}

	cc := h.login("agnes")
	req, _ := http.NewRequest(http.MethodGet, h.baseURL+"/console/login", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
			t.Errorf("cookie %s: HttpOnly=%v SameSite=%v", ck.Name, ck.HttpOnly, ck.SameSite)
		}
	}
	if code, body := cc.get("/console"); code != 200 || !strings.Contains(body, "agnes") {
		t.Fatalf("queue after login: %d", code)
	}
	// Forms without the session's token are refused.
	if code, _, _ := cc.post("/console/logout", url.Values{"csrf": {"forged"}}); code != http.StatusForbidden {
		t.Errorf("logout with a forged token: %d, want 403", code)
	}
	if code, _, loc := cc.post("/console/logout", nil); code != http.StatusSeeOther || loc != "/console/login" {
		t.Errorf("logout: %d → %q", code, loc)
	}
	if code, _ := cc.get("/console"); code != http.StatusSeeOther {
		t.Errorf("queue after logout: %d, want 303", code)
	}

	// Five wrong passwords lock the account, even for the right one after.
	bad := h.browser()
	for i := 1; i <= 4; i++ {
		if code, body, _ := bad.tryLogin("agnes", "wrong password "+fmt.Sprint(i)); code != http.StatusUnauthorized || !strings.Contains(body, "wrong") {
			t.Fatalf("wrong password %d: %d", i, code)
		}
	}
	if code, body, _ := bad.tryLogin("agnes", "wrong password 5"); code != http.StatusTooManyRequests || !strings.Contains(body, "locked for 15 minutes") {
		t.Fatalf("fifth wrong password: %d %q", code, body)
	}
	if code, _, _ := h.browser().tryLogin("agnes", staffPassword); code != http.StatusTooManyRequests {
		t.Errorf("right password on a locked account: %d, want 429", code)
	}
	// Unknown names answer like wrong passwords.
	if code, _, _ := h.browser().tryLogin("nobody", staffPassword); code != http.StatusUnauthorized {
		t.Errorf("unknown user: %d, want 401", code)
	}
}

func TestConsoleSessionSurvivesRestart(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	cc := h.login("agnes")
	// A second server on the same database stands in for a restart.
	h2 := h.restart()
	cc.h = h2
	if code, _ := cc.get("/console"); code != 200 {
		t.Errorf("queue on the restarted server: %d, want 200", code)
	}
}

func TestConsoleQueueFiltersAndCounts(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	crit := h.newCase("SM00000000000000000000000000000c01", "+85510000801", "they are beating us right now in Poipet, help")
	low := h.newCase("SM00000000000000000000000000000c02", "+85510000802", "what documents do I need for a visa?")
	cc := h.login("agnes")

	code, body := cc.get("/console")
	if code != 200 {
		t.Fatalf("queue: %d", code)
	}
	if strings.Index(body, crit.Ref) > strings.Index(body, low.Ref) || !strings.Contains(body, low.Ref) {
		t.Error("critical case is not above the low one")
	}
	if strings.Contains(body, "+85510000801") || !strings.Contains(body, "+855 •••• 801") {
		t.Error("queue must show masked numbers only")
	}
	if _, body := cc.get("/console?urgency=critical"); !strings.Contains(body, crit.Ref) || strings.Contains(body, low.Ref) {
		t.Error("urgency filter")
	}
	if _, body := cc.get("/console?unassigned=1&channel=sms"); !strings.Contains(body, crit.Ref) {
		t.Error("unassigned+channel filter lost a case")
	}
	if _, body := cc.get("/console?mine=1"); strings.Contains(body, crit.Ref) {
		t.Error("mine shows a case nobody took")
	}
	if code, _, _ := cc.post(fmt.Sprintf("/console/cases/%d/assign", crit.ID), url.Values{"claim": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("claim: %d", code)
	}
	if _, body := cc.get("/console?mine=1"); !strings.Contains(body, crit.Ref) || strings.Contains(body, low.Ref) {
		t.Error("mine after claim")
	}
	if _, body := cc.get("/console?unassigned=1"); strings.Contains(body, crit.Ref) {
		t.Error("unassigned still shows the claimed case")
	}
	// Counts: one critical, one low among open cases.
	if !strings.Contains(body, `class="u-critical" href="/console?urgency=critical">critical <strong>1</strong>`) {
		t.Errorf("critical count missing")
	}
	if code, _ := cc.get("/console?status=lost"); code != http.StatusBadRequest {
		t.Errorf("bad filter: %d, want 400", code)
	}
}

func TestConsoleCaseWorkflow(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	h.staff("kosal", hotline.RoleResponder, "Anti-Human Trafficking Police")
	h.staff("other", hotline.RoleResponder, "Other Unit")
	c := h.newCase("SM00000000000000000000000000000c11", "+85510000811", "they took our passports in Bavet, please help")
	c2 := h.newCase("SM00000000000000000000000000000c12", "+85510000812", "my son in Sihanoukville has not called")
	cc := h.login("agnes")
	path := fmt.Sprintf("/console/cases/%d", c.ID)

	code, body := cc.get(path)
	if code != 200 || !strings.Contains(body, "they took our passports in Bavet") || !strings.Contains(body, "+85510000811") {
		t.Fatalf("case page: %d", code)
	}
	if !strings.Contains(body, `href="/console/map.svg"`) {
		t.Error("no map on the case page")
	}
	// A reply inside the window is queued: an outbound message and an outbox row.
	if code, _, loc := cc.post(path+"/reply", url.Values{"body": {"Where are you now?"}}); code != http.StatusSeeOther || !strings.Contains(loc, "done=reply") {
		t.Fatalf("reply: %d %q", code, loc)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE case_id = ? AND status = 'queued' AND kind = 'reply'`, c.ID); n != 1 {
		t.Errorf("outbox rows: %d, want 1", n)
	}
	if _, body := cc.get(path); !strings.Contains(body, "Where are you now?") || !strings.Contains(body, "queued, not sent yet") {
		t.Error("queued reply not shown as queued")
	}
	// Resolving needs a resolution and a reason.
	if code, _, _ := cc.post(path+"/status", url.Values{"status": {"resolved"}, "resolution": {"rescued"}}); code != http.StatusBadRequest {
		t.Errorf("resolve without reason: %d, want 400", code)
	}
	if code, _, _ := cc.post(path+"/urgency", url.Values{"urgency": {"critical"}}); code != http.StatusBadRequest {
		t.Errorf("urgency override without reason: %d, want 400", code)
	}
	if code, _, _ := cc.post(path+"/urgency", url.Values{"urgency": {"critical"}, "reason": {"called back, guards armed"}}); code != http.StatusSeeOther {
		t.Errorf("urgency override: %d", code)
	}
	if code, _, _ := cc.post(path+"/note", url.Values{"body": {"family in Busan informed"}}); code != http.StatusSeeOther {
		t.Errorf("note: %d", code)
	}
	// Hand-off to the police unit, sharing location and reasons only.
	org := h.orgID("Anti-Human Trafficking Police")
	if code, _, _ := cc.post(path+"/handoff", url.Values{"organisation": {fmt.Sprint(org)}, "share": {"location", "reasons"}}); code != http.StatusSeeOther {
		t.Fatalf("hand-off: %d", code)
	}
	_, body = cc.get(path)
	for _, want := range []string{"handed off", "called back, guards armed", "family in Busan informed", "case.handed_off", "case.urgency_override"} {
		if !strings.Contains(body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}

	police := h.login("kosal")
	code, body = police.get(path)
	if code != 200 {
		t.Fatalf("responder on their case: %d", code)
	}
	for _, secret := range []string{"+85510000811", "they took our passports", "family in Busan informed"} {
		if strings.Contains(body, secret) {
			t.Errorf("responder sees %q, which the hand-off did not share", secret)
		}
	}
	if code, _ := police.get(fmt.Sprintf("/console/cases/%d", c2.ID)); code != http.StatusForbidden {
		t.Errorf("responder on a case not handed to them: %d, want 403", code)
	}
	if _, body := police.get("/console"); !strings.Contains(body, c.Ref) || strings.Contains(body, c2.Ref) {
		t.Error("responder queue must hold only their case")
	}
	if code, _, _ := police.post(path+"/note", url.Values{"body": {"x"}}); code != http.StatusForbidden {
		t.Errorf("responder note: %d, want 403", code)
	}
	if code, _, _ := police.post(path+"/ack", nil); code != http.StatusSeeOther {
		t.Errorf("responder ack: %d", code)
	}
	if code, _ := h.login("other").get(path); code != http.StatusForbidden {
		t.Errorf("responder of another organisation: %d, want 403", code)
	}

	if code, _, _ := cc.post(path+"/status", url.Values{"status": {"resolved"}, "resolution": {"rescued"}, "reason": {"police raid on 3 May"}}); code != http.StatusSeeOther {
		t.Errorf("resolve: %d", code)
	}
	if code, _, _ := cc.post(path+"/status", url.Values{"status": {"handed_off"}}); code != http.StatusConflict {
		t.Errorf("resolved → handed off: %d, want 409", code)
	}
	if code, _, _ := cc.post(path+"/status", url.Values{"status": {"closed"}}); code != http.StatusSeeOther {
		t.Errorf("close: %d", code)
	}
	got, _ := h.db.CaseDetail(context.Background(), c.ID)
	if got.Status != hotline.StatusClosed || got.Resolution != hotline.ResolvedRescued || got.Urgency != hotline.Critical || got.HandoffState != hotline.HandoffAcknowledged {
		t.Errorf("case after workflow: %+v", got)
	}
}

func TestConsoleReplySafetyRules(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	ctx := context.Background()
	// A message from an hour ago: the reply window has closed.
	rcpt, err := h.db.RecordInbound(ctx, hotline.Inbound{
		Channel: hotline.SMS, ExternalID: "SM00000000000000000000000000000c21", From: "+85510000821",
		Body: "help", ReceivedAt: time.Now().Add(-time.Hour),
	}, hotline.Triage{Lang: "km", Urgency: hotline.High}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cc := h.login("agnes")
	path := fmt.Sprintf("/console/cases/%d", rcpt.CaseID)
	code, body, _ := cc.post(path+"/reply", url.Values{"body": {"Are you safe?"}})
	if code != http.StatusConflict || !strings.Contains(body, "reply window has closed") || !strings.Contains(body, "Are you safe?") {
		t.Fatalf("reply outside the window: %d", code)
	}
	if code, _, _ := cc.post(path+"/reply", url.Values{"body": {"Are you safe?"}, "override": {"1"}}); code != http.StatusBadRequest {
		t.Errorf("override without reason: %d, want 400", code)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE case_id = ?`, rcpt.CaseID); n != 0 {
		t.Fatalf("refused replies left %d outbox rows", n)
	}
	if code, _, _ := cc.post(path+"/reply", url.Values{"body": {"Are you safe?"}, "override": {"1"}, "override_reason": {"family says phone is with him"}}); code != http.StatusSeeOther {
		t.Fatalf("override with reason: %d", code)
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE case_id = ? AND action = 'case.reply_queued' AND detail LIKE '%family says phone%'`, rcpt.CaseID); n != 1 {
		t.Errorf("override not audited (%d)", n)
	}
	// Do-not-contact also needs the override, even inside the window.
	r2, err := h.db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, ExternalID: "SM00000000000000000000000000000c22", From: "+85510000822", Body: "hi"}, hotline.Triage{Lang: "km"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.db.SetDoNotContact(ctx, hotline.SMS, "+85510000822", true); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := cc.post(fmt.Sprintf("/console/cases/%d/reply", r2.CaseID), url.Values{"body": {"x"}}); code != http.StatusConflict || !strings.Contains(body, "asked not to be contacted") {
		t.Errorf("reply to do-not-contact: %d", code)
	}
	// Canned replies come in the case's language.
	if _, body := cc.get(path); !strings.Contains(body, "តើអ្នកនៅឯណាឥឡូវនេះ") || !strings.Contains(body, rcpt.CaseRef) {
		t.Error("canned replies not in Khmer or without the reference")
	}
}

func TestConsoleMergeAndPassword(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	a := h.newCase("SM00000000000000000000000000000c31", "+85510000831", "my brother is held in Bavet")
	b := h.newCase("SM00000000000000000000000000000c32", "+821000001234", "they beat him yesterday in Bavet, help")
	cc := h.login("agnes")
	if code, _, _ := cc.post(fmt.Sprintf("/console/cases/%d/merge", a.ID), url.Values{"other": {fmt.Sprint(b.ID)}}); code != http.StatusSeeOther {
		t.Fatalf("merge: %d", code)
	}
	got, _ := h.db.CaseDetail(context.Background(), a.ID)
	dup, _ := h.db.CaseDetail(context.Background(), b.ID)
	if len(got.Messages) < 2 || dup.MergedInto != a.ID || dup.Status != hotline.StatusClosed || got.Urgency < b.Urgency {
		t.Errorf("after merge: kept %d messages urgency %s; dup merged into %d status %s", len(got.Messages), got.Urgency, dup.MergedInto, dup.Status)
	}

	// Password change: the current password is checked, other sessions end.
	other := h.login("agnes")
	if code, _, _ := cc.post("/console/account/password", url.Values{"current": {"nope"}, "new": {"a much longer secret"}, "confirm": {"a much longer secret"}}); code != http.StatusBadRequest {
		t.Errorf("wrong current password: %d", code)
	}
	if code, _, _ := cc.post("/console/account/password", url.Values{"current": {staffPassword}, "new": {"a much longer secret"}, "confirm": {"a much longer secret"}}); code != http.StatusSeeOther {
		t.Fatalf("password change: %d", code)
	}
	if code, _ := cc.get("/console"); code != 200 {
		t.Errorf("own session after change: %d", code)
	}
	if code, _ := other.get("/console"); code != http.StatusSeeOther {
		t.Errorf("other session after change: %d, want 303", code)
	}
	if code, _, _ := h.browser().tryLogin("agnes", "a much longer secret"); code != http.StatusSeeOther {
		t.Errorf("login with the new password: %d", code)
	}
	// Language choice sticks to the user.
	if code, _, _ := cc.post("/console/account/lang", url.Values{"lang": {"km"}, "next": {"/console"}}); code != http.StatusSeeOther {
		t.Fatalf("set lang: %d", code)
	}
	if _, body := cc.get("/console"); !strings.Contains(body, `<html lang="km">`) || !strings.Contains(body, "បញ្ជីរង់ចាំ") {
		t.Error("console not in Khmer after choosing it")
	}
}
