package evidence_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"hotline"
	"hotline/channels/telegram"
	"hotline/evidence"
)

const (
	fzAccount  = "AC00000000000000000000000000000077"
	fzToken    = "fuzz-twilio-auth-token-0123456789"
	fzBotToken = "654321:FUZZ-bot-token_0123456789"
)

// recorder is a transport that keeps every request's host and
// Authorization header and dials nothing but loopback test servers, so a
// fuzzed Location or file_path cannot reach the network.
type recorder struct {
	mu    sync.Mutex
	hosts []string
	auth  []string
	next  http.RoundTripper
}

func newRecorder(allowed ...*httptest.Server) *recorder {
	ok := map[string]bool{}
	for _, s := range allowed {
		ok[s.Listener.Addr().String()] = true
	}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if !ok[addr] {
			return nil, errors.New("test transport: dial refused")
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	return &recorder{next: tr}
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.hosts = append(r.hosts, req.URL.Host)
	r.auth = append(r.auth, req.Header.Get("Authorization"))
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *recorder) reset() (hosts, auth []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	hosts, auth = r.hosts, r.auth
	r.hosts, r.auth = nil, nil
	return hosts, auth
}

// FuzzTwilioHandles: whatever the media URL a webhook carried, Handles
// accepts it only for the configured API's scheme and host, with no user
// info, under this account, so the auth token goes nowhere else.
func FuzzTwilioHandles(f *testing.F) {
	api := "https://api.twilio.com"
	for _, s := range []string{
		api + "/2010-04-01/Accounts/" + fzAccount + "/Messages/MM1/Media/ME1",
		"HTTPS://API.TWILIO.COM/2010-04-01/Accounts/" + fzAccount + "/Media/ME1",
		"https://api.twilio.com.evil.example/2010-04-01/Accounts/" + fzAccount + "/Media/ME1",
		"https://evil.example/?x=https://api.twilio.com/2010-04-01/Accounts/" + fzAccount + "/",
		"https://x@api.twilio.com/2010-04-01/Accounts/" + fzAccount + "/Media/ME1",
		"https://api.twilio.com:443/2010-04-01/Accounts/" + fzAccount + "/Media/ME1",
		"https://api.twilio.com\\@evil.example/Accounts/" + fzAccount + "/",
		"//api.twilio.com/2010-04-01/Accounts/" + fzAccount + "/",
		"https://api.twilio.com/%2e%2e/Accounts/" + fzAccount + "/",
		"http://api.twilio.com/2010-04-01/Accounts/" + fzAccount + "/Media/ME1",
		"tg-file:AgACAgIAAxkBAAI", "", "\x00", "https://[::1]/Accounts/" + fzAccount + "/",
	} {
		f.Add(s)
	}
	tw := &evidence.Twilio{AccountSID: fzAccount, AuthToken: fzToken}
	f.Fuzz(func(t *testing.T, raw string) {
		if !tw.Handles(hotline.Media{URL: raw}) {
			return
		}
		// The request Fetch would make goes where Handles looked.
		req, err := http.NewRequest(http.MethodGet, raw, nil)
		if err != nil {
			t.Fatalf("Handles(%q) = true, but no request can be made of it: %v", raw, err)
		}
		if req.URL.User != nil || !strings.EqualFold(req.URL.Scheme, "https") || !strings.EqualFold(req.URL.Host, "api.twilio.com") {
			t.Fatalf("Handles(%q) = true for scheme %q host %q user %v", raw, req.URL.Scheme, req.URL.Host, req.URL.User)
		}
		if !strings.Contains(req.URL.Path, "/Accounts/"+fzAccount+"/") {
			t.Fatalf("Handles(%q) = true outside the account", raw)
		}
	})
}

// FuzzTwilioRedirect: whatever Location Twilio's API answers with, only
// the first request (to the API) carries the credentials, nothing but
// loopback is dialled, and no error quotes the auth token.
func FuzzTwilioRedirect(f *testing.F) {
	for _, s := range []struct {
		status   int
		location string
	}{
		{307, "/s3/photo?X-Amz-Signature=fake"},
		{302, "STORAGE/s3/photo"},
		{301, "API/2010-04-01/Accounts/" + fzAccount + "/Messages/MM1/Media/ME1"},
		{308, "https://evil.example/steal"},
		{303, "ftp://evil.example/x"},
		{307, "file:///etc/passwd"},
		{307, "javascript:alert(1)"},
		{302, "//evil.example/x"},
		{302, "http://user:pass@STORAGEHOST/s3/photo"},
		{307, "%zz"},
		{307, "http://[::1"},
		{307, "\r\nSet-Cookie: x"},
		{399, "/loop"},
		{300, "API/loop"},
	} {
		f.Add(s.status, s.location)
	}
	var mu sync.Mutex
	var status int
	var location string
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write([]byte("\xff\xd8 fictional"))
	}))
	defer storage.Close()
	var apiURL string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		st, loc := status, location
		mu.Unlock()
		loc = strings.NewReplacer("STORAGEHOST", strings.TrimPrefix(storage.URL, "http://"), "STORAGE", storage.URL, "API", apiURL).Replace(loc)
		w.Header()["Location"] = []string{loc}
		w.WriteHeader(st)
	}))
	defer api.Close()
	apiURL = api.URL
	rec := newRecorder(api, storage)
	tw := &evidence.Twilio{AccountSID: fzAccount, AuthToken: fzToken, APIBase: api.URL,
		HTTP: &http.Client{Transport: rec, Timeout: 5 * time.Second}}
	media := hotline.Media{URL: api.URL + "/2010-04-01/Accounts/" + fzAccount + "/Messages/MM1/Media/ME1"}
	apiHost := strings.TrimPrefix(api.URL, "http://")
	ours := "Basic " + base64.StdEncoding.EncodeToString([]byte(fzAccount+":"+fzToken))
	f.Fuzz(func(t *testing.T, st int, loc string) {
		if st < 300 || st > 399 || strings.ContainsAny(loc, "\r\n\x00") {
			return // not a redirect, or not a header value a server can send
		}
		mu.Lock()
		status, location = st, loc
		mu.Unlock()
		_, _, err := tw.Fetch(context.Background(), media)
		hosts, auth := rec.reset()
		if len(hosts) == 0 || hosts[0] != apiHost || auth[0] != ours {
			t.Fatalf("first request to %v, with the account's credentials: %v", hosts, auth != nil && auth[0] == ours)
		}
		// A Location's own user info becomes its own Basic auth (Go's
		// client does that); the account's credentials never follow.
		for i := 1; i < len(auth); i++ {
			if strings.Contains(auth[i], ours[len("Basic "):]) {
				t.Fatalf("redirect to %q: request %d to %s carried the account's credentials", loc, i, hosts[i])
			}
		}
		if len(hosts) > 6 {
			t.Fatalf("%d requests for one fetch", len(hosts))
		}
		if err != nil && strings.Contains(err.Error(), fzToken) {
			t.Fatalf("error quotes the auth token: %v", err)
		}
	})
}

// FuzzTelegramGetFile: whatever getFile answers, the fetch does not panic,
// the download (if any) goes to the Bot API's own host, nothing else is
// dialled, and no error quotes the bot token.
func FuzzTelegramGetFile(f *testing.F) {
	for _, s := range []string{
		`{"ok":true,"result":{"file_id":"F1","file_unique_id":"U1","file_size":12,"file_path":"photos/file_1.jpg"}}`,
		`{"ok":true,"result":{"file_id":"F1","file_size":999999999999}}`,
		`{"ok":true,"result":{"file_id":"F1","file_path":""}}`,
		`{"ok":true,"result":{"file_path":"../../bot/getMe"}}`,
		`{"ok":true,"result":{"file_path":"@evil.example/x"}}`,
		`{"ok":true,"result":{"file_path":"//evil.example/x"}}`,
		`{"ok":true,"result":{"file_path":"x?y#z%zz"}}`,
		`{"ok":true,"result":{"file_path":"\u0000\r\nHost: evil"}}`,
		`{"ok":true,"result":{"file_size":-1,"file_path":"a"}}`,
		`{"ok":true,"result":[]}`, `{"ok":true,"result":null}`, `{"ok":true}`,
		`{"ok":false,"error_code":400,"description":"Bad Request: file is too big"}`,
		`{"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"}`,
		`{"ok":false,"error_code":429,"parameters":{"retry_after":"x"}}`,
		`{"ok":"yes"}`, `[`, ``, `null`, `{"ok":true,"result":{"file_size":1e400}}`,
	} {
		f.Add(s)
	}
	var mu sync.Mutex
	var answer string
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/file/") {
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write([]byte("\xff\xd8 fictional"))
			return
		}
		mu.Lock()
		a := answer
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(a))
	}))
	defer bot.Close()
	rec := newRecorder(bot)
	hc := &http.Client{Transport: rec, Timeout: 5 * time.Second}
	tg := &evidence.Telegram{Client: &telegram.Client{BaseURL: bot.URL, Token: fzBotToken, HTTP: hc}, HTTP: hc, MaxBytes: 1 << 20}
	botHost := strings.TrimPrefix(bot.URL, "http://")
	f.Fuzz(func(t *testing.T, body string) {
		if strings.Contains(body, fzBotToken) {
			return
		}
		mu.Lock()
		answer = body
		mu.Unlock()
		_, _, err := tg.Fetch(context.Background(), hotline.Media{URL: telegram.MediaScheme + "AgACAgIAAxkBAAI"})
		hosts, _ := rec.reset()
		if len(hosts) == 0 || len(hosts) > 2 {
			t.Fatalf("%d requests for one fetch: %v", len(hosts), hosts)
		}
		for _, h := range hosts {
			if h != botHost {
				t.Fatalf("getFile answer %q sent a request to %s", body, h)
			}
		}
		if err != nil && strings.Contains(err.Error(), fzBotToken) {
			t.Fatalf("error quotes the bot token: %v", err)
		}
	})
}
