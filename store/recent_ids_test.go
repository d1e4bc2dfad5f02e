package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hotline"
)

func TestRecentIDsRemembersTwoGenerations(t *testing.T) {
	r := newRecentIDs(2, time.Hour, time.Now)
	for _, id := range []string{"SM1", "SM2", "SM3", "SM4"} {
		if r.met(hotline.SMS, id) {
			t.Fatalf("%s met before it was seen", id)
		}
	}
	// Generations of two: SM3 started a new one, so {SM3, SM4} is the
	// current generation and {SM1, SM2} the old one.
	if !r.met(hotline.SMS, "SM4") || !r.met(hotline.SMS, "SM3") {
		t.Error("the current generation forgot an id")
	}
	if r.met(hotline.WhatsApp, "SM4") {
		t.Error("an id on another channel counted as met")
	}
	for i := range 4 {
		r.met(hotline.SMS, fmt.Sprintf("SMnew%d", i))
	}
	if r.met(hotline.SMS, "SM1") {
		t.Error("an id from two generations ago is still remembered: the set is not bounded")
	}
}

// A retry of a message stored before the process started is answered from
// the read pool, without a write, when the message is recent; an older one
// is still answered as a duplicate, by the writer's unique index.
func TestDuplicateAcrossRestart(t *testing.T) {
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	opts := testOptions()
	opts.Now = func() time.Time { return now }
	db, path := openTest(t, opts)
	old := inbound(hotline.SMS, "+85510000123", "SM-old", "x")
	old.ReceivedAt = now.Add(-2 * recentIDsSeedWindow)
	rOld := record(t, db, old, hotline.Triage{Lang: "en"})
	fresh := inbound(hotline.SMS, "+85510000124", "SM-fresh", "y")
	fresh.ReceivedAt = now.Add(-time.Minute)
	rFresh := record(t, db, fresh, hotline.Triage{Lang: "km"})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The writer is busy: the retry must be answered without it.
	release := holdWriter(t, db)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	r, err := db.RecordInbound(ctx, fresh, hotline.Triage{Lang: "en", Urgency: hotline.Critical}, nil)
	cancel()
	release()
	if err != nil {
		t.Fatalf("retry after restart, writer busy: %v", err)
	}
	if !r.Duplicate || r.MessageID != rFresh.MessageID || r.CaseRef != rFresh.CaseRef {
		t.Errorf("retry after restart: receipt %+v, want the stored %+v", r, rFresh)
	}
	r = record(t, db, old, hotline.Triage{})
	if !r.Duplicate || r.MessageID != rOld.MessageID {
		t.Errorf("retry of an old message: receipt %+v, want the stored %+v", r, rOld)
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE direction = 'in'`); n != 2 {
		t.Errorf("%d inbound messages stored, want 2", n)
	}
}

// A generation also ends after its time, however few ids it holds, so the
// set's memory follows the traffic.
func TestRecentIDsForgetsByTime(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	r := newRecentIDs(1000, time.Minute, func() time.Time { return now })
	r.met(hotline.SMS, "SM1")
	now = now.Add(61 * time.Second)
	r.met(hotline.SMS, "SM2") // starts a new generation; SM1 is in the old one
	if !r.met(hotline.SMS, "SM1") {
		t.Error("an id from the last generation is forgotten")
	}
	now = now.Add(61 * time.Second)
	r.met(hotline.SMS, "SM3")
	now = now.Add(61 * time.Second)
	r.met(hotline.SMS, "SM4")
	if r.met(hotline.SMS, "SM2") {
		t.Error("an id from three minutes ago is still remembered")
	}
	if n := len(r.cur) + len(r.old); n > 3 {
		t.Errorf("%d ids held after three quiet minutes", n)
	}
}
