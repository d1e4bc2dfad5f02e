package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hotline"
	"hotline/store"
)

// TestAuthorizationMatrix walks every console and API route as every kind
// of caller and checks the status each gets. Actions use a case of their
// own per caller so that one caller's change does not alter the next row.
func TestAuthorizationMatrix(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("ada", hotline.RoleAdmin, "")
	h.staff("agnes", hotline.RoleAgent, "")
	h.staff("kosal", hotline.RoleResponder, "Police Unit")
	h.staff("vanna", hotline.RoleResponder, "Other Unit")
	h.staff("tara", hotline.RoleAgent, "")
	target := mustStaff(t, h, "tara")
	// Responder contacts and a rule for the routing admin routes.
	duty, err := h.db.AddResponder(t.Context(), "test", "Police Unit", store.Responder{Name: "night desk", Channel: hotline.SMS, Address: "+85510000901", OnDuty: true})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := h.db.AddResponder(t.Context(), "test", "Police Unit", store.Responder{Name: "old desk", Channel: hotline.SMS, Address: "+85510000902"})
	if err != nil {
		t.Fatal(err)
	}
	rule, err := h.db.AddRoute(t.Context(), "test", "Police Unit", store.RoutingRule{Province: "Svay Rieng"})
	if err != nil {
		t.Fatal(err)
	}
	handed := h.newCase("SM00000000000000000000000000000a01", "+85510000701", "they took our passports in Bavet")
	police := h.orgID("Police Unit")
	if _, err := h.db.HandOff(t.Context(), mustStaffFull(t, h, "agnes"), handed.ID, police, []string{"location"}, ""); err != nil {
		t.Fatal(err)
	}

	callers := []string{"anonymous", "admin", "agent", "responder-right", "responder-wrong"}
	clients := map[string]*consoleClient{
		"anonymous": h.browser(), "admin": h.login("ada"), "agent": h.login("agnes"),
		"responder-right": h.login("kosal"), "responder-wrong": h.login("vanna"),
	}
	tokens := map[string]string{
		"anonymous": "", "admin": h.token("ada-api", hotline.RoleAdmin), "agent": h.token("agnes-api", hotline.RoleAgent),
	}

	// Expected status per caller, in the order of callers.
	type route struct {
		method, path string
		form         url.Values
		want         [5]int
	}
	c := fmt.Sprintf("/console/cases/%d", handed.ID)
	const ok, see, unauth, forb = 200, 303, 401, 403
	routes := []route{
		{"GET", "/console", nil, [5]int{see, ok, ok, ok, ok}},
		{"GET", "/console/account", nil, [5]int{see, ok, ok, ok, ok}},
		{"GET", "/console/map.svg", nil, [5]int{see, ok, ok, ok, ok}},
		{"GET", c, nil, [5]int{see, ok, ok, ok, forb}},
		{"POST", c + "/note", url.Values{"body": {"checked"}}, [5]int{unauth, see, see, forb, forb}},
		{"POST", c + "/urgency", url.Values{"urgency": {"critical"}, "reason": {"r"}}, [5]int{unauth, see, see, forb, forb}},
		{"POST", c + "/assign", url.Values{"claim": {"1"}}, [5]int{unauth, see, see, forb, forb}},
		{"POST", c + "/reply", url.Values{"body": {"ok"}}, [5]int{unauth, see, see, forb, forb}},
		{"POST", c + "/handoff", url.Values{"organisation": {fmt.Sprint(police)}, "share": {"location"}}, [5]int{unauth, see, see, forb, forb}},
		{"POST", c + "/merge", url.Values{"other": {"999999"}}, [5]int{unauth, 404, 404, forb, forb}},
		{"POST", c + "/status", url.Values{"status": {"in_progress"}}, [5]int{unauth, see, 409, forb, forb}},
		{"POST", c + "/ack", nil, [5]int{unauth, forb, forb, see, forb}},
		{"GET", "/console/admin", nil, [5]int{see, ok, forb, forb, forb}},
		{"POST", "/console/admin/orgs", url.Values{"name": {"Task Force"}}, [5]int{unauth, see, forb, forb, forb}},
		{"POST", "/console/admin/users", url.Values{"name": {"newbie"}, "role": {"agent"}}, [5]int{unauth, 201, forb, forb, forb}},
		{"POST", fmt.Sprintf("/console/admin/users/%d/disable", target), nil, [5]int{unauth, see, forb, forb, forb}},
		{"POST", fmt.Sprintf("/console/admin/users/%d/enable", target), nil, [5]int{unauth, see, forb, forb, forb}},
		{"GET", "/console/admin/routing", nil, [5]int{see, ok, forb, forb, forb}},
		{"POST", "/console/admin/responders", url.Values{"organisation": {"Police Unit"}, "name": {"day desk"}, "channel": {"sms"}, "address": {"+85510000903"}, "on_duty": {"1"}}, [5]int{unauth, see, forb, forb, forb}},
		{"POST", fmt.Sprintf("/console/admin/responders/%d/duty", duty.ID), url.Values{"on": {"0"}}, [5]int{unauth, see, forb, forb, forb}},
		{"POST", fmt.Sprintf("/console/admin/responders/%d/remove", gone.ID), nil, [5]int{unauth, see, forb, forb, forb}},
		{"POST", "/console/admin/routes", url.Values{"organisation": {"Police Unit"}, "lang": {"km"}}, [5]int{unauth, see, forb, forb, forb}},
		{"POST", fmt.Sprintf("/console/admin/routes/%d/remove", rule.ID), nil, [5]int{unauth, see, forb, forb, forb}},
		{"POST", c + "/consent", url.Values{"consent": {"1"}}, [5]int{unauth, see, see, forb, forb}},
		{"POST", c + "/update", url.Values{"kind": {"en_route"}}, [5]int{unauth, forb, forb, see, forb}},
		{"POST", c + "/family", url.Values{"consent": {"0"}}, [5]int{unauth, see, see, forb, forb}},
		{"POST", c + "/family/send", nil, [5]int{unauth, 409, 409, forb, forb}},
		{"POST", "/console/account/lang", url.Values{"lang": {"en"}, "next": {"/console"}}, [5]int{unauth, see, see, see, see}},
		{"POST", "/console/logout", nil, [5]int{unauth, see, see, see, see}},
	}
	// The event streams: only the status and headers are read, since an
	// allowed stream stays open.
	for _, r := range []route{
		{"GET", "/console/events", nil, [5]int{unauth, ok, ok, ok, ok}},
		{"GET", c + "/events", nil, [5]int{unauth, ok, ok, ok, forb}},
	} {
		for i, who := range callers {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, h.baseURL+r.path, nil)
			res, err := clients[who].c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != r.want[i] {
				t.Errorf("GET %s as %s: %d, want %d", r.path, who, res.StatusCode, r.want[i])
			}
			if res.StatusCode == ok && res.Header.Get("Content-Type") != "text/event-stream" {
				t.Errorf("GET %s as %s: %s, want an event stream", r.path, who, res.Header.Get("Content-Type"))
			}
		}
	}
	for _, r := range routes {
		for i, who := range callers {
			cc := clients[who]
			var code int
			if r.method == "GET" {
				code, _ = cc.get(r.path)
			} else {
				form := url.Values{}
				for k, v := range r.form {
					form[k] = v
				}
				code, _, _ = cc.post(r.path, form)
			}
			if code != r.want[i] {
				t.Errorf("%s %s as %s: %d, want %d", r.method, r.path, who, code, r.want[i])
			}
		}
	}
	// Every console form refuses a missing token, even from a logged-in admin.
	admin := h.login("ada")
	if code, _, _ := admin.post(c+"/note", url.Values{"csrf": {""}, "body": {"x"}}); code != http.StatusForbidden {
		t.Errorf("note without CSRF token: %d, want 403", code)
	}

	// The JSON API with bearer tokens: staff read everything; a responder
	// reads the list (only their organisation's cases) and the cases handed
	// to their organisation; any other case is 403, as on the console.
	tokens["responder-right"] = h.token("kosal-api", hotline.RoleResponder)
	tokens["responder-wrong"] = h.token("vanna-api", hotline.RoleResponder)
	for name, org := range map[string]string{"kosal-api": "Police Unit", "vanna-api": "Other Unit"} {
		if err := h.db.SetUserOrganisation(t.Context(), name, org); err != nil {
			t.Fatal(err)
		}
	}
	apiRoutes := []route{
		{"GET", "/api/v1/cases", nil, [5]int{unauth, ok, ok, ok, ok}},
		{"GET", fmt.Sprintf("/api/v1/cases/%d", handed.ID), nil, [5]int{unauth, ok, ok, ok, forb}},
		{"GET", "/api/v1/cases/999999", nil, [5]int{unauth, 404, 404, forb, forb}},
	}
	for _, r := range apiRoutes {
		for i, who := range callers {
			if res, _ := h.get(r.path, tokens[who]); res.StatusCode != r.want[i] {
				t.Errorf("GET %s as %s: %d, want %d", r.path, who, res.StatusCode, r.want[i])
			}
		}
	}
	// The list a responder gets holds their organisation's case only.
	for who, want := range map[string]int{"responder-right": 1, "responder-wrong": 0} {
		_, body := h.get("/api/v1/cases?status=", tokens[who])
		if n := strings.Count(body, `"ref":`); n != want {
			t.Errorf("API list as %s: %d cases, want %d: %s", who, n, want, body)
		}
	}

	// The later routes (console_authz_new_test.go), with a user who must
	// still change a one-time password; then every registered route must
	// have a row in one table or the other.
	var rows []string
	for _, r := range routes {
		rows = append(rows, r.method+" "+r.path)
	}
	for _, r := range apiRoutes {
		rows = append(rows, r.method+" "+r.path)
	}
	rows = append(rows, "GET /console/events", "GET "+c+"/events")
	authzNewRoutes(t, rows)
}

func mustStaffFull(t *testing.T, h *harness, name string) hotline.Staff {
	t.Helper()
	st, _, _, err := h.db.StaffByName(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
