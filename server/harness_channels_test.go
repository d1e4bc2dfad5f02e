package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"hotline/intake"
	"hotline/locales"
	"hotline/server"
	"hotline/store"
)

// hTelegramSecret is the harness's TELEGRAM_SECRET_TOKEN.
const hTelegramSecret = "harness-telegram-secret_0123456789"

// channelOpts change the shared harness for the channel and conversation
// tests: the same real server and SQLite file, with more configured.
type channelOpts struct {
	intake intake.Options
	guide  bool // the guide on, with the real locale questions
}

// newChannelHarness is newHarness with Telegram and voice configured and
// the intake options given (the guide, texts).
func newChannelHarness(t *testing.T, o channelOpts) *harness {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "hotline.db"), store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	if o.intake.Texts == nil {
		o.intake.Texts = harnessTexts{}
	}
	if o.guide {
		o.intake.Guide = intake.NewGuide(db, locales.GuideTexts{})
	}
	pipeline := intake.New(db, o.intake)
	srv, err := server.New(server.Config{
		PublicURL:           base,
		TwilioAccountSID:    hAccountSID,
		TwilioAuthToken:     hAuthToken,
		TelegramSecretToken: hTelegramSecret,
		FormSecret:          []byte("harness-form-secret-harness-form-secret"),
	}, server.Deps{Intake: pipeline, Cases: db, Users: db, DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Shutdown(context.Background())
		db.Close()
	})
	return &harness{t: t, baseURL: base, db: db, client: &http.Client{}}
}

// postTelegram sends an update as Telegram does, with secret in the header
// ("" = no header).
func (h *harness) postTelegram(body, secret string) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.baseURL+"/webhooks/telegram", strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}
