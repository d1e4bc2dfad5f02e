package server_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"hotline"
	"hotline/evidence"
	"hotline/internal/seal"
	"hotline/server"
)

// download fetches a console path and returns the raw bytes (the console
// client's get unescapes HTML, which would alter a binary file).
func (cc *consoleClient) download(path string) (*http.Response, []byte) {
	cc.h.t.Helper()
	resp, err := cc.c.Get(cc.h.baseURL + path)
	if err != nil {
		cc.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestCaseEvidenceListedDownloadedAndAudited runs the whole path: an MMS
// webhook with a MediaUrl, the evidence worker fetching it from a loopback
// Twilio with Basic auth, the case page listing it, and downloads by staff
// who may and may not read the case's messages.
func TestCaseEvidenceListedDownloadedAndAudited(t *testing.T) {
	files, err := evidence.Open(filepath.Join(t.TempDir(), "evidence"), seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOptions{config: func(c *server.Config) { c.Evidence = files }})
	photo := append([]byte("\xff\xd8\xff\xe0 fictional photo of a compound gate <script>alert(1)</script> &amp; "), bytes.Repeat([]byte{0, 1, 2, 0xfe}, 300)...)
	mediaPath := "/2010-04-01/Accounts/" + hAccountSID + "/Messages/MM00000000000000000000000000000e01/Media/ME00000000000000000000000000000e01"
	twilioAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != hAccountSID || p != hAuthToken || r.URL.Path != mediaPath {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(photo)
	}))
	defer twilioAPI.Close()

	form := with(sms("SM00000000000000000000000000000e01", "+85510000123", "this is the gate"),
		"NumMedia", "1", "MediaUrl0", twilioAPI.URL+mediaPath, "MediaContentType0", "image/jpeg")
	if resp, _ := h.post("/webhooks/twilio/messages", form, hAuthToken); resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
	other := h.newCase("SM00000000000000000000000000000e02", "+85510000124", "no pictures here")
	w := &evidence.Worker{
		Queue: h.db, Store: files,
		Fetchers: []evidence.Fetcher{&evidence.Twilio{AccountSID: hAccountSID, AuthToken: hAuthToken, APIBase: twilioAPI.URL}},
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if n, err := w.RunOnce(t.Context()); err != nil || n != 1 {
		t.Fatalf("worker stored %d, %v", n, err)
	}
	var caseID int64
	for _, c := range h.allCases() {
		if c.ID != other.ID {
			caseID = c.ID
		}
	}
	items, err := h.db.CaseEvidence(t.Context(), caseID)
	if err != nil || len(items) != 1 {
		t.Fatalf("evidence: %+v, %v", items, err)
	}
	ev := items[0]

	h.staff("agnes", hotline.RoleAgent, "")
	h.staff("kosal", hotline.RoleResponder, "Police Unit")
	h.staff("sokha", hotline.RoleResponder, "Task Force")
	h.staff("vanna", hotline.RoleResponder, "Other Unit")
	agnes := mustStaffFull(t, h, "agnes")
	if _, err := h.db.HandOff(t.Context(), agnes, caseID, h.orgID("Police Unit"), []string{hotline.ShareLocation}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.HandOff(t.Context(), agnes, caseID, h.orgID("Task Force"), []string{hotline.ShareLocation, hotline.ShareMessages}, ""); err != nil {
		t.Fatal(err)
	}
	downloads := func(actor string) int {
		return h.count(`SELECT count(*) FROM audit_events WHERE action = 'evidence.downloaded' AND actor = ? AND case_id = ?`, actor, caseID)
	}

	// The case page lists it with type, size, the short hash (full on
	// hover), fetched time, status and a download link.
	staff := h.login("agnes")
	code, page := staff.get(fmt.Sprintf("/console/cases/%d", caseID))
	if code != http.StatusOK {
		t.Fatalf("case page: %d", code)
	}
	link := fmt.Sprintf("/console/cases/%d/evidence/%d", caseID, ev.ID)
	for _, want := range []string{`id="evidence-h"`, "image/jpeg", sizeOf(len(photo)), `title="` + ev.SHA256 + `"`,
		ev.SHA256[:12] + "…", ev.FetchedAt.UTC().Format("2006-01-02 15:04:05 UTC"), `href="` + link + `"`, "Stored"} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}

	resp, body := staff.download(link)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, photo) {
		t.Fatalf("download: %d, %d bytes (want the exact %d)", resp.StatusCode, len(body), len(photo))
	}
	for k, want := range map[string]string{
		"Content-Type":           "image/jpeg",
		"X-Content-Type-Options": "nosniff",
		"Content-Disposition":    fmt.Sprintf(`attachment; filename="evidence-%d-%d.jpg"`, caseID, ev.ID),
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if n := downloads("agnes"); n != 1 {
		t.Errorf("%d audit events for agnes's download, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'evidence.downloaded' AND detail = ?`,
		fmt.Sprintf(`{"addr":"127.0.0.1","evidence":%d,"via":"console"}`, ev.ID)); n != 1 {
		t.Errorf("the audit event does not name the evidence and the address (%d)", n)
	}

	// A responder whose hand-off shares the messages may; one whose
	// hand-off shares only the location, or who has none, may not, and
	// leaves no download in the audit log.
	resp, body = h.login("sokha").download(link)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, photo) || downloads("sokha") != 1 {
		t.Errorf("responder with messages shared: %d, %d bytes, %d audit events", resp.StatusCode, len(body), downloads("sokha"))
	}
	for _, name := range []string{"kosal", "vanna"} {
		cc := h.login(name)
		resp, body := cc.download(link)
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound || bytes.Contains(body, photo[:20]) {
			t.Errorf("%s: %d", name, resp.StatusCode)
		}
		if n := downloads(name); n != 0 {
			t.Errorf("%s: %d download events for a refused download", name, n)
		}
		if code, page := cc.get(fmt.Sprintf("/console/cases/%d", caseID)); code == http.StatusOK && strings.Contains(page, ev.SHA256) {
			t.Errorf("%s sees the evidence on the case page", name)
		}
	}
	// Through another case's URL, or an id that is not there: not found.
	for _, path := range []string{
		fmt.Sprintf("/console/cases/%d/evidence/%d", other.ID, ev.ID),
		fmt.Sprintf("/console/cases/%d/evidence/%d", caseID, ev.ID+100),
		fmt.Sprintf("/console/cases/%d/evidence/x", caseID),
	} {
		if resp, _ := staff.download(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := h.browser().download(link); resp.StatusCode == http.StatusOK {
		t.Error("anonymous download succeeded")
	}
	if n := downloads("agnes"); n != 1 {
		t.Errorf("%d download events for agnes after the refused paths, want 1", n)
	}
}

func sizeOf(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f KB", float64(n)/1024)
}
