package store

import (
	"context"
	"testing"

	"hotline"
	"hotline/triage"
)

// The seeded task-force set: three cases in Korean, Khmer and English that
// share one TRON wallet, one Telegram handle (written three ways) and one
// building (three points within 10 m), and a fourth case that shares none.
const (
	seedWallet = "TVc8FakeWa77etHotpineTestXyz123456"
	seedHandle = "recruiter_kim88"
)

type seedMsg struct {
	ch       hotline.Channel
	from     string
	body     string
	lat, lon float64
}

var entitySeed = []seedMsg{
	{hotline.SMS, "+821000001234", "도와주세요. 여권을 빼앗겼어요. 모집책 텔레그램 @Recruiter_Kim88 이 몸값을 " + seedWallet + " 로 보내래요", 11.07421, 106.13531},
	{hotline.Telegram, "+85510000123", "ជួយខ្ញុំផង គេយកលិខិតឆ្លងដែនខ្ញុំ t.me/recruiter_kim88 កាបូប " + seedWallet, 11.07425, 106.13528},
	{hotline.WhatsApp, "+85510000456", "My brother is held in a compound. The recruiter is @RECRUITER_KIM88 and they want USDT to " + seedWallet, 11.07419, 106.13536},
	{hotline.SMS, "+85510000789", "I am safe now, thank you. Nothing else.", 13.36, 103.86},
}

func seedEntities(t *testing.T, db *DB) []int64 {
	t.Helper()
	var ids []int64
	for i, m := range entitySeed {
		lat, lon := m.lat, m.lon
		res := triage.Classify(triage.Input{Text: m.body, Channel: string(m.ch)})
		in := inbound(m.ch, m.from, "seed-"+string(rune('a'+i)), m.body)
		in.Lat, in.Lon = &lat, &lon
		ids = append(ids, record(t, db, in, res.Triage()).CaseID)
	}
	return ids
}

func entityByKind(list []CaseEntity, kind string) *CaseEntity {
	for i := range list {
		if list[i].Kind == kind {
			return &list[i]
		}
	}
	return nil
}

func caseIDs(list []EntityCase) map[int64]bool {
	m := map[int64]bool{}
	for _, c := range list {
		m[c.CaseID] = true
	}
	return m
}

func TestEntityLinksAcrossLanguages(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	ctx := context.Background()
	ids := seedEntities(t, db)
	for i, id := range ids[:3] {
		list, err := db.CaseEntities(ctx, id, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{KindTRON, KindTelegram, KindPlace} {
			e := entityByKind(list, kind)
			if e == nil {
				t.Fatalf("case %d (%d): no %s entity in %+v", i, id, kind, list)
			}
			got := caseIDs(e.Others)
			if len(got) != 2 || got[id] || got[ids[3]] {
				t.Errorf("case %d %s: others %v, want the two other seeded cases", i, kind, got)
			}
		}
		if e := entityByKind(list, KindTelegram); e.Value != seedHandle {
			t.Errorf("handle normalized to %q", e.Value)
		}
		if e := entityByKind(list, KindTRON); e.Value != seedWallet {
			t.Errorf("wallet normalized to %q", e.Value)
		}
	}
	list, _ := db.CaseEntities(ctx, ids[3], Scope{})
	for _, e := range list {
		if len(e.Others) != 0 {
			t.Errorf("unrelated case linked through %s: %v", e.Kind, e.Others)
		}
	}
	// The entity page lists all three, oldest first.
	first, _ := db.CaseEntities(ctx, ids[0], Scope{})
	_, cases, err := db.EntityCases(ctx, entityByKind(first, KindTRON).ID, Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 3 || cases[0].CaseID != ids[0] || cases[2].CaseID != ids[2] {
		t.Errorf("entity cases %+v", cases)
	}
}

func TestEntityLinksResponderScope(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	ctx := context.Background()
	ids := seedEntities(t, db)
	admin := seedAdmin(t, db)
	org, err := db.CreateOrganisation(ctx, admin, "Bavet police")
	if err != nil {
		t.Fatal(err)
	}
	// Case 0 and 2 handed with entities shared, case 1 without.
	for i, shared := range map[int][]string{0: {hotline.ShareEntities}, 1: {hotline.ShareLocation}, 2: {hotline.ShareEntities, hotline.ShareReasons}} {
		if _, err := db.HandOff(ctx, admin, ids[i], org.ID, shared, ""); err != nil {
			t.Fatal(err)
		}
	}
	list, err := db.CaseEntities(ctx, ids[0], Scope{Org: org.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := caseIDs(entityByKind(list, KindTRON).Others)
	if len(got) != 1 || !got[ids[2]] {
		t.Errorf("responder sees %v, want only case %d", got, ids[2])
	}
	_, cases, _ := db.EntityCases(ctx, entityByKind(list, KindTRON).ID, Scope{Org: org.ID})
	if len(cases) != 2 || caseIDs(cases)[ids[1]] {
		t.Errorf("responder entity page %+v", cases)
	}
	// Case 2 shares entities but not its location: its building stays
	// hidden from the responder, on the case and on the place's page.
	if got := entityByKind(list, KindPlace).Others; len(got) != 0 {
		t.Errorf("responder sees the building in %v", got)
	}
	if _, cases, _ := db.EntityCases(ctx, entityByKind(list, KindPlace).ID, Scope{Org: org.ID}); len(cases) != 0 {
		t.Errorf("responder place page %+v", cases)
	}
}

func TestEntityConfirmRejectAdd(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	ctx := context.Background()
	ids := seedEntities(t, db)
	admin := seedAdmin(t, db)
	list, _ := db.CaseEntities(ctx, ids[1], Scope{})
	w := entityByKind(list, KindTRON)
	if err := db.SetEntityState(ctx, admin, w.ID, ids[1], EntityRejected); err != nil {
		t.Fatal(err)
	}
	list, _ = db.CaseEntities(ctx, ids[0], Scope{})
	if got := caseIDs(entityByKind(list, KindTRON).Others); got[ids[1]] || len(got) != 1 {
		t.Errorf("rejected link still shown: %v", got)
	}
	// A hand-added phone written differently meets the same entity.
	e1, err := db.AddEntity(ctx, admin, ids[3], KindPhone, "+855 10 000 999")
	if err != nil {
		t.Fatal(err)
	}
	e2, err := db.AddEntity(ctx, admin, ids[0], KindPhone, "0085510000999")
	if err != nil || e1 != e2 {
		t.Fatalf("hand-added entities %d %d: %v", e1, e2, err)
	}
	if _, err := db.AddEntity(ctx, admin, ids[0], KindPhone, "12"); hotline.ErrorCode(err) != hotline.EINVALID {
		t.Errorf("short phone: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE action IN ('entity.rejected', 'entity.added')`); n != 3 {
		t.Errorf("%d entity audit events, want 3 (one rejection, two additions)", n)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE detail LIKE '%10000999%'`); n != 0 {
		t.Errorf("a phone number reached the audit log")
	}
	// A reindex keeps staff decisions and adds nothing twice.
	before := count(t, db, `SELECT count(*) FROM entity_cases`)
	if n, err := db.ReindexEntities(ctx); err != nil || n != 4 {
		t.Fatalf("reindex: %d, %v", n, err)
	}
	if after := count(t, db, `SELECT count(*) FROM entity_cases`); after != before {
		t.Errorf("reindex changed %d links to %d", before, after)
	}
	if s := count(t, db, `SELECT count(*) FROM entity_cases WHERE state = 'rejected'`); s != 1 {
		t.Errorf("reindex lost the rejection")
	}
}

func TestReindexFillsAnEmptyIndex(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	ctx := context.Background()
	seedEntities(t, db)
	want := count(t, db, `SELECT count(*) FROM entity_cases`)
	if _, err := writeExec(db, `DELETE FROM entity_cases`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReindexEntities(ctx); err != nil {
		t.Fatal(err)
	}
	if got := count(t, db, `SELECT count(*) FROM entity_cases`); got != want || want < 9 {
		t.Errorf("reindex made %d links, intake %d", got, want)
	}
}

func seedAdmin(t *testing.T, db *DB) hotline.Staff {
	t.Helper()
	u, err := db.CreateUser(context.Background(), "ada", hotline.RoleAdmin, "x")
	if err != nil {
		t.Fatal(err)
	}
	return hotline.Staff{User: u}
}
