package server_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"hotline"
	"hotline/channels/twilio"
	"hotline/intake"
	"hotline/internal/seal"
	"hotline/internal/storemetrics"
	"hotline/locales"
	"hotline/server"
	"hotline/store"
)

// harness is a real server on loopback over a real SQLite file, shared by
// the webhook, API, console and hardening tests (courier's handlertest idea:
// each test is a table of real request bodies run through the whole stack).
type harness struct {
	t       *testing.T
	baseURL string
	db      *store.DB
	client  *http.Client
	srv     *server.Server
	path    string // the database file, to count rows and to restart
	stop    func() // stops the server and closes the store, once
	opts    harnessOptions
}

const (
	hAuthToken  = "harness-auth-token-0123456789"
	hAccountSID = "AC00000000000000000000000000000042"
	// hTelegramSecret is the harness's TELEGRAM_SECRET_TOKEN.
	hTelegramSecret = "harness-telegram-secret_0123456789"
)

type harnessTexts struct{}

func (harnessTexts) Ack(lang, ref string) string { return "[" + lang + "] ref " + ref }
func (harnessTexts) Stopped(lang string) string  { return "[" + lang + "] stopped" }

// harnessOptions are what the test files need beyond the plain webhook and
// API harness (the zero value); one constructor serves them all so that a
// change to how the server is wired reaches every test at once.
type harnessOptions struct {
	path     string               // database file; "" = a new one in t.TempDir()
	telegram bool                 // Telegram configured with hTelegramSecret
	intake   intake.Options       // Texts nil = harnessTexts{} unless silent
	silent   bool                 // no acknowledgements at all (Texts stays nil)
	guide    bool                 // the guide on, with the real locale questions
	config   func(*server.Config) // last word on the configuration
	log      *slog.Logger         // nil = discarded
	metrics  bool                 // the store's metrics registered
}

func newHarness(t *testing.T, o harnessOptions) *harness {
	t.Helper()
	path := o.path
	if path == "" {
		path = filepath.Join(t.TempDir(), "hotline.db")
	}
	db, err := store.Open(path, keyed(store.DefaultOptions()))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := server.Config{
		PublicURL:        base,
		TwilioAccountSID: hAccountSID,
		TwilioAuthToken:  hAuthToken,
		FormSecret:       []byte("harness-form-secret-harness-form-secret"),
	}
	if o.telegram {
		cfg.TelegramSecretToken = hTelegramSecret
	}
	if o.config != nil {
		o.config(&cfg)
	}
	in := o.intake
	if in.Texts == nil && !o.silent {
		in.Texts = harnessTexts{}
	}
	if o.guide {
		in.Guide = intake.NewGuide(db, locales.GuideTexts{})
	}
	log := o.log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := server.New(cfg, server.Deps{Intake: intake.New(db, in), Cases: db, Users: db, DB: db, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if o.metrics {
		if err := srv.RegisterMetrics(storemetrics.New(db, log)); err != nil {
			t.Fatal(err)
		}
	}
	go srv.Serve(ln)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			srv.Shutdown(context.Background())
			db.Close()
		})
	}
	t.Cleanup(stop)
	return &harness{t: t, baseURL: base, db: db, client: &http.Client{}, srv: srv, path: path, stop: stop, opts: o}
}

// restart stops the server and store and starts new ones on the same file,
// configured as before.
func (h *harness) restart() *harness {
	h.stop()
	o := h.opts
	o.path = h.path
	return newHarness(h.t, o)
}

// count runs a counting query on the database file, read-only.
func (h *harness) count(query string, args ...any) int {
	h.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+h.path+"?mode=ro")
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
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

// testKeys seals every test database of this package (store.Options.Keys),
// so a test can reopen one.
var testKeys = seal.Generate()

func keyed(o store.Options) store.Options {
	o.Keys = testKeys
	return o
}
