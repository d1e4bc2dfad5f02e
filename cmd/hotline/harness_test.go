package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hotline/channels/twilio"
)

// The end-to-end tests run the real binary, built once per test run, against
// a real SQLite file, over loopback.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

const (
	testAuthToken  = "test-auth-token-0123456789abcdef"
	testAccountSID = "AC00000000000000000000000000000001"
)

func hotlineBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hotline-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "hotline")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// proc is a running hotline binary.
type proc struct {
	cmd     *exec.Cmd
	baseURL string
	dir     string
	stdout  *strings.Builder
	mu      *sync.Mutex
	done    chan struct{}
}

// startHotline runs `hotline serve` in dir on a free loopback port, with the
// Twilio test credentials, and waits until it listens.
func startHotline(t testing.TB, dir string, extraEnv ...string) *proc {
	t.Helper()
	cmd := exec.Command(hotlineBinary(t), "serve")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"HOTLINE_ADDR=127.0.0.1:0",
		"HOTLINE_DB="+filepath.Join(dir, "hotline.db"),
		"TWILIO_AUTH_TOKEN="+testAuthToken,
		"TWILIO_ACCOUNT_SID="+testAccountSID,
	)
	cmd.Env = append(cmd.Env, extraEnv...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &prefixWriter{t: t}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, dir: dir, stdout: &strings.Builder{}, mu: &sync.Mutex{}, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.stdout.WriteString(line + "\n")
			p.mu.Unlock()
			if u, ok := strings.CutPrefix(line, "listening on "); ok {
				addr <- u
			}
		}
	}()
	go func() { cmd.Wait(); close(p.done) }()
	select {
	case p.baseURL = <-addr:
	case <-p.done:
		t.Fatalf("hotline exited before listening; stdout:\n%s", p.output())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("hotline did not start listening within 30s")
	}
	t.Cleanup(func() { p.kill() })
	return p
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stdout.String()
}

// kill sends SIGKILL: no chance to flush anything that was not already durable.
func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// stop asks for a graceful shutdown.
func (p *proc) stop(t testing.TB) {
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("hotline did not stop within 30s of SIGINT")
	}
}

// prefixWriter sends the server's log to the test log.
type prefixWriter struct{ t testing.TB }

func (w *prefixWriter) Write(b []byte) (int, error) {
	w.t.Logf("server: %s", strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// runCLI runs a hotline subcommand against the database in dir.
func runCLI(t testing.TB, dir, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(hotlineBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOTLINE_DB="+filepath.Join(dir, "hotline.db"))
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("hotline %v: %v\n%s", args, err, stderr)
	}
	return string(out)
}

// twilioForm is the body of an inbound SMS webhook as Twilio sends it.
func twilioForm(sid, from, body string) url.Values {
	return url.Values{
		"MessageSid":    {sid},
		"SmsMessageSid": {sid},
		"AccountSid":    {testAccountSID},
		"From":          {from},
		"To":            {"+85510999000"},
		"Body":          {body},
		"NumMedia":      {"0"},
		"NumSegments":   {"1"},
		"SmsStatus":     {"received"},
		"ApiVersion":    {"2010-04-01"},
	}
}

// postTwilio posts a webhook signed with the test auth token (or forged
// with another one) and returns the status and body.
func postTwilio(ctx context.Context, client *http.Client, baseURL string, form url.Values, token string) (int, string, error) {
	u := baseURL + "/webhooks/twilio/messages"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilio.Sign(token, u, form))
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// getJSON calls the API with a bearer token and decodes the answer.
func getJSON(t testing.TB, url, token string, v any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK && v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("decode %s: %v", url, err)
		}
	}
	return resp.StatusCode
}
