package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"hotline"
	"hotline/channels/twilio"
)

// openDBReadOnly opens the server's database file beside it, to check what
// was really committed rather than what the API says.
func openDBReadOnly(t testing.TB, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "hotline.db")+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func countRows(t testing.TB, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestSignedWebhookBecomesQueuedCase(t *testing.T) {
	dir := t.TempDir()
	p := startHotline(t, dir)
	if !strings.Contains(p.output(), "created first staff account") {
		t.Fatalf("first start should create an admin and print its password once; stdout:\n%s", p.output())
	}
	var mustChange int
	if err := openDBReadOnly(t, dir).QueryRow(`SELECT must_change_password FROM users WHERE name = 'admin'`).Scan(&mustChange); err != nil || mustChange != 1 {
		t.Fatalf("the first admin's printed password must be changed at the first login: must_change_password=%d, %v", mustChange, err)
	}
	token := strings.TrimSpace(runCLI(t, dir, "", "token", "create", "admin"))
	if token == "" || strings.ContainsAny(token, " \n") {
		t.Fatalf("token create should print the token alone, got %q", token)
	}
	ctx := context.Background()
	client := &http.Client{}

	// Without a token the API refuses.
	if code := getJSON(t, p.baseURL+"/api/v1/cases", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("GET /api/v1/cases without token: %d, want 401", code)
	}

	form := twilioForm("SM00000000000000000000000000000001", "+85510000123",
		"They beat us every night and took our passports. We are in Sihanoukville, please help")
	code, body, err := postTwilio(ctx, client, p.baseURL, form, testAuthToken)
	if err != nil {
		t.Fatal(err)
	}
	if code != http.StatusOK || !strings.Contains(body, "<Response>") {
		t.Fatalf("signed webhook: %d %q, want 200 TwiML", code, body)
	}

	var page hotline.CasePage
	if code := getJSON(t, p.baseURL+"/api/v1/cases", token, &page); code != http.StatusOK {
		t.Fatalf("GET /api/v1/cases: %d", code)
	}
	if len(page.Cases) != 1 {
		t.Fatalf("want 1 case, got %d", len(page.Cases))
	}
	c := page.Cases[0]
	if c.Urgency != hotline.Critical || c.Location.Province != "Preah Sihanouk" || c.Channel != hotline.SMS {
		t.Errorf("case triage: urgency %s province %q channel %q; want critical, Preah Sihanouk, sms", c.Urgency, c.Location.Province, c.Channel)
	}
	if strings.Contains(c.Contact, "10000123") {
		t.Errorf("queue shows the full number %q; want it masked", c.Contact)
	}
	if c.Ref == "" || !strings.Contains(body, c.Ref) {
		t.Errorf("acknowledgement %q should carry the case reference %q", body, c.Ref)
	}

	// A forged webhook: signed with another token. 403, nothing stored.
	db := openDBReadOnly(t, dir)
	before := [3]int{countRows(t, db, "messages"), countRows(t, db, "cases"), countRows(t, db, "contacts")}
	forged := twilioForm("SM00000000000000000000000000000002", "+85510000456", "Hello")
	code, _, err = postTwilio(ctx, client, p.baseURL, forged, "not-the-auth-token")
	if err != nil {
		t.Fatal(err)
	}
	if code != http.StatusForbidden {
		t.Fatalf("forged webhook: %d, want 403", code)
	}
	// A signed body that was changed in transit is forged too.
	tampered := twilioForm("SM00000000000000000000000000000003", "+85510000456", "Hello")
	req, _ := http.NewRequest(http.MethodPost, p.baseURL+"/webhooks/twilio/messages", strings.NewReader(tampered.Encode()+"&Extra=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilio.Sign(testAuthToken, p.baseURL+"/webhooks/twilio/messages", tampered))
	if resp, err := client.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("tampered webhook: %v %v, want 403", resp.StatusCode, err)
	}
	after := [3]int{countRows(t, db, "messages"), countRows(t, db, "cases"), countRows(t, db, "contacts")}
	if before != after {
		t.Fatalf("forged webhooks changed the database: messages/cases/contacts %v → %v", before, after)
	}

	// The same MessageSid three times: one message.
	again := twilioForm("SM00000000000000000000000000000009", "+85510000789", "I am locked in a room in Bavet")
	for i := 0; i < 3; i++ {
		code, _, err := postTwilio(ctx, client, p.baseURL, again, testAuthToken)
		if err != nil || code != http.StatusOK {
			t.Fatalf("delivery %d: %d %v", i+1, code, err)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM messages WHERE external_id = ?`, "SM00000000000000000000000000000009").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("same MessageSid three times stored %d messages, want 1", n)
	}

	// The single case carries its messages, with the full number.
	var full hotline.Case
	if code := getJSON(t, fmt.Sprintf("%s/api/v1/cases/%d", p.baseURL, c.ID), token, &full); code != http.StatusOK {
		t.Fatalf("GET case: %d", code)
	}
	if full.Contact != "+85510000123" {
		t.Errorf("case page contact %q, want the full number", full.Contact)
	}
	var in int
	for _, m := range full.Messages {
		if m.Direction == hotline.DirIn {
			in++
			if m.ExternalID != "SM00000000000000000000000000000001" || m.Body == "" || m.Channel != hotline.SMS || m.CreatedAt.IsZero() {
				t.Errorf("message fields: %+v", m)
			}
		}
	}
	if in != 1 {
		t.Errorf("case has %d inbound messages, want 1", in)
	}
	if code := getJSON(t, p.baseURL+"/api/v1/cases/999999", token, nil); code != http.StatusNotFound {
		t.Errorf("unknown case: %d, want 404", code)
	}
	if code := getJSON(t, p.baseURL+"/healthz", "", nil); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
	p.stop(t)
}
