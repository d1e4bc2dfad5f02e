package loadgen

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var stubDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if stubDir != "" {
		os.RemoveAll(stubDir)
	}
	os.Exit(code)
}

// buildStub compiles testdata/stub once per test binary.
var buildStub = sync.OnceValues(func() (string, error) {
	var err error
	if stubDir, err = os.MkdirTemp("", "loadgen-stub"); err != nil {
		return "", err
	}
	bin := filepath.Join(stubDir, "stub")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/stub").CombinedOutput(); err != nil {
		return "", &stubBuildError{string(out)}
	}
	return bin, nil
})

type stubBuildError struct{ out string }

func (e *stubBuildError) Error() string { return "go build ./testdata/stub: " + e.out }

// startStub runs the stub as its own process on a free loopback port and
// returns its webhook URL. A separate process, because a server inside the
// test binary would share its CPU and runtime with the tool being measured.
func startStub(tb testing.TB, args ...string) string {
	tb.Helper()
	bin, err := buildStub()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TWILIO_AUTH_TOKEN="+testToken, "TWILIO_ACCOUNT_SID="+testAccount)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "stub listening on ")
	if err != nil || !ok {
		tb.Fatalf("stub said %q, %v", line, err)
	}
	return "http://" + addr + "/webhooks/twilio/messages"
}

// TestStubAcceptsWhatTheToolSends runs the tool against the separate-process
// stub in its verifying mode: every request must pass the signature check
// and parse, so the stub the benchmark uses sees real webhooks.
func TestStubAcceptsWhatTheToolSends(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts a separate process")
	}
	url := startStub(t, "-verify", "-public-url", publicURL)
	cfg := baseConfig(url)
	cfg.N = 2000
	cfg.Concurrency = 32
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 2000 || res.Acknowledged != 2000 || res.TransportErrors != 0 || len(res.NonOK) != 0 {
		t.Fatalf("result = %+v", res)
	}

	cfg.Token = "wrongwrongwrongwrongwrongwrong00"
	cfg.N = 50
	if res, err = Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if res.Acknowledged != 0 || res.NonOK[403] != 50 {
		t.Fatalf("forged run = %+v", res)
	}
}

// BenchmarkRunAgainstStub measures the tool's own cost against a stub that
// answers 200 at once from another process: requests/s and, more to the
// point on a shared two-core machine, CPU microseconds per request.
//
//	go test -run '^$' -bench RunAgainstStub -benchtime 100000x ./internal/loadgen/
func BenchmarkRunAgainstStub(b *testing.B) {
	url := startStub(b)
	cfg := baseConfig(url)
	cfg.Concurrency = 64
	cfg.Senders = 1000
	cfg.Timeout = 15 * time.Second
	cfg.N = b.N
	b.ResetTimer()
	res, err := Run(context.Background(), cfg)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if res.Acknowledged != b.N {
		b.Fatalf("result = %+v", res)
	}
	b.ReportMetric(res.AckPerSecond, "ack/s")
	b.ReportMetric(res.CPUMicrosPerRequest, "cpu-µs/req")
}
