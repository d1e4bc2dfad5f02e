package store

import (
	"context"
	"testing"

	"hotline"
	"hotline/triage"
)

// The same-person set (fictional people and numbers): a Korean victim's
// SMS; his mother's web form in Khmer giving his WhatsApp number written
// another way; an English WhatsApp message and a Korean Telegram message
// quoting one passport number; and a Khmer SMS that shares nothing.
var samePersonSeed = []seedMsg{
	{hotline.SMS, "+821000001234", "도와주세요. 캄보디아 단지에 갇혀 있어요. 여권을 빼앗겼어요.", 0, 0},
	{hotline.Web, "+85510000456", "កូនប្រុសខ្ញុំជាប់នៅក្នុងអគារ WhatsApp របស់គាត់ +82 10-0000-1234 សូមជួយ", 0, 0},
	{hotline.WhatsApp, "+85510000777", "My cousin is held near Bavet. His passport number is M12345678.", 0, 0},
	{hotline.Telegram, "90000111", "제 동생 여권 번호는 M12345678 입니다. 도와주세요.", 0, 0},
	{hotline.SMS, "+85510000789", "ខ្ញុំសុខសប្បាយហើយ អរគុណ។", 0, 0},
}

func seedSamePerson(t *testing.T, db *DB) []int64 {
	t.Helper()
	var ids []int64
	for i, m := range samePersonSeed {
		res := triage.Classify(triage.Input{Text: m.body, Channel: string(m.ch)})
		ids = append(ids, record(t, db, inbound(m.ch, m.from, "same-"+string(rune('a'+i)), m.body), res.Triage()).CaseID)
	}
	return ids
}

// linkedTo is every other case SamePersonCases proposes for caseID, with
// the kinds of the shared details.
func linkedTo(t *testing.T, db *DB, caseID int64, sc Scope) map[int64][]string {
	t.Helper()
	list, err := db.SamePersonCases(context.Background(), caseID, sc)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64][]string{}
	for _, e := range list {
		for _, o := range e.Others {
			out[o.CaseID] = append(out[o.CaseID], e.Kind)
		}
	}
	return out
}

func TestSamePersonLinksAcrossChannelsAndLanguages(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	ids := seedSamePerson(t, db)
	cases := []struct {
		name string
		of   int
		want map[int]string
	}{
		{"Korean SMS finds the family's Khmer web form", 0, map[int]string{1: KindPhone}},
		{"Khmer web form finds the Korean SMS", 1, map[int]string{0: KindPhone}},
		{"English WhatsApp finds the Korean Telegram by passport", 2, map[int]string{3: KindPassport}},
		{"Korean Telegram finds the English WhatsApp by passport", 3, map[int]string{2: KindPassport}},
		{"unrelated Khmer SMS finds nobody", 4, map[int]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := linkedTo(t, db, ids[tc.of], Scope{})
			if len(got) != len(tc.want) {
				t.Fatalf("linked to %v, want %v", got, tc.want)
			}
			for i, kind := range tc.want {
				if k := got[ids[i]]; len(k) != 1 || k[0] != kind {
					t.Errorf("case %d: shared %v, want %s", i, k, kind)
				}
			}
		})
	}
	// Proposing is all it does: every case is still open and unmerged.
	if n := count(t, db, `SELECT count(*) FROM cases WHERE merged_into IS NOT NULL OR status = 'closed'`); n != 0 {
		t.Errorf("%d cases merged or closed by the lookup", n)
	}
	if n := count(t, db, `SELECT count(*) FROM cases`); n != len(samePersonSeed) {
		t.Errorf("%d cases, want %d", n, len(samePersonSeed))
	}
}

func TestSamePersonRespectsRejectionMergeAndScope(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true})
	ctx := context.Background()
	ids := seedSamePerson(t, db)
	admin := seedAdmin(t, db)
	own, err := db.CreateOrganisation(ctx, admin, "Bavet police")
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.CreateOrganisation(ctx, admin, "Sihanoukville NGO")
	if err != nil {
		t.Fatal(err)
	}
	// Cases 0 and 1 go to one organisation with entities shared; the other
	// organisation holds only case 0.
	for _, id := range ids[:2] {
		if _, err := db.HandOff(ctx, admin, id, own.ID, []string{hotline.ShareEntities}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.HandOff(ctx, admin, ids[0], other.ID, []string{hotline.ShareEntities}, ""); err != nil {
		t.Fatal(err)
	}
	if got := linkedTo(t, db, ids[0], Scope{Org: own.ID}); len(got[ids[1]]) != 1 {
		t.Errorf("responder holding both cases sees %v", got)
	}
	if got := linkedTo(t, db, ids[0], Scope{Org: other.ID}); len(got) != 0 {
		t.Errorf("responder of another organisation sees %v", got)
	}
	// Staff rejecting the passport on one case breaks that link.
	list, _ := db.CaseEntities(ctx, ids[3], Scope{})
	p := entityByKind(list, KindPassport)
	if p == nil {
		t.Fatalf("no passport indexed on case 3: %+v", list)
	}
	if err := db.SetEntityState(ctx, admin, p.ID, ids[3], EntityRejected); err != nil {
		t.Fatal(err)
	}
	if got := linkedTo(t, db, ids[2], Scope{}); len(got) != 0 {
		t.Errorf("rejected passport still links: %v", got)
	}
	// Once staff merge, the folded case is no longer proposed.
	if err := db.MergeCases(ctx, admin, ids[0], ids[1]); err != nil {
		t.Fatal(err)
	}
	if got := linkedTo(t, db, ids[0], Scope{}); len(got) != 0 {
		t.Errorf("merged case still proposed: %v", got)
	}
}
