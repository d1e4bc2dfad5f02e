package server_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"hotline/evidence"
	"hotline/internal/seal"
	"hotline/server"
)

// withEvidence gives the harness an evidence store of its own, so that the
// console serves downloads, and returns that store.
func withEvidence(t *testing.T, o *harnessOptions) *evidence.Store {
	t.Helper()
	files, err := evidence.Open(filepath.Join(t.TempDir(), "evidence"), seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	prev := o.config
	o.config = func(c *server.Config) {
		if prev != nil {
			prev(c)
		}
		c.Evidence = files
	}
	return files
}

// fetchedPhoto is the fictional picture every fetched evidence item holds.
var fetchedPhoto = append([]byte("\xff\xd8\xff\xe0 fictional photo of a gate "), bytes.Repeat([]byte{0, 1, 2, 0xfe}, 200)...)

// fetchedEvidence opens a case with an MMS (message sid sid, sender from)
// and has the evidence worker fetch its picture from a loopback Twilio,
// as in production; it returns the case and the stored item.
func fetchedEvidence(t *testing.T, h *harness, files *evidence.Store, sid, from string) (int64, evidence.Item) {
	t.Helper()
	mediaPath := "/2010-04-01/Accounts/" + hAccountSID + "/Messages/" + sid + "/Media/ME" + sid[2:]
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != hAccountSID || p != hAuthToken || r.URL.Path != mediaPath {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(fetchedPhoto)
	}))
	defer api.Close()
	form := with(sms(sid, from, "this is the gate"), "NumMedia", "1", "MediaUrl0", api.URL+mediaPath, "MediaContentType0", "image/jpeg")
	if resp, _ := h.post("/webhooks/twilio/messages", form, hAuthToken); resp.StatusCode != http.StatusOK {
		t.Fatalf("MMS webhook: %d", resp.StatusCode)
	}
	w := &evidence.Worker{
		Queue: h.db, Store: files,
		Fetchers: []evidence.Fetcher{&evidence.Twilio{AccountSID: hAccountSID, AuthToken: hAuthToken, APIBase: api.URL}},
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if n, err := w.RunOnce(t.Context()); err != nil || n != 1 {
		t.Fatalf("evidence worker stored %d, %v", n, err)
	}
	var c int64
	for _, m := range h.messages() {
		if m.ExternalID == sid {
			c = m.CaseID
		}
	}
	items, err := h.db.CaseEvidence(t.Context(), c)
	if err != nil || len(items) != 1 || items[0].Status != evidence.StatusFetched {
		t.Fatalf("case %d evidence: %+v, %v", c, items, err)
	}
	return c, items[0]
}
