package server_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"hotline/server"
)

// TestSecurityHeadersOnEveryResponse: pages, API, webhooks, static files,
// errors and unknown paths all carry the same strict headers.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true, metrics: true})
	for _, r := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/?lang=km"}, {"GET", "/healthz"}, {"GET", "/console/login"}, {"GET", "/console"},
		{"GET", "/api/v1/cases"}, {"GET", "/api/v1/cases/1"}, {"POST", "/webhooks/twilio/messages"},
		{"POST", "/webhooks/telegram"}, {"GET", "/no/such/page"}, {"GET", "/metrics"},
	} {
		req, _ := http.NewRequest(r.method, h.baseURL+r.path, nil)
		_, hdr, _ := h.do(req)
		csp := hdr.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s %s: CSP %q lacks %q", r.method, r.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s %s: CSP allows inline script: %q", r.method, r.path, csp)
		}
		if hdr.Get("Referrer-Policy") != "no-referrer" || hdr.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: Referrer-Policy %q, X-Content-Type-Options %q", r.method, r.path,
				hdr.Get("Referrer-Policy"), hdr.Get("X-Content-Type-Options"))
		}
		if hdr.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s %s: HSTS over plain http", r.method, r.path)
		}
	}
}

func TestHSTSWhenPublicURLIsHTTPS(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true, metrics: true, config: func(c *server.Config) { c.PublicURL = "https://hotline.example.org" }})
	req, _ := http.NewRequest("GET", h.baseURL+"/", nil)
	_, hdr, _ := h.do(req)
	if v := hdr.Get("Strict-Transport-Security"); !strings.HasPrefix(v, "max-age=") {
		t.Fatalf("HSTS %q behind an https public URL", v)
	}
}

// TestOversizeBodyIs413OnEveryPost walks the app's routes, so a POST route
// added later is covered without editing this test.
func TestOversizeBodyIs413OnEveryPost(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true, metrics: true})
	n := 0
	for _, r := range h.srv.App().GetRoutes(true) {
		if r.Method != fiber.MethodPost {
			continue
		}
		path := strings.NewReplacer(":id", "1").Replace(r.Path)
		for _, ct := range []string{"application/x-www-form-urlencoded", "application/json"} {
			if code := h.postOversize(path, ct, server.DefaultBodyLimit+1); code != http.StatusRequestEntityTooLarge {
				t.Errorf("POST %s (%s), %d bytes: %d, want 413", path, ct, server.DefaultBodyLimit+1, code)
			}
			n++
		}
	}
	if n < 10 {
		t.Fatalf("only %d POST requests: routes missing?", n)
	}
	if got := h.count(`SELECT count(*) FROM messages`); got != 0 {
		t.Fatalf("%d messages stored from oversize bodies", got)
	}
}

func TestWebhookContentTypeIs415(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true, metrics: true})
	form := url.Values{"MessageSid": {"SM415"}, "From": {"+85510000123"}, "Body": {"help"}}
	for _, c := range []struct{ path, ct string }{
		{"/webhooks/twilio/messages", "application/json"},
		{"/webhooks/twilio/messages", "text/plain"},
		{"/webhooks/twilio/messages", ""},
		{"/webhooks/twilio/status", "text/xml"},
		{"/webhooks/telegram", "application/x-www-form-urlencoded"},
		{"/webhooks/telegram", "text/json"},
	} {
		req, _ := http.NewRequest("POST", h.baseURL+c.path, strings.NewReader(form.Encode()))
		if c.ct != "" {
			req.Header.Set("Content-Type", c.ct)
		}
		if code, _, _ := h.do(req); code != http.StatusUnsupportedMediaType {
			t.Errorf("POST %s as %q: %d, want 415", c.path, c.ct, code)
		}
	}
	// The right type with parameters is fine (and then the signature decides).
	req, _ := http.NewRequest("POST", h.baseURL+"/webhooks/twilio/messages", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if code, _, _ := h.do(req); code != http.StatusForbidden {
		t.Errorf("unsigned form with charset: %d, want 403", code)
	}
}

func TestFieldAndHeaderLimits(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true, metrics: true})
	form := url.Values{}
	for i := range 300 {
		form.Set("f"+strings.Repeat("x", i%5)+string(rune('a'+i%26))+strings.Repeat("y", i/26), "1")
	}
	req, _ := http.NewRequest("POST", h.baseURL+"/webhooks/twilio/messages", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if code, _, _ := h.do(req); code != http.StatusBadRequest {
		t.Errorf("%d form fields: %d, want 400", len(form), code)
	}
	req, _ = http.NewRequest("GET", h.baseURL+"/?"+form.Encode(), nil)
	if code, _, _ := h.do(req); code != http.StatusBadRequest {
		t.Errorf("%d query parameters: %d, want 400", len(form), code)
	}
	req, _ = http.NewRequest("GET", h.baseURL+"/", nil)
	req.Header.Set("X-Filler", strings.Repeat("z", 16<<10))
	if code, _, _ := h.do(req); code != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("16 KiB header: %d, want 431", code)
	}
}

// postOversize announces a body of size bytes and reads the answer without
// sending it: the server must refuse on the announcement alone (a client
// that keeps writing gets its connection reset after the 413).
func (h *harness) postOversize(path, contentType string, size int) int {
	h.t.Helper()
	u, _ := url.Parse(h.baseURL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\nBody=", path, u.Host, contentType, size)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		h.t.Fatalf("POST %s oversize: %v", path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
