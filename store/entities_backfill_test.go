package store

import (
	"context"
	"database/sql"
	"testing"
)

// A database made before the backfill migration, with messages but an
// empty entity index, is indexed by the next Open, exactly as intake
// indexed it, and staff can open the entity pages without a reindex.
func TestOpenIndexesMessagesOfAnOlderDatabase(t *testing.T) {
	db, path := openTest(t, Options{GroupCommit: true})
	seedEntities(t, db)
	type link struct {
		kind, value         string
		caseID, messageID   int64
		firstSeen, lastSeen int64
	}
	links := func(q interface {
		Query(string, ...any) (*sql.Rows, error)
	}) map[link]bool {
		rows, err := q.Query(`SELECT e.kind, e.value, l.case_id, l.message_id, l.first_seen, l.last_seen
			FROM entity_cases l JOIN entities e ON e.id = l.entity_id WHERE l.state = 'found'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[link]bool{}
		for rows.Next() {
			var l link
			if err := rows.Scan(&l.kind, db.sl.into(colEntityValue, &l.value), &l.caseID, &l.messageID, &l.firstSeen, &l.lastSeen); err != nil {
				t.Fatal(err)
			}
			out[l] = true
		}
		return out
	}
	want := links(db.rdb)
	if len(want) < 9 {
		t.Fatalf("intake indexed only %d links", len(want))
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Make it the database of a hotline from before the backfill.
	old, err := sql.Open("sqlite3", dsn(path, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DELETE FROM entity_cases`,
		`DELETE FROM entities`,
		`DELETE FROM goose_db_version WHERE version_id = 53`,
	} {
		if _, err := old.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var n int
	if err := old.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'in'`).Scan(&n); err != nil || n != len(entitySeed) {
		t.Fatalf("%d inbound messages, seeded %d (%v)", n, len(entitySeed), err)
	}
	old.Close()

	db2, err := Open(path, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	got := links(db2.rdb)
	if len(got) != len(want) {
		t.Errorf("Open indexed %d links, intake %d", len(got), len(want))
	}
	for l := range want {
		if !got[l] {
			t.Errorf("missing after upgrade: %s link of case %d", l.kind, l.caseID)
		}
	}
	// The index is the entity pages' source: a case's links are back.
	list, err := db2.CaseEntities(context.Background(), 1, Scope{})
	if err != nil || len(list) == 0 {
		t.Errorf("case 1 entities after upgrade: %d, %v", len(list), err)
	}
}
