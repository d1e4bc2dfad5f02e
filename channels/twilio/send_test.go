package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"hotline"
)

const (
	fakeSID   = "AC00000000000000000000000000000001"
	fakeToken = "faketoken0123456789abcdef"
)

// fakeMessagesAPI is a loopback stand-in for Twilio's Messages resource,
// from its documented wire format: POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json, form fields, Basic auth,
// a JSON message resource on 201 and a JSON error otherwise.
type fakeMessagesAPI struct {
	mu       sync.Mutex
	answers  []int // statuses to answer before accepting; 0 accepts
	accepted []map[string]string
}

func (f *fakeMessagesAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if r.Method != http.MethodPost || r.URL.Path != "/2010-04-01/Accounts/"+fakeSID+"/Messages.json" {
		http.Error(w, `{"code":20404,"message":"not found","status":404}`, 404)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if !ok || user != fakeSID || pass != fakeToken {
		w.WriteHeader(401)
		fmt.Fprint(w, `{"code":20003,"message":"Authenticate","status":401}`)
		return
	}
	r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.answers) > 0 {
		st := f.answers[0]
		f.answers = f.answers[1:]
		if st != 0 {
			code := map[int]int{400: 21211, 429: 20429, 500: 20500, 503: 20503}[st]
			if st == 400 && r.Form.Get("To") == "+85510000999" {
				code = 21610
			}
			w.WriteHeader(st)
			json.NewEncoder(w).Encode(map[string]any{"code": code, "message": "refused", "status": st, "more_info": "https://www.twilio.com/docs/errors"})
			return
		}
	}
	m := map[string]string{}
	for k := range r.Form {
		m[k] = r.Form.Get(k)
	}
	f.accepted = append(f.accepted, m)
	sid := fmt.Sprintf("SM%032d", len(f.accepted))
	w.WriteHeader(201)
	json.NewEncoder(w).Encode(map[string]any{"sid": sid, "status": "queued", "to": m["To"], "from": m["From"], "account_sid": fakeSID})
}

func newFake(t *testing.T, answers ...int) (*fakeMessagesAPI, *Sender) {
	f := &fakeMessagesAPI{answers: answers}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, NewSender(SenderConfig{AccountSID: fakeSID, AuthToken: fakeToken, From: "+85510999000", BaseURL: srv.URL})
}

func TestSendSMSAndWhatsApp(t *testing.T) {
	f, s := newFake(t)
	ctx := context.Background()
	id, err := s.Send(ctx, hotline.Outbound{Channel: hotline.SMS, To: "+85510000123", Body: "Received.", StatusCallback: "https://hotline.test/webhooks/twilio/status"})
	if err != nil || !strings.HasPrefix(id, "SM") {
		t.Fatalf("sms: %q %v", id, err)
	}
	if _, err := s.Send(ctx, hotline.Outbound{Channel: hotline.WhatsApp, To: "+821000001234", Body: "Received."}); err != nil {
		t.Fatal(err)
	}
	got := f.accepted
	if len(got) != 2 {
		t.Fatalf("accepted %d", len(got))
	}
	if got[0]["To"] != "+85510000123" || got[0]["From"] != "+85510999000" || got[0]["StatusCallback"] != "https://hotline.test/webhooks/twilio/status" || got[0]["Body"] != "Received." {
		t.Fatalf("sms form %v", got[0])
	}
	if got[1]["To"] != "whatsapp:+821000001234" || got[1]["From"] != "whatsapp:+85510999000" {
		t.Fatalf("whatsapp form %v", got[1])
	}
}

func TestSendErrorsAreClassified(t *testing.T) {
	tests := []struct {
		status                 int
		to                     string
		retryable, unreachable bool
	}{
		{429, "+85510000123", true, false},
		{500, "+85510000123", true, false},
		{503, "+85510000123", true, false},
		{400, "+85510000123", false, false},
		{400, "+85510000999", false, true}, // 21610 unsubscribed
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, tt.to), func(t *testing.T) {
			_, s := newFake(t, tt.status)
			_, err := s.Send(context.Background(), hotline.Outbound{Channel: hotline.SMS, To: tt.to, Body: "x"})
			se, ok := err.(*hotline.SendError)
			if !ok {
				t.Fatalf("error %T %v", err, err)
			}
			if se.Retryable != tt.retryable || se.Unreachable != tt.unreachable {
				t.Fatalf("%+v", se)
			}
		})
	}
}

func TestSendWithoutCredentialsIsNotConfigured(t *testing.T) {
	_, err := NewSender(SenderConfig{}).Send(context.Background(), hotline.Outbound{Channel: hotline.SMS, To: "+85510000123", Body: "x"})
	if err != hotline.ErrNotConfigured {
		t.Fatalf("%v", err)
	}
}

func TestSendToClosedPortIsRetryableNotConnected(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	s := NewSender(SenderConfig{AccountSID: fakeSID, AuthToken: fakeToken, From: "+85510999000", BaseURL: url})
	_, err := s.Send(context.Background(), hotline.Outbound{Channel: hotline.SMS, To: "+85510000123", Body: "x"})
	se, ok := err.(*hotline.SendError)
	if !ok || !se.Retryable || se.Code != CodeNotConnected {
		t.Fatalf("%#v", err)
	}
}
