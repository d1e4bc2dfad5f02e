package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"hotline"
	"hotline/server"
)

// hostileTally is what one attack run counted, for TestHostileInput's
// report: requests per route and kind, and what went wrong.
type hostileTally struct {
	sent    map[string]map[string]int
	fail5xx int
	stored  int // messages beyond the genuine ones
	panics  int64
}

// Garbage for the fields and path segments the signed-in routes parse.
var (
	garbageCodes = []string{"", "0", "12345", "1234567", "abcdef", "12345\x00", "١٢٣٤٥٦", "１２３４５６", "១២៣៤៥៦",
		"일이삼사오육", "' OR 1=1--", "%s%n%x", "\xff\xfe\xfd\xfc\xfb\xfa", "123 456 7", "\u202e654321", "-12345", "+12345"}
	garbageIDs = []string{"-1", "0", "abc", "99999999999999999999", "9223372036854775807", "9223372036854775808",
		"1e3", "0x10", "%00", "%E1%9E%A1", "1%2F2", "..%2F..", "%D9%A1", "%ED%95%9C", strings.Repeat("7", 2000)}
	garbageText = []string{"\x00\x01\x02", "\xff\xfe\xfd", "\u202e\u200b\ufeff", "ស្រីស្រីស្រី" + strings.Repeat("\u17d2", 500),
		"한국어" + strings.Repeat("\u1100", 500), "<script>alert(1)</script>", "%zz%", strings.Repeat("\U0001F600", 2000)}
)

// hostileAsStaff attacks the routes that only signed-in staff reach, which
// the anonymous walk of TestHostileInput stops at the login: the login's
// second step, the second factor, sessions, evidence ids and the account
// forms, with garbage, oversized, forged and replayed requests. It checks
// what none of them may do (start a session, turn a second factor on or
// off, end a session, change a password, download evidence) and returns
// the tally.
func hostileAsStaff(t *testing.T) hostileTally {
	o := harnessOptions{telegram: true}
	files := withEvidence(t, &o)
	prev := o.config
	o.config = func(c *server.Config) {
		prev(c)
		// Each request names its own address, so that the login's rate
		// limit (per address) lets the garbage reach the handlers.
		c.TrustedProxies = []string{"127.0.0.1"}
	}
	h := newHarness(t, o)
	tally := hostileTally{sent: map[string]map[string]int{}}
	addr := 0
	send := func(route, kind string, cc *consoleClient, method, path string, form url.Values) (int, string) {
		t.Helper()
		if tally.sent[route] == nil {
			tally.sent[route] = map[string]int{}
		}
		tally.sent[route][kind]++
		var body io.Reader
		if form != nil {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if _, ok := f["csrf"]; !ok && cc.csrf != "" {
				f.Set("csrf", cc.csrf)
			}
			body = strings.NewReader(f.Encode())
		}
		req, err := http.NewRequest(method, h.baseURL+path, body)
		if err != nil {
			t.Fatalf("%s %.100s: %v", method, path, err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		addr++
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.%d.%d", addr/250, addr%250+1))
		resp, err := cc.c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %.200v", kind, route, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			tally.fail5xx++
			t.Errorf("%s %s %.200s: %d", kind, method, path, resp.StatusCode)
		}
		return resp.StatusCode, resp.Header.Get("Location")
	}
	want := func(what string, code int, allowed ...int) {
		t.Helper()
		for _, a := range allowed {
			if code == a {
				return
			}
		}
		t.Errorf("%s: %d, want one of %v", what, code, allowed)
	}

	h.staff("ada", hotline.RoleAdmin, "")
	h.staff("kosal", hotline.RoleResponder, "Police Unit")
	h.staff("pia", hotline.RoleAgent, "")
	caseID, item := fetchedEvidence(t, h, files, "MM00000000000000000000000000000c01", "+85510000731")
	baseline := h.count(`SELECT count(*) FROM messages WHERE direction = 'in'`)
	secrets := map[string]string{}
	withTOTP := func(name string) {
		h.staff(name, hotline.RoleAgent, "")
		key, err := totp.Generate(totp.GenerateOpts{Issuer: "Hotline", AccountName: name})
		if err != nil {
			t.Fatal(err)
		}
		id := mustStaff(t, h, name)
		if err := h.db.SetTOTPPending(t.Context(), id, key.Secret()); err != nil {
			t.Fatal(err)
		}
		if err := h.db.EnableTOTP(t.Context(), id, time.Now().Unix()/30-10); err != nil {
			t.Fatal(err)
		}
		secrets[name] = key.Secret()
	}
	sessions := func(name string) int {
		return h.count(`SELECT count(*) FROM sessions WHERE user_id = ?`, mustStaff(t, h, name))
	}
	totpOn := func(name string) bool {
		on, _, err := h.db.TOTPState(t.Context(), mustStaff(t, h, name))
		if err != nil {
			t.Fatal(err)
		}
		return on
	}

	// The login's second step. A wrong code counts towards the lockout, so
	// the garbage is spread over accounts, four codes a challenge; the
	// fifth wrong code of the last one locks it.
	challenge := func(name string) (*consoleClient, string) {
		cc := h.browser()
		if code, _, loc := cc.tryLogin(name, staffPassword); code != http.StatusSeeOther || loc != "/console/login/code" {
			t.Fatalf("password step of %s: %d → %q", name, code, loc)
		}
		_, page := cc.get("/console/login/code")
		m := csrfRe.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no csrf token on the code form")
		}
		return cc, m[1]
	}
	const codeRoute = "POST /console/login/code"
	var guessers []string
	for i := 0; i*4 < len(garbageCodes); i++ {
		name := fmt.Sprintf("tom%d", i)
		withTOTP(name)
		guessers = append(guessers, name)
		cc, csrf := challenge(name)
		for _, c := range garbageCodes[i*4 : min(i*4+4, len(garbageCodes))] {
			code, _ := send(codeRoute, "malformed", cc, "POST", "/console/login/code", url.Values{"csrf": {csrf}, "code": {c}})
			want(fmt.Sprintf("login code %q", c), code, http.StatusUnauthorized)
		}
	}
	{
		withTOTP("tox")
		guessers = append(guessers, "tox")
		cc, csrf := challenge("tox")
		code, _ := send(codeRoute, "forged", cc, "POST", "/console/login/code", url.Values{"csrf": {"forged"}, "code": {"000000"}})
		want("login code with a forged CSRF token", code, http.StatusForbidden)
		code, _ = send(codeRoute, "oversized", cc, "POST", "/console/login/code", url.Values{"csrf": {csrf}, "code": {strings.Repeat("9", 200_000)}})
		want("login code of 200 000 digits", code, http.StatusUnauthorized)
	}
	{
		// A forged challenge cookie, and the challenge of an account
		// that a fifth wrong code locked.
		forged := h.browser()
		u, _ := url.Parse(h.baseURL + "/console/")
		forged.c.Jar.SetCookies(u, []*http.Cookie{{Name: "hotline_mfa", Value: "forged-challenge"}})
		code, _ := send(codeRoute, "forged", forged, "POST", "/console/login/code", url.Values{"csrf": {"x"}, "code": {"000000"}})
		want("forged challenge", code, http.StatusUnauthorized)
		withTOTP("tim")
		guessers = append(guessers, "tim")
		cc, csrf := challenge("tim")
		for i := range 5 {
			code, _ := send(codeRoute, "malformed", cc, "POST", "/console/login/code", url.Values{"csrf": {csrf}, "code": {garbageCodes[i]}})
			if i == 4 {
				want("fifth wrong code", code, http.StatusTooManyRequests)
			}
		}
		code, _ = send(codeRoute, "replayed", cc, "POST", "/console/login/code", url.Values{"csrf": {csrf}, "code": {code6(t, secrets["tim"])}})
		want("the right code on a challenge the lockout ended", code, http.StatusUnauthorized)
	}
	{
		// A right code works once; replayed on a new challenge, or on the
		// challenge it ended, it is refused.
		withTOTP("rex")
		cc, csrf := challenge("rex")
		right := code6(t, secrets["rex"])
		u, _ := url.Parse(h.baseURL + "/console/")
		stale := h.browser()
		for _, ck := range cc.c.Jar.Cookies(u) {
			if ck.Name == "hotline_mfa" {
				stale.c.Jar.SetCookies(u, []*http.Cookie{ck})
			}
		}
		if code, loc := send(codeRoute, "genuine", cc, "POST", "/console/login/code", url.Values{"csrf": {csrf}, "code": {right}}); code != http.StatusSeeOther || loc != "/console" {
			t.Fatalf("right code: %d → %q", code, loc)
		}
		again, csrf2 := challenge("rex")
		code, _ := send(codeRoute, "replayed", again, "POST", "/console/login/code", url.Values{"csrf": {csrf2}, "code": {right}})
		want("a used code on a new challenge", code, http.StatusUnauthorized)
		code, _ = send(codeRoute, "replayed", stale, "POST", "/console/login/code", url.Values{"csrf": {csrf}, "code": {right}})
		want("the right code again on the challenge it ended", code, http.StatusUnauthorized)
		if n := sessions("rex"); n != 1 {
			t.Errorf("rex has %d sessions after one right code and its replays, want 1", n)
		}
	}
	for _, name := range guessers {
		if n := sessions(name); n != 0 {
			t.Errorf("%s has %d sessions after garbage codes", name, n)
		}
	}

	// The second factor: garbage confirms nothing; garbage does not turn
	// it off (and, counting towards the lockout, ends in 429).
	ada := h.login("ada")
	if code, _ := send("POST /console/account/totp/start", "genuine", ada, "POST", "/console/account/totp/start", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("totp start: %d", code)
	}
	for _, c := range garbageCodes {
		code, _ := send("POST /console/account/totp/confirm", "malformed", ada, "POST", "/console/account/totp/confirm", url.Values{"code": {c}})
		want(fmt.Sprintf("confirm %q", c), code, http.StatusBadRequest)
	}
	code, _ := send("POST /console/account/totp/confirm", "oversized", ada, "POST", "/console/account/totp/confirm", url.Values{"code": {strings.Repeat("1", 200_000)}})
	want("confirm with 200 000 digits", code, http.StatusBadRequest)
	code, _ = send("POST /console/account/totp/confirm", "forged", ada, "POST", "/console/account/totp/confirm", url.Values{"csrf": {"forged"}, "code": {"000000"}})
	want("confirm with a forged CSRF token", code, http.StatusForbidden)
	if totpOn("ada") {
		t.Error("garbage codes turned ada's second factor on")
	}
	withTOTP("dora")
	dora := h.login2("dora", secrets["dora"])
	for _, c := range append(garbageCodes, strings.Repeat("5", 200_000)) {
		kind := "malformed"
		if len(c) > 1000 {
			kind = "oversized"
		}
		code, _ := send("POST /console/account/totp/disable", kind, dora, "POST", "/console/account/totp/disable", url.Values{"code": {c}})
		want(fmt.Sprintf("disable with %.20q", c), code, http.StatusBadRequest, http.StatusTooManyRequests)
	}
	code, _ = send("POST /console/account/totp/disable", "forged", dora, "POST", "/console/account/totp/disable", url.Values{"csrf": {"forged"}})
	want("disable with a forged CSRF token", code, http.StatusForbidden)
	if !totpOn("dora") {
		t.Error("garbage codes turned dora's second factor off")
	}

	// Sessions: garbage ids, another user's id, and a replayed revoke.
	adaOther := h.login("ada")
	kosal := h.login("kosal")
	kosalSession := onlySession(t, h, "kosal")
	before := h.count(`SELECT count(*) FROM sessions`)
	for _, id := range append(garbageIDs, fmt.Sprint(kosalSession)) {
		code, loc := send("POST /console/account/sessions/:id/revoke", "malformed", ada, "POST", "/console/account/sessions/"+id+"/revoke", url.Values{})
		want("revoke session "+id[:min(len(id), 24)], code, http.StatusNotFound, http.StatusBadRequest)
		if loc != "" {
			t.Errorf("revoke session %.24s sent to %q", id, loc)
		}
		if id == fmt.Sprint(kosalSession) {
			continue // as a user id, it may be someone's
		}
		code, _ = send("POST /console/admin/users/:id/revoke-sessions", "malformed", ada, "POST", "/console/admin/users/"+id+"/revoke-sessions", url.Values{})
		want("admin revoke of user "+id[:min(len(id), 24)], code, http.StatusNotFound, http.StatusBadRequest)
	}
	for _, f := range []url.Values{{"csrf": {"forged"}}, {"csrf": {""}}, {"csrf": {garbageText[0]}}} {
		code, _ := send("POST /console/account/sessions/revoke-others", "forged", ada, "POST", "/console/account/sessions/revoke-others", f)
		want("revoke others with a forged CSRF token", code, http.StatusForbidden)
		code, _ = send("POST /console/admin/users/:id/revoke-sessions", "forged", kosal, "POST", fmt.Sprintf("/console/admin/users/%d/revoke-sessions", mustStaff(t, h, "ada")), url.Values{})
		want("admin revoke by a responder", code, http.StatusForbidden)
	}
	if after := h.count(`SELECT count(*) FROM sessions`); after != before {
		t.Errorf("sessions: %d before the garbage, %d after", before, after)
	}
	otherID := onlyCurrent(t, h, "ada", adaOther)
	if otherID == 0 {
		t.Fatal("ada's second session not found")
	}
	path := fmt.Sprintf("/console/account/sessions/%d/revoke", otherID)
	if code, _ := send("POST /console/account/sessions/:id/revoke", "genuine", ada, "POST", path, url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("revoke ada's other session: %d", code)
	}
	code, _ = send("POST /console/account/sessions/:id/revoke", "replayed", ada, "POST", path, url.Values{})
	want("the same revoke again", code, http.StatusNotFound)
	if code, _ := ada.get("/console"); code != http.StatusOK {
		t.Errorf("ada's own session after the garbage: %d", code)
	}

	// Evidence ids and case ids that are not numbers, huge or negative:
	// not found, and no download is audited.
	for _, id := range garbageIDs {
		code, _ := send("GET /console/cases/:id/evidence/:eid", "malformed", ada, "GET", fmt.Sprintf("/console/cases/%d/evidence/%s", caseID, id), nil)
		want("evidence id "+id[:min(len(id), 24)], code, http.StatusNotFound, http.StatusBadRequest)
		code, _ = send("GET /console/cases/:id/evidence/:eid", "malformed", ada, "GET", fmt.Sprintf("/console/cases/%s/evidence/%d", id, item.ID), nil)
		want("case id "+id[:min(len(id), 24)], code, http.StatusNotFound, http.StatusBadRequest)
		code, _ = send("GET /console/cases/:id/evidence/:eid", "malformed", kosal, "GET", fmt.Sprintf("/console/cases/%d/evidence/%s", caseID, id), nil)
		want("evidence id "+id[:min(len(id), 24)]+" as an unrelated responder", code, http.StatusNotFound, http.StatusForbidden, http.StatusBadRequest)
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'evidence.downloaded'`); n != 0 {
		t.Errorf("%d downloads audited from garbage ids", n)
	}

	// The account forms: oversized and Unicode garbage; the password stays.
	pia := h.login("pia")
	_, hashBefore, _, err := h.db.StaffByName(t.Context(), "pia")
	if err != nil {
		t.Fatal(err)
	}
	// 24 000 bytes each, 72 000 URL-encoded: the three fit the body limit.
	big := strings.Repeat("ស", 8_000)
	code, _ = send("POST /console/account/password", "oversized", pia, "POST", "/console/account/password",
		url.Values{"current": {big}, "new": {big}, "confirm": {big}})
	want("password form with 24 kB fields", code, http.StatusBadRequest, http.StatusTooManyRequests)
	// Over the limit the server answers on the announced length alone and
	// closes; a client still writing the body may see its connection reset
	// before it reads the 413, so the body is announced and not sent.
	tally.sent["POST /console/account/password"]["oversized"]++
	code = h.postOversize("/console/account/password", "application/x-www-form-urlencoded", server.DefaultBodyLimit+1)
	want("password form over the body limit", code, http.StatusRequestEntityTooLarge)
	for _, g := range garbageText {
		code, _ := send("POST /console/account/password", "malformed", pia, "POST", "/console/account/password",
			url.Values{"current": {g}, "new": {g}, "confirm": {g}})
		want(fmt.Sprintf("password form with %.12q", g), code, http.StatusBadRequest, http.StatusTooManyRequests)
		code, loc := send("POST /console/account/lang", "malformed", pia, "POST", "/console/account/lang",
			url.Values{"lang": {g}, "next": {"//evil.example/" + g}})
		want(fmt.Sprintf("lang %.12q", g), code, http.StatusBadRequest)
		if loc != "" {
			t.Errorf("lang %.12q sent to %q", g, loc)
		}
	}
	for _, next := range []string{"//evil.example", "/\\evil.example", "https://evil.example/console", "/console\r\nSet-Cookie: x=1", "javascript:alert(1)", "/console/../../x"} {
		code, loc := send("POST /console/account/lang", "forged", pia, "POST", "/console/account/lang", url.Values{"lang": {"km"}, "next": {next}})
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/console") || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\r\n\\") {
			t.Errorf("lang with next %q: %d → %q", next, code, loc)
		}
	}
	if _, hashAfter, _, err := h.db.StaffByName(t.Context(), "pia"); err != nil || hashAfter != hashBefore {
		t.Errorf("pia's password changed by garbage (%v)", err)
	}

	tally.stored = h.count(`SELECT count(*) FROM messages WHERE direction = 'in'`) - baseline
	tally.panics = h.srv.Panics()
	return tally
}

// code6 is the current code of secret.
func code6(t *testing.T, secret string) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// login2 logs in a user with a second factor: password, then a code.
func (h *harness) login2(name, secret string) *consoleClient {
	h.t.Helper()
	cc := h.browser()
	if code, _, loc := cc.tryLogin(name, staffPassword); code != http.StatusSeeOther || loc != "/console/login/code" {
		h.t.Fatalf("password step of %s: %d → %q", name, code, loc)
	}
	if code, _, loc := cc.codeStep(code6(h.t, secret)); code != http.StatusSeeOther || loc != "/console" {
		h.t.Fatalf("code step of %s: %d → %q", name, code, loc)
	}
	_, body := cc.get("/console/account")
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		h.t.Fatalf("no csrf token on the account page of %s", name)
	}
	cc.csrf = m[1]
	return cc
}

// onlyCurrent is the id of cc's session of name's, as EachSession marks it.
func onlyCurrent(t *testing.T, h *harness, name string, cc *consoleClient) int64 {
	t.Helper()
	u, _ := url.Parse(h.baseURL + "/console/")
	var tok string
	for _, ck := range cc.c.Jar.Cookies(u) {
		if ck.Name == "hotline_session" {
			tok = ck.Value
		}
	}
	var cur int64
	if err := h.db.EachSession(t.Context(), mustStaff(t, h, name), tok, func(id int64, _, _ time.Time, _, _ string, current bool) {
		if current {
			cur = id
		}
	}); err != nil {
		t.Fatal(err)
	}
	return cur
}
