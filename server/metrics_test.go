package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"hotline/server"
)

// metric reads one sample's value from the exposition text (-1 if absent).
func metric(body, sample string) float64 {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sample) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

func TestMetricsCountWebhookOutcomesAndCommits(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true, metrics: true})
	msg := url.Values{"MessageSid": {"SMmetrics1"}, "AccountSid": {hAccountSID}, "From": {"+85510000123"}, "To": {"+85510000999"}, "Body": {"help"}}
	if resp, _ := h.post("/webhooks/twilio/messages", msg, hAuthToken); resp.StatusCode != 200 {
		t.Fatalf("signed message: %d", resp.StatusCode)
	}
	if resp, _ := h.post("/webhooks/twilio/messages", msg, hAuthToken); resp.StatusCode != 200 {
		t.Fatalf("retry: %d", resp.StatusCode)
	}
	// Two more from the same sender: the second finds them in the intake cache.
	for _, sid := range []string{"SMmetrics2", "SMmetrics3"} {
		next := url.Values{"MessageSid": {sid}, "AccountSid": {hAccountSID}, "From": {"+85510000123"}, "To": {"+85510000999"}, "Body": {"still here"}}
		if resp, _ := h.post("/webhooks/twilio/messages", next, hAuthToken); resp.StatusCode != 200 {
			t.Fatalf("follow-up %s: %d", sid, resp.StatusCode)
		}
	}
	h.post("/webhooks/twilio/messages", msg, "wrong-token")
	h.post("/webhooks/twilio/messages", url.Values{"AccountSid": {hAccountSID}}, hAuthToken)
	h.postTelegram(`{"update_id": 1}`, "wrong secret")

	req, _ := http.NewRequest("GET", h.baseURL+"/metrics", nil)
	code, _, body := h.do(req)
	if code != 200 {
		t.Fatalf("/metrics from loopback: %d", code)
	}
	for sample, want := range map[string]float64{
		`hotline_webhooks_total{channel="twilio_messages",outcome="accepted"}`:  3,
		`hotline_writer_reruns_total`:                                           0,
		`hotline_webhooks_total{channel="twilio_messages",outcome="duplicate"}`: 1,
		`hotline_webhooks_total{channel="twilio_messages",outcome="forged"}`:    1,
		`hotline_webhooks_total{channel="twilio_messages",outcome="invalid"}`:   1,
		`hotline_webhooks_total{channel="telegram",outcome="forged"}`:           1,
		`hotline_queue_cases{urgency="critical"}`:                               0,
		`hotline_oldest_unacknowledged_critical_seconds`:                        0,
	} {
		if got := metric(body, sample); got != want {
			t.Errorf("%s = %v, want %v", sample, got, want)
		}
	}
	if n := metric(body, "hotline_commit_seconds_count"); n < 1 {
		t.Errorf("commit latency count %v", n)
	}
	if n := metric(body, "hotline_commit_batch_size_sum"); n < 1 {
		t.Errorf("commit batch size sum %v", n)
	}
	if n := metric(body, "hotline_intake_cache_hits_total"); n < 1 {
		t.Errorf("intake cache hits %v after three messages from one sender", n)
	}
	if n := metric(body, "hotline_handler_panics_total"); n != 0 {
		t.Errorf("panics %v", n)
	}
}

func TestMetricsGuard(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true, metrics: true, config: func(c *server.Config) { c.MetricsToken = "metrics-token-0123456789" }})
	get := func(hdr map[string]string) int {
		req, _ := http.NewRequest("GET", h.baseURL+"/metrics", nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		code, _, _ := h.do(req)
		return code
	}
	if c := get(map[string]string{"X-Forwarded-For": "203.0.113.9"}); c != http.StatusForbidden {
		t.Errorf("through a proxy, no token: %d, want 403", c)
	}
	if c := get(map[string]string{"X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer wrong"}); c != http.StatusForbidden {
		t.Errorf("wrong token: %d, want 403", c)
	}
	if c := get(map[string]string{"X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer metrics-token-0123456789"}); c != 200 {
		t.Errorf("right token: %d, want 200", c)
	}
	if c := get(nil); c != 200 {
		t.Errorf("loopback: %d, want 200", c)
	}
}
