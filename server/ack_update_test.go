package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hotline"
	"hotline/handoff"
	"hotline/server"
	"hotline/store"
)

// TestAckLinkCarriesAnUpdate: the acknowledgement form can carry a
// responder's update; a rescue reported there lands on the timeline and
// resolves the case, an unknown update is refused without using the link.
func TestAckLinkCarriesAnUpdate(t *testing.T) {
	ctx := context.Background()
	key := []byte("ack-key-0123456789abcdef0123456789")
	// The acknowledgement link alone: no provider webhooks configured.
	h := newHarness(t, harnessOptions{config: func(c *server.Config) {
		*c = server.Config{PublicURL: c.PublicURL, AckKey: key}
	}})
	db, base := h.db, h.baseURL
	if _, err := db.AddRoute(ctx, "admin", "Anti-human-trafficking police", store.RoutingRule{}); err != nil {
		t.Fatal(err)
	}
	r, err := db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, ExternalID: "SMackupd1", From: "+85510000821", Body: "help", ReceivedAt: time.Now()},
		hotline.Triage{Lang: "km", Urgency: hotline.Critical, Reporter: hotline.ReporterSelf}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := db.Handoffs(ctx, r.CaseID)
	if len(hs) != 1 {
		t.Fatalf("hand-offs %+v", hs)
	}
	token, hash := handoff.AckSigner{Key: key}.Mint(hs[0].ID, 0, time.Now().Add(time.Hour))
	if err := db.SaveAckToken(ctx, hash, hs[0].ID, 0, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
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
