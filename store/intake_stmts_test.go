package store

import (
	"context"
	"path/filepath"
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

// unitStatements is the part of a log that ran inside units (from
// SAVEPOINT to RELEASE), leaving out the batch's BEGIN and COMMIT, which
// the batch's units share.
func unitStatements(stmts []string) []string {
	var in []string
	inside := false
	for _, s := range stmts {
		if s == "SAVEPOINT unit" {
			inside = true
		}
		if inside {
			in = append(in, s)
		}
		if s == "RELEASE unit" {
			inside = false
		}
	}
	return in
}

// The writer is the one resource every webhook waits for: each statement a
// message costs it is paid by every message. These bounds count the
// statements of one message's unit, savepoint and release included.
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
		// savepoint, contact, open case, case insert, message, 2 audit events, ack, release
		{"new case", "SMs1", tr, 9},
		// savepoint, contact, open case, case update, message, audit event, ack, release
		{"existing case", "SMs2", tr, 8},
		// and a second audit event, the routing rules and the hand-off's audit event
		{"existing case, urgency rises", "SMs3", hotline.Triage{Lang: "km", Urgency: hotline.Critical}, 11},
	} {
		if _, err := db.RecordInbound(ctx, inbound(hotline.SMS, "+85510000123", step.ext, "fictional"), step.tr, ack); err != nil {
			t.Fatal(err)
		}
		stmts := unitStatements(log.take())
		for _, s := range stmts {
			t.Logf("%s: %.90s", step.name, s)
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
	// over urgency, province and lang are not rewritten for nothing.
	if _, err := db.RecordInbound(ctx, inbound(hotline.SMS, "+85510000123", "SMs4", "fictional"), tr, ack); err != nil {
		t.Fatal(err)
	}
	for _, s := range log.take() {
		if strings.HasPrefix(s, "UPDATE cases") && s != "UPDATE cases SET last_inbound_at = ?, updated_at = ? WHERE id = ?" {
			t.Errorf("a message that changes no triage wrote %q", s)
		}
	}
}
