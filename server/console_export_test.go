package server_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"hotline"
	"hotline/export"
)

func TestConsoleExportSignedAndAudited(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.staff("ada", hotline.RoleAdmin, "")
	h.staff("agnes", hotline.RoleAgent, "")
	seedTaskForce(h)
	ada := h.login("ada")
	page := ada.mustGet(t, "/console/export")
	m := regexp.MustCompile(`id="export-pubkey">([^<]+)<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no public key on the export page")
	}
	pub, err := export.ParsePublicKey(m[1])
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().UTC()
	form := url.Values{"csrf": {ada.csrf}, "from": {day.AddDate(0, 0, -1).Format(time.DateOnly)}, "to": {day.AddDate(0, 0, 1).Format(time.DateOnly)},
		"partner": {"KNP Anti-Trafficking"}, "profile": {"police"}}
	req, _ := http.NewRequest(http.MethodPost, h.baseURL+"/console/export", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := ada.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var files []export.File
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		files = append(files, export.File{Name: zf.Name, Data: b})
	}
	if _, err := export.Verify(files, pub); err != nil {
		t.Fatalf("the downloaded export does not verify: %v", err)
	}
	var doc []byte
	for _, f := range files {
		if f.Name == "export.json" {
			doc = f.Data
		}
	}
	if !bytes.Contains(doc, []byte(tfWallet)) || bytes.Contains(doc, []byte("10000123")) {
		t.Error("export.json lacks the wallet or carries a victim's number")
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'export.created' AND actor = 'ada'`); n != 1 {
		t.Errorf("%d export audit events, want 1", n)
	}
	// Agents may not export; a forged form exports nothing.
	if code, _ := h.login("agnes").get("/console/export"); code != http.StatusForbidden {
		t.Errorf("agent export page: %d", code)
	}
	form.Set("csrf", "forged")
	if code, _, _ := ada.post("/console/export", form); code != http.StatusForbidden {
		t.Errorf("forged export: %d", code)
	}
	if n := h.count(`SELECT count(*) FROM audit_events WHERE action = 'export.created'`); n != 1 {
		t.Errorf("%d export audit events after refusals, want 1", n)
	}
}
