package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"hotline/channels/twilio"
	"hotline/server"
)

// holdWriter takes SQLite's write lock from a connection of its own, so
// that the store's writer waits at BEGIN (up to its 10 s busy timeout) and
// every unit handed to it stays queued: a database that has fallen behind.
// The returned function releases it.
func holdWriter(t *testing.T, path string) func() {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	released := false
	release := func() {
		if released {
			return
		}
		released = true
		conn.ExecContext(context.Background(), `ROLLBACK`)
		conn.Close()
		db.Close()
	}
	t.Cleanup(release)
	return release
}

// metric reads one sample from /metrics ("" labels for an unlabelled one).
func (h *harness) metric(name, labels string) float64 {
	h.t.Helper()
	resp, err := h.client.Get(h.baseURL + "/metrics")
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	want := name
	if labels != "" {
		want += "{" + labels + "}"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, want+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

// waitBacklog waits until the shedder's backlog is n.
func (h *harness) waitBacklog(n int) {
	h.t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if int(h.metric("hotline_shed_backlog", "")) == n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.t.Fatalf("backlog never reached %d (at %v)", n, h.metric("hotline_shed_backlog", ""))
}

// twilioSMS sends a signed inbound SMS; safe to call from any goroutine.
func (h *harness) twilioSMS(sid, from string) (int, http.Header, error) {
	form := url.Values{"MessageSid": {sid}, "AccountSid": {hAccountSID}, "From": {from}, "To": {"+85510000999"}, "Body": {"help"}}
	req, _ := http.NewRequest(http.MethodPost, h.baseURL+"/webhooks/twilio/messages", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilio.Sign(hAuthToken, h.baseURL+"/webhooks/twilio/messages", form))
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header, nil
}

func (h *harness) formToken() string {
	h.t.Helper()
	resp, err := h.client.Get(h.baseURL + "/?lang=en")
	if err != nil {
		h.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="token" value="([A-Za-z0-9_-]+)"`).FindSubmatch(b)
	if m == nil {
		h.t.Fatal("no form token")
	}
	return string(m[1])
}

// TestShedding holds the database's write lock so that the writer's backlog
// grows, and shows the shedding order: the form and the API are refused
// first, webhooks only at the hard limit; every refusal is a 503 with
// Retry-After and stores nothing; every request admitted before is
// answered 200 once the writer moves again and is stored (nothing
// acknowledged is lost); and once the backlog has drained everything is
// accepted again.
func TestShedding(t *testing.T) {
	h := newHarness(t, harnessOptions{config: func(c *server.Config) {
		c.Shed = server.ShedConfig{Public: 3, Provider: 6, RetryAfter: 7 * time.Second}
	}})
	tok := h.token("api-reader", "agent")
	formToken := h.formToken()
	form := url.Values{"token": {formToken}, "lang": {"en"}, "what": {"my cousin is held near the port"}, "where": {"Sihanoukville"},
		"reporter": {"family"}, "safe_to_contact": {"no"}, "website": {""}}

	release := holdWriter(t, h.path)
	type answer struct {
		sid  string
		code int
		err  error
	}
	answers := make(chan answer, 16)
	admit := func(i int) {
		sid := fmt.Sprintf("SMshed%04d", i)
		go func() {
			code, _, err := h.twilioSMS(sid, fmt.Sprintf("+8551000%04d", i))
			answers <- answer{sid, code, err}
		}()
	}
	for i := range 3 {
		admit(i)
	}
	h.waitBacklog(3)

	// At the public threshold: the form and the API are refused ...
	resp, body := h.post("/", form, "")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "7" {
		t.Fatalf("form at the public threshold: %d Retry-After %q, want 503 and 7", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(body, "my cousin is held near the port") {
		t.Error("the refused form does not give the person their text back")
	}
	resp, _ = h.get("/api/v1/cases", tok)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("API at the public threshold: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// ... health and metrics are not, and webhooks still are admitted.
	if r, _ := h.get("/healthz", ""); r.StatusCode != http.StatusOK {
		t.Errorf("healthz while shedding: %d", r.StatusCode)
	}
	for i := 3; i < 6; i++ {
		admit(i)
	}
	h.waitBacklog(6)

	// At the hard limit webhooks are refused too, before anything is queued.
	code, hdr, err := h.twilioSMS("SMshed0099", "+85510000099")
	if err != nil || code != http.StatusServiceUnavailable || hdr.Get("Retry-After") != "7" {
		t.Fatalf("webhook at the hard limit: %d %v Retry-After %q", code, err, hdr.Get("Retry-After"))
	}

	release()
	for range 6 {
		a := <-answers
		if a.err != nil || a.code != http.StatusOK {
			t.Errorf("admitted webhook %s: %d %v, want 200 after the writer moved", a.sid, a.code, a.err)
		}
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE direction = 'in' AND external_id LIKE 'SMshed%'`); n != 6 {
		t.Errorf("stored %d of the 6 admitted webhooks", n)
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE external_id = 'SMshed0099' OR channel = 'web'`); n != 0 {
		t.Errorf("%d refused requests stored", n)
	}
	if got := h.metric("hotline_shed_total", `tier="public"`); got != 2 {
		t.Errorf("hotline_shed_total{public} = %v, want 2", got)
	}
	if got := h.metric("hotline_shed_total", `tier="provider"`); got != 1 {
		t.Errorf("hotline_shed_total{provider} = %v, want 1", got)
	}

	// Drained: accepted again, including the retry of the refused webhook.
	h.waitBacklog(0)
	if code, _, err := h.twilioSMS("SMshed0099", "+85510000099"); err != nil || code != http.StatusOK {
		t.Errorf("webhook retried after the backlog drained: %d %v", code, err)
	}
	form.Set("token", h.formToken())
	if resp, _ := h.post("/", form, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("form after the backlog drained: %d", resp.StatusCode)
	}
	if resp, _ := h.get("/api/v1/cases", tok); resp.StatusCode != http.StatusOK {
		t.Errorf("API after the backlog drained: %d", resp.StatusCode)
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 8 {
		t.Errorf("stored %d messages in all, want 8", n)
	}
}
