package dispatch

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"hotline"
	"hotline/channels/webhook"
	"hotline/store"
)

// A hand-off made in the console reaches a police unit's webhook, signed
// with its own secret, with the packet and a working link; the unit's
// "rescued" update then resolves the case.
func TestConsoleHandoffReachesSignedWebhookAndUpdateResolves(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	const secret = "police-unit-secret-0123456789"
	var mu sync.Mutex
	var got []map[string]any
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify(secret, r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature), body, time.Now(), time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var m map[string]any
		json.Unmarshal(body, &m)
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}))
	defer recv.Close()
	resp, err := db.AddResponder(ctx, "admin", "Anti-human-trafficking police", store.Responder{Name: "desk", Channel: hotline.Webhook,
		Address: recv.URL, Secret: secret, Lang: "km", OnDuty: true})
	if err != nil {
		t.Fatal(err)
	}
	r := inbound(t, db, "SMhand1", "+85510000129", "km", hotline.High)
	if _, err := db.CreateUser(ctx, "agent-test", hotline.RoleAgent, "!"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.HandOff(ctx, agent, r.CaseID, resp.OrganisationID, []string{hotline.ShareLocation, hotline.ShareReasons}, ""); err != nil {
		t.Fatal(err)
	}
	cfg := fastConfig(map[hotline.Channel]hotline.Sender{hotline.Webhook: &webhook.Sender{
		Secret: func(ctx context.Context, m hotline.Outbound) (string, error) { return db.ResponderSecret(ctx, m.ID) }}})
	d := New(db, cfg)
	rounds(t, d, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 1 })
	p, _ := got[0]["packet"].(map[string]any)
	if p["ref"] != r.CaseRef || p["ack_url"] == "" || got[0]["text"] == "" {
		t.Fatalf("webhook body %v", got[0])
	}
	if _, has := p["phone"]; has {
		t.Fatal("the contact was not shared but reached the webhook")
	}
	// The police unit reports back.
	police := hotline.Staff{User: hotline.User{ID: 1, Name: "agent-test"}, OrganisationID: resp.OrganisationID, Organisation: resp.Organisation}
	if err := db.ResponderUpdate(ctx, police, r.CaseID, store.UpdateRescued, "three people out"); err != nil {
		t.Fatal(err)
	}
	c, _ := db.GetCase(ctx, r.CaseID)
	if c.Status != hotline.StatusResolved {
		t.Fatalf("status after rescue: %s", c.Status)
	}
	hs, _ := db.Handoffs(ctx, r.CaseID)
	if hs[0].AcknowledgedAt == nil {
		t.Fatal("an update did not acknowledge the hand-off")
	}
}
