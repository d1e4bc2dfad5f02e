package main

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hotline"
	"hotline/evidence"
	"hotline/internal/seal"
	"hotline/store"
)

// TestServeFetchesTwilioMediaIntoEvidence runs the real binary: an MMS
// webhook names a media URL on a loopback Twilio (TWILIO_API_URL), and the
// file lands sealed in HOTLINE_EVIDENCE_DIR with its row marked fetched.
func TestServeFetchesTwilioMediaIntoEvidence(t *testing.T) {
	dir := t.TempDir()
	evDir := filepath.Join(dir, "kept-evidence")
	photo := bytes.Repeat([]byte("fictional-compound-photo "), 200)
	mediaPath := "/2010-04-01/Accounts/" + testAccountSID + "/Messages/MM00000000000000000000000000000e01/Media/ME00000000000000000000000000000e01"
	var fetched atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if r.Method != http.MethodGet || r.URL.Path != mediaPath || !ok || u != testAccountSID || p != testAuthToken {
			http.NotFound(w, r) // acknowledgements sent to the fake end here too
			return
		}
		fetched.Add(1)
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(photo)
	}))
	defer api.Close()

	p := startHotline(t, dir, "HOTLINE_EVIDENCE_DIR="+evDir, "TWILIO_API_URL="+api.URL)
	form := twilioForm("SM00000000000000000000000000000e01", "+85510000123", "the gate")
	form.Set("NumMedia", "1")
	form.Set("MediaUrl0", api.URL+mediaPath)
	form.Set("MediaContentType0", "image/jpeg")
	if code, _, err := postTwilio(context.Background(), http.DefaultClient, p.baseURL, form, testAuthToken); err != nil || code != http.StatusOK {
		t.Fatalf("webhook: %d, %v", code, err)
	}

	db := openDBReadOnly(t, dir)
	deadline := time.Now().Add(30 * time.Second)
	var status, sum string
	var size int64
	for time.Now().Before(deadline) {
		err := db.QueryRow(`SELECT status, sha256, size FROM evidence`).Scan(&status, &sum, &size)
		if err == nil && status == "fetched" {
			break
		}
		if err != nil && err != sql.ErrNoRows {
			t.Logf("evidence row: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if status != "fetched" || size != int64(len(photo)) || len(sum) != 64 || fetched.Load() != 1 {
		t.Fatalf("evidence: status %q, size %d, sha256 %q, fetched %d times", status, size, sum, fetched.Load())
	}
	entries, err := os.ReadDir(evDir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("evidence dir: %v, %v", entries, err)
	}
	raw, err := os.ReadFile(filepath.Join(evDir, entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("fictional-compound-photo")) {
		t.Fatal("the evidence file is stored in the clear")
	}

	// A backup taken while serving carries the file; a restore elsewhere
	// (with the key file) puts it back where that install keeps evidence.
	t.Setenv("HOTLINE_EVIDENCE_DIR", evDir)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if out := runCLI(t, dir, "", "backup", backup); !strings.Contains(out, "evidence: 1 new files copied") {
		t.Fatalf("backup: %s", out)
	}
	if copied, err := os.ReadFile(filepath.Join(backup+".evidence", entries[0].Name())); err != nil || !bytes.Equal(copied, raw) {
		t.Fatalf("backed-up evidence file: %v (equal %v)", err, bytes.Equal(copied, raw))
	}
	p.stop(t)
	elsewhere := t.TempDir()
	key, err := os.ReadFile(filepath.Join(dir, "hotline.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(elsewhere, "hotline.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	restoredEv := filepath.Join(elsewhere, "evidence")
	t.Setenv("HOTLINE_EVIDENCE_DIR", restoredEv)
	if out := runCLI(t, elsewhere, "", "restore", backup); !strings.Contains(out, "evidence: 1 files restored") {
		t.Fatalf("restore: %s", out)
	}
	if restored, err := os.ReadFile(filepath.Join(restoredEv, entries[0].Name())); err != nil || !bytes.Equal(restored, raw) {
		t.Fatalf("restored evidence file: %v (equal %v)", err, bytes.Equal(restored, raw))
	}
}

// After a rotation, resealEvidence is what lets the old key go: without it
// the evidence sealed under that key would no longer open.
func TestResealEvidenceBeforeDroppingOldKeys(t *testing.T) {
	dir := t.TempDir()
	cfg := &config{DB: filepath.Join(dir, "hotline.db")}
	keys := seal.Generate()
	opts := store.DefaultOptions()
	opts.Keys = keys
	db, err := store.Open(cfg.DB, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if n, err := resealEvidence(ctx, db, keys, cfg); err != nil || n != 0 {
		t.Fatalf("no evidence directory: %d, %v", n, err)
	}
	if _, err := db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, From: "+85510000123", To: "+85510999000",
		ExternalID: "SM-reseal-1", Media: []hotline.Media{{URL: "https://api.twilio.com/x", ContentType: "image/jpeg"}}}, hotline.Triage{}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.QueueNewEvidence(ctx, 10); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueEvidence(ctx, time.Now(), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due: %v, %v", due, err)
	}
	files, err := evidence.Open(evidenceDir(cfg), keys)
	if err != nil {
		t.Fatal(err)
	}
	photo := []byte("fictional photo kept as evidence")
	name, sum, err := files.Put(photo)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.EvidenceStored(ctx, due[0].ID, evidence.Stored{File: name, SHA256: sum, Size: int64(len(photo))}); err != nil {
		t.Fatal(err)
	}

	if err := keys.Rotate(); err != nil {
		t.Fatal(err)
	}
	if n, err := resealEvidence(ctx, db, keys, cfg); err != nil || n != 1 {
		t.Fatalf("reseal: %d, %v; want 1", n, err)
	}
	keys.DropInactive()
	if got, err := files.Read(name, sum); err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("after the old key was dropped: %q, %v", got, err)
	}
}
