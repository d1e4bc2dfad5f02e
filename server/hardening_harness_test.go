package server_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"

	"hotline/intake"
	"hotline/internal/storemetrics"
	"hotline/server"
	"hotline/store"
)

// hardHarness is the shared harness with every channel configured, the
// store's metrics registered and the server and database file at hand, for
// the hardening tests.
type hardHarness struct {
	*harness
	srv  *server.Server
	path string
}

func newHardHarness(t *testing.T, tweak func(*server.Config)) *hardHarness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hotline.db")
	db, err := store.Open(path, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := server.Config{
		PublicURL:           base,
		TwilioAccountSID:    hAccountSID,
		TwilioAuthToken:     hAuthToken,
		TelegramSecretToken: hTelegramSecret,
		FormSecret:          []byte("harness-form-secret-harness-form-secret"),
	}
	if tweak != nil {
		tweak(&cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := server.New(cfg, server.Deps{
		Intake: intake.New(db, intake.Options{Texts: harnessTexts{}}), Cases: db, Users: db, DB: db, Log: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterMetrics(storemetrics.New(db, log)); err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Shutdown(context.Background())
		db.Close()
	})
	h := &harness{t: t, baseURL: base, db: db, client: &http.Client{}}
	return &hardHarness{harness: h, srv: srv, path: path}
}

// rows counts rows of a table in the database file, read-only.
func (h *hardHarness) rows(query string, args ...any) int {
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

// do sends a request and returns status, headers and body.
func (h *hardHarness) do(req *http.Request) (int, http.Header, string) {
	h.t.Helper()
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}
