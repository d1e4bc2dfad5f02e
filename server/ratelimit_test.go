package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hotline/intake"
	"hotline/server"
)

// TestForgedWebhooksLimitedPerAddress: an address that keeps failing the
// signature or secret check has its failures answered 429 after ForgedMax
// of them, on every webhook route, and nothing forged is stored; genuine
// traffic, even from that address, and failures that are ours (not
// counted), are not held against anyone.
func TestForgedWebhooksLimitedPerAddress(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true, config: func(c *server.Config) {
		c.RateLimits.ForgedMax = 3
	}})
	msg := func(sid string) url.Values {
		return url.Values{"MessageSid": {sid}, "AccountSid": {hAccountSID}, "From": {"+85510000123"}, "To": {"+85510000999"}, "Body": {"help"}}
	}
	for i := range 3 {
		resp, _ := h.post("/webhooks/twilio/messages", msg(fmt.Sprintf("SMforged%d", i)), "not-the-token")
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("forged webhook %d: %d, want 403", i+1, resp.StatusCode)
		}
	}
	resp, _ := h.post("/webhooks/twilio/messages", msg("SMforged9"), "not-the-token")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("forged webhook past the limit: %d Retry-After %q, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Past the limit its failures on the other webhooks get 429 too, but
	// a correctly signed webhook from the same address is still taken:
	// behind a misconfigured proxy the provider shares the forger's
	// address, and its messages must not be lost.
	badTelegram, _ := http.NewRequest(http.MethodPost, h.baseURL+"/webhooks/telegram", strings.NewReader(
		`{"update_id":880002,"message":{"message_id":2,"from":{"id":700902,"is_bot":false,"first_name":"Test"},"chat":{"id":700902,"type":"private"},"date":1767225600,"text":"help"}}`))
	badTelegram.Header.Set("Content-Type", "application/json")
	badTelegram.Header.Set("X-Telegram-Bot-Api-Secret-Token", "not-the-secret")
	if code, _, _ := h.do(badTelegram); code != http.StatusTooManyRequests {
		t.Errorf("telegram with a wrong secret from a blocked address: %d, want 429", code)
	}
	if n := h.count(`SELECT count(*) FROM messages`); n != 0 {
		t.Errorf("%d messages stored from a forger", n)
	}
	req, _ := http.NewRequest(http.MethodPost, h.baseURL+"/webhooks/telegram", strings.NewReader(
		`{"update_id":880001,"message":{"message_id":1,"from":{"id":700901,"is_bot":false,"first_name":"Test"},"chat":{"id":700901,"type":"private"},"date":1767225600,"text":"help"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hTelegramSecret)
	if code, _, _ := h.do(req); code != http.StatusOK {
		t.Errorf("genuine telegram webhook from a blocked address: %d, want 200", code)
	}
	if resp, _ := h.post("/webhooks/twilio/messages", msg("SMgenuine0"), hAuthToken); resp.StatusCode != http.StatusOK {
		t.Errorf("genuine twilio webhook from a blocked address: %d, want 200", resp.StatusCode)
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 2 {
		t.Errorf("%d inbound messages stored, want the 2 genuine ones", n)
	}
	if got := h.metric("hotline_rate_limited_total", `limit="forged_webhook"`); got != 2 {
		t.Errorf("hotline_rate_limited_total{forged_webhook} = %v, want 2", got)
	}

	// Failures that are not forgeries do not count: a fresh server, many
	// well-signed but invalid webhooks (400) from one address, then a
	// genuine one still gets through.
	h2 := newHarness(t, harnessOptions{config: func(c *server.Config) { c.RateLimits.ForgedMax = 2 }})
	for i := range 5 {
		bad := url.Values{"MessageSid": {fmt.Sprintf("SMbad%d", i)}, "AccountSid": {hAccountSID}, "To": {"+85510000999"}, "Body": {"help"}}
		if resp, _ := h2.post("/webhooks/twilio/messages", bad, hAuthToken); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("signed webhook with no sender: %d, want 400", resp.StatusCode)
		}
	}
	if resp, _ := h2.post("/webhooks/twilio/messages", msg("SMgenuine1"), hAuthToken); resp.StatusCode != http.StatusOK {
		t.Errorf("genuine webhook after invalid ones: %d, want 200", resp.StatusCode)
	}
}

// TestRepliesLimitedPerContact: a contact that floods has every message
// stored and answered 200, but gets at most the limit of automatic replies
// in the window; another contact is not affected.
func TestRepliesLimitedPerContact(t *testing.T) {
	h := newHarness(t, harnessOptions{intake: intake.Options{Ack: intake.AckEvery, Replies: intake.NewReplyLimit(3, time.Hour)}})
	send := func(sid, from string) (int, string) {
		form := url.Values{"MessageSid": {sid}, "AccountSid": {hAccountSID}, "From": {from}, "To": {"+85510000999"}, "Body": {"please help me"}}
		resp, body := h.post("/webhooks/twilio/messages", form, hAuthToken)
		return resp.StatusCode, body
	}
	replies := 0
	for i := range 10 {
		code, body := send(fmt.Sprintf("SMflood%02d", i), "+85510000123")
		if code != http.StatusOK {
			t.Fatalf("flood message %d: %d, want 200", i, code)
		}
		if strings.Contains(body, "<Message>") {
			replies++
		}
	}
	if replies != 3 {
		t.Errorf("flooding contact got %d automatic replies, want 3", replies)
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE direction = 'in' AND external_id LIKE 'SMflood%'`); n != 10 {
		t.Errorf("stored %d of 10 flood messages", n)
	}
	if _, body := send("SMother1", "+85510000456"); !strings.Contains(body, "<Message>") {
		t.Errorf("another contact got no acknowledgement: %s", body)
	}
}

// TestAPIAndAckLimitedPerAddress: the bearer-token API and the
// acknowledgement links answer 429 past their per-address limits.
func TestAPIAndAckLimitedPerAddress(t *testing.T) {
	h := newHarness(t, harnessOptions{config: func(c *server.Config) {
		c.AckKey = []byte("ack-key-for-the-rate-limit-test-0123")
		c.RateLimits = server.RateLimitConfig{APIMax: 4, AckMax: 2, AckWindow: time.Minute}
	}})
	tok := h.token("api-reader", "agent")
	for i := range 4 {
		if resp, _ := h.get("/api/v1/cases", tok); resp.StatusCode != http.StatusOK {
			t.Fatalf("API call %d: %d", i+1, resp.StatusCode)
		}
	}
	if resp, _ := h.get("/api/v1/cases", tok); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("API call past the limit: %d, want 429", resp.StatusCode)
	}
	// Unauthenticated guesses share the budget.
	if resp, _ := h.get("/api/v1/cases", "guessed-token"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("API guess past the limit: %d, want 429", resp.StatusCode)
	}
	for i := range 2 {
		if resp, _ := h.get("/ack/not-a-real-link", ""); resp.StatusCode == http.StatusTooManyRequests {
			t.Fatalf("ack link %d limited early", i+1)
		}
	}
	resp, _ := h.get("/ack/not-a-real-link", "")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("ack link past the limit: %d, want 429", resp.StatusCode)
	}
	// The form page and health are not behind these limits.
	if resp, _ := h.get("/healthz", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
}
