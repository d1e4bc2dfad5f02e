package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"hotline"
	"hotline/channels/twilio"
	"hotline/intake"
	"hotline/server"
	"hotline/store"
)

// harness is a real server on loopback over a real SQLite file, shared by
// the webhook and API tests (courier's handlertest idea: each test is a
// table of real request bodies run through the whole stack).
type harness struct {
	t       *testing.T
	baseURL string
	db      *store.DB
	client  *http.Client
}

const (
	hAuthToken  = "harness-auth-token-0123456789"
	hAccountSID = "AC00000000000000000000000000000042"
)

type harnessTexts struct{}

func (harnessTexts) Ack(lang, ref string) string { return "[" + lang + "] ref " + ref }
func (harnessTexts) Stopped(lang string) string  { return "[" + lang + "] stopped" }

func newHarness(t *testing.T) *harness {
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
	pipeline := intake.New(db, intake.Options{Texts: harnessTexts{}})
	srv, err := server.New(server.Config{
		PublicURL:        base,
		TwilioAccountSID: hAccountSID,
		TwilioAuthToken:  hAuthToken,
		FormSecret:       []byte("harness-form-secret-harness-form-secret"),
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

// post sends a form to path, signed for Twilio with token ("" = unsigned).
func (h *harness) post(path string, form url.Values, token string) (*http.Response, string) {
	h.t.Helper()
	return h.postSignedFor(path, path, form, token)
}

// postSignedFor sends a form to path with a signature computed for signPath,
// to test that a signature is bound to the URL it was made for.
func (h *harness) postSignedFor(path, signPath string, form url.Values, token string) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.baseURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("X-Twilio-Signature", twilio.Sign(token, h.baseURL+signPath, form))
	}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// get calls the API with a bearer token ("" = none).
func (h *harness) get(path, token string) (*http.Response, string) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.baseURL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// allCases reads the whole queue through the store.
func (h *harness) allCases() []hotline.Case {
	h.t.Helper()
	page, err := h.db.ListCases(context.Background(), hotline.CaseFilter{Limit: 500})
	if err != nil {
		h.t.Fatal(err)
	}
	return page.Cases
}

// messages returns every message of every case, read back from the store.
func (h *harness) messages() []hotline.Message {
	h.t.Helper()
	var all []hotline.Message
	for _, c := range h.allCases() {
		full, err := h.db.GetCase(context.Background(), c.ID)
		if err != nil {
			h.t.Fatal(err)
		}
		all = append(all, full.Messages...)
	}
	return all
}

// token creates a user with role and returns an API token for it.
func (h *harness) token(name, role string) string {
	h.t.Helper()
	ctx := context.Background()
	if _, err := h.db.CreateUser(ctx, name, role, "x"); err != nil {
		h.t.Fatal(err)
	}
	tok, err := h.db.CreateToken(ctx, name)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}
