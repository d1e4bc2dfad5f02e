package store

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"hotline"
)

// waitingT0 is before the test clock (openTest starts it at 08:00), so
// messages at waitingT0+… come before any staff reply the clock stamps.
var waitingT0 = time.Date(2025, 3, 1, 7, 0, 0, 0, time.UTC)

// say records a message from phone at t.
func say(t *testing.T, db *DB, phone, ext string, at time.Time) hotline.Receipt {
	t.Helper()
	in := inbound(hotline.SMS, phone, ext, "fictional")
	in.ReceivedAt = at
	return record(t, db, in, hotline.Triage{Lang: "km", Urgency: hotline.High})
}

// queueIDs is the whole queue's case ids, in order.
func queueIDs(t *testing.T, db *DB) []int64 {
	t.Helper()
	p, err := db.ListCases(context.Background(), hotline.CaseFilter{Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range p.Cases {
		ids = append(ids, c.ID)
	}
	return ids
}

func getCase(t *testing.T, db *DB, id int64) *hotline.Case {
	t.Helper()
	c, err := db.GetCase(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func reply(t *testing.T, db *DB, caseID int64) {
	t.Helper()
	if _, err := db.QueueReply(context.Background(), hotline.Staff{User: hotline.User{Name: "fictional agent"}}, hotline.ReplyRequest{
		CaseID: caseID, Body: "fictional reply", Override: true, OverrideReason: "test"}); err != nil {
		t.Fatal(err)
	}
}

// A person who writes again keeps their place: the queue orders by the
// oldest unanswered message, not the latest one.
func TestWritingAgainKeepsQueuePlace(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	a := say(t, db, "+85510000101", "SMa1", waitingT0)
	b := say(t, db, "+85510000102", "SMb1", waitingT0.Add(time.Minute))
	say(t, db, "+85510000101", "SMa2", waitingT0.Add(2*time.Minute))
	if got, want := queueIDs(t, db), []int64{a.CaseID, b.CaseID}; !slices.Equal(got, want) {
		t.Errorf("queue %v, want %v (A waited longer)", got, want)
	}
	c := getCase(t, db, a.CaseID)
	if !c.Waiting || !c.WaitingSince.Equal(waitingT0) || !c.LastInboundAt.Equal(waitingT0.Add(2*time.Minute)) {
		t.Errorf("case A: waiting %v since %v, last inbound %v", c.Waiting, c.WaitingSince, c.LastInboundAt)
	}
}

// A staff reply answers the case: it goes behind those still waiting, and
// waits again from the person's next message. Automatic acknowledgements
// answer nothing.
func TestStaffReplyAnswersCase(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	ack := func(r hotline.Receipt) string { return "Received " + r.CaseRef }
	in := inbound(hotline.SMS, "+85510000101", "SMa1", "fictional")
	in.ReceivedAt = waitingT0
	a, err := db.RecordInbound(context.Background(), in, hotline.Triage{Urgency: hotline.High}, ack)
	if err != nil {
		t.Fatal(err)
	}
	b := say(t, db, "+85510000102", "SMb1", waitingT0.Add(time.Minute))
	if c := getCase(t, db, a.CaseID); !c.Waiting || !c.WaitingSince.Equal(waitingT0) {
		t.Fatalf("the acknowledgement answered the case: waiting %v since %v", c.Waiting, c.WaitingSince)
	}

	reply(t, db, a.CaseID)
	c := getCase(t, db, a.CaseID)
	var replied time.Time
	for _, m := range c.Messages {
		if m.Direction == hotline.DirOut && m.Status == "queued" {
			replied = m.CreatedAt
		}
	}
	if replied.IsZero() || c.Waiting || !c.WaitingSince.Equal(replied) {
		t.Errorf("after the reply at %v: waiting %v since %v", replied, c.Waiting, c.WaitingSince)
	}
	if got, want := queueIDs(t, db), []int64{b.CaseID, a.CaseID}; !slices.Equal(got, want) {
		t.Errorf("queue after reply %v, want %v", got, want)
	}

	again := replied.Add(30 * time.Minute)
	say(t, db, "+85510000101", "SMa2", again)
	if c := getCase(t, db, a.CaseID); !c.Waiting || !c.WaitingSince.Equal(again) {
		t.Errorf("after writing again at %v: waiting %v since %v", again, c.Waiting, c.WaitingSince)
	}
	if got, want := queueIDs(t, db), []int64{b.CaseID, a.CaseID}; !slices.Equal(got, want) {
		t.Errorf("queue after A wrote again %v, want %v (B waits since earlier)", got, want)
	}
}

// A message to a case already waiting names neither waiting column in its
// UPDATE (their index entries stay put) and changes neither; one to an
// answered case sets both. No index on cases holds last_inbound_at, which
// every message changes.
func TestMessageToWaitingCaseLeavesQueueKey(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	log := traceWriter(t, db)
	a := say(t, db, "+85510000101", "SMa1", waitingT0)
	log.take()
	caseUpdates := func() []string {
		var out []string
		for _, s := range log.take() {
			if strings.HasPrefix(s, "UPDATE cases") {
				out = append(out, s)
			}
		}
		return out
	}
	say(t, db, "+85510000101", "SMa2", waitingT0.Add(time.Minute))
	for _, s := range caseUpdates() {
		if strings.Contains(s, "waiting") {
			t.Errorf("a message to a waiting case wrote %q", s)
		}
	}
	if c := getCase(t, db, a.CaseID); !c.Waiting || !c.WaitingSince.Equal(waitingT0) {
		t.Errorf("waiting %v since %v, want since %v", c.Waiting, c.WaitingSince, waitingT0)
	}

	reply(t, db, a.CaseID)
	log.take()
	later := waitingT0.Add(3 * time.Hour)
	say(t, db, "+85510000101", "SMa3", later)
	if got, want := caseUpdates(), []string{"UPDATE cases SET last_inbound_at = ?, waiting = ?, waiting_since = ?, updated_at = ? WHERE id = ?"}; !slices.Equal(got, want) {
		t.Errorf("message to an answered case: %q, want %q", got, want)
	}
	if c := getCase(t, db, a.CaseID); !c.Waiting || !c.WaitingSince.Equal(later) {
		t.Errorf("waiting %v since %v, want since %v", c.Waiting, c.WaitingSince, later)
	}

	if n := count(t, db, `SELECT count(*) FROM sqlite_master m, pragma_index_info(m.name) i
		WHERE m.type = 'index' AND m.tbl_name = 'cases' AND i.name = 'last_inbound_at'`); n != 0 {
		t.Errorf("%d index columns on cases.last_inbound_at", n)
	}
	if n := count(t, db, `SELECT count(*) FROM sqlite_master m, pragma_index_info(m.name) i
		WHERE m.type = 'index' AND m.tbl_name = 'cases' AND i.name = 'waiting_since'`); n != 6 {
		t.Errorf("%d queue indexes on waiting_since, want 6", n)
	}
}

// Merging keeps the person waiting if they were in either case, since the
// earlier unanswered message; two answered cases stay answered, since the
// later answer.
func TestMergeWaiting(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	ctx := context.Background()
	actor := hotline.Staff{User: hotline.User{Name: "fictional agent"}}
	a := say(t, db, "+85510000101", "SMa1", waitingT0)
	b := say(t, db, "+85510000102", "SMb1", waitingT0.Add(time.Minute))
	reply(t, db, a.CaseID)
	if err := db.MergeCases(ctx, actor, a.CaseID, b.CaseID); err != nil {
		t.Fatal(err)
	}
	if c := getCase(t, db, a.CaseID); !c.Waiting || !c.WaitingSince.Equal(waitingT0.Add(time.Minute)) {
		t.Errorf("answered + waiting: waiting %v since %v, want since B's message", c.Waiting, c.WaitingSince)
	}

	x := say(t, db, "+85510000103", "SMx1", waitingT0)
	y := say(t, db, "+85510000104", "SMy1", waitingT0)
	reply(t, db, y.CaseID)
	reply(t, db, x.CaseID)
	second := getCase(t, db, x.CaseID).WaitingSince
	if err := db.MergeCases(ctx, actor, y.CaseID, x.CaseID); err != nil {
		t.Fatal(err)
	}
	if c := getCase(t, db, y.CaseID); c.Waiting || !c.WaitingSince.Equal(second) {
		t.Errorf("both answered: waiting %v since %v, want answered since %v", c.Waiting, c.WaitingSince, second)
	}

	p := say(t, db, "+85510000105", "SMp1", waitingT0.Add(5*time.Minute))
	q := say(t, db, "+85510000106", "SMq1", waitingT0.Add(2*time.Minute))
	if err := db.MergeCases(ctx, actor, p.CaseID, q.CaseID); err != nil {
		t.Fatal(err)
	}
	if c := getCase(t, db, p.CaseID); !c.Waiting || !c.WaitingSince.Equal(waitingT0.Add(2*time.Minute)) {
		t.Errorf("both waiting: waiting %v since %v, want the earlier", c.Waiting, c.WaitingSince)
	}
}

// A database made before 00100 gets each case's waiting time from its
// messages, and 00100 goes down and up again.
func TestWaitingSinceBackfill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "before-waiting.db")
	provider := func(conn *sql.DB) *goose.Provider {
		t.Helper()
		fsys, err := fs.Sub(migrations, "migrations")
		if err != nil {
			t.Fatal(err)
		}
		p, err := goose.NewProvider(goose.DialectSQLite3, conn, fsys,
			goose.WithGoMigrations(auditChainMigration(), entitiesBackfillMigration(testKeys), sealMigration(testKeys)),
			goose.WithAllowOutofOrder(true))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	const before = 91 // the last migration before 00100
	old, err := sql.Open("sqlite3", dsn(path, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider(old).UpTo(ctx, before); err != nil {
		t.Fatal(err)
	}
	// Case 1: two messages, none answered. 2: an automatic reply only.
	// 3: answered, then two more messages. 4: answered last. 5: no
	// messages. 6: answered twice, the second time last.
	for _, q := range []string{
		`INSERT INTO contacts (id, channel, address, address_hash, created_at) VALUES (1, 'sms', 'x', x'01', 0)`,
		`INSERT INTO cases (id, ref, channel, contact_id, last_inbound_at, created_at, updated_at) VALUES
			(1, 'AAA-AAA', 'sms', 1, 2000, 1000, 0), (2, 'AAA-AAC', 'sms', 1, 1500, 1000, 0),
			(3, 'AAA-AAD', 'sms', 1, 4000, 1000, 0), (4, 'AAA-AAE', 'sms', 1, 1000, 1000, 0),
			(5, 'AAA-AAF', 'sms', 1, 500, 500, 0), (6, 'AAA-AAG', 'sms', 1, 1000, 1000, 0)`,
		`INSERT INTO messages (case_id, contact_id, direction, channel, status, created_at) VALUES
			(1, 1, 'in', 'sms', 'received', 1000), (1, 1, 'in', 'sms', 'received', 2000),
			(2, 1, 'in', 'sms', 'received', 1000), (2, 1, 'out', 'sms', 'replied_inline', 1001), (2, 1, 'in', 'sms', 'received', 1500),
			(3, 1, 'in', 'sms', 'received', 1000), (3, 1, 'out', 'sms', 'queued', 2000),
			(3, 1, 'in', 'sms', 'received', 3000), (3, 1, 'in', 'sms', 'received', 4000),
			(4, 1, 'in', 'sms', 'received', 1000), (4, 1, 'out', 'sms', 'sent', 2000), (4, 1, 'out', 'sms', 'replied_inline', 2500),
			(6, 1, 'in', 'sms', 'received', 1000), (6, 1, 'out', 'sms', 'queued', 2000), (6, 1, 'out', 'sms', 'delivered', 2500)`,
	} {
		if _, err := old.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	old.Close()

	want := map[int64][2]int64{ // case: waiting_since, waiting
		1: {1000, 1}, 2: {1000, 1}, 3: {3000, 1}, 4: {2000, 0}, 5: {500, 1}, 6: {2500, 0},
	}
	check := func(db *DB) {
		t.Helper()
		rows, err := db.rdb.Query(`SELECT id, waiting_since, waiting FROM cases ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var id, since, waiting int64
			if err := rows.Scan(&id, &since, &waiting); err != nil {
				t.Fatal(err)
			}
			if got := [2]int64{since, waiting}; got != want[id] {
				t.Errorf("case %d: waiting_since, waiting = %v, want %v", id, got, want[id])
			}
			n++
		}
		if err := rows.Err(); err != nil || n != len(want) {
			t.Fatalf("%d cases, %v", n, err)
		}
		// An answered case queues from its answer.
		if got, want := queueIDs(t, db), []int64{5, 1, 2, 4, 6, 3}; !slices.Equal(got, want) {
			t.Errorf("queue %v, want %v", got, want)
		}
	}
	db, err := Open(path, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	check(db)
	db.Close()

	conn, err := sql.Open("sqlite3", dsn(path, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider(conn).DownTo(ctx, before); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM pragma_table_info('cases') WHERE name IN ('waiting', 'waiting_since')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after down: %d waiting columns, %v", n, err)
	}
	if err := conn.QueryRow(`SELECT count(*) FROM sqlite_master m, pragma_index_info(m.name) i
		WHERE m.type = 'index' AND m.tbl_name = 'cases' AND i.name = 'last_inbound_at'`).Scan(&n); err != nil || n != 6 {
		t.Errorf("after down: %d queue indexes on last_inbound_at, want 6 (%v)", n, err)
	}
	conn.Close()
	db, err = Open(path, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check(db)
}

// The family's status message is written by a person on our side too, so
// it answers the case like a console reply (the trigger in 00100 covers
// every path that writes such a message).
func TestFamilyStatusAnswersCase(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	a := say(t, db, "+821000001234", "SMf1", waitingT0)
	if _, err := writeExec(db, `UPDATE cases SET family_status = 1 WHERE id = ?`, a.CaseID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.QueueFamilyStatus(context.Background(), hotline.Staff{User: hotline.User{Name: "fictional agent"}}, a.CaseID, "fictional status"); err != nil {
		t.Fatal(err)
	}
	if c := getCase(t, db, a.CaseID); c.Waiting || !c.WaitingSince.After(waitingT0) {
		t.Errorf("after the family status: waiting %v since %v", c.Waiting, c.WaitingSince)
	}
}
