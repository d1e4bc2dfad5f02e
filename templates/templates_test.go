package templates

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"hotline/locales"
)

// page builds a Page whose T is the real locales bundle and records every id
// a template asks for, so a typo in a template is caught here.
func page(t *testing.T, lang string, asked map[string]bool) Page {
	return Page{
		Lang: lang,
		T: func(id string) string {
			asked[id] = true
			return locales.T(lang, id, nil)
		},
		Langs: []Lang{
			{Code: "km", Name: "ខ្មែរ", URL: "/?lang=km", Current: lang == "km"},
			{Code: "ko", Name: "한국어", URL: "/?lang=ko", Current: lang == "ko"},
			{Code: "en", Name: "English", URL: "/?lang=en", Current: lang == "en"},
		},
	}
}

func render(t *testing.T, name string, p Page) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, name, p); err != nil {
		t.Fatalf("render %s: %v", name, err)
	}
	return b.String()
}

var nats = []string{"KR", "KH", "CN", "VN", "TH", "ID", "MY", "PH", "MM", "LA", "other"}

func allPages(t *testing.T, lang string, asked map[string]bool) map[string]string {
	form := page(t, lang, asked)
	form.Form = &Form{Token: "tok", Values: map[string]string{}, Nationalities: nats}
	invalid := page(t, lang, asked)
	invalid.Notice = &Notice{Title: "t", Body: "b"}
	invalid.Form = &Form{
		Token: "tok", Nationalities: nats,
		Values: map[string]string{"what": "", "where": "Bavet", "lat": "11.06", "lon": "106.13",
			"reporter": "family", "nationality": "KR", "contact": "+821000001234", "safe_to_contact": "unsure"},
		Errors: map[string]string{"what": "E-WHAT", "location": "E-LOC"},
		ErrorList: []FieldError{
			{Field: "what", Text: "E-WHAT"}, {Field: "location", Text: "E-LOC"},
		},
	}
	done := page(t, lang, asked)
	done.Done = &Done{Ref: "K7M-X4Q", Contact: true, Safe: "yes"}
	doneAnon := page(t, lang, asked)
	doneAnon.Done = &Done{Ref: "K7M-X4Q"}
	notice := page(t, lang, asked)
	notice.Notice = &Notice{Title: "NT", Body: "NB"}
	return map[string]string{
		"form":      render(t, "form", form),
		"invalid":   render(t, "form", invalid),
		"done":      render(t, "done", done),
		"done-anon": render(t, "done", doneAnon),
		"notice":    render(t, "notice", notice),
	}
}

func TestEveryAskedTextExists(t *testing.T) {
	asked := map[string]bool{}
	for _, lang := range locales.Supported {
		allPages(t, lang, asked)
	}
	if len(asked) < 40 {
		t.Fatalf("templates asked for only %d texts", len(asked))
	}
	for id := range asked {
		if locales.T("en", id, nil) == id {
			t.Errorf("template asks for %q, which no locale defines", id)
		}
	}
}

var (
	urlAttr    = regexp.MustCompile(`(?i)\b(src|href|action|formaction|poster|data)\s*=\s*"([^"]*)"`)
	eventAttr  = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	styleAttr  = regexp.MustCompile(`(?i)\sstyle\s*=`)
	inlineJS   = regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]`)
	scriptTags = regexp.MustCompile(`(?i)<script\b[^>]*>`)
)

func TestNothingFromElsewhereNothingInline(t *testing.T) {
	for _, lang := range locales.Supported {
		for name, html := range allPages(t, lang, map[string]bool{}) {
			for _, m := range urlAttr.FindAllStringSubmatch(html, -1) {
				u := m[2]
				switch {
				case strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//"),
					strings.HasPrefix(u, "#"),
					u == "data:,":
				case u == QuickExitURL && m[1] == "href":
				default:
					t.Errorf("%s/%s: %s=%q points elsewhere", lang, name, m[1], u)
				}
			}
			if eventAttr.MatchString(html) || styleAttr.MatchString(html) || inlineJS.MatchString(html) {
				t.Errorf("%s/%s: inline script or style", lang, name)
			}
			for _, tag := range scriptTags.FindAllString(html, -1) {
				if !strings.Contains(tag, `src="/static/`) {
					t.Errorf("%s/%s: script %s", lang, name, tag)
				}
			}
			if !strings.Contains(html, `<html lang="`+lang+`">`) {
				t.Errorf("%s/%s: no <html lang>", lang, name)
			}
			if !strings.Contains(html, `id="quick-exit"`) || !strings.Contains(html, `rel="noreferrer"`) {
				t.Errorf("%s/%s: no quick exit", lang, name)
			}
		}
	}
}

func TestFormKeepsValuesAndNamesProblems(t *testing.T) {
	html := allPages(t, "ko", map[string]bool{})["invalid"]
	for _, want := range []string{
		`value="Bavet"`, `name="lat" value="11.06"`, `name="lon" value="106.13"`,
		`value="family" checked`, `value="KR" selected`, `value="&#43;821000001234"`,
		`value="unsure" checked`, `<p class="error" id="what-error">E-WHAT</p>`,
		`aria-invalid="true"`, `href="#what-field"`, `id="what-field"`, `href="#location-field"`,
		`id="location-field"`, locales.T("ko", "form.errors.summary", nil),
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(html, `value="self" checked`) {
		t.Error("wrong reporter checked")
	}
	// With a location error the page must not claim a location is attached.
	if strings.Contains(html, locales.T("ko", "form.location.ok", nil)+"</p>") {
		t.Error("location reported as attached despite an error")
	}
}

func TestFormEscapesWhatPeopleType(t *testing.T) {
	p := page(t, "en", map[string]bool{})
	p.Form = &Form{Token: "tok", Nationalities: nats, Values: map[string]string{
		"what": "</textarea><script>alert(1)</script>", "where": `"><img src=x>`, "contact": "a&b",
	}}
	html := render(t, "form", p)
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x>") {
		t.Fatal("user text not escaped")
	}
	if !strings.Contains(html, "&lt;/textarea&gt;&lt;script&gt;") || !strings.Contains(html, `value="a&amp;b"`) {
		t.Fatal("user text not kept")
	}
}

func TestDonePage(t *testing.T) {
	pages := allPages(t, "km", map[string]bool{})
	if !strings.Contains(pages["done"], `<p class="ref-code">K7M-X4Q</p>`) {
		t.Error("reference not shown")
	}
	if !strings.Contains(pages["done"], locales.T("km", "done.next.contact", nil)) {
		t.Error("contact promise missing")
	}
	if !strings.Contains(pages["done-anon"], locales.T("km", "done.next.nocontact", nil)) {
		t.Error("no-contact text missing")
	}
}

func TestHoneypotHiddenFromPeople(t *testing.T) {
	html := allPages(t, "en", map[string]bool{})["form"]
	if !regexp.MustCompile(`<div class="hp" aria-hidden="true">\s*<label for="website">[^<]+</label>\s*<input type="text" id="website" name="website" tabindex="-1"`).MatchString(html) {
		t.Fatal("honeypot not hidden as expected")
	}
	css, _ := fs.ReadFile(Static(), "form.css")
	if !strings.Contains(string(css), ".hp {") {
		t.Fatal("no honeypot style")
	}
}

func TestLocationButtonOnlyWithScript(t *testing.T) {
	html := allPages(t, "en", map[string]bool{})["form"]
	if !strings.Contains(html, `<div id="geo" class="geo" hidden`) {
		t.Fatal("location button visible without JavaScript")
	}
	js, _ := fs.ReadFile(Static(), "form.js")
	for _, want := range []string{"geo.hidden = false", "navigator.geolocation", "location.replace", "Escape"} {
		if !strings.Contains(string(js), want) {
			t.Errorf("form.js lacks %q", want)
		}
	}
}

func TestStaticAndAssets(t *testing.T) {
	for _, name := range []string{"form.css", "form.js"} {
		b, err := fs.ReadFile(Static(), name)
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: %v", name, err)
		}
		u, err := asset(name)
		if err != nil || !regexp.MustCompile(`^/static/`+regexp.QuoteMeta(name)+`\?v=[0-9a-f]{10}$`).MatchString(u) {
			t.Fatalf("asset(%s) = %q, %v", name, u, err)
		}
	}
	if _, err := asset("nope.css"); err == nil {
		t.Fatal("asset of a missing file")
	}
	if err := Render(&bytes.Buffer{}, "nope", Page{}); err == nil {
		t.Fatal("render of a missing page")
	}
}
