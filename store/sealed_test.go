package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hotline"
	"hotline/internal/seal"
)

// sealFixture is what the raw-bytes tests write and then look for: every
// value is fictional and distinctive enough that finding it in the file
// can only mean it was stored in the clear.
var sealFixture = struct {
	contacts []hotline.Inbound
	note     string
	reply    string
	handoff  string
	passport string
	secrets  []string // must not appear in the file
}{
	contacts: []hotline.Inbound{
		{Channel: hotline.SMS, From: "+85510000123", Name: "Sokhasealtest Chan", ExternalID: "SMseal1",
			Body: "ជួយខ្ញុំផង ពួកគេយកលិខិតឆ្លងដែនខ្ញុំ Quokkaharbour"},
		{Channel: hotline.WhatsApp, From: "whatsapp:+821000001234", Name: "김봉인테스트", ExternalID: "WAseal2",
			Body: "살려주세요 여권을 빼앗겼어요 Marmotlantern"},
		{Channel: hotline.SMS, From: "+85510000456", ExternalID: "SMseal3",
			Body: "my brother is held, his number is +85510000789, Pelicanorchard"},
	},
	note:     "staff note Tamarindcompass",
	reply:    "reply from staff Wombatlighthouse",
	handoff:  "handoff note Narwhalsaddle",
	passport: "M70012345",
	secrets: []string{
		"+85510000123", "85510000123", "+821000001234", "821000001234", "+85510000456", "85510000789",
		"Sokhasealtest", "김봉인테스트", "ជួយខ្ញុំផង", "លិខិតឆ្លងដែន", "살려주세요", "여권을",
		"Quokkaharbour", "Marmotlantern", "Pelicanorchard", "Tamarindcompass", "Wombatlighthouse",
		"Narwhalsaddle", "M70012345", "Kohsealplace",
	},
}

// writeSealFixture stores the fixture through the store's own paths:
// intake (with acknowledgements and triage entities), a note, a queued
// reply, a hand-off note and an entity added by staff.
func writeSealFixture(t *testing.T, db *DB) (caseIDs []int64) {
	t.Helper()
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "sealadmin", hotline.RoleAdmin, "x")
	if err != nil {
		t.Fatal(err)
	}
	staff := hotline.Staff{User: u}
	ack := func(r hotline.Receipt) string { return "Received. Ref " + r.CaseRef }
	for i, in := range sealFixture.contacts {
		tr := hotline.Triage{Urgency: hotline.High, Lang: "km",
			Location: hotline.Location{Country: "KH", Province: "Koh Kong", Place: "Kohsealplace compound"},
			Reasons:  []hotline.Reason{{Signal: "documents", Match: "Quokkaharbour", Urgency: hotline.High}},
			Entities: []hotline.Entity{{Kind: hotline.KindPhone, Value: "+85510000789"}}}
		if i == 1 {
			tr.Lang = "ko"
		}
		r, err := db.RecordInbound(ctx, in, tr, ack)
		if err != nil {
			t.Fatal(err)
		}
		caseIDs = append(caseIDs, r.CaseID)
	}
	first := caseIDs[0]
	if err := db.AddNote(ctx, staff, first, sealFixture.note); err != nil {
		t.Fatal(err)
	}
	if _, err := db.QueueReply(ctx, staff, hotline.ReplyRequest{CaseID: first, Body: sealFixture.reply}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddEntity(ctx, staff, first, hotline.KindPassport, sealFixture.passport); err != nil {
		t.Fatal(err)
	}
	org, err := db.EnsureOrganisation(ctx, "Test task force")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.HandOff(ctx, staff, first, org.ID, []string{"location", "entities"}, sealFixture.handoff); err != nil {
		t.Fatal(err)
	}
	return caseIDs
}

// assertNoSecrets reads the database file and its WAL and shared-memory
// files, if present, as bytes and fails on any fixture value in them.
func assertNoSecrets(t *testing.T, path, when string) {
	t.Helper()
	read := 0
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		read += len(b)
		for _, s := range sealFixture.secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s: %s holds %q in the clear", when, filepath.Base(p), s)
			}
		}
	}
	if read == 0 {
		t.Fatalf("%s: no database bytes read", when)
	}
}

func TestDatabaseFileRevealsNoWordsOrNumbers(t *testing.T) {
	keys := seal.Generate()
	path := filepath.Join(t.TempDir(), "sealed.db")
	opts := DefaultOptions()
	opts.Keys = keys
	db, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	ids := writeSealFixture(t, db)
	// While open: the committed pages are in the WAL.
	assertNoSecrets(t, path, "open")
	if _, err := db.ckpt.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, path, "checkpointed")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, path, "closed")
	if ok, err := HasSealedData(path); err != nil || !ok {
		t.Fatalf("HasSealedData = %v, %v; want true", ok, err)
	}

	// Another key file: refused, and the file is left as it was.
	wrong := DefaultOptions()
	wrong.Keys = seal.Generate()
	if _, err := Open(path, wrong); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Open with another key file: %v; want ErrWrongKey", err)
	}
	if _, err := Open(path, DefaultOptions()); err == nil || !strings.Contains(err.Error(), "Keys is required") {
		t.Fatalf("Open without keys: %v", err)
	}

	// The right key file: everything reads back.
	db, err = Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	assertFixtureReadable(t, db, ids)
}

// assertFixtureReadable checks the fixture through the store's read paths
// and lookups: nothing above the store sees a sealed value.
func assertFixtureReadable(t *testing.T, db *DB, ids []int64) {
	t.Helper()
	ctx := context.Background()
	for i, in := range sealFixture.contacts {
		c, err := db.GetCase(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if c.Contact != in.From || len(c.Messages) < 2 || c.Messages[0].Body != in.Body ||
			c.Location.Place != "Kohsealplace compound" || len(c.Reasons) != 1 || c.Reasons[0].Match != "Quokkaharbour" ||
			len(c.Entities) != 1 || c.Entities[0].Value != "+85510000789" || c.Messages[0].Triage == nil {
			t.Errorf("case %d reads back as %+v", ids[i], c)
		}
		if !strings.HasPrefix(c.Messages[1].Body, "Received. Ref ") {
			t.Errorf("acknowledgement reads back as %q", c.Messages[1].Body)
		}
		dnc, _, _, _, err := db.ContactSafety(ctx, in.Channel, in.From)
		if err != nil || dnc {
			t.Errorf("contact %d not found by its address: %v", i, err)
		}
	}
	c, err := db.GetCase(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if last := c.Messages[len(c.Messages)-1]; last.Body != sealFixture.reply {
		t.Errorf("reply reads back as %q", last.Body)
	}
	notes, err := db.Notes(ctx, ids[0])
	if err != nil || len(notes) != 1 || notes[0].Body != sealFixture.note {
		t.Errorf("notes %+v, %v", notes, err)
	}
	hs, err := db.Handoffs(ctx, ids[0])
	if err != nil || len(hs) != 1 || hs[0].Note != sealFixture.handoff {
		t.Errorf("hand-offs %+v, %v", hs, err)
	}
	src, err := db.PacketSource(ctx, ids[0])
	if err != nil || src.Name != sealFixture.contacts[0].Name {
		t.Errorf("packet name %q, %v", src.Name, err)
	}
	ents, err := db.CaseEntities(ctx, ids[0], Scope{})
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, e := range ents {
		values = append(values, e.Kind+":"+e.Value)
	}
	if !strings.Contains(strings.Join(values, " "), hotline.KindPassport+":"+sealFixture.passport) {
		t.Errorf("case entities %v; want the passport", values)
	}
	// The phone number links the three cases: found by its keyed hash.
	for _, e := range ents {
		if e.Kind == hotline.KindPhone && len(e.Others) != 2 {
			t.Errorf("phone entity %q links %d other cases; want 2", e.Value, len(e.Others))
		}
	}
	rows, err := db.ClaimOutbox(ctx, 10)
	if err != nil || len(rows) != 1 || rows[0].To != sealFixture.contacts[0].From || rows[0].Body != sealFixture.reply {
		t.Errorf("outbox claims %+v, %v", rows, err)
	}
	// A new message from a known number joins its case (lookup by hash).
	in := sealFixture.contacts[1]
	in.ExternalID, in.Body = "WAseal2-again", "again"
	r, err := db.RecordInbound(ctx, in, hotline.Triage{}, nil)
	if err != nil || r.NewCase || r.CaseID != ids[1] {
		t.Errorf("second message from a known number: %+v, %v", r, err)
	}
	var nat string
	if err := db.rdb.QueryRow(`SELECT nationality FROM cases WHERE id = ?`, ids[1]).Scan(&nat); err != nil || nat != "KR" {
		t.Errorf("nationality from a sealed +82 number: %q, %v", nat, err)
	}
	if n, err := db.Unsealed(ctx); err != nil || n != 0 {
		t.Errorf("Unsealed = %d, %v; want 0", n, err)
	}
}

func TestOpenRefusesAnotherKeyBeforeMigrating(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	a := DefaultOptions()
	a.Keys = seal.Generate()
	db, err := Open(path, a)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	b := DefaultOptions()
	b.Keys = seal.Generate()
	_, err = Open(path, b)
	if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "does not belong to this database") {
		t.Fatalf("err = %v", err)
	}
	// A key file that lost its data key (dropped before re-sealing) is
	// refused too, with the lookup key still right.
	rot := a.Keys
	if err := rot.Rotate(); err != nil {
		t.Fatal(err)
	}
	rot.DropInactive()
	c := DefaultOptions()
	c.Keys = rot
	if _, err := Open(path, c); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Open with the data key dropped: %v", err)
	}
}
