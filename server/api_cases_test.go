package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"hotline"
)

func TestCaseAPIAccess(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.post("/webhooks/twilio/messages", sms("SM00000000000000000000000000000a01", "+85510000601", "hello, is this the hotline?"), hAuthToken)
	id := h.allCases()[0].ID
	admin, agent, responder := h.token("ada", hotline.RoleAdmin), h.token("agnes", hotline.RoleAgent), h.token("rui", hotline.RoleResponder)
	// A responder of no organisation has nothing handed to them: an empty
	// list, and 403 on every case.
	for i, path := range []string{"/api/v1/cases", fmt.Sprintf("/api/v1/cases/%d", id)} {
		for _, tc := range []struct {
			who   string
			token string
			want  int
		}{
			{"anonymous", "", 401}, {"bad token", "not-a-token", 401},
			{"responder", responder, []int{200, 403}[i]}, {"agent", agent, 200}, {"admin", admin, 200},
		} {
			resp, _ := h.get(path, tc.token)
			if resp.StatusCode != tc.want {
				t.Errorf("%s GET %s: %d, want %d", tc.who, path, resp.StatusCode, tc.want)
			}
		}
	}
}

func TestCaseAPIQueueOrderFiltersAndPages(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	tok := h.token("agnes", hotline.RoleAgent)
	msgs := []struct{ from, body string }{
		{"+85510000701", "what documents do I need for a visa?"},                        // low
		{"+85510000702", "they locked us in the building in Bavet and took our phones"}, // high
		{"+85510000703", "they are beating us right now in Poipet, help"},               // critical
		{"+85510000704", "my son in Sihanoukville has not called for a week"},           // medium
		{"+85510000705", "the guards beat him with sticks in Bavet, come now"},          // critical, later
	}
	for i, m := range msgs {
		resp, _ := h.post("/webhooks/twilio/messages", sms(fmt.Sprintf("SM%032d", 7000+i), m.from, m.body), hAuthToken)
		if resp.StatusCode != 200 {
			t.Fatalf("webhook %d: %d", i, resp.StatusCode)
		}
	}
	var page hotline.CasePage
	list := func(q string) int {
		page = hotline.CasePage{}
		resp, body := h.get("/api/v1/cases"+q, tok)
		if resp.StatusCode == 200 {
			if err := json.Unmarshal([]byte(body), &page); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode
	}
	if list("") != 200 || len(page.Cases) != 5 || page.NextCursor != "" {
		t.Fatalf("full queue: %d cases, next %q", len(page.Cases), page.NextCursor)
	}
	for i := 1; i < len(page.Cases); i++ {
		a, b := page.Cases[i-1], page.Cases[i]
		if a.Urgency < b.Urgency || (a.Urgency == b.Urgency && a.WaitingSince.After(b.WaitingSince)) {
			t.Errorf("queue order broken at %d: %s/%v before %s/%v", i, a.Urgency, a.WaitingSince, b.Urgency, b.WaitingSince)
		}
	}
	if page.Cases[0].Urgency != hotline.Critical || page.Cases[len(page.Cases)-1].Urgency != hotline.Low {
		t.Errorf("worst first: got %s … %s", page.Cases[0].Urgency, page.Cases[len(page.Cases)-1].Urgency)
	}

	// Pages of two walk the same queue.
	var walked []int64
	cursor := ""
	for i := 0; i < 5; i++ {
		if list("?limit=2&cursor="+cursor) != 200 {
			t.Fatal("page failed")
		}
		for _, c := range page.Cases {
			walked = append(walked, c.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(walked) != 5 {
		t.Errorf("pages of 2 gave %d cases, want 5", len(walked))
	}

	if list("?urgency=critical") != 200 || len(page.Cases) != 2 {
		t.Errorf("urgency=critical: %d cases, want 2", len(page.Cases))
	}
	if list("?province=Svay+Rieng") != 200 || len(page.Cases) != 2 {
		t.Errorf("province=Svay Rieng: %d cases, want 2", len(page.Cases))
	}
	if list("?lang=en&status=new") != 200 || len(page.Cases) != 5 {
		t.Errorf("lang=en&status=new: %d cases, want 5", len(page.Cases))
	}
	for _, bad := range []string{"?limit=501", "?limit=0", "?limit=x", "?urgency=urgent", "?status=lost", "?cursor=not-a-cursor"} {
		if code := list(bad); code != http.StatusBadRequest {
			t.Errorf("GET /api/v1/cases%s: %d, want 400", bad, code)
		}
	}
}
