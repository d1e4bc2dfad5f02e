package store

import (
	"context"
	"testing"
	"time"

	"hotline"
	"hotline/triage"
)

// settableClock is a test clock that can jump days ahead and otherwise moves
// one millisecond per reading.
type settableClock struct{ clock }

func (c *settableClock) jump(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestRetentionRedactsOldClosedCases: a case closed before the cutoff loses
// its bodies, place, point, notes, entity links and (when the contact has no
// other case) its contact's address and name; its row, reference, status,
// urgency and province stay; the audit chain still verifies with one
// case.redacted event; an open case, a recently closed one and a contact
// that still has an open case are untouched; a second run does nothing.
func TestRetentionRedactsOldClosedCases(t *testing.T) {
	ctx := context.Background()
	clk := &settableClock{clock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}}
	db, _ := openTest(t, Options{Now: clk.Now})
	admin := seedAdmin(t, db)
	rec := func(ch hotline.Channel, from, id, body string) hotline.Receipt {
		res := triage.Classify(triage.Input{Text: body, Channel: string(ch)})
		lat, lon := 10.6280, 103.5220
		in := inbound(ch, from, id, body)
		in.Lat, in.Lon = &lat, &lon
		return record(t, db, in, res.Triage())
	}
	closeCase := func(id int64) {
		t.Helper()
		if err := db.SetStatus(ctx, admin, id, hotline.StatusResolved, hotline.ResolvedSafe, "confirmed safe by the family"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetStatus(ctx, admin, id, hotline.StatusClosed, "", ""); err != nil {
			t.Fatal(err)
		}
	}

	// Day 0: old is opened, noted and closed; shared's first case too.
	old := rec(hotline.SMS, "+85510000123", "SMret1", "They took my passport in Sihanoukville. Recruiter is +85510000777 @Recruiter_Kim88")
	if err := db.AddNote(ctx, admin, old.CaseID, "Family says the compound is near the port"); err != nil {
		t.Fatal(err)
	}
	closeCase(old.CaseID)
	sharedOld := rec(hotline.WhatsApp, "+821000001234", "SMret2", "my brother is held in Bavet")
	closeCase(sharedOld.CaseID)
	open := rec(hotline.SMS, "+85510000456", "SMret3", "I am locked in a room in Poipet")

	// Day 35: a case closed recently, and shared's contact writes again.
	clk.jump(35 * 24 * time.Hour)
	recent := rec(hotline.Telegram, "700123", "tg-ret4", "we were moved to O'Smach")
	closeCase(recent.CaseID)
	sharedNew := rec(hotline.WhatsApp, "+821000001234", "SMret5", "still in Bavet, please help")
	if sharedNew.CaseID == sharedOld.CaseID {
		t.Fatal("a closed case was reopened by a new message")
	}

	// Day 40, keeping 30 days: only old and sharedOld are due.
	clk.jump(5 * 24 * time.Hour)
	cutoff := clk.Now().Add(-30 * 24 * time.Hour)
	due, err := db.RetentionDue(ctx, cutoff, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 2 || due[0].ID != old.CaseID || due[1].ID != sharedOld.CaseID {
		t.Fatalf("due %+v, want cases %d and %d", due, old.CaseID, sharedOld.CaseID)
	}
	before := db.caseSnapshot(t, old.CaseID)
	if before.province == "" || count(t, db, `SELECT count(*) FROM entity_cases WHERE case_id = ?`, old.CaseID) == 0 {
		t.Fatalf("the seed case has no province or entities to redact: %+v", before)
	}

	rep, err := db.RedactClosedBefore(ctx, cutoff, "retention")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cases != 2 || rep.Contacts != 1 {
		t.Errorf("report %+v, want 2 cases and 1 contact (the other still has an open case)", rep)
	}

	// The redacted case: nothing personal left in its rows.
	for _, q := range []string{
		`SELECT count(*) FROM messages WHERE case_id = ?1 AND (body <> '' OR media <> '[]' OR meta <> '{}' OR lat IS NOT NULL OR triage IS NOT NULL)`,
		`SELECT count(*) FROM notes WHERE case_id = ?1 AND body <> ''`,
		`SELECT count(*) FROM entity_cases WHERE case_id = ?1`,
		`SELECT count(*) FROM cases WHERE id = ?1 AND (place <> '' OR lat IS NOT NULL OR entities <> '[]' OR reasons <> '[]' OR redacted_at IS NULL)`,
		`SELECT count(*) FROM contacts k JOIN cases c ON c.contact_id = k.id WHERE c.id = ?1 AND (k.address NOT LIKE 'redacted:%' OR k.name <> '' OR k.address_hash IS NOT NULL)`,
	} {
		if n := count(t, db, q, old.CaseID); n != 0 {
			t.Errorf("%s: %d rows", q, n)
		}
	}
	// Entities only the redacted case mentioned are gone.
	if n := count(t, db, `SELECT count(*) FROM entities e WHERE NOT EXISTS (SELECT 1 FROM entity_cases ec WHERE ec.entity_id = e.id)`); n != 0 {
		t.Errorf("%d entities left with no case", n)
	}
	// What the statistics need is still there, and the case still reads.
	after := db.caseSnapshot(t, old.CaseID)
	if after.ref != before.ref || after.status != hotline.StatusClosed || after.urgency != before.urgency ||
		after.province != before.province || after.createdAt != before.createdAt || after.closedAt != before.closedAt || after.messages != before.messages {
		t.Errorf("statistics changed: before %+v, after %+v", before, after)
	}
	c, err := db.GetCase(ctx, old.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Messages {
		if m.Body != "" {
			t.Errorf("message %d still reads %q", m.ID, m.Body)
		}
	}

	// Untouched: the open case, the recent one, and the contact that wrote again.
	for _, id := range []int64{open.CaseID, recent.CaseID, sharedNew.CaseID} {
		if n := count(t, db, `SELECT count(*) FROM messages WHERE case_id = ? AND direction = 'in' AND body = ''`, id); n != 0 {
			t.Errorf("case %d: %d messages emptied", id, n)
		}
		if n := count(t, db, `SELECT count(*) FROM cases WHERE id = ? AND redacted_at IS NULL`, id); n != 1 {
			t.Errorf("case %d marked redacted", id)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM contacts WHERE address LIKE 'redacted:%'`); n != 1 {
		t.Errorf("%d contacts redacted, want 1", n)
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE case_id = ? AND body = ''`, sharedOld.CaseID); n == 0 {
		t.Error("the shared contact's old case kept its messages")
	}

	// The chain verifies, with one event per redacted case.
	ar, err := db.VerifyAudit(ctx)
	if err != nil || !ar.OK() {
		t.Fatalf("audit chain after redaction: %+v %v", ar, err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE action = 'case.redacted'`); n != 2 {
		t.Errorf("%d case.redacted events, want 2", n)
	}

	// Idempotent.
	if rep, err := db.RedactClosedBefore(ctx, cutoff, "retention"); err != nil || rep.Cases != 0 {
		t.Errorf("second run: %+v %v", rep, err)
	}
}

type caseSnap struct {
	ref, status, province string
	urgency, messages     int
	createdAt, closedAt   int64
}

func (db *DB) caseSnapshot(t *testing.T, id int64) caseSnap {
	t.Helper()
	var s caseSnap
	err := db.rdb.QueryRow(`SELECT ref, status, province, urgency, created_at, COALESCE(closed_at, 0),
		(SELECT count(*) FROM messages WHERE case_id = cases.id) FROM cases WHERE id = ?`, id).
		Scan(&s.ref, &s.status, &s.province, &s.urgency, &s.createdAt, &s.closedAt, &s.messages)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
