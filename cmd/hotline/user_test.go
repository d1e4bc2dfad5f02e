package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hotline/internal/password"
)

// TestUserAddPasswordRules: a password given on stdin follows the console's
// rules; a generated one passes them and must be changed at first login.
func TestUserAddPasswordRules(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "hotline.db")
	add := func(name, stdin string) (string, error) {
		var out bytes.Buffer
		err := cmdUser(ctx, []string{"add", name, "--role", "agent", "--db", db}, strings.NewReader(stdin), &out)
		return out.String(), err
	}
	for _, bad := range []struct{ stdin, says string }{
		{"fourteen chars\n", "too short"},
		{"Password2024!!!!\n", "breached or common"},
		{"lina-writes-long-passwords\n", "user name"},
	} {
		if _, err := add("lina", bad.stdin); err == nil || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("stdin %q: %v, want an error saying %q", bad.stdin, err, bad.says)
		}
	}
	if _, err := add("lina", "kettle under the mango tree\n"); err != nil {
		t.Fatal(err)
	}
	out, err := add("ly", "")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`shown once\): (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no generated password in %q", out)
	}
	if err := password.Check(m[1], "ly"); err != nil {
		t.Errorf("generated password breaks the rules: %v", err)
	}
	sdb, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	got := map[string]int{}
	rows, err := sdb.Query(`SELECT name, must_change_password FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		var v int
		rows.Scan(&n, &v)
		got[n] = v
	}
	if len(got) != 2 || got["lina"] != 0 || got["ly"] != 1 {
		t.Errorf("users and their required change: %v, want lina 0, ly 1", got)
	}
}

// TestGeneratedPasswordsPassTheRules draws many, for short user names that
// could appear in them.
func TestGeneratedPasswordsPassTheRules(t *testing.T) {
	for i := range 2000 {
		name := []string{"ab", "abc", "lee", "kim"}[i%4]
		if err := password.Check(generatePasswordFor(name), name); err != nil {
			t.Fatal(err)
		}
	}
}
