package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"hotline"
)

// The seeded task-force set, through the real webhook and triage: three
// cases in Korean, Khmer and English share one TRON wallet, one Telegram
// handle (written three ways) and one building (points within 10 m); a
// fourth shares nothing.
const tfWallet = "TVc8FakeWa77etHotpineTestXyz123456"

var tfMessages = []struct{ sid, from, body string }{
	{"SM00000000000000000000000000000e01", "+821000001234", "도와주세요. 여권을 빼앗겼어요. 모집책 텔레그램 @Recruiter_Kim88 이 몸값을 " + tfWallet + " 로 보내래요. 위치 11.07421, 106.13531"},
	{"SM00000000000000000000000000000e02", "+85510000123", "ជួយខ្ញុំផង គេយកលិខិតឆ្លងដែនខ្ញុំ t.me/recruiter_kim88 កាបូប " + tfWallet + " 11.07425, 106.13528"},
	{"SM00000000000000000000000000000e03", "+85510000456", "My brother is held in a compound. The recruiter is @RECRUITER_KIM88 and they want USDT to " + tfWallet + " at 11.07419, 106.13536"},
	{"SM00000000000000000000000000000e04", "+85510000789", "I am safe now, thank you."},
}

func seedTaskForce(h *harness) []hotline.Case {
	var out []hotline.Case
	for _, m := range tfMessages {
		out = append(out, h.newCase(m.sid, m.from, m.body))
	}
	return out
}

var entityLinkRe = regexp.MustCompile(`<li data-entity="(\d+)"><a href="/console/entities/\d+">([^<]*):`)

// linksOn returns, for each entity kind label on a case page, the case
// references linked from it.
func linksOn(t *testing.T, body string) map[string][]string {
	t.Helper()
	i := strings.Index(body, `id="links"`)
	if i < 0 {
		return nil
	}
	sec := body[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	out := map[string][]string{}
	for _, li := range strings.Split(sec, "<li ")[1:] {
		m := entityLinkRe.FindStringSubmatch("<li " + li)
		if m == nil {
			continue
		}
		refs := regexp.MustCompile(`href="/console/cases/\d+" class="mono">([^<]+)<`).FindAllStringSubmatch(li, -1)
		for _, r := range refs {
			out[m[2]] = append(out[m[2]], r[1])
		}
		if _, ok := out[m[2]]; !ok {
			out[m[2]] = nil
		}
	}
	return out
}

func TestCaseLinksAndEntityPage(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("ada", hotline.RoleAdmin, "")
	cases := seedTaskForce(h)
	cc := h.login("ada")
	for i, c := range cases[:3] {
		code, body := cc.get(fmt.Sprintf("/console/cases/%d", c.ID))
		if code != 200 {
			t.Fatalf("case %d: %d", i, code)
		}
		links := linksOn(t, body)
		for _, kind := range []string{"TRON wallet", "Telegram handle", "Building (about 150 m)"} {
			got := links[kind]
			if len(got) != 2 || strings.Contains(strings.Join(got, " "), c.Ref) || strings.Contains(strings.Join(got, " "), cases[3].Ref) {
				t.Errorf("case %d %s: linked %v, want the two other seeded cases", i, kind, got)
			}
		}
	}
	_, body := cc.get(fmt.Sprintf("/console/cases/%d", cases[3].ID))
	for kind, refs := range linksOn(t, body) {
		if len(refs) > 0 {
			t.Errorf("unrelated case linked through %s: %v", kind, refs)
		}
	}
	// The wallet's page lists the three cases, each linking to its case.
	_, body = cc.get(fmt.Sprintf("/console/cases/%d", cases[0].ID))
	m := regexp.MustCompile(`<li data-entity="(\d+)"><a href="/console/entities/\d+">TRON wallet`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no wallet on the case page")
	}
	code, page := cc.get("/console/entities/" + m[1])
	if code != 200 || !strings.Contains(page, tfWallet) {
		t.Fatalf("entity page: %d", code)
	}
	if n := strings.Count(page, `<tr class="entity-case">`); n != 3 {
		t.Errorf("entity page lists %d cases, want 3", n)
	}
	for _, c := range cases[:3] {
		if !strings.Contains(page, fmt.Sprintf(`href="/console/cases/%d"`, c.ID)) {
			t.Errorf("entity page does not link case %s", c.Ref)
		}
	}
	if strings.Contains(page, cases[3].Ref) {
		t.Error("entity page lists the unrelated case")
	}

	// Reject the wallet on case 1: it leaves the links of case 0; audited.
	code, _, _ = cc.post(fmt.Sprintf("/console/cases/%d/entities/%s", cases[1].ID, m[1]), url.Values{"state": {"rejected"}})
	if code != http.StatusSeeOther {
		t.Fatalf("reject: %d", code)
	}
	_, body = cc.get(fmt.Sprintf("/console/cases/%d", cases[0].ID))
	if got := linksOn(t, body)["TRON wallet"]; len(got) != 1 {
		t.Errorf("after rejection case 0 links the wallet to %v", got)
	}
	// Without the CSRF token nothing changes.
	code, _, _ = cc.post(fmt.Sprintf("/console/cases/%d/entities", cases[3].ID), url.Values{"csrf": {"forged"}, "kind": {"wallet_tron"}, "value": {tfWallet}})
	if code != http.StatusForbidden {
		t.Errorf("forged add: %d", code)
	}
	code, _, _ = cc.post(fmt.Sprintf("/console/cases/%d/entities", cases[3].ID), url.Values{"kind": {"wallet_tron"}, "value": {tfWallet}})
	if code != http.StatusSeeOther {
		t.Fatalf("add: %d", code)
	}
	_, body = cc.get(fmt.Sprintf("/console/cases/%d", cases[3].ID))
	if got := linksOn(t, body)["TRON wallet"]; len(got) != 2 {
		t.Errorf("hand-added wallet links to %v, want the two cases that still have it", got)
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action IN ('entity.rejected', 'entity.added') AND actor = 'ada'`); n != 2 {
		t.Errorf("%d audited entity actions, want 2", n)
	}
}

func TestCaseLinksResponderAccess(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	h.staff("kosal", hotline.RoleResponder, "Bavet Police")
	h.staff("vanna", hotline.RoleResponder, "Other Unit")
	cases := seedTaskForce(h)
	police := h.orgID("Bavet Police")
	agnes := mustStaffFull(t, h, "agnes")
	// Case 0 and 2 are handed with entities and location, case 1 with location only.
	for i, shared := range map[int][]string{0: {"entities", "location"}, 1: {"location"}, 2: {"entities", "location"}} {
		if _, err := h.db.HandOff(t.Context(), agnes, cases[i].ID, police, shared, ""); err != nil {
			t.Fatal(err)
		}
	}
	kosal := h.login("kosal")
	_, body := kosal.get(fmt.Sprintf("/console/cases/%d", cases[0].ID))
	links := linksOn(t, body)
	for _, kind := range []string{"TRON wallet", "Telegram handle", "Building (about 150 m)"} {
		if got := links[kind]; len(got) != 1 || got[0] != cases[2].Ref {
			t.Errorf("responder %s links %v, want only %s", kind, got, cases[2].Ref)
		}
	}
	if strings.Contains(body, `action="/console/cases/`+fmt.Sprint(cases[0].ID)+`/entities"`) {
		t.Error("a responder is offered the add form")
	}
	// Case 1 does not share entities: no links section at all.
	_, body = kosal.get(fmt.Sprintf("/console/cases/%d", cases[1].ID))
	if strings.Contains(body, `id="links"`) {
		t.Error("links shown on a case whose hand-off does not share entities")
	}
	m := regexp.MustCompile(`<li data-entity="(\d+)"><a href="/console/entities/\d+">TRON wallet`).FindStringSubmatch(h.login("agnes").mustGet(t, fmt.Sprintf("/console/cases/%d", cases[0].ID)))
	if m == nil {
		t.Fatal("no wallet")
	}
	code, page := kosal.get("/console/entities/" + m[1])
	if code != 200 || strings.Count(page, `<tr class="entity-case">`) != 2 || strings.Contains(page, cases[1].Ref) {
		t.Errorf("responder entity page: %d, %d rows", code, strings.Count(page, `<tr class="entity-case">`))
	}
	if code, _ := h.login("vanna").get("/console/entities/" + m[1]); code != http.StatusForbidden {
		t.Errorf("other organisation's responder: %d", code)
	}
	if code, _, _ := kosal.post(fmt.Sprintf("/console/cases/%d/entities/%s", cases[0].ID, m[1]), url.Values{"state": {"rejected"}}); code != http.StatusForbidden {
		t.Errorf("responder rejecting: %d", code)
	}
}

func (cc *consoleClient) mustGet(t *testing.T, path string) string {
	t.Helper()
	code, body := cc.get(path)
	if code != 200 {
		t.Fatalf("GET %s: %d", path, code)
	}
	return body
}
