package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/server"
)

// mustChangeRedirect marks a row's expected answer for a user who still has
// to replace a one-time password: 303 to the password form, whatever the
// route would otherwise do.
const mustChangeRedirect = -303

// webhookRefused marks a webhook's answer to a request without the
// provider's credential: 403, 415 for a body not of the provider's type,
// or 429 once the forgeries from one address pass the limit.
const webhookRefused = -4

// authzNewRoutes is the matrix of the routes added with the account's
// security, the second factor, evidence downloads and the task-force
// pages, for six callers: the five of TestAuthorizationMatrix and an agent
// who logged in with a one-time password and has not replaced it. It then
// checks that every route the server registers has a row here or in
// oldRows ("METHOD path" as requested), so that a route added later
// without a row fails the test.
func authzNewRoutes(t *testing.T, oldRows []string) {
	o := harnessOptions{telegram: true, metrics: true}
	files := withEvidence(t, &o)
	prev := o.config
	o.config = func(c *server.Config) { prev(c); c.AckKey = []byte("authz-ack-key-authz-ack-key-0123") }
	h := newHarness(t, o)
	h.staff("ada", hotline.RoleAdmin, "")
	h.staff("agnes", hotline.RoleAgent, "")
	h.staff("kosal", hotline.RoleResponder, "Police Unit")
	h.staff("vanna", hotline.RoleResponder, "Other Unit")
	h.staff("mona", hotline.RoleAgent, "")
	h.staff("tara", hotline.RoleAgent, "")
	h.staff("tess", hotline.RoleAgent, "")

	// One case handed to Police Unit with its messages shared, one handed
	// to nobody; each has one fetched picture.
	seen, seenEv := fetchedEvidence(t, h, files, "MM00000000000000000000000000000b01", "+85510000711")
	hidden, hiddenEv := fetchedEvidence(t, h, files, "MM00000000000000000000000000000b02", "+85510000712")
	if _, err := h.db.HandOff(t.Context(), mustStaffFull(t, h, "agnes"), seen, h.orgID("Police Unit"),
		[]string{hotline.ShareLocation, hotline.ShareMessages}, ""); err != nil {
		t.Fatal(err)
	}

	callers := []string{"anonymous", "admin", "agent", "responder-right", "responder-wrong", "must-change"}
	clients := map[string]*consoleClient{
		"anonymous": h.browser(), "admin": h.login("ada"), "agent": h.login("agnes"),
		"responder-right": h.login("kosal"), "responder-wrong": h.login("vanna"), "must-change": h.login("mona"),
	}
	if err := h.db.RequirePasswordChange(t.Context(), mustStaff(t, h, "mona")); err != nil {
		t.Fatal(err)
	}
	// tara's session is the one the others try to end from their own
	// accounts; tess's is the one an administrator ends.
	tara, tess := h.login("tara"), h.login("tess")
	taraSession := onlySession(t, h, "tara")

	const ok, see, unauth, forb, nf, bad, guard, refused = 200, 303, 401, 403, 404, 400, mustChangeRedirect, webhookRefused
	ev := func(c int64, e int64) string { return fmt.Sprintf("/console/cases/%d/evidence/%d", c, e) }
	type row struct {
		method, path string
		form         url.Values
		want         [6]int
	}
	rows := []row{
		// Evidence: staff download any case's; a responder only a case
		// handed to their organisation with the messages shared; another
		// case's id under this case's URL is not found.
		{"GET", ev(seen, seenEv.ID), nil, [6]int{see, ok, ok, ok, forb, guard}},
		{"GET", ev(hidden, hiddenEv.ID), nil, [6]int{see, ok, ok, forb, forb, guard}},
		{"GET", ev(seen, hiddenEv.ID), nil, [6]int{see, nf, nf, nf, forb, guard}},
		{"GET", ev(hidden, 999999), nil, [6]int{see, nf, nf, forb, forb, guard}},
		{"GET", fmt.Sprintf("/console/cases/%d/evidence/x", seen), nil, [6]int{see, nf, nf, nf, nf, guard}},
		// The account page stays open to the must-change user: it holds
		// the password form.
		{"GET", "/console/account", nil, [6]int{see, ok, ok, ok, ok, ok}},
		{"POST", "/console/account/password", url.Values{"current": {"not the password"}, "new": {"a long new passphrase 1"}, "confirm": {"a long new passphrase 1"}},
			[6]int{unauth, bad, bad, bad, bad, bad}},
		{"POST", "/console/account/sessions/revoke-others", nil, [6]int{unauth, see, see, see, see, guard}},
		// Another user's session id from one's own account: not found,
		// and tara's session lives on (checked below).
		{"POST", fmt.Sprintf("/console/account/sessions/%d/revoke", taraSession), nil, [6]int{unauth, nf, nf, nf, nf, guard}},
		{"POST", "/console/account/sessions/abc/revoke", nil, [6]int{unauth, nf, nf, nf, nf, guard}},
		{"POST", "/console/account/totp/start", nil, [6]int{unauth, see, see, see, see, guard}},
		{"POST", "/console/account/totp/confirm", url.Values{"code": {"12345x"}}, [6]int{unauth, bad, bad, bad, bad, guard}},
		// Turning the second factor off without a code.
		{"POST", "/console/account/totp/disable", nil, [6]int{unauth, bad, bad, bad, bad, guard}},
		{"POST", fmt.Sprintf("/console/admin/users/%d/revoke-sessions", mustStaff(t, h, "tess")), nil, [6]int{unauth, ok, forb, forb, forb, guard}},
		// The login's second step without a challenge: nobody is half
		// logged in, so it starts again.
		{"GET", "/console/login/code", nil, [6]int{unauth, unauth, unauth, unauth, unauth, unauth}},
		{"POST", "/console/login/code", url.Values{"code": {"000000"}}, [6]int{unauth, unauth, unauth, unauth, unauth, unauth}},
		// The task-force pages.
		{"GET", "/console/overview", nil, [6]int{see, ok, ok, forb, forb, guard}},
		{"GET", "/console/overview/cases", nil, [6]int{see, ok, ok, forb, forb, guard}},
		{"GET", "/console/export", nil, [6]int{see, ok, forb, forb, forb, guard}},
		{"POST", "/console/export", nil, [6]int{unauth, bad, forb, forb, forb, guard}},
		{"GET", "/console/entities/999999", nil, [6]int{see, nf, nf, nf, nf, guard}},
		{"POST", fmt.Sprintf("/console/cases/%d/entities", seen), url.Values{"kind": {"nonsense"}}, [6]int{unauth, bad, bad, forb, forb, guard}},
		{"POST", fmt.Sprintf("/console/cases/%d/entities/999999", seen), url.Values{"state": {"confirmed"}}, [6]int{unauth, nf, nf, forb, forb, guard}},
		// The login form itself, and the public routes: a console session
		// opens none of what their own credentials guard.
		{"GET", "/console/login", nil, [6]int{ok, see, see, see, see, see}},
		{"POST", "/console/login", url.Values{"name": {"ada"}, "password": {staffPassword}}, [6]int{forb, forb, forb, forb, forb, forb}},
		{"GET", "/", nil, [6]int{ok, ok, ok, ok, ok, ok}},
		{"POST", "/", url.Values{"what": {"test"}}, [6]int{forb, forb, forb, forb, forb, forb}},
		{"GET", "/healthz", nil, [6]int{ok, ok, ok, ok, ok, ok}},
		// Metrics are open to this machine (the test's loopback) only.
		{"GET", "/metrics", nil, [6]int{ok, ok, ok, ok, ok, ok}},
		{"GET", "/voice/km/nothing-here", nil, [6]int{nf, nf, nf, nf, nf, nf}},
		// Acknowledgement links: the signed token is the credential.
		{"GET", "/ack/forged-token", nil, [6]int{nf, nf, nf, nf, nf, nf}},
		{"POST", "/ack/forged-token", nil, [6]int{nf, nf, nf, nf, nf, nf}},
		{"POST", "/webhooks/telegram", nil, [6]int{refused, refused, refused, refused, refused, refused}},
	}
	for _, p := range []string{"messages", "status", "voice", "voice/danger", "voice/done", "voice/lang", "voice/recording"} {
		rows = append(rows, row{"POST", "/webhooks/twilio/" + p, url.Values{"From": {"+85510000713"}}, [6]int{refused, refused, refused, refused, refused, refused}})
	}
	stored := h.count(`SELECT count(*) FROM messages`)
	for _, r := range rows {
		for i, who := range callers {
			code, loc := clients[who].request(r.method, r.path, r.form)
			want := r.want[i]
			if want == guard {
				if code != http.StatusSeeOther || loc != "/console/account#pw-h" {
					t.Errorf("%s %s as %s: %d → %q, want 303 to the password form", r.method, r.path, who, code, loc)
				}
				continue
			}
			if want == refused {
				if code != http.StatusForbidden && code != http.StatusUnsupportedMediaType && code != http.StatusTooManyRequests {
					t.Errorf("%s %s as %s: %d, want a refusal (403, 415, or 429 once the forgeries add up)", r.method, r.path, who, code)
				}
				continue
			}
			if code != want {
				t.Errorf("%s %s as %s: %d, want %d", r.method, r.path, who, code, want)
			}
		}
	}
	if n := h.count(`SELECT count(*) FROM messages`); n != stored {
		t.Errorf("the public routes stored %d messages for console sessions", n-stored)
	}

	// What the refusals left: tara's session works, tess's does not; only
	// the allowed downloads were audited; nobody turned on a second factor.
	if code, _ := tara.get("/console"); code != ok {
		t.Errorf("tara's session after others tried to end it: %d", code)
	}
	if code, _ := tess.get("/console"); code != see {
		t.Errorf("tess's session after an administrator ended them all: %d, want 303 to log in", code)
	}
	downloads := map[string]int{}
	rowsAudit, err := auditActors(h, "evidence.downloaded")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rowsAudit {
		downloads[a]++
	}
	if want := map[string]int{"ada": 2, "agnes": 2, "kosal": 1}; fmt.Sprint(downloads) != fmt.Sprint(want) {
		t.Errorf("downloads audited: %v, want %v", downloads, want)
	}
	if n := h.count(`SELECT count(*) FROM users WHERE totp_secret <> ''`); n != 0 {
		t.Errorf("%d accounts have a second factor after garbage codes", n)
	}

	// Every registered route has a row.
	covered := append([]string{}, oldRows...)
	for _, r := range rows {
		covered = append(covered, r.method+" "+r.path)
	}
	requireEveryRoute(t, h, covered)
}

// request sends a GET, or a POST form with the session's CSRF token, and
// returns the status and Location.
func (cc *consoleClient) request(method, path string, form url.Values) (int, string) {
	cc.h.t.Helper()
	if method == http.MethodGet {
		req, _ := http.NewRequest(method, cc.h.baseURL+path, nil)
		code, _, loc := cc.do(req)
		return code, loc
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	code, _, loc := cc.post(path, f)
	return code, loc
}

// onlySession is the id of name's one live session.
func onlySession(t *testing.T, h *harness, name string) int64 {
	t.Helper()
	var ids []int64
	err := h.db.EachSession(t.Context(), mustStaff(t, h, name), "", func(id int64, _, _ time.Time, _, _ string, _ bool) {
		ids = append(ids, id)
	})
	if err != nil || len(ids) != 1 {
		t.Fatalf("sessions of %s: %v, %v", name, ids, err)
	}
	return ids[0]
}

// auditActors lists the actor of every audit event of action.
func auditActors(h *harness, action string) ([]string, error) {
	var out []string
	n := h.count(`SELECT count(*) FROM audit_events WHERE action = ?`, action)
	for _, name := range []string{"ada", "agnes", "kosal", "vanna", "mona", "tara", "tess"} {
		for range h.count(`SELECT count(*) FROM audit_events WHERE action = ? AND actor = ?`, action, name) {
			out = append(out, name)
		}
	}
	if len(out) != n {
		return nil, fmt.Errorf("%d %s events, %d by the test's users", n, action, len(out))
	}
	return out, nil
}

var routeParam = regexp.MustCompile(`:[A-Za-z]+`)

// requireEveryRoute fails for each GET or POST route of the app (static
// files aside) that no "METHOD path" of covered requests.
func requireEveryRoute(t *testing.T, h *harness, covered []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range h.srv.App().GetRoutes(true) {
		if r.Method != fiber.MethodGet && r.Method != fiber.MethodPost || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		pattern := strings.TrimSuffix(r.Path, "/")
		re := regexp.MustCompile("^" + r.Method + " " + routeParam.ReplaceAllString(regexp.QuoteMeta(pattern), `[^/]+`) + "/?$")
		if seen[r.Method+" "+r.Path] {
			continue
		}
		seen[r.Method+" "+r.Path] = true
		found := false
		for _, c := range covered {
			if re.MatchString(strings.SplitN(c, "?", 2)[0]) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("route %s %s has no row in the authorization matrix", r.Method, r.Path)
		}
	}
	if len(seen) < 50 {
		t.Errorf("only %d routes registered: the walk missed the router", len(seen))
	}
}
