package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hotline"
	"hotline/evidence"
)

func TestEvidenceQueueFollowsMessagesAndMerges(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	ctx := context.Background()
	photo := hotline.Media{URL: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", ContentType: "image/jpeg"}
	a := inbound(hotline.SMS, "+85510000123", "SM-ev-1", "photo")
	a.Media = []hotline.Media{photo, {URL: "telegram-file:AgAC", ContentType: "image/jpeg"}}
	ra := record(t, db, a, hotline.Triage{})
	rb := record(t, db, inbound(hotline.SMS, "+85510000124", "SM-ev-2", "no media"), hotline.Triage{})

	queued, done, err := db.QueueNewEvidence(ctx, 1)
	if err != nil || queued != 2 || done {
		t.Fatalf("first scan: %d queued, done %v, %v", queued, done, err)
	}
	queued, done, err = db.QueueNewEvidence(ctx, 10)
	if err != nil || queued != 0 || !done {
		t.Fatalf("second scan: %d queued, done %v, %v", queued, done, err)
	}
	if n := count(t, db, `SELECT count(*) FROM evidence`); n != 2 {
		t.Fatalf("%d evidence rows, want 2", n)
	}
	due, err := db.DueEvidence(ctx, db.now(), 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due: %v, %v", due, err)
	}
	if due[0].Source != photo || due[0].Channel != hotline.SMS || due[0].CaseID != ra.CaseID || due[1].Index != 1 {
		t.Errorf("due items: %+v", due)
	}

	sum := strings.Repeat("ab", 32)
	if err := db.EvidenceStored(ctx, due[0].ID, evidence.Stored{File: strings.Repeat("0", 32), ContentType: "image/jpeg", Size: 9, SHA256: sum}); err != nil {
		t.Fatal(err)
	}
	if err := db.EvidenceStored(ctx, due[0].ID, evidence.Stored{File: strings.Repeat("1", 32), SHA256: sum}); hotline.ErrorCode(err) != hotline.ECONFLICT {
		t.Errorf("storing twice: %v, want a conflict", err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE action = 'evidence.fetched' AND case_id = ?`, ra.CaseID); n != 1 {
		t.Errorf("%d evidence.fetched events", n)
	}
	if fetched, err := db.FetchedEvidence(ctx, 0, 10); err != nil || len(fetched) != 1 || fetched[0].ID != due[0].ID {
		t.Errorf("fetched evidence: %+v, %v", fetched, err)
	}
	if fetched, err := db.FetchedEvidence(ctx, due[0].ID, 10); err != nil || len(fetched) != 0 {
		t.Errorf("fetched evidence after the last: %+v, %v", fetched, err)
	}

	// Merged into another case, the evidence goes with its message.
	admin := hotline.Staff{User: hotline.User{ID: 0, Name: "admin-test", Role: hotline.RoleAdmin}}
	if err := db.MergeCases(ctx, admin, rb.CaseID, ra.CaseID); err != nil {
		t.Fatal(err)
	}
	if items, _ := db.CaseEvidence(ctx, ra.CaseID); len(items) != 0 {
		t.Errorf("merged-away case still lists %d items", len(items))
	}
	items, err := db.CaseEvidence(ctx, rb.CaseID)
	if err != nil || len(items) != 2 || items[0].Status != evidence.StatusFetched || items[0].SHA256 != sum {
		t.Fatalf("kept case lists %+v, %v", items, err)
	}
	if _, err := db.EvidenceItem(ctx, ra.CaseID, items[0].ID); hotline.ErrorCode(err) != hotline.ENOTFOUND {
		t.Errorf("evidence through the wrong case: %v, want not found", err)
	}
	if it, err := db.EvidenceItem(ctx, rb.CaseID, items[0].ID); err != nil || it.File != strings.Repeat("0", 32) {
		t.Errorf("evidence item: %+v, %v", it, err)
	}

	if err := db.RecordEvidenceAccess(ctx, "agent-test", rb.CaseID, items[0].ID, "console", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE action = 'evidence.downloaded' AND actor = 'agent-test'
		AND case_id = ? AND detail LIKE '%"addr":"127.0.0.1"%'`, rb.CaseID); n != 1 {
		t.Errorf("%d evidence.downloaded events", n)
	}
}

// Messages without media cost the scan nothing: one call passes any number
// of them, and the cursor lands on the newest message, so a later message
// with media is the next one found.
func TestEvidenceScanSkipsMessagesWithoutMedia(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	ctx := context.Background()
	for i := range 30 {
		record(t, db, inbound(hotline.SMS, "+85510000123", fmt.Sprintf("SM-plain-%d", i), "no media"), hotline.Triage{})
	}
	photo := inbound(hotline.SMS, "+85510000124", "SM-photo-1", "photo")
	photo.Media = []hotline.Media{{URL: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM2/Media/ME2", ContentType: "image/jpeg"}}
	record(t, db, photo, hotline.Triage{})
	record(t, db, inbound(hotline.SMS, "+85510000123", "SM-plain-last", "no media"), hotline.Triage{})

	queued, done, err := db.QueueNewEvidence(ctx, 5)
	if err != nil || queued != 1 || !done {
		t.Fatalf("scan over 32 messages with limit 5: %d queued, done %v, %v", queued, done, err)
	}
	if last, newest := count(t, db, `SELECT last_message_id FROM evidence_scan`), count(t, db, `SELECT max(id) FROM messages`); last != newest {
		t.Errorf("cursor at message %d, want the newest, %d", last, newest)
	}
	photo.ExternalID, photo.Media[0].URL = "SM-photo-2", photo.Media[0].URL+"x"
	record(t, db, photo, hotline.Triage{})
	if queued, _, err := db.QueueNewEvidence(ctx, 5); err != nil || queued != 1 {
		t.Fatalf("scan after one more photo: %d queued, %v", queued, err)
	}
	if n := count(t, db, `SELECT count(*) FROM evidence`); n != 2 {
		t.Errorf("%d evidence rows, want 2", n)
	}
}
