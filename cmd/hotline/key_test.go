package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"hotline"
	"hotline/internal/seal"
)

// assertFilesClean fails if any of secrets is in the database file or its
// WAL, read as raw bytes.
func assertFilesClean(t *testing.T, dir, when string, secrets []string) {
	t.Helper()
	read := 0
	for _, name := range []string{"hotline.db", "hotline.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		read += len(b)
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s: %s holds %q in the clear", when, name, s)
			}
		}
	}
	if read == 0 {
		t.Fatalf("%s: no database bytes read", when)
	}
}

// hotlineCmd runs the binary in dir and returns its combined output.
func hotlineCmd(t *testing.T, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(hotlineBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "HOTLINE_DB="+filepath.Join(dir, "hotline.db")), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// After signed webhooks, the database file holds no sender's number and no
// word of what they wrote; `hotline key rotate` (server stopped) re-seals
// it all under a new key, and the restarted server reads it back.
func TestWebhooksLeaveNoNumberOrBodyInTheDatabaseFile(t *testing.T) {
	dir := t.TempDir()
	p := startHotline(t, dir)
	token := strings.TrimSpace(runCLI(t, dir, "", "token", "create", "admin"))
	msgs := []struct{ sid, from, body string }{
		{"SM0000000000000000000000000000seal1", "+85510000321", "ខ្ញុំជាប់នៅទីនេះ Capybaraquay please help"},
		{"SM0000000000000000000000000000seal2", "+821000004321", "감금되어 있어요 Ibisgarden 도와주세요"},
		{"SM0000000000000000000000000000seal3", "+85510000654", "they took my phone, Okapimeadow, call +85510000987"},
	}
	secrets := []string{"Capybaraquay", "ខ្ញុំជាប់នៅទីនេះ", "Ibisgarden", "감금되어", "Okapimeadow", "85510000987"}
	ctx := context.Background()
	client := &http.Client{}
	for _, m := range msgs {
		code, body, err := postTwilio(ctx, client, p.baseURL, twilioForm(m.sid, m.from, m.body), testAuthToken)
		if err != nil || code != http.StatusOK {
			t.Fatalf("webhook %s: %d %q %v", m.sid, code, body, err)
		}
		secrets = append(secrets, m.from, strings.TrimPrefix(m.from, "+"))
	}
	assertFilesClean(t, dir, "serving", secrets)

	if out, err := hotlineCmd(t, dir, nil, "key", "rotate"); err == nil || !strings.Contains(out, "stop the server") {
		t.Fatalf("key rotate while serving: %v %s; want a refusal", err, out)
	}
	p.stop(t)
	assertFilesClean(t, dir, "stopped", secrets)
	st, err := os.Stat(filepath.Join(dir, "hotline.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v; want mode 0600", st, err)
	}

	out := runCLI(t, dir, "", "key", "rotate")
	if !strings.Contains(out, "re-sealed") || !strings.Contains(out, "data key 2") {
		t.Fatalf("key rotate: %s", out)
	}
	keys, err := seal.Load(filepath.Join(dir, "hotline.key"))
	if err != nil || keys.Active() != 2 || len(keys.KeyIDs()) != 1 {
		t.Fatalf("key file after rotate: %v, %v", keys, err)
	}
	assertFilesClean(t, dir, "rotated", secrets)

	p = startHotline(t, dir)
	var page hotline.CasePage
	if code := getJSON(t, p.baseURL+"/api/v1/cases", token, &page); code != http.StatusOK || len(page.Cases) != len(msgs) {
		t.Fatalf("cases after rotation: %d, %d cases", code, len(page.Cases))
	}
	bodies := map[string]bool{}
	for _, c := range page.Cases {
		var full hotline.Case
		if code := getJSON(t, fmt.Sprintf("%s/api/v1/cases/%d", p.baseURL, c.ID), token, &full); code != http.StatusOK {
			t.Fatalf("case %d: %d", c.ID, code)
		}
		for _, m := range full.Messages {
			bodies[m.Body] = true
		}
	}
	for _, m := range msgs {
		if !bodies[m.body] {
			t.Errorf("after rotation the API does not show %q", m.body)
		}
	}
}

// The key file is made once, with a warning, and never replaced: a
// database that holds sealed data refuses to start without its own key.
func TestKeyFileIsCreatedOnceAndNeverReplaced(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "hotline.key")
	env := []string{"HOTLINE_KEY_FILE=" + keyFile}
	out, err := hotlineCmd(t, dir, env, "entities", "reindex")
	if err != nil || !strings.Contains(out, "NEW KEY FILE CREATED: "+keyFile) || !strings.Contains(out, "BACK IT UP") {
		t.Fatalf("first open: %v\n%s", err, out)
	}
	st, err := os.Stat(keyFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v; want mode 0600", st, err)
	}
	if out, err := hotlineCmd(t, dir, env, "entities", "reindex"); err != nil || strings.Contains(out, "NEW KEY FILE") {
		t.Fatalf("second open: %v\n%s", err, out)
	}

	if err := os.Rename(keyFile, keyFile+".elsewhere"); err != nil {
		t.Fatal(err)
	}
	out, err = hotlineCmd(t, dir, env, "entities", "reindex")
	if err == nil || !strings.Contains(out, "is missing") {
		t.Fatalf("open without the key file: %v\n%s; want a refusal", err, out)
	}
	if _, err := os.Stat(keyFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a new key file was made for a sealed database: %v", err)
	}

	if err := seal.Generate().Save(keyFile); err != nil {
		t.Fatal(err)
	}
	out, err = hotlineCmd(t, dir, env, "serve")
	if err == nil || !strings.Contains(out, "does not belong to this database") {
		t.Fatalf("serve with another key file: %v\n%s; want a refusal", err, out)
	}
}
