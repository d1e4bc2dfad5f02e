package server_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"hotline/channels/twilio"
	"hotline/server"
)

// TestHostileInput sends malformed, oversized, forged and replayed requests
// to every route the app has (walked from the router, so a route added
// later is attacked too) and reports how many of each it sent per route.
// Whatever it sends: nothing is stored beyond the one genuine message each
// replay started from, no handler panics, no answer is a 5xx.
func TestHostileInput(t *testing.T) {
	// Evidence and acknowledgement links configured, so that their routes
	// are registered and walked too.
	o := harnessOptions{telegram: true, metrics: true}
	withEvidence(t, &o)
	prev := o.config
	o.config = func(c *server.Config) { prev(c); c.AckKey = []byte("hostile-ack-key-hostile-ack-key!") }
	h := newHarness(t, o)
	sent := map[string]map[string]int{} // route → kind → requests
	fail5xx := 0
	send := func(route, kind string, req *http.Request) int {
		t.Helper()
		if sent[route] == nil {
			sent[route] = map[string]int{}
		}
		sent[route][kind]++
		resp, err := h.client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %.200v", kind, route, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			fail5xx++
			t.Errorf("%s %s %.200s: %d", kind, req.Method, req.URL.RequestURI(), resp.StatusCode)
		}
		return resp.StatusCode
	}
	newReq := func(method, path, ct, body string) *http.Request {
		req, err := http.NewRequest(method, h.baseURL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		return req
	}

	// Replays start from one genuine message per channel: stored once.
	msg := url.Values{"MessageSid": {"SMhostile1"}, "AccountSid": {hAccountSID}, "From": {"+85510000123"}, "To": {"+85510000999"}, "Body": {"help"}}
	twilioReq := func() *http.Request {
		req := newReq("POST", "/webhooks/twilio/messages", "application/x-www-form-urlencoded", msg.Encode())
		req.Header.Set("X-Twilio-Signature", twilio.Sign(hAuthToken, h.baseURL+"/webhooks/twilio/messages", msg))
		return req
	}
	update := `{"update_id":990001,"message":{"message_id":1,"from":{"id":700900,"is_bot":false,"first_name":"Test"},"chat":{"id":700900,"type":"private"},"date":1767225600,"text":"help"}}`
	telegramReq := func(secret string) *http.Request {
		req := newReq("POST", "/webhooks/telegram", "application/json", update)
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		return req
	}
	formToken := func() string {
		resp, err := h.client.Get(h.baseURL + "/?lang=en")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := regexp.MustCompile(`name="token" value="([A-Za-z0-9_-]+)"`).FindSubmatch(b)
		if m == nil {
			t.Fatal("no form token")
		}
		return string(m[1])
	}
	form := url.Values{"token": {formToken()}, "lang": {"en"}, "what": {"my brother is held in a compound"}, "where": {"Sihanoukville"},
		"reporter": {"family"}, "safe_to_contact": {"no"}, "website": {""}}
	if code := send("POST /webhooks/twilio/messages", "genuine", twilioReq()); code != 200 {
		t.Fatalf("genuine twilio message: %d", code)
	}
	if code := send("POST /webhooks/telegram", "genuine", telegramReq(hTelegramSecret)); code != 200 {
		t.Fatalf("genuine telegram update: %d", code)
	}
	if code := send("POST /", "genuine", newReq("POST", "/", "application/x-www-form-urlencoded", form.Encode())); code != 200 {
		t.Fatalf("genuine form submission: %d", code)
	}
	baseline := h.count(`SELECT count(*) FROM messages WHERE direction = 'in'`)
	if baseline != 3 {
		t.Fatalf("genuine messages stored: %d, want 3", baseline)
	}
	for range 5 {
		send("POST /webhooks/twilio/messages", "replayed", twilioReq())
		send("POST /webhooks/telegram", "replayed", telegramReq(hTelegramSecret))
		send("POST /", "replayed", newReq("POST", "/", "application/x-www-form-urlencoded", form.Encode()))
	}

	// Every route: malformed, oversized and forged.
	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	bodies := []string{"%zz%", "\xff\xfe\x00garbage", "{", `{"update_id":"x","message":[]}`, deep,
		"Body=" + strings.Repeat("%E1%9E", 100), "MessageSid=&From=&Body=\x00", strings.Repeat("a=1&", 150)}
	queries := []string{"?%zz", "?limit=-1&cursor=%00%ff", "?status=<script>&urgency=' OR 1=1--", "?lang=../../etc/passwd", "?limit=99999999999999999999"}
	ids := []string{"-1", "0", "99999999999999999999", "abc", "1%00", "1;DROP%20TABLE%20cases"}
	seen := map[string]bool{}
	for _, r := range h.srv.App().GetRoutes(true) {
		if r.Method != fiber.MethodGet && r.Method != fiber.MethodPost {
			continue
		}
		name := r.Method + " " + r.Path
		if seen[name] || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		seen[name] = true
		paths := []string{strings.ReplaceAll(r.Path, ":id", "1")}
		if strings.Contains(r.Path, ":") {
			for _, id := range ids {
				paths = append(paths, regexp.MustCompile(`:[a-z]+`).ReplaceAllString(r.Path, id))
			}
		}
		for _, p := range paths {
			for _, q := range queries {
				send(name, "malformed", newReq(r.Method, p+q, "", ""))
			}
			if r.Method == fiber.MethodPost {
				for _, b := range bodies {
					for _, ct := range []string{"application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data"} {
						send(name, "malformed", newReq("POST", p, ct, b))
					}
				}
			}
		}
		p := paths[0]
		// Oversized: a body past the limit, a query string and a header
		// past the header buffer.
		if r.Method == fiber.MethodPost {
			sent[name]["oversized"]++
			if code := h.postOversize(p, "application/x-www-form-urlencoded", server.DefaultBodyLimit+1); code != 413 {
				t.Errorf("oversize POST %s: %d, want 413", p, code)
			}
		}
		for _, raw := range []string{
			r.Method + " " + p + "?q=" + strings.Repeat("x", 12<<10) + " HTTP/1.1\r\nHost: hotline\r\n\r\n",
			r.Method + " " + p + " HTTP/1.1\r\nHost: hotline\r\nCookie: hotline_session=" + strings.Repeat("y", 12<<10) + "\r\n\r\n",
		} {
			sent[name]["oversized"]++
			if code := h.rawStatus(raw); code >= 500 || (code != 0 && code < 400) {
				fail5xx++
				t.Errorf("oversized request line or header to %s: %d", name, code)
			}
		}
		// Forged: every credential the routes take, made up.
		forged := newReq(r.Method, p, "application/x-www-form-urlencoded", url.Values{
			"MessageSid": {"SMforged1"}, "AccountSid": {hAccountSID}, "From": {"+85510000124"}, "Body": {"help"},
			"token": {"forged.token"}, "csrf": {"forged"}, "what": {"forged"}, "name": {"admin"}, "password": {"guess"},
		}.Encode())
		forged.Header.Set("X-Twilio-Signature", twilio.Sign("not-the-token", h.baseURL+p, nil))
		forged.Header.Set("X-Telegram-Bot-Api-Secret-Token", "not-the-secret")
		forged.Header.Set("Authorization", "Bearer forged-token")
		forged.Header.Set("Cookie", "hotline_session=forged-session")
		send(name, "forged", forged)
		if r.Path == "/webhooks/telegram" {
			send(name, "forged", telegramReq("not-the-secret"))
		}
		// The Twilio signature of one URL on another route.
		if strings.HasPrefix(r.Path, "/webhooks/twilio/") {
			req := newReq("POST", p, "application/x-www-form-urlencoded", msg.Encode())
			req.Header.Set("X-Twilio-Signature", twilio.Sign(hAuthToken, h.baseURL+"/webhooks/twilio/other", msg))
			send(name, "forged", req)
		}
	}

	if got := h.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); got != baseline {
		t.Errorf("stored: %d messages beyond the %d genuine ones", got-baseline, baseline)
	}
	if p := h.srv.Panics(); p != 0 {
		t.Errorf("panics: %d", p)
	}
	// The routes behind the login, attacked signed in (hostile_staff_test.go).
	staff := hostileAsStaff(t)
	for r, kinds := range staff.sent {
		if sent[r] == nil {
			sent[r] = map[string]int{}
		}
		for k, n := range kinds {
			sent[r][k] += n
		}
	}
	fail5xx += staff.fail5xx
	if staff.stored != 0 {
		t.Errorf("stored by signed-in attacks: %d messages", staff.stored)
	}
	if staff.panics != 0 {
		t.Errorf("panics under signed-in attacks: %d", staff.panics)
	}
	routes := make([]string, 0, len(sent))
	for r := range sent {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	total := 0
	var b strings.Builder
	fmt.Fprintf(&b, "%-48s %9s %9s %9s %9s\n", "route", "malformed", "oversized", "forged", "replayed")
	for _, r := range routes {
		k := sent[r]
		fmt.Fprintf(&b, "%-48s %9d %9d %9d %9d\n", r, k["malformed"], k["oversized"], k["forged"], k["replayed"])
		total += k["malformed"] + k["oversized"] + k["forged"] + k["replayed"]
	}
	staffTotal := 0
	for _, k := range staff.sent {
		staffTotal += k["malformed"] + k["oversized"] + k["forged"] + k["replayed"]
	}
	fmt.Fprintf(&b, "%d hostile requests to %d routes (%d of them signed in, to %d routes): %d stored, %d panics, %d 5xx", total, len(routes),
		staffTotal, len(staff.sent), h.count(`SELECT count(*) FROM messages WHERE direction = 'in'`)-baseline+staff.stored, h.srv.Panics()+staff.panics, fail5xx)
	t.Log("\n" + b.String())
}

// rawStatus writes a request as bytes and reads the status line; 0 when the
// server closed the connection without one (a refusal, not a failure).
func (h *harness) rawStatus(raw string) int {
	h.t.Helper()
	u, _ := url.Parse(h.baseURL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte(raw))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
