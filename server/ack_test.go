package server_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"hotline"
	"hotline/handoff"
	"hotline/server"
	"hotline/store"
)

func TestAckLinkWorksOnceThenNotAndExpires(t *testing.T) {
	ctx := context.Background()
	a := newAckCase(t, "Embassy consular desk", store.RoutingRule{Lang: "ko"}, "SMack1", "+821000001234", "ko")
	db, base, r, hs, token := a.h.db, a.h.baseURL, a.rcpt, a.handoffs, a.token
	signer := handoff.AckSigner{Key: a.key}
	do := func(method, token string) (int, string) {
		req, _ := http.NewRequest(method, base+"/ack/"+token+"?lang=ko", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Opening the link (a mail scanner would) acknowledges nothing.
	if code, body := do(http.MethodGet, token); code != 200 || !strings.Contains(body, r.CaseRef) || !strings.Contains(body, "<form") {
		t.Fatalf("GET: %d %s", code, body)
	}
	if hs, _ := db.Handoffs(ctx, r.CaseID); hs[0].AcknowledgedAt != nil {
		t.Fatal("a GET acknowledged the hand-off")
	}
	if code, body := do(http.MethodPost, token); code != 200 || !strings.Contains(body, "접수가 확인되었습니다") {
		t.Fatalf("POST: %d %s", code, body)
	}
	if hs, _ := db.Handoffs(ctx, r.CaseID); hs[0].AcknowledgedAt == nil {
		t.Fatal("the hand-off is not acknowledged")
	}
	if code, _ := do(http.MethodPost, token); code != http.StatusGone {
		t.Fatalf("second use: %d", code)
	}
	// Expired and forged links.
	old, oldHash := signer.Mint(hs[0].ID, 0, time.Now().Add(-time.Minute))
	db.SaveAckToken(ctx, oldHash, hs[0].ID, 0, time.Now().Add(-time.Minute))
	if code, _ := do(http.MethodPost, old); code != http.StatusGone {
		t.Fatalf("expired: %d", code)
	}
	forged, _ := handoff.AckSigner{Key: []byte("another key")}.Mint(hs[0].ID, 0, time.Now().Add(time.Hour))
	if code, _ := do(http.MethodGet, forged); code != http.StatusNotFound {
		t.Fatalf("forged: %d", code)
	}
}

// ackCase is a server with only acknowledgement links configured, one
// routing rule, and one critical case handed off by it with a saved link.
type ackCase struct {
	h        *harness
	key      []byte
	rcpt     hotline.Receipt
	handoffs []hotline.Handoff
	token    string // a valid link token for the hand-off, for an hour
}

func newAckCase(t *testing.T, org string, rule store.RoutingRule, sid, from, lang string) ackCase {
	t.Helper()
	ctx := context.Background()
	key := []byte("ack-key-0123456789abcdef0123456789")
	// The acknowledgement link alone: no provider webhooks configured.
	h := newHarness(t, harnessOptions{config: func(c *server.Config) {
		*c = server.Config{PublicURL: c.PublicURL, AckKey: key}
	}})
	if _, err := h.db.AddRoute(ctx, "admin", org, rule); err != nil {
		t.Fatal(err)
	}
	r, err := h.db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, ExternalID: sid, From: from, Body: "help", ReceivedAt: time.Now()},
		hotline.Triage{Lang: lang, Urgency: hotline.Critical, Reporter: hotline.ReporterSelf}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := h.db.Handoffs(ctx, r.CaseID)
	if len(hs) != 1 {
		t.Fatalf("hand-offs %+v", hs)
	}
	token, hash := handoff.AckSigner{Key: key}.Mint(hs[0].ID, 0, time.Now().Add(time.Hour))
	if err := h.db.SaveAckToken(ctx, hash, hs[0].ID, 0, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return ackCase{h: h, key: key, rcpt: r, handoffs: hs, token: token}
}
