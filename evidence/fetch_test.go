package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"hotline"
	"hotline/channels/telegram"
	"hotline/evidence"
)

func TestTwilioFetchSendsCredentialsToTheAPIOnly(t *testing.T) {
	f := newFakeTwilio(t)
	photo := bytes.Repeat([]byte("\xff\xd8fictional-jpeg"), 100)
	u := f.add("ME00000000000000000000000000000001", photo, "image/jpeg")
	tw := &evidence.Twilio{AccountSID: tAccount, AuthToken: tAuthToken, APIBase: f.api.URL}

	data, ctype, err := tw.Fetch(context.Background(), hotline.Media{URL: u, ContentType: "image/jpeg"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, photo) || ctype != "image/jpeg" {
		t.Fatalf("got %d bytes of %q", len(data), ctype)
	}
	if f.badAuth != 0 || f.apiCalls != 1 {
		t.Errorf("API calls %d, refused for auth %d", f.apiCalls, f.badAuth)
	}
	if f.storageHits != 1 || f.storageAuth[0] != "" {
		t.Errorf("storage host hits %d, Authorization %q: credentials must not follow the redirect", f.storageHits, f.storageAuth)
	}
}

func TestTwilioFetchRefusesOtherHostsAndAccounts(t *testing.T) {
	f := newFakeTwilio(t)
	tw := &evidence.Twilio{AccountSID: tAccount, AuthToken: tAuthToken, APIBase: f.api.URL}
	for _, u := range []string{
		f.storage.URL + "/2010-04-01/Accounts/" + tAccount + "/Messages/MM1/Media/ME1",               // another host
		f.api.URL + "/2010-04-01/Accounts/AC99999999999999999999999999999999/Messages/MM1/Media/ME1", // another account
		strings.Replace(f.api.URL, "http://", "http://x:y@", 1) + "/2010-04-01/Accounts/" + tAccount + "/Media/ME1",
		"https://api.twilio.com/2010-04-01/Accounts/" + tAccount + "/Messages/MM1/Media/ME1", // not the configured API
	} {
		m := hotline.Media{URL: u}
		if tw.Handles(m) {
			t.Errorf("Handles(%s) = true", u)
		}
		if _, _, err := tw.Fetch(context.Background(), m); !errors.Is(err, evidence.ErrRefused) {
			t.Errorf("Fetch(%s) = %v, want ErrRefused", u, err)
		}
	}
	if f.apiCalls+f.storageHits != 0 {
		t.Fatalf("%d requests were sent for refused references", f.apiCalls+f.storageHits)
	}
}

func TestTwilioFetchErrors(t *testing.T) {
	f := newFakeTwilio(t)
	big := f.add("ME00000000000000000000000000000002", bytes.Repeat([]byte("x"), 2048), "image/png")
	small := f.add("ME00000000000000000000000000000003", []byte("ok"), "image/png")
	tw := &evidence.Twilio{AccountSID: tAccount, AuthToken: tAuthToken, APIBase: f.api.URL, MaxBytes: 1024}
	ctx := context.Background()

	if _, _, err := tw.Fetch(ctx, hotline.Media{URL: big}); !errors.Is(err, evidence.ErrTooLarge) {
		t.Errorf("over the cap: %v, want ErrTooLarge", err)
	}
	missing := f.api.URL + "/2010-04-01/Accounts/" + tAccount + "/Messages/MM1/Media/ME404"
	if _, _, err := tw.Fetch(ctx, hotline.Media{URL: missing}); !errors.Is(err, evidence.ErrNotFound) {
		t.Errorf("404: %v, want ErrNotFound", err)
	}
	f.failNext(500)
	_, _, err := tw.Fetch(ctx, hotline.Media{URL: small})
	if err == nil || errors.Is(err, evidence.ErrNotFound) || errors.Is(err, evidence.ErrTooLarge) {
		t.Errorf("500: %v, want a passing failure", err)
	}
	wrong := &evidence.Twilio{AccountSID: tAccount, AuthToken: "wrong", APIBase: f.api.URL}
	if _, _, err := wrong.Fetch(ctx, hotline.Media{URL: small}); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong token: %v, want HTTP 401", err)
	}
	if data, _, err := tw.Fetch(ctx, hotline.Media{URL: small}); err != nil || string(data) != "ok" {
		t.Errorf("after the failures: %q, %v", data, err)
	}
}

func TestTelegramFetchThroughGetFile(t *testing.T) {
	f := newFakeBotAPI(t)
	photo := bytes.Repeat([]byte("\xff\xd8telegram-photo"), 50)
	f.add("AgACAgIAAxkBAAIBfakeid", photo)
	tg := &evidence.Telegram{Client: &telegram.Client{BaseURL: f.srv.URL, Token: tBotToken}}
	ctx := context.Background()

	ref := hotline.Media{URL: telegram.MediaScheme + "AgACAgIAAxkBAAIBfakeid", ContentType: "image/jpeg"}
	if !tg.Handles(ref) {
		t.Fatal("Handles = false for a telegram file reference")
	}
	data, ctype, err := tg.Fetch(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	// The file endpoint says octet-stream; the reference knows better.
	if !bytes.Equal(data, photo) || ctype != "image/jpeg" {
		t.Fatalf("got %d bytes of %q", len(data), ctype)
	}
	if f.getFiles != 1 || f.downloads != 1 {
		t.Errorf("getFile %d, downloads %d", f.getFiles, f.downloads)
	}

	_, _, err = tg.Fetch(ctx, hotline.Media{URL: telegram.MediaScheme + "AgACAgIAAxkBAAIBgone"})
	if !errors.Is(err, evidence.ErrNotFound) {
		t.Errorf("unknown file_id: %v, want ErrNotFound", err)
	}
	capped := &evidence.Telegram{Client: tg.Client, MaxBytes: 100}
	if _, _, err := capped.Fetch(ctx, ref); !errors.Is(err, evidence.ErrTooLarge) {
		t.Errorf("over the cap: %v, want ErrTooLarge", err)
	}
	if f.downloads != 1 {
		t.Errorf("a file over the cap was downloaded (file_size is known from getFile)")
	}
	if tg.Handles(hotline.Media{URL: "https://api.twilio.com/x"}) {
		t.Error("the Telegram fetcher takes a Twilio URL")
	}
	// An error never quotes the token-bearing URL.
	down := &evidence.Telegram{Client: &telegram.Client{BaseURL: "http://127.0.0.1:1", Token: tBotToken}}
	if _, _, err := down.Fetch(ctx, ref); err == nil || strings.Contains(err.Error(), tBotToken) {
		t.Errorf("unreachable Bot API: %v", err)
	}
}

// A download that breaks off must not put the token-bearing file URL into
// the error the worker records and logs.
func TestTelegramDownloadErrorHidesToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/getFile") {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true,"result":{"file_id":"AgAC","file_unique_id":"AQAD","file_size":10,"file_path":"photos/file_9.jpg"}}`))
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // the connection drops mid-download
		}
	}))
	defer srv.Close()
	tg := &evidence.Telegram{Client: &telegram.Client{BaseURL: srv.URL, Token: tBotToken}}
	_, _, err := tg.Fetch(context.Background(), hotline.Media{URL: telegram.MediaScheme + "AgAC"})
	if err == nil {
		t.Fatal("a dropped download succeeded")
	}
	if strings.Contains(err.Error(), tBotToken) || strings.Contains(err.Error(), "/file/bot") {
		t.Fatalf("error quotes the file URL: %v", err)
	}
}
