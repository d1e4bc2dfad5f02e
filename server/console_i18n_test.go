package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"hotline"
)

// setLastInbound moves a case's last inbound message, and so the time it
// has waited since, into the past, on the database file, as if the person
// had written then.
func (h *harness) setLastInbound(caseID int64, ago time.Duration) {
	h.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+h.path+"?_busy_timeout=5000")
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	at := time.Now().Add(-ago).UnixMilli()
	if _, err := db.Exec(`UPDATE cases SET last_inbound_at = ?, waiting_since = ?, waiting = 1 WHERE id = ?`, at, at, caseID); err != nil {
		h.t.Fatal(err)
	}
}

// setAnswered marks a case answered by staff ago, on the database file.
func (h *harness) setAnswered(caseID int64, ago time.Duration) {
	h.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+h.path+"?_busy_timeout=5000")
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE cases SET waiting_since = ?, waiting = 0 WHERE id = ?`, time.Now().Add(-ago).UnixMilli(), caseID); err != nil {
		h.t.Fatal(err)
	}
}

// TestConsoleProvincesAndAgesTranslated checks that the queue and the case
// page name provinces and waiting times in the reader's language, while
// filters and the database keep the canonical English names.
func TestConsoleProvincesAndAgesTranslated(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("minji", hotline.RoleAgent, "")
	h.staff("sokha", hotline.RoleAgent, "")
	bavet := h.newCase("SM00000000000000000000000000000d01", "+85510000301", "they took our passports in Bavet")
	sihanouk := h.newCase("SM00000000000000000000000000000d02", "+85510000302", "we are held in a compound in Sihanoukville")
	h.setLastInbound(bavet.ID, 2*time.Hour+5*time.Minute)
	h.setLastInbound(sihanouk.ID, 3*24*time.Hour+time.Hour)
	// An answered case says so in the waiting column instead of a time.
	answered := h.newCase("SM00000000000000000000000000000d03", "+85510000303", "please help us")
	h.setAnswered(answered.ID, 5*time.Hour)

	for _, tc := range []struct {
		user, lang string
		want       []string
		notWant    []string
	}{
		{"minji", "ko", []string{"스바이리엥", "프레아시아누크", "2시간 5분", "3일", "답변함", `value="Svay Rieng"`}, []string{">Svay Rieng<", ">2h 5m<", ">answered<", "5시간"}},
		{"sokha", "km", []string{"ស្វាយរៀង", "ព្រះសីហនុ", "2ម៉ោង 5នាទី", "3ថ្ងៃ", "បានឆ្លើយ", `value="Preah Sihanouk"`}, []string{">Preah Sihanouk<", ">3d<", ">answered<", "5ម៉ោង"}},
	} {
		cc := h.login(tc.user)
		if code, _, _ := cc.post("/console/account/lang", url.Values{"lang": {tc.lang}, "next": {"/console"}}); code != 303 {
			t.Fatalf("%s: set language: %d", tc.user, code)
		}
		_, page := cc.get("/console")
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s queue: no %q", tc.lang, w)
			}
		}
		// The English forms are looked for as whole element texts: random
		// tokens in the page (CSRF, asset hashes) may contain "3d".
		for _, w := range tc.notWant {
			if strings.Contains(page, w) {
				t.Errorf("%s queue: still %q", tc.lang, w)
			}
		}
		// The filter takes the canonical name and still finds the case.
		_, filtered := cc.get("/console?province=" + url.QueryEscape("Svay Rieng"))
		if !strings.Contains(filtered, bavet.Ref) || strings.Contains(filtered, sihanouk.Ref) {
			t.Errorf("%s: province filter does not select by the canonical name", tc.lang)
		}
		_, cp := cc.get(fmt.Sprintf("/console/cases/%d", bavet.ID))
		if !strings.Contains(cp, tc.want[0]) {
			t.Errorf("%s case page: no %q", tc.lang, tc.want[0])
		}
	}
	if n := h.count(`SELECT count(*) FROM cases WHERE province IN ('Svay Rieng', 'Preah Sihanouk')`); n != 2 {
		t.Errorf("stored provinces: %d canonical, want 2", n)
	}
}

// TestConsoleCannedRepliesWithoutJavaScript: each ready reply is a small
// form of its own whose answer is the case page with the reply box filled,
// so a browser without JavaScript can use them too.
func TestConsoleCannedRepliesWithoutJavaScript(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("agnes", hotline.RoleAgent, "")
	c := h.newCase("SM00000000000000000000000000000d11", "+85510000311", "they took our passports in Bavet")
	cc := h.login("agnes")
	path := fmt.Sprintf("/console/cases/%d", c.ID)
	_, page := cc.get(path)
	for _, id := range []string{"ask_location", "ask_safe", "reference", "help_arranged", "stop"} {
		form := fmt.Sprintf(`<form method="get" action="%s#reply" class="inline"><input type="hidden" name="canned" value="%s">`, path, id)
		if !strings.Contains(page, form) {
			t.Errorf("no form of its own for the ready reply %s", id)
		}
	}
	box := func(page string) string {
		i := strings.Index(page, `id="reply-body"`)
		j := strings.Index(page[i:], "</textarea>")
		return page[i+strings.Index(page[i:], ">")+1 : i+j]
	}
	if got := box(page); got != "" {
		t.Errorf("reply box filled without asking: %q", got)
	}
	_, filled := cc.get(path + "?canned=reference")
	if want := "Your reference is " + c.Ref + "."; box(filled) != want {
		t.Errorf("reply box after the reference button: %q, want %q", box(filled), want)
	}
	_, odd := cc.get(path + "?canned=nonsense")
	if box(odd) != "" {
		t.Errorf("an unknown ready reply filled the box: %q", box(odd))
	}
	// Filling sends nothing: staff still read it and press send.
	if n := h.count(`SELECT count(*) FROM messages WHERE direction = 'out' AND status = 'queued'`); n != 0 {
		t.Errorf("%d replies queued by a ready-reply button", n)
	}
	if code, _, _ := cc.post(path+"/reply", url.Values{"body": {box(filled)}}); code != 303 {
		t.Fatalf("send the filled reply: %d", code)
	}
	// Bodies are sealed at rest: read them through the store.
	full, err := h.db.GetCase(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range full.Messages {
		if m.Direction == hotline.DirOut && m.Status == "queued" && m.Body == "Your reference is "+c.Ref+"." {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the ready reply was not queued once: %d", n)
	}
}
