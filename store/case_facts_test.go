package store

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"hotline"
)

// caseFacts reads a case's milestones (ms; 0 for NULL).
func caseFacts(t *testing.T, db *DB, id int64) (firstIn, firstReply, closedAt int64) {
	t.Helper()
	var a, b, c sql.NullInt64
	if err := db.rdb.QueryRow(`SELECT first_in_at, first_reply_at, closed_at FROM cases WHERE id = ?`, id).Scan(&a, &b, &c); err != nil {
		t.Fatal(err)
	}
	return a.Int64, b.Int64, c.Int64
}

// TestCaseFactsKeptWithoutTriggers: the milestones the overview counts
// are kept by the code paths that change them, not by triggers on the
// tables every message writes to.
func TestCaseFactsKeptWithoutTriggers(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true}) // the ticking test clock
	ctx := context.Background()
	var n int
	if err := db.rdb.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('messages', 'audit_events')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d triggers on messages or audit_events: each makes every insert there open a statement journal", n)
	}

	t1 := waitingT0.Add(10 * time.Minute)
	r := say(t, db, "+85510000201", "SMf1", t1)
	if in, rep, closed := caseFacts(t, db, r.CaseID); in != ms(t1) || rep != 0 || closed != 0 {
		t.Errorf("new case: first in %d, first reply %d, closed %d; want %d, 0, 0", in, rep, closed, ms(t1))
	}
	say(t, db, "+85510000201", "SMf2", t1.Add(time.Minute))
	// A provider's clock behind ours: the first message is the earliest.
	say(t, db, "+85510000201", "SMf3", t1.Add(-time.Minute))
	if in, _, _ := caseFacts(t, db, r.CaseID); in != ms(t1.Add(-time.Minute)) {
		t.Errorf("first in %d, want the earlier message's %d", in, ms(t1.Add(-time.Minute)))
	}

	// An automatic acknowledgement answers nothing; a staff reply does,
	// and the first one stays the first.
	if _, err := db.RecordInbound(ctx, inbound(hotline.SMS, "+85510000201", "SMf4", "fictional"), hotline.Triage{Lang: "km"},
		func(hotline.Receipt) string { return "received" }); err != nil {
		t.Fatal(err)
	}
	if _, got, _ := caseFacts(t, db, r.CaseID); got != 0 {
		t.Errorf("an automatic reply set first_reply_at %d", got)
	}
	reply(t, db, r.CaseID)
	_, first, _ := caseFacts(t, db, r.CaseID)
	if first == 0 || getCase(t, db, r.CaseID).Waiting {
		t.Fatalf("after a staff reply: first reply %d, still waiting %v", first, getCase(t, db, r.CaseID).Waiting)
	}
	reply(t, db, r.CaseID)
	c := getCase(t, db, r.CaseID)
	if _, again, _ := caseFacts(t, db, r.CaseID); again != first || ms(c.WaitingSince) <= first {
		t.Errorf("second reply: first reply %d (want %d), answered since %d (want the second reply's time)", again, first, ms(c.WaitingSince))
	}

	// closed_at: when the case was last resolved or closed; NULL once open again.
	staff := hotline.Staff{User: hotline.User{Name: "fictional agent"}}
	if err := db.SetStatus(ctx, staff, r.CaseID, hotline.StatusResolved, hotline.Resolutions[0], "fictional reason"); err != nil {
		t.Fatal(err)
	}
	_, _, resolved := caseFacts(t, db, r.CaseID)
	if err := db.SetStatus(ctx, staff, r.CaseID, hotline.StatusClosed, "", ""); err != nil {
		t.Fatal(err)
	}
	_, _, closed := caseFacts(t, db, r.CaseID)
	if resolved == 0 || closed <= resolved {
		t.Errorf("closed_at %d when resolved, %d when closed: want set, then later", resolved, closed)
	}
	if err := db.SetStatus(ctx, staff, r.CaseID, hotline.StatusInProgress, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, reopened := caseFacts(t, db, r.CaseID); reopened != 0 {
		t.Errorf("closed_at %d on a reopened case, want NULL", reopened)
	}
}
