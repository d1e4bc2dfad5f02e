package webhook

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"hotline"
)

const secret = "responder-secret-0123456789"

// receiver is a responder's endpoint that checks every request the way a
// real one should.
func receiver(t *testing.T, fail *atomic.Int32, verified *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := Verify(secret, r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if fail.Add(-1) >= 0 {
			w.Header().Set("Retry-After", "3")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		verified.Add(1)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSignedWebhookIsVerifiedByTheReceiver(t *testing.T) {
	var fail, ok atomic.Int32
	srv := receiver(t, &fail, &ok)
	s := &Sender{Secret: func(context.Context, hotline.Outbound) (string, error) { return secret, nil }}
	m := hotline.Outbound{ID: 7, Channel: hotline.Webhook, To: srv.URL, Body: `{"event":"handoff"}`}
	if _, err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if ok.Load() != 1 {
		t.Fatal("receiver did not verify the request")
	}
	// A wrong secret is refused by the receiver, and that is final.
	bad := &Sender{Secret: func(context.Context, hotline.Outbound) (string, error) { return "another-secret-000000", nil }}
	_, err := bad.Send(context.Background(), m)
	if se, isSE := err.(*hotline.SendError); !isSE || se.Retryable || se.Code != "401" {
		t.Fatalf("wrong secret: %v", err)
	}
	// 503 is retryable with the receiver's hint.
	fail.Store(1)
	_, err = s.Send(context.Background(), m)
	if se, isSE := err.(*hotline.SendError); !isSE || !se.Retryable || se.RetryAfter != 3*time.Second {
		t.Fatalf("503: %#v", err)
	}
}

func TestVerifyRefusesReplayAndTampering(t *testing.T) {
	now := time.Now()
	body := []byte(`{"a":1}`)
	ts := now.Add(-10 * time.Minute).Unix()
	if err := Verify(secret, itoa(ts), Sign(secret, ts, body), body, now, 5*time.Minute); err == nil {
		t.Fatal("an old request was accepted")
	}
	ts = now.Unix()
	if err := Verify(secret, itoa(ts), Sign(secret, ts, body), []byte(`{"a":2}`), now, 5*time.Minute); err == nil {
		t.Fatal("a changed body was accepted")
	}
	if err := Verify(secret, itoa(ts+1), Sign(secret, ts, body), body, now, 5*time.Minute); err == nil {
		t.Fatal("a changed timestamp was accepted")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
