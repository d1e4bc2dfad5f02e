package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"hotline"
)

// TestCaseReadsAreAudited: opening a case through the API or the console
// writes who, what, when and from where; a refused read writes nothing.
func TestCaseReadsAreAudited(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true, metrics: true})
	msg := url.Values{"MessageSid": {"SMread1"}, "AccountSid": {hAccountSID}, "From": {"+85510000123"}, "To": {"+85510000999"}, "Body": {"help"}}
	if resp, _ := h.post("/webhooks/twilio/messages", msg, hAuthToken); resp.StatusCode != 200 {
		t.Fatalf("message: %d", resp.StatusCode)
	}
	id := h.allCases()[0].ID
	path := "/cases/" + strconv.FormatInt(id, 10)
	viewed := func(actor, via string) int {
		return h.count(`SELECT count(*) FROM audit_events WHERE action = 'case.viewed' AND case_id = ? AND actor = ?
			AND json_extract(detail, '$.via') = ? AND json_extract(detail, '$.addr') = '127.0.0.1' AND at > 0`, id, actor, via)
	}

	tok := h.token("apiagent", hotline.RoleAgent)
	if resp, _ := h.get("/api/v1"+path, tok); resp.StatusCode != 200 {
		t.Fatalf("API read: %d", resp.StatusCode)
	}
	if n := viewed("apiagent", "api"); n != 1 {
		t.Fatalf("API read audited %d times", n)
	}
	h.get("/api/v1"+path, "not-a-token")
	h.get("/api/v1/cases/999999", tok)
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'case.viewed'`); n != 1 {
		t.Fatalf("refused or missing reads audited: %d events", n)
	}

	h.staff("consoleagent", hotline.RoleAgent, "")
	cc := h.login("consoleagent")
	if code, _ := cc.get("/console" + path); code != http.StatusOK {
		t.Fatalf("console read: %d", code)
	}
	if n := viewed("consoleagent", "console"); n != 1 {
		t.Fatalf("console read audited %d times", n)
	}
}
