package logsafe

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// Fictional numbers and words, as a careless caller would log them.
var (
	numbers = []string{"+85510000123", "+821000001234", "010-0000-1234", "012 000 123", "(012) 000-123", "85510000123"}
	bodies  = []string{"they took my passport", "여권을 빼앗겼어요", "ពួកគេយកលិខិតឆ្លងដែន"}
)

func logTo(buf *bytes.Buffer, json bool) *slog.Logger {
	var next slog.Handler = slog.NewTextHandler(buf, nil)
	if json {
		next = slog.NewJSONHandler(buf, nil)
	}
	return slog.New(NewHandler(next))
}

func TestNoNumberOrBodyReachesTheLog(t *testing.T) {
	for _, json := range []bool{false, true} {
		var buf bytes.Buffer
		log := logTo(&buf, json)
		for _, n := range numbers {
			log.Info("received from "+n, "remote", n, "err", errors.New("send to "+n+" failed"),
				"detail", map[string]string{"x": n}, "id", int64(85510000123))
			log.With("caller", n).Warn("retry", slog.Group("req", "who", n))
		}
		for _, b := range bodies {
			for _, key := range []string{"body", "text", "message", "from", "to", "contact", "address", "Body"} {
				log.Info("inbound", key, b)
				log.Info("inbound", slog.Group("msg", key, b))
				log.With(key, b).Info("inbound")
			}
		}
		out := buf.String()
		for _, n := range numbers {
			if strings.Contains(out, n) || strings.Contains(out, onlyDigits(n)[:7]) {
				t.Errorf("json=%v: number %s in the log:\n%s", json, n, out)
			}
		}
		for _, b := range bodies {
			if strings.Contains(out, b) {
				t.Errorf("json=%v: body %q in the log", json, b)
			}
		}
		if !strings.Contains(out, Dropped) || !strings.Contains(out, "•••23") {
			t.Errorf("json=%v: redaction marks missing:\n%s", json, out)
		}
	}
}

func TestSafeAndOrdinaryValuesPass(t *testing.T) {
	var buf bytes.Buffer
	log := logTo(&buf, false)
	log.Info("web form received", "case", 42, "message", Safe{V: int64(7)}, "ref", Safe{V: "HX-1234567"},
		"remote", "192.168.100.200", "path", "/webhooks/twilio/messages", "new_case", true)
	out := buf.String()
	for _, want := range []string{"case=42", "message=7", "ref=HX-1234567", "remote=192.168.100.200", "path=/webhooks/twilio/messages", "new_case=true"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q missing from %s", want, out)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"call +85510000123 now": "call •••23 now",
		"010-0000-1234":         "•••34",
		"ref HX-123456":         "ref HX-123456", // six digits: a reference, not a number
		"":                      "",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
