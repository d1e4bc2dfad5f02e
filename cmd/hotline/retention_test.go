package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hotline"
	"hotline/evidence"
	"hotline/internal/seal"
	"hotline/store"
	"hotline/triage"
)

// TestRetentionCommand: with HOTLINE_RETENTION_DAYS unset nothing happens;
// --dry-run lists the old closed case and changes nothing; run redacts it
// and `audit verify` still passes.
func TestRetentionCommand(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "hotline.db")
	keyFile := filepath.Join(dir, "hotline.key")
	t.Setenv("HOTLINE_KEY_FILE", keyFile)
	t.Setenv("HOTLINE_RETENTION_DAYS", "")
	keys, _, err := seal.LoadOrCreate(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opts := store.DefaultOptions()
	opts.Keys = keys
	opts.Now = func() time.Time { return time.Now().Add(-90 * 24 * time.Hour) } // everything below happened 90 days ago
	db, err := store.Open(dbPath, opts)
	if err != nil {
		t.Fatal(err)
	}
	body := "they took my passport, I am in Bavet"
	r, err := db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, From: "+85510000123", ExternalID: "cli-ret-1", Body: body,
		Media: []hotline.Media{{URL: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", ContentType: "image/jpeg"}}},
		triage.Classify(triage.Input{Text: body, Channel: "sms"}).Triage(), nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, "ada", hotline.RoleAdmin, "x")
	if err != nil {
		t.Fatal(err)
	}
	admin := hotline.Staff{User: u}
	if err := db.SetStatus(ctx, admin, r.CaseID, hotline.StatusResolved, hotline.ResolvedSafe, "safe at home"); err != nil {
		t.Fatal(err)
	}
	// The photo was fetched into the evidence folder beside the database.
	files, err := evidence.Open(dbPath+".evidence", keys)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.QueueNewEvidence(ctx, 10); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueEvidence(ctx, time.Now(), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due evidence: %v, %v", due, err)
	}
	photo, sum, err := files.Put([]byte("fictional photo"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.EvidenceStored(ctx, due[0].ID, evidence.Stored{File: photo, SHA256: sum, Size: 15}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	cli := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(ctx, args, strings.NewReader(""), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := cli("retention", "run", "--db", dbPath); code != 0 || !strings.Contains(out, "retention is off") {
		t.Fatalf("retention with no days: %d %s", code, out)
	}
	t.Setenv("HOTLINE_RETENTION_DAYS", "30")
	code, out := cli("retention", "run", "--dry-run", "--db", dbPath)
	if code != 0 || !strings.Contains(out, "1 cases") || !strings.Contains(out, r.CaseRef) {
		t.Fatalf("dry run: %d %s", code, out)
	}
	if code, out := cli("retention", "run", "--dry-run", "--db", dbPath); !strings.Contains(out, "1 cases") {
		t.Fatalf("a dry run changed something: %d %s", code, out)
	}
	if code, out := cli("retention", "run", "--db", dbPath); code != 0 || !strings.Contains(out, "redacted 1 cases") ||
		!strings.Contains(out, "deleted 1 evidence files") {
		t.Fatalf("run: %d %s", code, out)
	}
	if _, err := os.Stat(filepath.Join(files.Dir(), photo)); !os.IsNotExist(err) {
		t.Fatalf("the redacted case's evidence file is still on disk: %v", err)
	}
	if code, out := cli("retention", "run", "--dry-run", "--db", dbPath); !strings.Contains(out, "0 cases") {
		t.Fatalf("after the run: %d %s", code, out)
	}
	if code, out := cli("audit", "verify", "--db", dbPath); code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify after retention: %d %s", code, out)
	}
	opts.Now = nil
	db, err = store.Open(dbPath, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.GetCase(ctx, r.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) == 0 || c.Messages[0].Body != "" || c.Ref != r.CaseRef || c.Status != hotline.StatusResolved {
		t.Errorf("after retention: ref %s status %s messages %+v", c.Ref, c.Status, c.Messages)
	}
}
