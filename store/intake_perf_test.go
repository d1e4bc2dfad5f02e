package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"hotline"
)

// A retry queued behind its original in the same batch is caught by the
// unique index: its whole unit is undone (contact name, case triage, audit)
// and it answers Duplicate with the original's ids, while the units around
// it commit.
func TestDuplicateInBatchIsUndoneWhole(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	before := db.Stats()
	release := holdWriter(t, db)
	orig := inbound(hotline.SMS, "+85510000123", "SM-twice", "x")
	retry := orig
	retry.Name = "Retry Name"
	other := inbound(hotline.SMS, "+85510000456", "SM-other", "x")
	triages := []hotline.Triage{{Urgency: hotline.Low}, {Urgency: hotline.Critical}, {Urgency: hotline.Medium}}
	acks := make([]int, 3)
	rs := make([]hotline.Receipt, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i, in := range []hotline.Inbound{orig, retry, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs[i], errs[i] = db.RecordInbound(context.Background(), in, triages[i],
				func(hotline.Receipt) string { acks[i]++; return "ok" })
		}()
		waitQueued(t, db, i+1) // keep the order inside the batch
	}
	release()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("unit %d: %v", i, err)
		}
	}
	if rs[0].Duplicate || !rs[1].Duplicate || rs[2].Duplicate {
		t.Fatalf("receipts %+v", rs)
	}
	if rs[1].MessageID != rs[0].MessageID || rs[1].CaseID != rs[0].CaseID || rs[1].CaseRef != rs[0].CaseRef {
		t.Errorf("duplicate receipt %+v, original %+v", rs[1], rs[0])
	}
	// The retry fails the batch's straight run, so the original's unit
	// runs (and acknowledges) again in the careful rerun, where the retry
	// fails alone before its acknowledgement and the third unit runs once.
	if acks[0] != 2 || acks[1] != 0 || acks[2] != 1 {
		t.Errorf("acks %v, want [2 0 1]: the retry never acknowledged", acks)
	}
	if s := db.Stats(); s.Commits-before.Commits != 2 || s.Jobs-before.Jobs != 4 || s.Reruns-before.Reruns != 1 {
		t.Errorf("%d commits, %d jobs, %d reruns; want the hold unit's and one batch of three, run again once",
			s.Commits-before.Commits, s.Jobs-before.Jobs, s.Reruns-before.Reruns)
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE direction = 'in'`); n != 2 {
		t.Errorf("%d inbound messages, want 2", n)
	}
	if n := count(t, db, `SELECT count(*) FROM contacts WHERE name <> ''`); n != 0 {
		t.Error("the retry's contact update was kept")
	}
	c, err := db.GetCase(context.Background(), rs[0].CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Urgency != hotline.Low || len(c.Messages) != 2 {
		t.Errorf("case urgency %v with %d messages, want low with message and ack", c.Urgency, len(c.Messages))
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE case_id = ?`, rs[0].CaseID); n != 2 {
		t.Errorf("%d audit events on the case, want case.created and message.received", n)
	}
}

// The statements every message runs must find their rows through an index,
// including those that write parameters as +? (see findDuplicateSQL).
func TestHotStatementsUseIndexes(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	for _, c := range []struct {
		name, query string
		args        []any
		index       string
	}{
		{"findDuplicate", findDuplicateSQL, []any{"sms", "SM1"}, "USING INDEX messages_external"},
		{"openCase", openCaseSQL, []any{int64(1)}, "USING INDEX cases_contact_open"},
		{"openCaseGuided", openCaseGuidedSQL, []any{int64(1)}, "USING INDEX cases_contact_open"},
		{"deliveryStatus", deliveryStatusSQL, []any{"sent", "", "sms", "SM1"}, "USING INDEX messages_external"},
		{"findEntity", findEntitySQL, []any{"place", []byte{1, 2}}, "INDEX entities_value_hash"},
		{"contact", contactSQL, []any{"sms", []byte{1, 2}}, "USING INDEX contacts_address_hash"},
	} {
		plan := explain(t, db, c.query, c.args)
		if !strings.Contains(plan, c.index) || strings.Contains(plan, "SCAN") {
			t.Errorf("%s: want %s, plan:\n%s", c.name, c.index, plan)
		}
		// The newest open case comes off the index's end, not a sort.
		if strings.HasPrefix(c.name, "openCase") && strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s sorts: %s", c.name, plan)
		}
	}
}

func TestWriteTxScan(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	err := db.write(context.Background(), func(tx *writeTx) error {
		var (
			s      string
			i      int
			i64    int64
			b      bool
			f      float64
			nf, nn sql.NullFloat64
			raw    []byte
			v      any
		)
		err := tx.QueryRow(`SELECT 'km', 7, 1 << 40, 1, 2.5, 10.6, NULL, x'0102', 'x'`).
			Scan(&s, &i, &i64, &b, &f, &nf, &nn, &raw, &v)
		if err != nil {
			return err
		}
		if s != "km" || i != 7 || i64 != 1<<40 || !b || f != 2.5 || !nf.Valid || nf.Float64 != 10.6 ||
			nn.Valid || len(raw) != 2 || raw[1] != 2 || v != "x" {
			t.Errorf("scanned %q %d %d %v %v %+v %+v %v %v", s, i, i64, b, f, nf, nn, raw, v)
		}
		if err := tx.QueryRow(`SELECT 1 WHERE 0`).Scan(&i); !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("no row: %v", err)
		}
		if err := tx.QueryRow(`SELECT 1, 2`).Scan(&i); err == nil {
			t.Error("scan of two columns into one destination succeeded")
		}
		// A statement prepared once runs again with new arguments.
		for _, name := range []string{"p1", "p2"} {
			if _, err := tx.Exec(`INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)`, name, "agent", 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM users WHERE name IN ('p1', 'p2')`); n != 2 {
		t.Errorf("%d users", n)
	}
}

// SQL built per call must not pile up prepared statements on the writer.
func TestWriterStatementCacheIsBounded(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	err := db.write(context.Background(), func(tx *writeTx) error {
		for i := range 3 * maxStmts {
			var n int
			if err := tx.QueryRow(fmt.Sprintf(`SELECT %d + ?`, i), 1).Scan(&n); err != nil {
				return err
			}
			if n != i+1 {
				t.Fatalf("statement %d answered %d", i, n)
			}
			if len(tx.stmts) > maxStmts {
				t.Fatalf("%d statements kept", len(tx.stmts))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The writer still works with what it prepares again.
	record(t, db, inbound(hotline.SMS, "+85510000123", "SM-after-cache", "x"), hotline.Triage{})
}

// Reasons and entities grow by appending to their stored JSON; a case's
// reasons changed outside the intake path are merged with, not overwritten
// by what the writer remembered.
func TestMergedReasonsExtendStoredJSON(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	ctx := context.Background()
	reason := func(s string) hotline.Reason {
		return hotline.Reason{Signal: s, Match: "m " + s, Urgency: hotline.Medium}
	}
	var r hotline.Receipt
	for i, sig := range []string{"a", "b", "a", "c <&>"} { // "a" twice: no duplicate
		r = record(t, db, inbound(hotline.SMS, "+85510000123", fmt.Sprintf("SM%d", i), "x"), hotline.Triage{
			Reasons:  []hotline.Reason{reason(sig)},
			Entities: []hotline.Entity{{Kind: "phone", Value: fmt.Sprint(i % 2)}},
		})
	}
	var reasons, entities string
	if err := db.rdb.QueryRow(`SELECT reasons, entities FROM cases WHERE id = ?`, r.CaseID).Scan(db.sl.into(colCaseReasons, &reasons), db.sl.into(colCaseEntities, &entities)); err != nil {
		t.Fatal(err)
	}
	wantR, _ := jsonText([]hotline.Reason{reason("a"), reason("b"), reason("c <&>")})
	wantE, _ := jsonText([]hotline.Entity{{Kind: "phone", Value: "0"}, {Kind: "phone", Value: "1"}})
	if reasons != wantR || entities != wantE {
		t.Errorf("stored\n%s\n%s\nwant what json.Marshal writes\n%s\n%s", reasons, entities, wantR, wantE)
	}
	// Someone else rewrites the reasons: the next message merges with that.
	if _, err := writeExec(db, `UPDATE cases SET reasons = ? WHERE id = ?`, `[{"signal":"staff","match":"","urgency":"low"}]`, r.CaseID); err != nil {
		t.Fatal(err)
	}
	record(t, db, inbound(hotline.SMS, "+85510000123", "SM-next", "x"), hotline.Triage{Reasons: []hotline.Reason{reason("b")}})
	c, err := db.GetCase(ctx, r.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Reasons) != 2 || c.Reasons[0].Signal != "staff" || c.Reasons[1].Signal != "b" {
		t.Errorf("reasons after an outside change: %+v", c.Reasons)
	}
}
