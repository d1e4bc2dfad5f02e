package server_test

import (
	"context"
	"encoding/base64"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"hotline"
	"hotline/locales"
	"hotline/server"
	"hotline/store"
	"hotline/templates"
)

// formSite is the real server on loopback over a real SQLite file, seen the
// way a browser sees it.
type formSite struct {
	t    *testing.T
	base string
	db   *store.DB
	log  *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newFormSite runs the public form as it is deployed on its own: no provider
// webhooks, no acknowledgement texts, and logs kept (at debug level) so tests
// can check that nothing secret is written to them.
func newFormSite(t *testing.T) *formSite {
	t.Helper()
	logs := &lockedBuffer{}
	h := newHarness(t, harnessOptions{
		silent: true,
		config: func(c *server.Config) {
			*c = server.Config{PublicURL: c.PublicURL, FormSecret: []byte("form-test-secret-form-test-secret")}
		},
		log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	return &formSite{t: t, base: h.baseURL, db: h.db, log: logs}
}

type page struct {
	resp *http.Response
	body string
}

func (s *formSite) do(req *http.Request) page {
	s.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	if c := resp.Header.Values("Set-Cookie"); len(c) > 0 {
		s.t.Errorf("%s %s set a cookie: %v", req.Method, req.URL.Path, c)
	}
	return page{resp, string(b)}
}

func (s *formSite) get(path string, header ...string) page {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.base+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return s.do(req)
}

func (s *formSite) post(form url.Values, header ...string) page {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.base+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// What a browser sends for a form on this same site.
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", s.base)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return s.do(req)
}

// cases reads back everything stored, with messages.
func (s *formSite) cases() []*hotline.Case {
	s.t.Helper()
	ctx := context.Background()
	list, err := s.db.ListCases(ctx, hotline.CaseFilter{Limit: 500})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []*hotline.Case
	for _, c := range list.Cases {
		full, err := s.db.GetCase(ctx, c.ID)
		if err != nil {
			s.t.Fatal(err)
		}
		out = append(out, full)
	}
	return out
}

var (
	tokenRe   = regexp.MustCompile(`name="token" value="([A-Za-z0-9_-]+)"`)
	htmlLang  = regexp.MustCompile(`<html lang="([a-z]+)">`)
	refRe     = regexp.MustCompile(`<p class="ref-code">([^<]+)</p>`)
	urlAttrRe = regexp.MustCompile(`(?i)\b(src|href|action)\s*=\s*"([^"]*)"`)
)

// token opens the form the way a person does and returns its token.
func (s *formSite) token(lang string) string {
	s.t.Helper()
	p := s.get("/?lang=" + lang)
	m := tokenRe.FindStringSubmatch(p.body)
	if p.resp.StatusCode != 200 || m == nil {
		s.t.Fatalf("no form: %d", p.resp.StatusCode)
	}
	return m[1]
}

// fieldValue reads back what the page holds in a field, unescaped.
func fieldValue(t *testing.T, body, name string) string {
	t.Helper()
	if name == "what" {
		m := regexp.MustCompile(`(?s)<textarea[^>]*name="what"[^>]*>(.*?)</textarea>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no textarea")
		}
		return html.UnescapeString(m[1])
	}
	m := regexp.MustCompile(`<input [^>]*name="` + name + `"[^>]*value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no input %s", name)
	}
	return html.UnescapeString(m[1])
}

func TestFormGetLanguages(t *testing.T) {
	s := newFormSite(t)
	cases := []struct {
		name, path, accept, want string
	}{
		{"query km", "/?lang=km", "", "km"},
		{"query ko", "/?lang=ko", "en-US,en;q=0.9", "ko"},
		{"query en beats header", "/?lang=en", "ko-KR,ko;q=0.9", "en"},
		{"header ko", "/", "ko-KR,ko;q=0.9,en-US;q=0.8", "ko"},
		{"header km", "/", "km-KH,km;q=0.9", "km"},
		{"header unknown", "/", "fr-FR,fr;q=0.9", "en"},
		{"nothing", "/", "", "en"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := s.get(c.path, "Accept-Language", c.accept)
			if p.resp.StatusCode != 200 {
				t.Fatalf("status %d", p.resp.StatusCode)
			}
			if m := htmlLang.FindStringSubmatch(p.body); m == nil || m[1] != c.want {
				t.Fatalf("html lang %v, want %s", m, c.want)
			}
			label := html.EscapeString(locales.T(c.want, "form.what.label", nil))
			if !strings.Contains(p.body, label) {
				t.Fatalf("page lacks %q", label)
			}
			for _, other := range locales.Supported {
				if other != c.want && strings.Contains(p.body, html.EscapeString(locales.T(other, "form.what.label", nil))) {
					t.Fatalf("page also in %s", other)
				}
			}
			// The switcher offers every language in its own script.
			for _, sw := range []string{`href="/?lang=km" lang="km"`, `>ខ្មែរ<`, `>한국어<`, `>English<`} {
				if !strings.Contains(p.body, sw) {
					t.Errorf("switcher lacks %s", sw)
				}
			}
			h := p.resp.Header
			for k, want := range map[string]string{
				"Cache-Control":           "no-store",
				"Referrer-Policy":         "no-referrer",
				"X-Content-Type-Options":  "nosniff",
				"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
				t.Errorf("content type %q", h.Get("Content-Type"))
			}
		})
	}
}

func TestFormLoadsNothingFromElsewhere(t *testing.T) {
	s := newFormSite(t)
	form := s.get("/?lang=ko")
	done := s.post(url.Values{"token": {s.token("ko")}, "lang": {"ko"}, "what": {"test"}, "reporter": {"other"}})
	if done.resp.StatusCode != 200 {
		t.Fatalf("submit: %d", done.resp.StatusCode)
	}
	for name, p := range map[string]page{"form": form, "done": done} {
		n := 0
		for _, m := range urlAttrRe.FindAllStringSubmatch(p.body, -1) {
			n++
			u := html.UnescapeString(m[2])
			local := (strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//")) || strings.HasPrefix(u, "#") || u == "data:,"
			if !local && !(m[1] == "href" && u == templates.QuickExitURL) {
				t.Errorf("%s: %s=%q", name, m[1], u)
			}
		}
		if n < 5 {
			t.Fatalf("%s: only %d links found; regexp broken?", name, n)
		}
		// Every local asset the page names is served, and cached long.
		for _, m := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(p.body, -1) {
			a := s.get(html.UnescapeString(m[1]))
			if a.resp.StatusCode != 200 || len(a.body) == 0 {
				t.Errorf("%s: %d", m[1], a.resp.StatusCode)
			}
			if !strings.Contains(a.resp.Header.Get("Cache-Control"), "max-age=31536000") {
				t.Errorf("%s: Cache-Control %q", m[1], a.resp.Header.Get("Cache-Control"))
			}
			if a.resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: no nosniff", m[1])
			}
		}
	}
	if !strings.Contains(form.body, `<a id="quick-exit" class="exit" href="`+templates.QuickExitURL+`" rel="noreferrer">`) {
		t.Error("no quick-exit link")
	}
	if p := s.get("/static/../form.go"); p.resp.StatusCode == 200 {
		t.Error("static served a path outside its folder")
	}
}

func TestFormSubmitKhmer(t *testing.T) {
	s := newFormSite(t)
	tok := s.token("km")
	what := "ខ្ញុំត្រូវគេបង្ខាំងនៅក្នុងអគារ គេយកលិខិតឆ្លងដែនខ្ញុំ"
	form := url.Values{
		"token": {tok}, "lang": {"km"}, "what": {what}, "where": {"បាវិត"},
		"lat": {"11.0742"}, "lon": {"106.1353"}, "reporter": {"self"}, "nationality": {"KH"},
		"contact": {"+855 10 000 123"}, "safe_to_contact": {"no"}, "website": {""},
	}
	p := s.post(form)
	if p.resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", p.resp.StatusCode, p.body)
	}
	if m := htmlLang.FindStringSubmatch(p.body); m == nil || m[1] != "km" {
		t.Fatalf("confirmation not in Khmer: %v", m)
	}
	ref := refRe.FindStringSubmatch(p.body)
	if ref == nil {
		t.Fatal("no reference on the confirmation page")
	}
	if !strings.Contains(p.body, locales.T("km", "done.next.dontcontact", nil)) {
		t.Error("confirmation does not say we will not contact")
	}
	if p.resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("confirmation may be cached")
	}

	cs := s.cases()
	if len(cs) != 1 {
		t.Fatalf("%d cases stored", len(cs))
	}
	c := cs[0]
	if c.Ref != ref[1] {
		t.Errorf("page ref %s, stored %s", ref[1], c.Ref)
	}
	if c.Reporter != hotline.ReporterSelf || c.Channel != hotline.Web {
		t.Errorf("reporter %q channel %q", c.Reporter, c.Channel)
	}
	if len(c.Messages) != 1 {
		t.Fatalf("%d messages", len(c.Messages))
	}
	m := c.Messages[0]
	if m.Lat == nil || *m.Lat != 11.0742 || m.Lon == nil || *m.Lon != 106.1353 {
		t.Errorf("message point %v %v", m.Lat, m.Lon)
	}
	// The shared point is the most precise location the case can have.
	if c.Location.Lat == nil || *c.Location.Lat != 11.0742 || c.Location.Lon == nil || *c.Location.Lon != 106.1353 {
		t.Errorf("case location %+v", c.Location)
	}
	if m.Body != what+"\nបាវិត" || m.Direction != hotline.DirIn || m.ExternalID == "" {
		t.Errorf("message %+v", m)
	}
	if c.Contact != "+85510000123" {
		t.Errorf("contact %q", c.Contact)
	}
	// Nothing the person wrote, nor their number, reaches the log.
	for _, secret := range []string{what, "បាវិត", "000 123", "10000123"} {
		if strings.Contains(s.log.String(), secret) {
			t.Errorf("log carries %q", secret)
		}
	}
}

func TestFormDoubleSubmitStoredOnce(t *testing.T) {
	s := newFormSite(t)
	form := url.Values{"token": {s.token("ko")}, "lang": {"ko"}, "what": {"아들이 감금되어 있습니다"}, "reporter": {"family"}}
	var refs []string
	for range 3 {
		p := s.post(form)
		m := refRe.FindStringSubmatch(p.body)
		if p.resp.StatusCode != 200 || m == nil {
			t.Fatalf("status %d", p.resp.StatusCode)
		}
		refs = append(refs, m[1])
	}
	if refs[0] != refs[1] || refs[1] != refs[2] {
		t.Fatalf("refs differ: %v", refs)
	}
	cs := s.cases()
	if len(cs) != 1 || len(cs[0].Messages) != 1 {
		t.Fatalf("%d cases, first with %d messages", len(cs), len(cs[0].Messages))
	}

	// A second form, anonymous too, is a different person: its own case.
	p := s.post(url.Values{"token": {s.token("ko")}, "lang": {"ko"}, "what": {"다른 사람입니다"}, "reporter": {"other"}})
	if m := refRe.FindStringSubmatch(p.body); m == nil || m[1] == refs[0] {
		t.Fatalf("second anonymous form joined the first case: %v", m)
	}
	if n := len(s.cases()); n != 2 {
		t.Fatalf("%d cases after a second anonymous form", n)
	}
}

func TestFormInvalidKeepsEverything(t *testing.T) {
	s := newFormSite(t)
	form := url.Values{
		"token": {s.token("ko")}, "lang": {"ko"}, "what": {"   "}, "where": {`프놈펜 "골든" 빌딩 <3층>`},
		"lat": {"11.5564"}, "lon": {"104.9282"}, "reporter": {"family"}, "nationality": {"KR"},
		"person_name": {"김민준"}, "contact": {"+82 10-0000-1234"}, "safe_to_contact": {"unsure"},
	}
	p := s.post(form)
	if p.resp.StatusCode != 400 {
		t.Fatalf("status %d", p.resp.StatusCode)
	}
	if m := htmlLang.FindStringSubmatch(p.body); m == nil || m[1] != "ko" {
		t.Fatalf("not in Korean: %v", m)
	}
	msg := html.EscapeString(locales.T("ko", "error.what.required", nil))
	if !strings.Contains(p.body, `<p class="error" id="what-error">`+msg+`</p>`) {
		t.Errorf("problem not named next to its field in Korean")
	}
	for _, f := range []string{"where", "lat", "lon", "person_name", "contact"} {
		if got := fieldValue(t, p.body, f); got != form.Get(f) {
			t.Errorf("%s = %q, want %q", f, got, form.Get(f))
		}
	}
	if got := fieldValue(t, p.body, "what"); got != "   " {
		t.Errorf("what = %q", got)
	}
	for _, want := range []string{`value="family" checked`, `value="KR" selected`, `value="unsure" checked`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("choice lost: %s", want)
		}
	}
	if len(s.cases()) != 0 {
		t.Fatal("an invalid form was stored")
	}

	// The page carries a working token: fixing the text and sending works.
	form.Set("token", tokenRe.FindStringSubmatch(p.body)[1])
	form.Set("what", "아들이 연락이 안 됩니다")
	if p := s.post(form); p.resp.StatusCode != 200 {
		t.Fatalf("resubmit: %d", p.resp.StatusCode)
	}
	if len(s.cases()) != 1 {
		t.Fatal("fixed form not stored")
	}
}

func TestFormRefusesForgedAndCrossSite(t *testing.T) {
	s := newFormSite(t)
	good := s.token("en")
	base := url.Values{"lang": {"km"}, "what": {"please help"}, "reporter": {"self"}}
	with := func(tok string) url.Values {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		v.Set("token", tok)
		return v
	}
	cases := []struct {
		name   string
		form   url.Values
		header []string
		want   string // a text that must be on the page
	}{
		{"no token", with(""), nil, locales.T("km", "error.expired.title", nil)},
		{"garbage token", with("abc"), nil, locales.T("km", "error.expired.title", nil)},
		{"tampered token", with(tamperedToken(t, good)), nil, locales.T("km", "error.expired.title", nil)},
		{"cross-site with a good token", with(good), []string{"Sec-Fetch-Site", "cross-site"}, locales.T("km", "error.forbidden.title", nil)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := s.post(c.form, c.header...)
			if p.resp.StatusCode != 403 {
				t.Fatalf("status %d", p.resp.StatusCode)
			}
			if !strings.Contains(p.body, html.EscapeString(c.want)) {
				t.Fatalf("page lacks %q", c.want)
			}
			if m := htmlLang.FindStringSubmatch(p.body); m == nil || m[1] != "km" {
				t.Fatalf("not in the form's language: %v", m)
			}
		})
	}
	if n := len(s.cases()); n != 0 {
		t.Fatalf("%d cases stored from refused posts", n)
	}
	// A refused token keeps the text for a second try.
	p := s.post(with("abc"))
	if got := fieldValue(t, p.body, "what"); got != "please help" {
		t.Fatalf("text lost: %q", got)
	}
}

func TestFormHoneypot(t *testing.T) {
	s := newFormSite(t)
	p := s.post(url.Values{"token": {s.token("en")}, "lang": {"en"}, "what": {"cheap pills"},
		"reporter": {"other"}, "website": {"http://spam.example"}})
	if p.resp.StatusCode != 200 {
		t.Fatalf("status %d", p.resp.StatusCode)
	}
	m := refRe.FindStringSubmatch(p.body)
	if m == nil || !regexp.MustCompile(`^[2-9A-Z]{3}-[2-9A-Z]{3}$`).MatchString(m[1]) {
		t.Fatalf("honeypot answer does not look like a confirmation: %v", m)
	}
	if n := len(s.cases()); n != 0 {
		t.Fatalf("honeypot stored %d cases", n)
	}
}

func TestFormRateLimit(t *testing.T) {
	s := newFormSite(t)
	tok := s.token("ko")
	// Invalid posts count too: a flood need not be valid to cost us.
	for i := range 10 {
		p := s.post(url.Values{"token": {tok}, "lang": {"ko"}, "reporter": {"self"}})
		if p.resp.StatusCode != 400 {
			t.Fatalf("post %d: status %d", i, p.resp.StatusCode)
		}
	}
	p := s.post(url.Values{"token": {tok}, "lang": {"ko"}, "what": {"도와주세요"}, "reporter": {"self"}})
	if p.resp.StatusCode != 429 {
		t.Fatalf("11th post: status %d", p.resp.StatusCode)
	}
	if ra := p.resp.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
	if !strings.Contains(p.body, html.EscapeString(locales.T("ko", "error.ratelimit.title", nil))) {
		t.Error("429 page not in Korean")
	}
	if got := fieldValue(t, p.body, "what"); got != "도와주세요" {
		t.Errorf("text lost: %q", got)
	}
	if n := len(s.cases()); n != 0 {
		t.Fatalf("rate-limited post stored %d cases", n)
	}
	// Reading the form is never limited.
	if p := s.get("/?lang=ko"); p.resp.StatusCode != 200 {
		t.Fatalf("GET after limit: %d", p.resp.StatusCode)
	}
}

func TestFormStoreDownKeepsText(t *testing.T) {
	s := newFormSite(t)
	tok := s.token("km")
	s.db.Close() // the database is gone: nothing can be committed
	what := "សូមជួយ ខ្ញុំនៅព្រះសីហនុ"
	p := s.post(url.Values{"token": {tok}, "lang": {"km"}, "what": {what}, "reporter": {"self"}})
	if p.resp.StatusCode != 503 {
		t.Fatalf("status %d", p.resp.StatusCode)
	}
	if refRe.MatchString(p.body) {
		t.Fatal("a reference was shown for a message that was not stored")
	}
	if !strings.Contains(p.body, html.EscapeString(locales.T("km", "error.server.title", nil))) {
		t.Error("failure not explained in Khmer")
	}
	if got := fieldValue(t, p.body, "what"); got != what {
		t.Errorf("text lost: %q", got)
	}
	if strings.Contains(s.log.String(), what) {
		t.Error("log carries the message")
	}
}

// tamperedToken is tok with one bit of its MAC changed. Editing the text
// instead could leave the bytes as they were: the token is random, and the
// last character of unpadded base64 carries bits the decoder ignores.
func tamperedToken(t *testing.T, tok string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatalf("form token %q: %v", tok, err)
	}
	raw[len(raw)-1] ^= 1
	return base64.RawURLEncoding.EncodeToString(raw)
}
