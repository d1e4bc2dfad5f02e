package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runCLIFail runs a hotline subcommand that must fail and returns its
// stdout and stderr.
func runCLIFail(t *testing.T, dir string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(hotlineBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOTLINE_DB="+filepath.Join(dir, "hotline.db"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err == nil {
		t.Fatalf("hotline %v succeeded:\n%s", args, out)
	}
	return string(out), stderr.String()
}

// TestBackupAuditVerifyRestoreCLI: backup while serving, audit verify on
// the live file and the backup, restore refused while the server runs and
// accepted after, and a tampered database named by its broken event.
func TestBackupAuditVerifyRestoreCLI(t *testing.T) {
	dir := t.TempDir()
	p := startHotline(t, dir)
	client := &http.Client{}
	for i := range 5 {
		code, _, err := postTwilio(context.Background(), client, p.baseURL, twilioForm(fmt.Sprintf("SMcli%d", i), "+85510000123", "help"), testAuthToken)
		if err != nil || code != 200 {
			t.Fatalf("webhook %d: %d %v", i, code, err)
		}
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if out := runCLI(t, dir, "", "backup", backup); !strings.Contains(out, "backup written") {
		t.Fatalf("backup: %s", out)
	}
	if out := runCLI(t, dir, "", "audit", "verify"); !strings.Contains(out, "audit chain intact") {
		t.Fatalf("audit verify on the live database: %s", out)
	}
	if out := runCLI(t, dir, "", "audit", "verify", "--db", backup); !strings.Contains(out, "audit chain intact") {
		t.Fatalf("audit verify on the backup: %s", out)
	}
	if _, stderr := runCLIFail(t, dir, "restore", backup); !strings.Contains(stderr, "in use") {
		t.Fatalf("restore over a running server: %s", stderr)
	}
	p.stop(t)
	if out := runCLI(t, dir, "", "restore", backup); !strings.Contains(out, "restored") {
		t.Fatalf("restore: %s", out)
	}

	raw, err := sql.Open("sqlite3", filepath.Join(dir, "hotline.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_events SET detail = '{}' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if out, _ := runCLIFail(t, dir, "audit", "verify"); !strings.Contains(out, "BROKEN at event 2") {
		t.Fatalf("audit verify on a changed row: %s", out)
	}
}
