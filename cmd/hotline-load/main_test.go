package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hotline/channels/twilio"
	"hotline/internal/loadgen"
)

const (
	token   = "0123456789abcdef0123456789abcdef" // fictional
	account = "AC0000000000000000000000000000000a"
)

var binDir string

func TestMain(m *testing.M) {
	var err error
	if binDir, err = os.MkdirTemp("", "hotline-load"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

// buildTool compiles the command once per test binary run.
var buildTool = sync.OnceValues(func() (string, error) {
	dir := binDir
	bin := filepath.Join(dir, "hotline-load")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &buildError{string(out)}
	}
	return bin, nil
})

type buildError struct{ out string }

func (e *buildError) Error() string { return "go build: " + e.out }

// ackServer verifies and parses like the real webhook, remembers every
// MessageSid it answered 2xx, and waits delay before answering.
type ackServer struct {
	publicURL string
	delay     time.Duration
	mu        sync.Mutex
	acked     map[string]bool
}

func (s *ackServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	if !twilio.NewVerifier(token).Verify(s.publicURL, r.PostForm, r.Header.Get("X-Twilio-Signature")) {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	in, err := twilio.ParseMessage(r.PostForm, account)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	time.Sleep(s.delay)
	s.mu.Lock()
	s.acked[in.ExternalID] = true
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func TestToolJSONSummary(t *testing.T) {
	bin, err := buildTool()
	if err != nil {
		t.Fatal(err)
	}
	srv := &ackServer{publicURL: "https://hotline.example.org/webhooks/twilio/messages", acked: map[string]bool{}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	sids := filepath.Join(t.TempDir(), "acked.txt")

	cmd := exec.Command(bin, "-url", ts.URL+"/webhooks/twilio/messages", "-public-url", srv.publicURL,
		"-n", "300", "-c", "16", "-senders", "20", "-json", "-sids", sids)
	cmd.Env = append(os.Environ(), "TWILIO_AUTH_TOKEN="+token, "TWILIO_ACCOUNT_SID="+account)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var res loadgen.Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	if res.Sent != 300 || res.Acknowledged != 300 || res.AckPerSecond <= 0 || res.Latency.Max <= 0 {
		t.Fatalf("summary = %+v", res)
	}
	// scripts/loadtest.sh reads these keys by name.
	var raw map[string]any
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"acknowledged_per_s", "latency_ms", "sent", "cpu_us_per_request"} {
		if _, ok := raw[k]; !ok {
			t.Fatalf("JSON summary lacks %q: %s", k, out)
		}
	}
	if res.CPUMicrosPerRequest <= 0 {
		t.Fatalf("cpu_us_per_request = %v", res.CPUMicrosPerRequest)
	}
	if len(srv.acked) != 300 {
		t.Fatalf("server acknowledged %d distinct messages", len(srv.acked))
	}
	if got := readSIDs(t, sids); len(got) != 300 {
		t.Fatalf("%d ids in -sids file", len(got))
	}
}

// TestToolKilledKeepsAcknowledgedSIDs is the property the crash test relies
// on: when the tool itself is killed mid-run, every id in the -sids file was
// acknowledged by the server, and every line is whole.
func TestToolKilledKeepsAcknowledgedSIDs(t *testing.T) {
	bin, err := buildTool()
	if err != nil {
		t.Fatal(err)
	}
	srv := &ackServer{delay: 5 * time.Millisecond, acked: map[string]bool{}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	srv.publicURL = ts.URL
	sids := filepath.Join(t.TempDir(), "acked.txt")

	cmd := exec.Command(bin, "-url", ts.URL, "-token", token, "-account", account,
		"-n", "1000000", "-c", "8", "-sids", sids)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, _ := os.ReadFile(sids); strings.Count(string(b), "\n") >= 50 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no acknowledgements recorded within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()

	got := readSIDs(t, sids)
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for _, id := range got {
		if !srv.acked[id] {
			t.Fatalf("file holds %q, which the server never acknowledged", id)
		}
	}
	if len(got) < 50 {
		t.Fatalf("only %d ids recorded", len(got))
	}
}

func readSIDs(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		ids = append(ids, sc.Text())
	}
	return ids
}

func TestToolRefusesWithoutToken(t *testing.T) {
	bin, err := buildTool()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-n", "1")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no auth token") {
		t.Fatalf("ran without a token: %v %s", err, out)
	}
}
