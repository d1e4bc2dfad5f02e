package triage

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRunCLI(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a","text":"they beat me, Bavet","channel":"sms"}`,
		`{"id":"b","text":"secret name +85510000123", "channel":`,
		``,
		`{"id":"c","text":"","channel":"whatsapp","lat":10.627,"lon":103.522}`,
		`{"id":"d","text":42}`,
	}, "\n")
	var out, errOut bytes.Buffer
	failed, err := RunCLI(strings.NewReader(in), &out, &errOut)
	if err != nil {
		t.Fatal(err)
	}
	if failed != 2 {
		t.Errorf("failed = %d, want 2", failed)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d output lines, want 2: %s", len(lines), out.String())
	}
	var a, c map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &c); err != nil {
		t.Fatal(err)
	}
	if a["id"] != "a" || a["urgency"] != "critical" || a["province"] != "Svay Rieng" || a["lang"] != "en" {
		t.Errorf("line a: %v", a)
	}
	for _, k := range []string{"id", "lang", "urgency", "province", "country", "reporter", "reasons", "entities", "place", "lat", "lon"} {
		if _, ok := a[k]; !ok {
			t.Errorf("output lacks %q", k)
		}
	}
	if c["id"] != "c" || c["urgency"] != "medium" || c["province"] != "Preah Sihanouk" || c["lang"] != "und" {
		t.Errorf("line c: %v", c)
	}
	e := errOut.String()
	if !strings.Contains(e, "line 2:") || !strings.Contains(e, "line 5:") {
		t.Errorf("stderr does not name the failed lines: %q", e)
	}
	if strings.Contains(e, "secret") || strings.Contains(e, "10000123") || strings.Contains(e, "42") {
		t.Errorf("stderr quotes the input: %q", e)
	}
}
