package store

import (
	"context"
	"testing"
	"time"

	"hotline"
	"hotline/channels/webform"
	"hotline/triage"
)

// Same-person proposals in the hotline's three languages, with fictional
// people and numbers. Each message goes through the real triage, as at
// intake, and into a real database.

// recordTriaged stores in with the triage intake would give it.
func recordTriaged(t *testing.T, db *DB, in hotline.Inbound) int64 {
	t.Helper()
	res := triage.Classify(triage.Input{Text: in.Body, Channel: string(in.Channel)})
	return record(t, db, in, res.Triage()).CaseID
}

// webForm is a web form submission as channels/webform makes it.
func webForm(extID, body, personName, nationality, contact string, reporter hotline.Reporter) hotline.Inbound {
	in := hotline.Inbound{Channel: hotline.Web, ExternalID: extID, Body: body, ReporterHint: reporter, Meta: map[string]string{}}
	in.From = "anon:" + extID
	if contact != "" {
		in.From = webform.NormalizeContact(contact)
		in.Meta["contact"] = contact
	}
	if personName != "" {
		in.Meta["person_name"] = personName
	}
	if nationality != "" {
		in.Meta["nationality"] = nationality
	}
	return in
}

// sharedWith is what SamePersonCases says case a shares with case b, by kind.
func sharedWith(t *testing.T, db *DB, a, b int64) []string {
	t.Helper()
	return linkedTo(t, db, a, Scope{})[b]
}

func province(t *testing.T, db *DB, caseID int64) string {
	t.Helper()
	var p string
	if err := db.rdb.QueryRow(`SELECT province FROM cases WHERE id = ?`, caseID).Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// assertSeparate checks that a proposal changed nothing: both cases open,
// neither merged, each with its own message.
func assertSeparate(t *testing.T, db *DB, ids ...int64) {
	t.Helper()
	for _, id := range ids {
		if n := count(t, db, `SELECT count(*) FROM cases WHERE id = ? AND merged_into IS NULL AND status <> 'closed'`, id); n != 1 {
			t.Errorf("case %d was merged or closed by a proposal", id)
		}
		if n := count(t, db, `SELECT count(*) FROM messages WHERE case_id = ?`, id); n != 1 {
			t.Errorf("case %d holds %d messages, want its own one", id, n)
		}
	}
}

// (ko) A mother in Korea fills in the form in Korean and writes her son's
// number as she dials it; the son's SMS comes from the same number in
// E.164. The form's contact field, written locally too, links the same way.
func TestSamePersonKorean(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	form := recordTriaged(t, db, webForm("ko-form-1",
		"아들이 캄보디아 단지에 갇혀 있어요. 아들 번호는 010-0000-1234 입니다. 도와주세요.", "", "KR", "", hotline.ReporterFamily))
	sms := recordTriaged(t, db, inbound(hotline.SMS, "+821000001234", "ko-sms-1", "도와주세요 여기서 나갈 수가 없어요"))
	if got := sharedWith(t, db, form, sms); len(got) != 1 || got[0] != KindPhone {
		t.Errorf("form → SMS shares %v, want the phone number", got)
	}
	if got := sharedWith(t, db, sms, form); len(got) != 1 || got[0] != KindPhone {
		t.Errorf("SMS → form shares %v, want the phone number", got)
	}

	// The contact field: the father leaves his son's WhatsApp number as
	// the way to reach him, written the Korean way.
	form2 := recordTriaged(t, db, webForm("ko-form-2", "동생이 연락이 안 됩니다. 도와주세요.", "", "KR", "010-0000-4321", hotline.ReporterFamily))
	wa := recordTriaged(t, db, inbound(hotline.WhatsApp, "whatsapp:+821000004321", "ko-wa-1", "살려주세요"))
	if got := sharedWith(t, db, wa, form2); len(got) != 1 || got[0] != KindPhone {
		t.Errorf("WhatsApp → form's contact shares %v, want the phone number", got)
	}
	if got := sharedWith(t, db, form2, wa); len(got) != 1 || got[0] != KindPhone {
		t.Errorf("form's contact → WhatsApp shares %v, want the phone number", got)
	}
	if got := sharedWith(t, db, form, wa); len(got) != 0 {
		t.Errorf("different numbers linked: %v", got)
	}
	assertSeparate(t, db, form, sms, form2, wa)
}

// (km) A family's Khmer form names the person and places them in Siem
// Reap; a Telegram user of the same name writes for themself from Siem
// Reap. The name alone would not do; with the province it is proposed.
func TestSamePersonKhmerNameAndPlace(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	in := webForm("km-form-1", "កូនប្រុសខ្ញុំត្រូវគេឃុំខ្លួន មិនអាចចេញបាន។ សូមជួយផង។\nខេត្តសៀមរាប", "សុខ ដារ៉ា", "KH", "", hotline.ReporterFamily)
	form := recordTriaged(t, db, in)
	tg := inbound(hotline.Telegram, "70000111", "km-tg-1", "ខ្ញុំត្រូវគេឃុំខ្លួននៅសៀមរាប សូមជួយខ្ញុំផង")
	tg.Name = "សុខ\u200bដារ៉ា" // the same name, written with a zero-width space
	self := recordTriaged(t, db, tg)
	if p := province(t, db, form); p == "" || p != province(t, db, self) {
		t.Fatalf("provinces %q and %q: the seed must place both in one province", p, province(t, db, self))
	}
	if got := sharedWith(t, db, form, self); len(got) != 1 || got[0] != KindPerson {
		t.Errorf("form → Telegram shares %v, want the name", got)
	}
	if got := sharedWith(t, db, self, form); len(got) != 1 || got[0] != KindPerson {
		t.Errorf("Telegram → form shares %v, want the name", got)
	}
	list, err := db.SamePersonCases(context.Background(), form, Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || len(list[0].Others) != 1 || list[0].Others[0].Province != province(t, db, form) {
		t.Errorf("the proposal does not carry the province: %+v", list)
	}

	// A Telegram user of that name who writes about someone else (not a
	// self-report) is not the person: the profile name is the sender's.
	other := inbound(hotline.Telegram, "70000222", "km-tg-2", "បងប្រុសខ្ញុំត្រូវគេឃុំខ្លួននៅសៀមរាប សូមជួយគាត់ផង")
	other.Name = "សុខ ដារ៉ា"
	brother := recordTriaged(t, db, other)
	if got := sharedWith(t, db, form, brother); len(got) != 0 {
		t.Errorf("a family member's own name was taken for the person's: %v", got)
	}
	assertSeparate(t, db, form, self, brother)

	// The name is a victim's: a same-person signal only, never a case
	// entity, a task-force entity or its page.
	ctx := context.Background()
	ents, err := db.CaseEntities(ctx, form, Scope{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Kind == KindPerson {
			t.Errorf("the case's entity list shows the name: %+v", e)
		}
	}
	busy, err := db.BusiestEntities(ctx, time.Time{}, time.Now().Add(time.Hour), nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range busy {
		if e.Kind == KindPerson {
			t.Errorf("the task-force overview lists a name: %+v", e)
		}
	}
	if _, err := db.Entity(ctx, list[0].ID); hotline.ErrorCode(err) != hotline.ENOTFOUND {
		t.Errorf("a name has an entity page: %v", err)
	}
}

// (en) One name in two provinces is two people as far as the hotline can
// tell; in one province it is proposed, and only proposed.
func TestSamePersonEnglishNameNeedsProvince(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	ctx := context.Background()
	shv := recordTriaged(t, db, webForm("en-form-1", "My cousin is held in a compound and cannot leave. Please help.\nSihanoukville",
		"Dara Sok", "KH", "", hotline.ReporterFamily))
	pp := recordTriaged(t, db, webForm("en-form-2", "My friend is locked in a building and they took his phone.\nPhnom Penh",
		"Dara Sok", "KH", "", hotline.ReporterFamily))
	if province(t, db, shv) == "" || province(t, db, pp) == "" || province(t, db, shv) == province(t, db, pp) {
		t.Fatalf("provinces %q and %q: the seed must place them apart", province(t, db, shv), province(t, db, pp))
	}
	if got := sharedWith(t, db, shv, pp); len(got) != 0 {
		t.Errorf("Sihanoukville → Phnom Penh linked by name alone: %v", got)
	}
	if got := sharedWith(t, db, pp, shv); len(got) != 0 {
		t.Errorf("Phnom Penh → Sihanoukville linked by name alone: %v", got)
	}
	// The same person writing on WhatsApp from Sihanoukville, family name
	// first and in capitals: proposed for the Sihanoukville case only.
	wa := inbound(hotline.WhatsApp, "whatsapp:+85510000456", "en-wa-1", "I am trapped in a compound in Sihanoukville, please help me")
	wa.Name = "SOK Dara"
	self := recordTriaged(t, db, wa)
	if got := sharedWith(t, db, self, shv); len(got) != 1 || got[0] != KindPerson {
		t.Errorf("WhatsApp → Sihanoukville form shares %v, want the name", got)
	}
	if got := sharedWith(t, db, self, pp); len(got) != 0 {
		t.Errorf("WhatsApp → Phnom Penh form linked: %v", got)
	}
	// A case with no province yet proposes no name at all.
	noPlace := recordTriaged(t, db, webForm("en-form-3", "Please help my brother.", "Dara Sok", "", "", hotline.ReporterFamily))
	if p := province(t, db, noPlace); p != "" {
		t.Fatalf("seed has a province %q", p)
	}
	if got := linkedTo(t, db, noPlace, Scope{}); len(got) != 0 {
		t.Errorf("a name without a province proposed %v", got)
	}
	// Staff rejecting the name on one case takes it out of the proposal.
	admin := seedAdmin(t, db)
	list, _ := db.SamePersonCases(ctx, self, Scope{})
	p := entityByKind(list, KindPerson)
	if p == nil {
		t.Fatalf("no name proposed on the WhatsApp case: %+v", list)
	}
	assertSeparate(t, db, shv, pp, self, noPlace)
	if err := db.SetEntityState(ctx, admin, p.ID, self, EntityRejected); err != nil {
		t.Fatal(err)
	}
	if got := sharedWith(t, db, shv, self); len(got) != 0 {
		t.Errorf("rejected name still proposed: %v", got)
	}
}

// `hotline entities reindex` re-reads every message with the case's
// context, so an index built before local numbers were understood links
// them after it, and the value the old normalization wrote is gone, except
// where staff decided about it.
func TestReindexNormalizesLocalNumbers(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	ctx := context.Background()
	form := recordTriaged(t, db, webForm("re-form-1", "아들 번호 010-0000-1234 로 연락이 안 돼요", "", "KR", "", hotline.ReporterFamily))
	sms := recordTriaged(t, db, inbound(hotline.SMS, "+821000001234", "re-sms-1", "도와주세요"))
	kept := recordTriaged(t, db, inbound(hotline.SMS, "+85510000789", "re-sms-2", "ខ្ញុំត្រូវការជំនួយ"))
	// The index as the old normalization left it: the number as dialled,
	// which staff had also confirmed on a third case.
	const old = "01000001234"
	err := db.write(ctx, func(tx *writeTx) error {
		if _, err := tx.Exec(`UPDATE entities SET value = ?, value_hash = ? WHERE kind = ?`,
			tx.sl.text(colEntityValue, old), tx.sl.entityHash(KindPhone, old), KindPhone); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO entity_cases (entity_id, case_id, first_seen, last_seen, state)
			SELECT id, ?, 1, 1, 'confirmed' FROM entities WHERE kind = ?`, kept, KindPhone); err != nil {
			return err
		}
		// And a value no case mentions any more.
		_, err := tx.Exec(`INSERT INTO entities (kind, value, value_hash, created_at) VALUES (?, ?, ?, 1)`,
			KindPhone, tx.sl.text(colEntityValue, "0990000123"), tx.sl.entityHash(KindPhone, "0990000123"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := sharedWith(t, db, sms, form); len(got) != 0 {
		t.Fatalf("linked before reindex: %v", got)
	}
	if _, err := db.ReindexEntities(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sharedWith(t, db, sms, form); len(got) != 1 || got[0] != KindPhone {
		t.Errorf("after reindex the SMS shares %v with the form, want the phone number", got)
	}
	oldLinks := func(caseID int64) int {
		return count(t, db, `SELECT count(*) FROM entity_cases ec JOIN entities e ON e.id = ec.entity_id
			WHERE e.value_hash = ? AND ec.case_id = ?`, db.sl.entityHash(KindPhone, old), caseID)
	}
	if n := oldLinks(form); n != 0 {
		t.Errorf("the form still links the number as dialled (%d)", n)
	}
	if n := oldLinks(kept); n != 1 {
		t.Errorf("staff's confirmed link was dropped by reindex (%d)", n)
	}
	if n := count(t, db, `SELECT count(*) FROM entities WHERE value_hash = ?`, db.sl.entityHash(KindPhone, "0990000123")); n != 0 {
		t.Errorf("an entity no case mentions is still listed")
	}
	// Running it again changes nothing.
	before := count(t, db, `SELECT count(*) FROM entity_cases`)
	if _, err := db.ReindexEntities(ctx); err != nil {
		t.Fatal(err)
	}
	if after := count(t, db, `SELECT count(*) FROM entity_cases`); after != before {
		t.Errorf("second reindex: %d links, first %d", after, before)
	}
}

// A name's proposal tells where the other case is, so a responder sees it
// only for cases handed over with the location shared as well.
func TestSamePersonNameNeedsLocationForResponders(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	ctx := context.Background()
	a := recordTriaged(t, db, webForm("sc-form-1", "My cousin is held in a compound and cannot leave.\nSihanoukville",
		"Dara Sok", "KH", "", hotline.ReporterFamily))
	wa := inbound(hotline.WhatsApp, "whatsapp:+85510000456", "sc-wa-1", "I am trapped in a compound in Sihanoukville, please help me")
	wa.Name = "Dara Sok"
	b := recordTriaged(t, db, wa)
	admin := seedAdmin(t, db)
	entitiesOnly, err := db.CreateOrganisation(ctx, admin, "Entities only unit")
	if err != nil {
		t.Fatal(err)
	}
	withPlace, err := db.CreateOrganisation(ctx, admin, "Entities and location unit")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{a, b} {
		if _, err := db.HandOff(ctx, admin, id, entitiesOnly.ID, []string{hotline.ShareEntities}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := db.HandOff(ctx, admin, id, withPlace.ID, []string{hotline.ShareEntities, hotline.ShareLocation}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if got := linkedTo(t, db, a, Scope{Org: entitiesOnly.ID}); len(got) != 0 {
		t.Errorf("responder without the location sees %v", got)
	}
	if got := linkedTo(t, db, a, Scope{Org: withPlace.ID})[b]; len(got) != 1 || got[0] != KindPerson {
		t.Errorf("responder with the location sees %v, want the name", got)
	}
	if got := linkedTo(t, db, a, Scope{})[b]; len(got) != 1 || got[0] != KindPerson {
		t.Errorf("staff see %v, want the name", got)
	}
}
