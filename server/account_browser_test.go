package server_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hotline"
)

// messageIDRe looks like a message id that reached the page untranslated
// ("account.sessions.title").
var messageIDRe = regexp.MustCompile(`\b[a-z]+\.[a-z_]+\.[a-z_]+\b`)

// layoutProblems lists, in the page, text that spills out of its box or is
// cut off, and the page scrolling sideways: what a longer Khmer or Korean
// text does to a layout made with English. Inputs scroll their value by
// design, except the TOTP key, which must be readable whole.
const layoutProblems = `(() => {
  const out = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    out.push("page scrolls sideways: " + document.documentElement.scrollWidth + " > " + window.innerWidth);
  const describe = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " + JSON.stringify((el.innerText || el.value || "").slice(0, 40));
  for (const el of document.querySelectorAll("main *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest(".sr-only")) continue; // read aloud only
    const cs = getComputedStyle(el);
    if (el.tagName !== "INPUT" && el.tagName !== "TEXTAREA" && el.tagName !== "SELECT") {
      const clips = /hidden|clip/.test(cs.overflowX + cs.overflowY) || cs.textOverflow === "ellipsis";
      if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
        out.push("cut off: " + describe(el));
    }
    const box = el.closest("section, table, form, .box") || document.querySelector("main");
    if (box && box !== el && !box.contains(el.closest("[class*=scroll], .table-wrap"))) {
      const b = box.getBoundingClientRect();
      if (r.right > b.right + 2 && /visible/.test(cs.overflowX + getComputedStyle(box).overflowX))
        out.push("spills out of its box: " + describe(el) + " right " + Math.round(r.right) + " > " + Math.round(b.right));
    }
  }
  const key = document.querySelector("#totp-key");
  if (key && key.scrollWidth > key.clientWidth + 1) out.push("the TOTP key does not fit its field");
  return out;
})()`

// checkPage fails for message ids, layout problems and headings sel that
// are not in the script of the page's language.
func checkPage(t *testing.T, ctx context.Context, what string, script *regexp.Regexp, headings ...string) {
	t.Helper()
	var text string
	var problems []string
	run(t, ctx, what+": read the page",
		into(&text, chromedp.Text(chromedp.CSS(`body`))),
		into(&problems, chromedp.Evaluate[[]string](layoutProblems)),
	)
	if ids := messageIDRe.FindAllString(text, -1); len(ids) > 0 {
		t.Errorf("%s shows message ids: %q", what, ids)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", what, p)
	}
	for _, sel := range headings {
		var h string
		run(t, ctx, what+": "+sel, into(&h, chromedp.Text(chromedp.CSS(sel))))
		if strings.TrimSpace(h) == "" || !script.MatchString(h) {
			t.Errorf("%s: %s is %q, not in the page's language", what, sel, h)
		}
	}
}

var (
	hangul = regexp.MustCompile(`\p{Hangul}`)
	khmer  = regexp.MustCompile(`\p{Khmer}`)
	base32 = regexp.MustCompile(`^[A-Z2-7]{16,}$`)
)

// TestBrowserAccountAndEvidence shows, in Korean and Khmer, the account
// page with its session list and a second factor being enrolled (the key
// shown), and a case page listing a picture the evidence worker fetched;
// it screenshots them and fails on untranslated message ids, text that
// does not fit, and headings left in English.
func TestBrowserAccountAndEvidence(t *testing.T) {
	ctx := newBrowser(t)
	o := harnessOptions{}
	files := withEvidence(t, &o)
	h := newHarness(t, o)
	h.staff("minji", hotline.RoleAgent, "")
	h.staff("sophea", hotline.RoleAgent, "")
	for name, lang := range map[string]string{"minji": "ko", "sophea": "km"} {
		if err := h.db.SetLang(t.Context(), mustStaff(t, h, name), lang); err != nil {
			t.Fatal(err)
		}
	}
	caseID, item := fetchedEvidence(t, h, files, "MM00000000000000000000000000000d01", "+85510000741")

	for _, tc := range []struct {
		name, lang string
		script     *regexp.Regexp
	}{{"minji", "ko", hangul}, {"sophea", "km", khmer}} {
		// A session elsewhere (the harness's client), so the list has two
		// rows and the "sign out everywhere else" button.
		h.login(tc.name)
		browserLogin(t, ctx, h.baseURL, tc.name)
		var rows, current int
		var key string
		run(t, ctx, tc.lang+" account page, start a second factor",
			chromedp.Navigate(h.baseURL+"/console/account"),
			chromedp.WaitVisible(chromedp.CSS(`#sessions tbody tr`)),
			into(&rows, chromedp.Evaluate[int](`document.querySelectorAll("#sessions tbody tr").length`)),
			into(&current, chromedp.Evaluate[int](`document.querySelectorAll("#sessions tbody tr[aria-current=true] .this-session").length`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/console/account/sessions/revoke-others"] button`)),
			submitted(`form[action="/console/account/totp/start"] button`),
			chromedp.WaitVisible(chromedp.CSS(`#totp-key`)),
			chromedp.WaitVisible(chromedp.CSS(`#totp img[src^="data:image/png;base64,"]`)),
			into(&key, chromedp.Value(chromedp.CSS(`#totp-key`))),
		)
		if rows != 2 || current != 1 {
			t.Errorf("%s: %d sessions listed, %d marked as this one; want 2 and 1", tc.lang, rows, current)
		}
		if !base32.MatchString(key) {
			t.Errorf("%s: the TOTP key field holds %q", tc.lang, key)
		}
		if _, pending, err := h.db.TOTPState(t.Context(), mustStaff(t, h, tc.name)); err != nil || pending != key {
			t.Errorf("%s: the key shown is not the one being enrolled (%v)", tc.lang, err)
		}
		checkPage(t, ctx, "account-"+tc.lang, tc.script, `h1`, `#sessions-h`, `#totp-h`, `label[for="totp-key"]`)
		shot(t, ctx, "account-"+tc.lang+".png")

		if tc.lang == "ko" {
			link := fmt.Sprintf("/console/cases/%d/evidence/%d", caseID, item.ID)
			var row string
			run(t, ctx, "ko case page with its evidence",
				chromedp.Navigate(fmt.Sprintf("%s/console/cases/%d", h.baseURL, caseID)),
				chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#evidence tr[data-evidence="%d"]`, item.ID))),
				chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#evidence a[href="%s"]`, link))),
				chromedp.ScrollIntoView(chromedp.CSS(`#evidence`)),
				into(&row, chromedp.Text(chromedp.CSS(fmt.Sprintf(`#evidence tr[data-evidence="%d"]`, item.ID)))),
			)
			for _, want := range []string{"image/jpeg", sizeOf(len(fetchedPhoto)), item.SHA256[:12]} {
				if !strings.Contains(row, want) {
					t.Errorf("evidence row %q lacks %q", row, want)
				}
			}
			if !hangul.MatchString(row) {
				t.Errorf("evidence row %q: its status is not in Korean", row)
			}
			if code := fetchStatus(t, ctx, link); code != 200 {
				t.Errorf("download from the case page: %d", code)
			}
			checkPage(t, ctx, "case-evidence-ko", hangul, `#evidence-h`)
			shot(t, ctx, "case-evidence-ko.png")
		}
		run(t, ctx, "logout", chromedp.Navigate(h.baseURL+"/console/account"),
			submitted(`form[action="/console/logout"] button`), chromedp.WaitVisible(chromedp.CSS(`#name`)))
	}
}
