package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"hotline"
	"hotline/evidence"
)

// TestRetentionDeletesARedactedCasesEvidenceFiles: the evidence of a case
// past retention is shown unavailable and its sealed file is deleted after
// the commit; an open case's evidence stays fetched and readable; a repeat
// purge deletes nothing more; key rotation and backups skip the gone file.
func TestRetentionDeletesARedactedCasesEvidenceFiles(t *testing.T) {
	ctx := context.Background()
	clk := &settableClock{clock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}}
	opts := testOptions()
	opts.Now = clk.Now
	db, _ := openTest(t, opts)
	admin := seedAdmin(t, db)
	files, err := evidence.Open(filepath.Join(t.TempDir(), "hotline.db.evidence"), opts.Keys)
	if err != nil {
		t.Fatal(err)
	}
	withPhoto := func(from, sid string) hotline.Receipt {
		in := inbound(hotline.WhatsApp, from, sid, "photo of the gate")
		in.Media = []hotline.Media{{URL: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/" + sid + "/Media/ME1", ContentType: "image/jpeg"}}
		return record(t, db, in, hotline.Triage{})
	}
	closed := withPhoto("+85510000123", "MMret1")
	open := withPhoto("+85510000456", "MMret2")
	if _, _, err := db.QueueNewEvidence(ctx, 10); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueEvidence(ctx, clk.Now(), 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due evidence: %d, %v", len(due), err)
	}
	names := map[int64]string{}
	for _, it := range due {
		data := []byte("fictional photo of case " + string(rune('0'+it.CaseID)))
		name, sum, err := files.Put(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.EvidenceStored(ctx, it.ID, evidence.Stored{File: name, SHA256: sum, Size: int64(len(data)), ContentType: "image/jpeg"}); err != nil {
			t.Fatal(err)
		}
		names[it.CaseID] = name
	}
	if err := db.SetStatus(ctx, admin, closed.CaseID, hotline.StatusResolved, hotline.ResolvedSafe, "safe"); err != nil {
		t.Fatal(err)
	}
	clk.jump(40 * 24 * time.Hour)
	if rep, err := db.RedactClosedBefore(ctx, clk.Now().Add(-30*24*time.Hour), "retention"); err != nil || rep.Cases != 1 {
		t.Fatalf("redact: %+v, %v", rep, err)
	}
	if items, _ := db.CaseEvidence(ctx, closed.CaseID); len(items) != 1 || items[0].Status != evidence.StatusUnavailable {
		t.Fatalf("redacted case's evidence: %+v", items)
	}
	// Before the purge the file is still there, and rotation/backup no
	// longer list it.
	if fetched, _ := db.FetchedEvidence(ctx, 0, 10); len(fetched) != 1 || fetched[0].CaseID != open.CaseID {
		t.Fatalf("fetched evidence after redaction: %+v", fetched)
	}
	n, err := files.PurgeRedacted(ctx, db)
	if err != nil || n != 1 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(files.Dir(), names[closed.CaseID])); !os.IsNotExist(err) {
		t.Fatalf("the redacted case's file is still on disk: %v", err)
	}
	openItems, _ := db.CaseEvidence(ctx, open.CaseID)
	if len(openItems) != 1 || openItems[0].Status != evidence.StatusFetched {
		t.Fatalf("open case's evidence: %+v", openItems)
	}
	if got, err := files.Read(openItems[0].File, openItems[0].SHA256); err != nil || !bytes.HasPrefix(got, []byte("fictional photo")) {
		t.Fatalf("open case's file: %q, %v", got, err)
	}
	if n, err := files.PurgeRedacted(ctx, db); err != nil || n != 0 {
		t.Fatalf("second purge: %d, %v", n, err)
	}
}
