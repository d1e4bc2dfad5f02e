package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"hotline"
)

// chainFixture writes a few cases and messages (each audited), plus a unit
// that audits and then fails, whose event must vanish from the chain with
// its savepoint. It returns the closed database's path.
func chainFixture(t *testing.T) string {
	t.Helper()
	db, path := openTest(t, testOptions())
	ctx := context.Background()
	for i := range 4 {
		record(t, db, inbound(hotline.SMS, fmt.Sprintf("+8551000012%d", i), fmt.Sprintf("SMchain%d", i), "help"), hotline.Triage{})
		err := db.write(ctx, func(tx *writeTx) error {
			if err := audit(tx, db.now(), "test", "case.doomed", 0, nil); err != nil {
				return err
			}
			return errors.New("unit fails after auditing")
		})
		if err == nil {
			t.Fatal("failing unit reported success")
		}
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE action = 'case.doomed'`); n != 0 {
		t.Fatalf("%d events of rolled-back units survived", n)
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("fresh chain: %+v, %v", rep, err)
	}
	if rep.Events < 8 || len(rep.Head) != 64 {
		t.Fatalf("fresh chain: %d events, head %q", rep.Events, rep.Head)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// tamper edits the SQLite file directly, as someone with the file would.
func tamper(t *testing.T, path string, stmts ...string) {
	t.Helper()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func verifyFile(t *testing.T, path string) AuditReport {
	t.Helper()
	db, err := Open(path, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := db.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestAuditChainUntouchedPasses(t *testing.T) {
	path := chainFixture(t)
	if rep := verifyFile(t, path); !rep.OK() {
		t.Fatalf("untouched chain broken at %d: %s", rep.BrokenAt, rep.Reason)
	}
}

func TestAuditChainDetectsChangedRow(t *testing.T) {
	path := chainFixture(t)
	tamper(t, path, `UPDATE audit_events SET actor = 'someone else' WHERE id = 3`)
	rep := verifyFile(t, path)
	if rep.BrokenAt != 3 || !strings.Contains(rep.Reason, "changed") {
		t.Fatalf("changed row 3: report %+v", rep)
	}
}

func TestAuditChainDetectsChangedRowWithRecomputedHash(t *testing.T) {
	path := chainFixture(t)
	// The editor also fixes the row's own hash; the next row still points
	// at the old one.
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	var at int64
	var actor, action, detail, prev string
	var cid sql.NullInt64
	if err := raw.QueryRow(`SELECT at, actor, action, case_id, detail, prev_hash FROM audit_events WHERE id = 2`).
		Scan(&at, &actor, &action, &cid, &detail, &prev); err != nil {
		t.Fatal(err)
	}
	forged := auditHash(prev, auditContent(2, at+60000, actor, action, cid, detail))
	if _, err := raw.Exec(`UPDATE audit_events SET at = ?, hash = ? WHERE id = 2`, at+60000, forged); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	rep := verifyFile(t, path)
	if rep.BrokenAt != 3 {
		t.Fatalf("row 2 rewritten with its own hash: report %+v", rep)
	}
}

func TestAuditChainDetectsDeletedRow(t *testing.T) {
	path := chainFixture(t)
	tamper(t, path, `DELETE FROM audit_events WHERE id = 4`)
	rep := verifyFile(t, path)
	if rep.BrokenAt != 5 || !strings.Contains(rep.Reason, "deleted") {
		t.Fatalf("deleted row 4: report %+v", rep)
	}
	path = chainFixture(t)
	tamper(t, path, `DELETE FROM audit_events WHERE id = 1`)
	if rep := verifyFile(t, path); rep.BrokenAt != 2 {
		t.Fatalf("deleted first row: report %+v", rep)
	}
}

// TestAuditChainBackfill: events written before the chain existed are
// chained by the migration, and new events continue that chain.
func TestAuditChainBackfill(t *testing.T) {
	path := chainFixture(t)
	tamper(t, path,
		`UPDATE audit_events SET prev_hash = NULL, hash = NULL`,
		`DELETE FROM goose_db_version WHERE version_id = 31`)
	if rep := verifyFile(t, path); !rep.OK() {
		t.Fatalf("after backfill: %+v", rep)
	}
	db, err := Open(path, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	record(t, db, inbound(hotline.SMS, "+85510000199", "SMafter", "help"), hotline.Triage{})
	if err := db.RecordCaseAccess(context.Background(), "agent1", 1, "api", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	if rep, err := db.VerifyAudit(context.Background()); err != nil || !rep.OK() {
		t.Fatalf("after new events: %+v, %v", rep, err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE action = 'case.viewed' AND actor = 'agent1' AND case_id = 1 AND detail LIKE '%192.0.2.7%'`); n != 1 {
		t.Fatalf("case.viewed events: %d", n)
	}
}
