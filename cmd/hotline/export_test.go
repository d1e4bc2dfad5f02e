package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hotline"
	"hotline/internal/seal"
	"hotline/store"
	"hotline/triage"
)

// TestExportCommand runs `hotline export`, `export pubkey` and `export
// verify` as an administrator would, and checks that a changed byte fails.
func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "hotline.db")
	// The key file the commands below find in HOTLINE_KEY_FILE.
	keyFile := filepath.Join(dir, "hotline.key")
	t.Setenv("HOTLINE_KEY_FILE", keyFile)
	keys, _, err := seal.LoadOrCreate(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	opts := store.DefaultOptions()
	opts.Keys = keys
	db, err := store.Open(dbPath, opts)
	if err != nil {
		t.Fatal(err)
	}
	body := "도와주세요 모집책 @Recruiter_Kim88 지갑 TVc8FakeWa77etHotpineTestXyz123456 제 번호 +821000001234"
	res := triage.Classify(triage.Input{Text: body, Channel: "sms"})
	if _, err := db.RecordInbound(context.Background(), hotline.Inbound{Channel: hotline.SMS, From: "+821000001234",
		ExternalID: "cli-1", Body: body}, res.Triage(), nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	cli := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
		return code, out.String() + errb.String()
	}
	out := filepath.Join(dir, "knp")
	if code, msg := cli("export", "--db", dbPath, "--from", "2000-01-01", "--to", "2100-01-01", "--partner", "KNP", "--profile", "police", "--out", out, "--by", "ada"); code != 0 {
		t.Fatalf("export: %d %s", code, msg)
	}
	code, pub := cli("export", "pubkey", "--db", dbPath)
	if code != 0 {
		t.Fatalf("pubkey: %s", pub)
	}
	pub = strings.TrimSpace(pub)
	if code, msg := cli("export", "verify", "--pubkey", pub, out); code != 0 || !strings.Contains(msg, "verified") {
		t.Fatalf("verify: %d %s", code, msg)
	}
	b, err := os.ReadFile(filepath.Join(out, "entities.csv"))
	if err != nil || !strings.Contains(string(b), "TVc8FakeWa77etHotpineTestXyz123456") || strings.Contains(string(b), "1000001234") {
		t.Fatalf("entities.csv: %v\n%s", err, b)
	}
	b[len(b)-2] ^= 1
	if err := os.WriteFile(filepath.Join(out, "entities.csv"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, msg := cli("export", "verify", "--pubkey", pub, out); code == 0 {
		t.Fatalf("a changed export verified: %s", msg)
	}
}
