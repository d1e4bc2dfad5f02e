package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"hotline/internal/loadgen"
)

// TestToolReportEvery: with -report-every and -json the tool prints one
// JSON object per window, then the summary, each on its own line; the
// windows add up to the summary and carry the RSS of -server-pid (here the
// test process, standing in for the server).
func TestToolReportEvery(t *testing.T) {
	bin, err := buildTool()
	if err != nil {
		t.Fatal(err)
	}
	srv := &ackServer{publicURL: "https://hotline.example.org/webhooks/twilio/messages", acked: map[string]bool{}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	cmd := exec.Command(bin, "-url", ts.URL+"/webhooks/twilio/messages", "-public-url", srv.publicURL,
		"-rate", "200", "-duration", "1s", "-c", "8", "-report-every", "300ms", "-server-pid", strconv.Itoa(os.Getpid()), "-json")
	cmd.Env = append(os.Environ(), "TWILIO_AUTH_TOKEN="+token, "TWILIO_ACCOUNT_SID="+account)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) < 4 {
		t.Fatalf("want windows and a summary, got:\n%s", out)
	}
	var res loadgen.Result
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil || res.Sent != 200 {
		t.Fatalf("last line is not the summary: %v %s", err, lines[len(lines)-1])
	}
	sent, acked := 0, 0
	for _, l := range lines[:len(lines)-1] {
		var w loadgen.Window
		if err := json.Unmarshal([]byte(l), &w); err != nil || !strings.Contains(l, `"p99_ms"`) {
			t.Fatalf("window line %q: %v", l, err)
		}
		if w.ServerRSSKB <= 0 {
			t.Errorf("window without RSS: %s", l)
		}
		sent += w.Sent
		acked += w.Acknowledged
	}
	if sent != res.Sent || acked != res.Acknowledged {
		t.Errorf("windows add up to %d sent / %d acked, summary %d / %d", sent, acked, res.Sent, res.Acknowledged)
	}

	// Text mode: one line per window before the summary.
	cmd = exec.Command(bin, "-url", ts.URL+"/webhooks/twilio/messages", "-public-url", srv.publicURL,
		"-rate", "100", "-duration", "600ms", "-report-every", "300ms")
	cmd.Env = append(os.Environ(), "TWILIO_AUTH_TOKEN="+token, "TWILIO_ACCOUNT_SID="+account)
	if out, err = cmd.Output(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if n := strings.Count(string(out), "window "); n < 2 || !strings.Contains(string(out), "ack/s") {
		t.Errorf("text output:\n%s", out)
	}
}
