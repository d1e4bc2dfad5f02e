package store

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"hotline"
	"hotline/internal/seal"
)

// A database made before encryption at rest (schema up to migration 00053,
// rows written in the clear) is sealed in place by the first Open with a
// key file: afterwards the file holds none of its words or numbers, and
// everything still reads, and is found by address, through the store.
func TestOpenSealsAnOlderDatabaseInPlace(t *testing.T) {
	ctx := context.Background()
	smallBatches(t)
	path := filepath.Join(t.TempDir(), "before-sealing.db")
	old, err := sql.Open("sqlite3", dsn(path, nil))
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	keys := seal.Generate()
	p, err := goose.NewProvider(goose.DialectSQLite3, old, fsys,
		goose.WithGoMigrations(auditChainMigration(), entitiesBackfillMigration(keys)), goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, entitiesBackfillVersion); err != nil {
		t.Fatal(err)
	}
	f := sealFixture
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO users (id, name, role, created_at) VALUES (1, 'ada', 'admin', 0)`, nil},
		{`INSERT INTO organisations (id, name, created_at) VALUES (1, 'Test task force', 0)`, nil},
		{`INSERT INTO contacts (id, channel, address, name, created_at) VALUES (1, 'sms', ?, ?, 0), (2, 'whatsapp', ?, ?, 0)`,
			[]any{f.contacts[0].From, f.contacts[0].Name, f.contacts[1].From, f.contacts[1].Name}},
		{`INSERT INTO cases (id, ref, channel, contact_id, lang, place, reasons, entities, last_inbound_at, created_at, updated_at)
			VALUES (1, 'AAA-AAA', 'sms', 1, 'km', 'Kohsealplace compound', ?, ?, 0, 0, 0),
			       (2, 'BBB-BBB', 'whatsapp', 2, 'ko', '', '[]', '[]', 0, 0, 0)`,
			[]any{`[{"signal":"documents","match":"Quokkaharbour","urgency":"high"}]`, `[{"kind":"phone","value":"+85510000789"}]`}},
		{`INSERT INTO messages (id, case_id, contact_id, direction, channel, external_id, body, media, meta, triage, status, created_at)
			VALUES (1, 1, 1, 'in', 'sms', 'SM1', ?, '[]', ?, ?, 'received', 0),
			       (2, 2, 2, 'in', 'whatsapp', 'WA1', ?, '[]', '{}', NULL, 'received', 0),
			       (3, 1, 1, 'out', 'sms', '', ?, '[]', '{}', NULL, 'queued', 0)`,
			[]any{f.contacts[0].Body, `{"Label":"Pelicanorchard"}`, `{"lang":"km","urgency":"high","entities":[{"kind":"phone","value":"+85510000789"}]}`,
				f.contacts[1].Body, f.reply}},
		{`INSERT INTO notes (case_id, user_id, body, created_at) VALUES (1, 1, ?, 0)`, []any{f.note}},
		{`INSERT INTO outbox (case_id, message_id, kind, channel, recipient, body, last_error, next_attempt_at, created_at, updated_at)
			VALUES (1, 3, 'reply', 'sms', ?, ?, ?, 0, 0, 0)`, []any{f.contacts[0].From, f.reply, "The 'To' number " + f.contacts[0].From + " is not reachable"}},
		{`INSERT INTO handoffs (case_id, organisation_id, by_user_id, shared, note, created_at) VALUES (1, 1, 1, '["entities"]', ?, 0)`, []any{f.handoff}},
		{`INSERT INTO guide_items (case_id, item, asked_at, answer) VALUES (1, 'location', 0, 'Kohsealplace'),
			(1, 'people', 0, 'three of us'), (1, 'safe', 0, 'yes'), (2, 'location', 0, 'Kohsealplace')`, nil},
		{`INSERT INTO entities (id, kind, value, created_at) VALUES (1, 'passport', ?, 0), (2, 'phone', '85510000789', 0)`, []any{f.passport}},
		{`INSERT INTO entity_cases (entity_id, case_id, first_seen, last_seen) VALUES (1, 1, 0, 0), (2, 1, 0, 0), (2, 2, 0, 0)`, nil},
	} {
		if _, err := old.Exec(q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	opts := DefaultOptions()
	opts.Keys = keys
	db, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, path, "upgraded, open")
	if n, err := db.Unsealed(ctx); err != nil || n != 0 {
		t.Errorf("Unsealed after the upgrade = %d, %v; want 0", n, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, path, "upgraded, closed")

	db, err = Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.GetCase(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Contact != f.contacts[0].From || len(c.Messages) != 2 || c.Messages[0].Body != f.contacts[0].Body ||
		c.Messages[1].Body != f.reply || c.Location.Place != "Kohsealplace compound" || len(c.Reasons) != 1 ||
		c.Reasons[0].Match != "Quokkaharbour" || c.Messages[0].Triage == nil || len(c.Messages[0].Triage.Entities) != 1 {
		t.Errorf("case 1 after the upgrade: %+v", c)
	}
	if notes, err := db.Notes(ctx, 1); err != nil || len(notes) != 1 || notes[0].Body != f.note {
		t.Errorf("notes %+v, %v", notes, err)
	}
	if hs, err := db.Handoffs(ctx, 1); err != nil || len(hs) != 1 || hs[0].Note != f.handoff {
		t.Errorf("hand-offs %+v, %v", hs, err)
	}
	if out, err := db.Outbox(ctx, 1); err != nil || len(out) != 1 || out[0].LastError != "The 'To' number "+f.contacts[0].From+" is not reachable" {
		t.Errorf("outbox %+v, %v", out, err)
	}
	ents, err := db.CaseEntities(ctx, 1, Scope{})
	if err != nil || len(ents) != 2 || ents[0].Value != f.passport || ents[1].Value != "85510000789" || len(ents[1].Others) != 1 {
		t.Errorf("case entities after the upgrade: %+v, %v", ents, err)
	}
	// The address hash and region were filled from the plain address.
	in := f.contacts[1]
	in.ExternalID = "WA-after-upgrade"
	r, err := db.RecordInbound(ctx, in, hotline.Triage{}, nil)
	if err != nil || r.NewCase || r.CaseID != 2 {
		t.Errorf("a known number after the upgrade: %+v, %v", r, err)
	}
	var region string
	if err := db.rdb.QueryRow(`SELECT region FROM contacts WHERE id = 2`).Scan(&region); err != nil || region != "KR" {
		t.Errorf("region %q, %v", region, err)
	}
}
