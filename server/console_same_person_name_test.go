package server_test

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"hotline"
	"hotline/locales"
)

// postPublicForm fills in the public form over HTTP as a browser does.
func postPublicForm(t *testing.T, h *harness, lang string, fields url.Values) {
	t.Helper()
	resp, page := h.get("/?lang="+lang, "")
	m := regexp.MustCompile(`name="token" value="([A-Za-z0-9_-]+)"`).FindStringSubmatch(page)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("no form in %s: %d", lang, resp.StatusCode)
	}
	// The field is offered in the page's own language.
	if label := html.EscapeString(locales.T(lang, "form.person_name.label", nil)); !strings.Contains(page, label) ||
		!strings.Contains(page, `name="person_name"`) {
		t.Fatalf("the %s form does not ask for the person's name", lang)
	}
	fields.Set("token", m[1])
	fields.Set("lang", lang)
	req, _ := http.NewRequest(http.MethodPost, h.baseURL+"/", strings.NewReader(fields.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", h.baseURL)
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 303 {
		t.Fatalf("form post: %d", resp.StatusCode)
	}
}

// telegramText is a Telegram text update from a user with a name.
func telegramText(updateID, chatID int, first, last, text string) string {
	b, _ := json.Marshal(map[string]any{
		"update_id": updateID,
		"message": map[string]any{
			"message_id": 1, "date": 1767225600, "text": text,
			"from": map[string]any{"id": chatID, "is_bot": false, "first_name": first, "last_name": last},
			"chat": map[string]any{"id": chatID, "type": "private"},
		},
	})
	return string(b)
}

// A family's Khmer form names the person and places them in Siem Reap; a
// Telegram user of that name writes for themself from Siem Reap. The case
// page proposes the link and says why; the English form naming the same
// name in Phnom Penh is not proposed; nothing is merged.
func TestSamePersonNameAndProvinceOnCasePage(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true})
	h.staff("ada", hotline.RoleAdmin, "")
	postPublicForm(t, h, "km", url.Values{
		"what": {"កូនប្រុសខ្ញុំត្រូវគេឃុំខ្លួន មិនអាចចេញបាន។ សូមជួយផង។"}, "where": {"ខេត្តសៀមរាប"},
		"reporter": {"family"}, "nationality": {"KH"}, "person_name": {"សុខ ដារ៉ា"},
	})
	postPublicForm(t, h, "en", url.Values{
		"what": {"My friend is locked in a building and they took his phone."}, "where": {"Phnom Penh"},
		"reporter": {"other"}, "person_name": {"សុខ ដារ៉ា"},
	})
	resp, _ := h.postTelegram(telegramText(930001, 700301, "សុខ", "ដារ៉ា", "ខ្ញុំត្រូវគេឃុំខ្លួននៅសៀមរាប សូមជួយខ្ញុំផង"), hTelegramSecret)
	if resp.StatusCode != 200 {
		t.Fatalf("telegram: %d", resp.StatusCode)
	}
	cases := h.allCases()
	if len(cases) != 3 {
		t.Fatalf("%d cases, want 3", len(cases))
	}
	byChannel := map[string][]hotline.Case{}
	for _, c := range cases {
		byChannel[string(c.Channel)] = append(byChannel[string(c.Channel)], c)
	}
	tg := byChannel["telegram"][0]
	var siemReap, phnomPenh hotline.Case
	for _, c := range byChannel["web"] {
		if c.Location.Province == tg.Location.Province {
			siemReap = c
		} else {
			phnomPenh = c
		}
	}
	if siemReap.ID == 0 || phnomPenh.ID == 0 || tg.Location.Province == "" {
		t.Fatalf("seed misplaced: telegram in %q, forms %+v", tg.Location.Province, byChannel["web"])
	}

	cc := h.login("ada")
	why := fmt.Sprintf(`<span data-why="name_place">%s: %s</span>`,
		html.EscapeString(locales.T("en", "console.same_person.name_place", nil)),
		html.EscapeString(locales.T("en", "province."+tg.Location.Province, nil)))
	for _, c := range []struct {
		of, want hotline.Case
	}{{siemReap, tg}, {tg, siemReap}} {
		body := cc.mustGet(t, fmt.Sprintf("/console/cases/%d", c.of.ID))
		if got := samePersonOn(body); len(got) != 1 || got[0] != c.want.Ref {
			t.Errorf("case %s proposes %v, want %s", c.of.Ref, got, c.want.Ref)
		}
		if !strings.Contains(body, why) {
			t.Errorf("case %s does not say why (%s)", c.of.Ref, why)
		}
	}
	body := cc.mustGet(t, fmt.Sprintf("/console/cases/%d", phnomPenh.ID))
	if got := samePersonOn(body); len(got) != 0 {
		t.Errorf("the Phnom Penh case proposes %v: a name alone is no link", got)
	}
	if n := h.count(`SELECT count(*) FROM cases WHERE merged_into IS NOT NULL`); n != 0 {
		t.Errorf("%d cases merged by the proposal", n)
	}
}
