package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"hotline"
)

// fakeBotAPI answers Bot API calls on loopback the way api.telegram.org
// documents them, from a queue of canned answers, and records each call.
type fakeBotAPI struct {
	mu      sync.Mutex
	calls   []fakeCall
	answers []fakeAnswer
}

type fakeCall struct {
	Path   string
	Params map[string]any
}

type fakeAnswer struct {
	status int
	body   string
}

func (f *fakeBotAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var params map[string]any
	_ = json.Unmarshal(b, &params)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fakeCall{Path: r.URL.Path, Params: params})
	a := fakeAnswer{200, `{"ok":true,"result":{"message_id":4242,"chat":{"id":1,"type":"private"},"date":1,"text":"x"}}`}
	if len(f.answers) > 0 {
		a, f.answers = f.answers[0], f.answers[1:]
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	io.WriteString(w, a.body)
}

func newFake(t *testing.T, answers ...fakeAnswer) (*fakeBotAPI, *Client) {
	f := &fakeBotAPI{answers: answers}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, &Client{BaseURL: srv.URL, Token: "123456:TEST-token"}
}

func TestSendOutcomes(t *testing.T) {
	msg := hotline.Outbound{ID: 1, Kind: hotline.OutboundReply, Channel: hotline.Telegram, To: "700001", Body: "ref HX-7Q4K"}
	for _, tc := range []struct {
		label                  string
		answer                 fakeAnswer
		wantID                 string
		retryable, unreachable bool
		retryAfter             time.Duration
		code                   string
	}{
		{label: "sent", answer: fakeAnswer{200, `{"ok":true,"result":{"message_id":77,"date":1,"chat":{"id":700001,"type":"private"}}}`}, wantID: "77"},
		{label: "blocked", answer: fakeAnswer{403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`}, unreachable: true, code: "403"},
		{label: "chat not found", answer: fakeAnswer{400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`}, unreachable: true, code: "400"},
		{label: "flood wait", answer: fakeAnswer{429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}}`}, retryable: true, retryAfter: 17 * time.Second, code: "429"},
		{label: "server error", answer: fakeAnswer{502, `<html>Bad Gateway</html>`}, retryable: true, code: "502"},
		{label: "bad request is final", answer: fakeAnswer{400, `{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}`}, code: "400"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			f, c := newFake(t, tc.answer)
			id, err := c.Send(context.Background(), msg)
			if len(f.calls) != 1 || f.calls[0].Path != "/bot123456:TEST-token/sendMessage" {
				t.Fatalf("calls %+v", f.calls)
			}
			if f.calls[0].Params["chat_id"] != "700001" || f.calls[0].Params["text"] != "ref HX-7Q4K" {
				t.Errorf("params %+v", f.calls[0].Params)
			}
			if tc.wantID != "" {
				if err != nil || id != tc.wantID {
					t.Fatalf("id %q err %v", id, err)
				}
				return
			}
			var se *hotline.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a SendError", err)
			}
			if se.Retryable != tc.retryable || se.Unreachable != tc.unreachable || se.RetryAfter != tc.retryAfter || se.Code != tc.code {
				t.Errorf("got %+v", se)
			}
			if hotline.IsRetryable(err) != tc.retryable {
				t.Errorf("IsRetryable = %v", hotline.IsRetryable(err))
			}
			if strings.Contains(err.Error(), "TEST-token") {
				t.Errorf("error carries the token: %v", err)
			}
		})
	}
}

func TestSendNetworkErrorIsRetryableAndHidesToken(t *testing.T) {
	c := &Client{BaseURL: "http://127.0.0.1:1", Token: "123456:TEST-token"}
	_, err := c.Send(context.Background(), hotline.Outbound{Channel: hotline.Telegram, To: "1", Body: "x"})
	if !hotline.IsRetryable(err) {
		t.Fatalf("want retryable, got %v", err)
	}
	if strings.Contains(err.Error(), "TEST-token") {
		t.Errorf("error carries the token: %v", err)
	}
}

func TestSendNotConfigured(t *testing.T) {
	_, err := (&Client{}).Send(context.Background(), hotline.Outbound{Channel: hotline.Telegram, To: "1", Body: "x"})
	if !errors.Is(err, hotline.ErrNotConfigured) {
		t.Fatalf("got %v", err)
	}
}

func TestSetWebhook(t *testing.T) {
	f, c := newFake(t, fakeAnswer{200, `{"ok":true,"result":true,"description":"Webhook was set"}`})
	if err := c.SetWebhook(context.Background(), "https://hotline.example.org/webhooks/telegram", "s3cret"); err != nil {
		t.Fatal(err)
	}
	p := f.calls[0].Params
	if f.calls[0].Path != "/bot123456:TEST-token/setWebhook" || p["url"] != "https://hotline.example.org/webhooks/telegram" || p["secret_token"] != "s3cret" {
		t.Fatalf("call %+v", f.calls[0])
	}
	_, c = newFake(t, fakeAnswer{401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`})
	if err := c.SetWebhook(context.Background(), "https://x", "s"); err == nil {
		t.Fatal("want error for a bad token")
	}
}

func TestWebhookReply(t *testing.T) {
	var r map[string]any
	if err := json.Unmarshal(WebhookReply(700001, "접수되었습니다"), &r); err != nil {
		t.Fatal(err)
	}
	if r["method"] != "sendMessage" || r["chat_id"] != float64(700001) || r["text"] != "접수되었습니다" {
		t.Fatalf("%v", r)
	}
	if WebhookReply(700001, "") != nil {
		t.Fatal("empty text should give no body")
	}
}
