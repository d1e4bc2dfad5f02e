package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hotline"
	"hotline/store"
)

// TestAckLinkCarriesAnUpdate: the acknowledgement form can carry a
// responder's update; a rescue reported there lands on the timeline and
// resolves the case, an unknown update is refused without using the link.
func TestAckLinkCarriesAnUpdate(t *testing.T) {
	ctx := context.Background()
	a := newAckCase(t, "Anti-human-trafficking police", store.RoutingRule{}, "SMackupd1", "+85510000821", "km")
	db, base, r, token := a.h.db, a.h.baseURL, a.rcpt, a.token
	post := func(form url.Values) (int, string) {
		resp, err := http.PostForm(base+"/ack/"+token+"?lang=en", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	resp, err := http.Get(base + "/ack/" + token + "?lang=km")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `name="kind" value="rescued"`) || !strings.Contains(string(b), "បានជួយសង្គ្រោះ") {
		t.Fatalf("the ack page offers no update in Khmer: %s", b)
	}
	if code, _ := post(url.Values{"kind": {"arrested"}}); code != http.StatusBadRequest {
		t.Fatalf("unknown update: %d", code)
	}
	if code, body := post(url.Values{"kind": {"rescued"}, "note": {"two people out"}}); code != 200 || !strings.Contains(body, "update is recorded") {
		t.Fatalf("update: %d %s", code, body)
	}
	c, err := db.CaseDetail(ctx, r.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != hotline.StatusResolved || c.Resolution != hotline.ResolvedRescued || c.HandoffState != hotline.HandoffAcknowledged {
		t.Fatalf("case %s/%s/%s", c.Status, c.Resolution, c.HandoffState)
	}
	notes, _ := db.Notes(ctx, r.CaseID)
	if len(notes) != 1 || notes[0].Body != "[rescued] two people out" {
		t.Fatalf("notes %+v", notes)
	}
	if code, _ := post(url.Values{"kind": {"rescued"}}); code != http.StatusGone {
		t.Fatalf("second use: %d", code)
	}
}
