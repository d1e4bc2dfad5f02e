package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"hotline"
)

// stmtLog collects the statements the writer runs while it is attached.
type stmtLog struct {
	mu    sync.Mutex
	stmts []string
}

func (l *stmtLog) add(q string) {
	l.mu.Lock()
	l.stmts = append(l.stmts, strings.Join(strings.Fields(q), " "))
	l.mu.Unlock()
}

func (l *stmtLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.stmts
	l.stmts = nil
	return s
}

// traceWriter makes the writer report every statement it runs to a log.
func traceWriter(t *testing.T, db *DB) *stmtLog {
	t.Helper()
	l := &stmtLog{}
	if err := db.write(context.Background(), func(tx *writeTx) error { tx.trace = l.add; return nil }); err != nil {
		t.Fatal(err)
	}
	l.take()
	return l
}

// unitStatements is the part of a log that ran inside units, leaving out
// what the batch's units share: BEGIN, the data-version check and COMMIT.
// A straight batch runs its units without savepoints (writer.go, commit);
// a careful one wraps each in SAVEPOINT ... RELEASE, which count.
func unitStatements(stmts []string) []string {
	var in []string
	for _, s := range stmts {
		switch s {
		case "BEGIN IMMEDIATE", "PRAGMA data_version", "COMMIT":
			continue
		}
		in = append(in, s)
	}
	return in
}

// The writer is the one resource every webhook waits for: each statement a
// message costs it is paid by every message. These bounds count the
// statements of one message's unit, alone in its batch (so run straight,
// without a savepoint).
func TestStatementsPerMessage(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "h.db"), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := traceWriter(t, db)
	tr := hotline.Triage{Lang: "km", Urgency: hotline.High,
		Location: hotline.Location{Country: "KH", Province: "Preah Sihanouk"},
		Reasons:  []hotline.Reason{{Signal: "confinement", Match: "x", Urgency: hotline.High}}}
	ack := func(r hotline.Receipt) string { return "Received " + r.CaseRef }
	ctx := context.Background()
	// The first audit event after Open reads the chain's head once.
	if _, err := db.RecordInbound(ctx, inbound(hotline.SMS, "+85510000999", "SMs0", "fictional"), tr, ack); err != nil {
		t.Fatal(err)
	}
	log.take()
	for _, step := range []struct {
		name string
		ext  string
		tr   hotline.Triage
		max  int
	}{
		// contact read and insert, case insert, message, the entity
		// index's read-back, 2 audit events, ack
		{"new case", "SMs1", tr, 8},
		// contact read, open case, case update, message, entity read-back,
		// audit event, ack
		{"existing case", "SMs2", tr, 7},
		// and a second audit event, the routing rules and the hand-off's audit event
		{"existing case, urgency rises", "SMs3", hotline.Triage{Lang: "km", Urgency: hotline.Critical}, 10},
	} {
		if _, err := db.RecordInbound(ctx, inbound(hotline.SMS, "+85510000123", step.ext, "fictional"), step.tr, ack); err != nil {
			t.Fatal(err)
		}
		stmts := unitStatements(log.take())
		for _, s := range stmts {
			t.Logf("%s: %.90s", step.name, s)
			if step.name != "new case" && (strings.HasPrefix(s, "INSERT INTO contacts") || strings.HasPrefix(s, "UPDATE contacts")) {
				t.Errorf("%s: a known contact with nothing new was written: %.60s", step.name, s)
			}
			if strings.HasPrefix(s, "SELECT") && strings.Contains(s, "FROM audit_events") {
				t.Errorf("%s: the writer read the audit chain's head again", step.name)
			}
		}
		t.Logf("%s: %d statements", step.name, len(stmts))
		if len(stmts) > step.max {
			t.Errorf("%s: %d statements, want at most %d", step.name, len(stmts), step.max)
		}
	}
	// Only the columns a message changed are written: the queue indexes
	// over urgency, province, lang and waiting_since (the case is still
	// waiting, so its queue key stays) are not rewritten for nothing.
	if _, err := db.RecordInbound(ctx, inbound(hotline.SMS, "+85510000123", "SMs4", "fictional"), tr, ack); err != nil {
		t.Fatal(err)
	}
	updates := 0
	for _, s := range log.take() {
		// (last_inbound_at stays when both messages fall in one millisecond)
		if !strings.HasPrefix(s, "UPDATE cases") {
			continue
		}
		updates++
		if s != "UPDATE cases SET last_inbound_at = ?, updated_at = ? WHERE id = ?" &&
			s != "UPDATE cases SET updated_at = ? WHERE id = ?" {
			t.Errorf("a message that changes no triage wrote %q", s)
		}
	}
	if updates != 1 {
		t.Errorf("%d case updates, want 1", updates)
	}
	// What such a message does write moves no queue index entry:
	// last_inbound_at is in no index, updated_at only in the live queue's.
	var n int
	if err := db.rdb.QueryRow(`SELECT count(*) FROM sqlite_master m, pragma_index_info(m.name) i
		WHERE m.type = 'index' AND m.tbl_name = 'cases' AND (i.name = 'last_inbound_at' OR i.name = 'updated_at' AND m.name <> 'cases_updated')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d indexes on cases hold a column every message writes (%v)", n, err)
	}
}

// The guided intake reads the case's guide state in the statement that
// finds the case, and sees it as it was before the message.
func TestGuidedMessageReadsCaseOnce(t *testing.T) {
	db, _ := openTest(t, testOptions())
	log := traceWriter(t, db)
	ctx := context.Background()
	var states []hotline.GuideState
	reply := func(r hotline.Receipt, st hotline.GuideState) (string, hotline.GuideStep) {
		states = append(states, st)
		switch len(states) {
		case 1:
			return "ack", hotline.GuideStep{Ask: itemPeople, Question: "How many people?"}
		case 2:
			return "", hotline.GuideStep{Answered: itemPeople, Value: "3", Ask: itemLocation, Question: "Where?"}
		}
		return "", hotline.GuideStep{}
	}
	for i, body := range []string{"fictional help", "3", "fictional again"} {
		in := inbound(hotline.SMS, "+85510000123", fmt.Sprintf("SMg%d", i), body)
		if _, err := db.RecordInboundGuided(ctx, in, hotline.Triage{Lang: "en"}, reply); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range log.take() {
		if strings.HasPrefix(s, "SELECT c.people_count") {
			t.Errorf("guide state read apart from the case: %.80s", s)
		}
	}
	if len(states) != 3 {
		t.Fatalf("%d guide states", len(states))
	}
	if plan := explain(t, db, contactSQL, []any{"sms", []byte("h")}); !strings.Contains(plan, "USING INDEX contacts_address_hash") || strings.Contains(plan, "SCAN") {
		t.Errorf("contact plan:\n%s", plan)
	}
	plan := explain(t, db, openCaseGuidedSQL, []any{int64(1)})
	if !strings.Contains(plan, "USING INDEX cases_contact") || strings.Contains(plan, "SCAN") {
		t.Errorf("guided open case plan:\n%s", plan)
	}
	if states[0].CaseID != 0 || len(states[0].Done) != 0 {
		t.Errorf("first message: %+v", states[0])
	}
	if states[1].CaseID == 0 || states[1].Pending != itemPeople || !slices.Contains(states[1].Done, itemPeople) {
		t.Errorf("second message: %+v, want people pending and asked", states[1])
	}
	if states[2].Pending != itemLocation || !slices.Contains(states[2].Done, itemPeople) || !slices.Contains(states[2].Done, itemLocation) {
		t.Errorf("third message: %+v, want location pending, people and location asked", states[2])
	}
}

// A known contact is written only when a message brings something new,
// and the guide still sees the contact as it was before the message.
func TestContactWrittenOnlyWhenChanged(t *testing.T) {
	db, _ := openTest(t, testOptions())
	log := traceWriter(t, db)
	ctx := context.Background()
	var seen []hotline.GuideState
	reply := func(r hotline.Receipt, st hotline.GuideState) (string, hotline.GuideStep) {
		seen = append(seen, st)
		return "", hotline.GuideStep{}
	}
	send := func(ext, name string, safe *bool) []string {
		t.Helper()
		in := inbound(hotline.WhatsApp, "+821000001234", ext, "fictional")
		in.Name, in.SafeToContact = name, safe
		if _, err := db.RecordInboundGuided(ctx, in, hotline.Triage{}, reply); err != nil {
			t.Fatal(err)
		}
		var writes []string
		for _, s := range log.take() {
			if strings.HasPrefix(s, "UPDATE contacts") || strings.HasPrefix(s, "INSERT INTO contacts") {
				writes = append(writes, s)
			}
		}
		return writes
	}
	if w := send("WA1", "", nil); len(w) != 1 {
		t.Fatalf("new contact: %d writes", len(w))
	}
	if w := send("WA2", "", nil); len(w) != 0 {
		t.Errorf("nothing new: %d writes", len(w))
	}
	if w := send("WA3", "Fictional Kim", ptr(false)); len(w) != 1 {
		t.Errorf("name and safety: %d writes", len(w))
	}
	if w := send("WA4", "Other Name", ptr(false)); len(w) != 0 {
		t.Errorf("same safety, name already known: %d writes", len(w))
	}
	if w := send("WA5", "", ptr(true)); len(w) != 1 {
		t.Errorf("safety changed: %d writes", len(w))
	}
	// The guide saw the flag as it was before each message: unknown, unknown,
	// unknown, not safe, not safe.
	want := []string{"", "", "", ModeSilent, ModeSilent}
	for i, st := range seen {
		if st.Mode != want[i] {
			t.Errorf("message %d: guide mode %q, want %q", i+1, st.Mode, want[i])
		}
	}
	var name []byte
	var safe sql.NullBool
	if err := db.rdb.QueryRow(`SELECT name, safe_to_contact FROM contacts`).Scan(&name, &safe); err != nil {
		t.Fatal(err)
	}
	if got, err := db.sl.open(colContactName, name); err != nil || got != "Fictional Kim" {
		t.Errorf("name %q, %v: the first name given is kept", got, err)
	}
	if !safe.Valid || !safe.Bool {
		t.Errorf("safe_to_contact %+v, want true", safe)
	}
}
