package store

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"

	"hotline"
)

// A database made before triage moved onto messages keeps every message's
// triage across the upgrade.
func TestTriageMigratesOntoMessages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite3", dsn(path, nil))
	if err != nil {
		t.Fatal(err)
	}
	first, err := fs.ReadFile(migrations, "migrations/00001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, old, fstest.MapFS{"00001_init.sql": {Data: first}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO contacts (id, channel, address, created_at) VALUES (1, 'sms', '+85510000123', 0)`,
		`INSERT INTO cases (id, ref, channel, contact_id, last_inbound_at, created_at, updated_at) VALUES (1, 'AAA-AAA', 'sms', 1, 0, 0, 0)`,
		`INSERT INTO messages (id, case_id, contact_id, direction, channel, external_id, created_at) VALUES (1, 1, 1, 'in', 'sms', 'SM1', 0)`,
		`INSERT INTO messages (id, case_id, contact_id, direction, channel, created_at) VALUES (2, 1, 1, 'out', 'sms', 0)`,
		`INSERT INTO triage_results (message_id, result) VALUES (1, '{"lang":"km","urgency":"critical"}')`,
	} {
		if _, err := old.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()

	db, err := Open(path, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.GetCase(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 2 || c.Messages[0].Triage == nil || c.Messages[0].Triage.Urgency != hotline.Critical ||
		c.Messages[0].Triage.Lang != "km" || c.Messages[1].Triage != nil {
		t.Errorf("messages after upgrade: %+v", c.Messages)
	}
	if n := count(t, db, `SELECT count(*) FROM sqlite_master WHERE name = 'triage_results'`); n != 0 {
		t.Error("triage_results is still there")
	}
}
