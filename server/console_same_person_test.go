package server_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"hotline"
	"hotline/triage"
)

// The same-person set (fictional people and numbers): a Korean victim's
// SMS; his mother's Khmer web form giving his WhatsApp number written
// another way; an English and a Korean SMS quoting one passport number;
// a Khmer SMS that shares nothing.
var spMessages = []struct{ sid, from, body string }{
	{"SM00000000000000000000000000000f01", "+821000001234", "도와주세요. 캄보디아 단지에 갇혀 있어요."},
	{"", "+85510000456", "កូនប្រុសខ្ញុំជាប់នៅក្នុងអគារ WhatsApp របស់គាត់ +82 10-0000-1234 សូមជួយ"},
	{"SM00000000000000000000000000000f03", "+85510000777", "My cousin is held near Bavet. His passport number is M12345678."},
	{"SM00000000000000000000000000000f04", "+85510000888", "제 동생 여권 번호는 M12345678 입니다. 도와주세요."},
	{"SM00000000000000000000000000000f05", "+85510000789", "ខ្ញុំសុខសប្បាយហើយ អរគុណ។"},
}

// seedSamePerson stores the SMS through the Twilio webhook and the web
// form's message through the intake the form handler calls.
func seedSamePerson(t *testing.T, h *harness) []hotline.Case {
	t.Helper()
	var out []hotline.Case
	for _, m := range spMessages {
		if m.sid != "" {
			out = append(out, h.newCase(m.sid, m.from, m.body))
			continue
		}
		res := triage.Classify(triage.Input{Text: m.body, Channel: string(hotline.Web)})
		r, err := h.db.RecordInbound(t.Context(), hotline.Inbound{Channel: hotline.Web, From: m.from, ExternalID: "form-f02", Body: m.body}, res.Triage(), nil)
		if err != nil {
			t.Fatal(err)
		}
		c, err := h.db.GetCase(t.Context(), r.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *c)
	}
	return out
}

var samePersonRowRe = regexp.MustCompile(`<li data-case="(\d+)"><a href="/console/cases/\d+" class="mono">([^<]+)</a>`)

// samePersonOn is the case references the page proposes as the same person.
func samePersonOn(body string) []string {
	i := strings.Index(body, `id="same-person"`)
	if i < 0 {
		return nil
	}
	sec := body[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	var out []string
	for _, m := range samePersonRowRe.FindAllStringSubmatch(sec, -1) {
		out = append(out, m[2])
	}
	return out
}

func TestSamePersonSection(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("ada", hotline.RoleAdmin, "")
	cases := seedSamePerson(t, h)
	cc := h.login("ada")
	want := map[int][]int{0: {1}, 1: {0}, 2: {3}, 3: {2}, 4: nil}
	for i, c := range cases {
		body := cc.mustGet(t, fmt.Sprintf("/console/cases/%d", c.ID))
		got := samePersonOn(body)
		var exp []string
		for _, j := range want[i] {
			exp = append(exp, cases[j].Ref)
		}
		if strings.Join(got, " ") != strings.Join(exp, " ") {
			t.Errorf("case %d (%s) proposes %v, want %v", i, c.Channel, got, exp)
		}
		if len(exp) == 0 && strings.Contains(body, `id="same-person"`) {
			t.Errorf("case %d shows an empty same-person section", i)
		}
	}
	// The button fills in the merge form and merges nothing; an id the
	// section did not propose is not filled in.
	body := cc.mustGet(t, fmt.Sprintf("/console/cases/%d?merge=%d", cases[0].ID, cases[1].ID))
	if !strings.Contains(body, fmt.Sprintf(`href="/console/cases/%d?merge=%d#merge-other"`, cases[0].ID, cases[1].ID)) {
		t.Error("no merge button for the proposed case")
	}
	if !strings.Contains(body, fmt.Sprintf(`name="other" type="text" inputmode="numeric" required value="%d"`, cases[1].ID)) {
		t.Error("the merge form is not filled in with the chosen case")
	}
	body = cc.mustGet(t, fmt.Sprintf("/console/cases/%d?merge=%d", cases[0].ID, cases[4].ID))
	if strings.Contains(body, fmt.Sprintf(`value="%d"`, cases[4].ID)) {
		t.Error("the merge form is filled in with a case not proposed")
	}
	if n := h.count(`SELECT count(*) FROM cases WHERE merged_into IS NOT NULL`); n != 0 {
		t.Errorf("%d cases merged by showing the pages", n)
	}
}

func TestSamePersonResponderAccess(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	h.staff("kosal", hotline.RoleResponder, "Bavet Police")
	h.staff("vanna", hotline.RoleResponder, "Other Unit")
	cases := seedSamePerson(t, h)
	agnes := mustStaffFull(t, h, "agnes")
	police, other := h.orgID("Bavet Police"), h.orgID("Other Unit")
	for _, c := range cases[:2] {
		if _, err := h.db.HandOff(t.Context(), agnes, c.ID, police, []string{"entities"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.db.HandOff(t.Context(), agnes, cases[0].ID, other, []string{"entities"}, ""); err != nil {
		t.Fatal(err)
	}
	body := h.login("kosal").mustGet(t, fmt.Sprintf("/console/cases/%d", cases[0].ID))
	if got := samePersonOn(body); len(got) != 1 || got[0] != cases[1].Ref {
		t.Errorf("responder holding both cases sees %v", got)
	}
	if strings.Contains(body, "?merge=") {
		t.Error("a responder is offered the merge button")
	}
	body = h.login("vanna").mustGet(t, fmt.Sprintf("/console/cases/%d", cases[0].ID))
	if strings.Contains(body, `id="same-person"`) || strings.Contains(body, cases[1].Ref) {
		t.Error("a responder of another organisation sees the link")
	}
}
