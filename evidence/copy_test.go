package evidence_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"hotline/evidence"
	"hotline/internal/seal"
)

// CopyTo is the evidence half of a backup: the files the database names,
// copied sealed, readable from the copy with the same key file, only new
// ones copied the second time, and a missing file reported, not fatal.
func TestCopyToBacksUpTheNamedFilesSealed(t *testing.T) {
	keys := seal.Generate()
	live, err := evidence.Open(filepath.Join(t.TempDir(), "evidence"), keys)
	if err != nil {
		t.Fatal(err)
	}
	var list itemList
	photos := [][]byte{[]byte("fictional photo one"), []byte("fictional photo two")}
	for i, data := range photos {
		name, sum, err := live.Put(data)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, evidence.Item{ID: int64(i + 1), File: name, SHA256: sum, Status: evidence.StatusFetched})
	}
	// A row whose file is gone (deleted by hand): reported.
	list = append(list, evidence.Item{ID: 3, File: "0123456789abcdef0123456789abcdef", SHA256: "00", Status: evidence.StatusFetched})

	dst := filepath.Join(t.TempDir(), "backup.db.evidence")
	ctx := context.Background()
	copied, missing, err := live.CopyTo(ctx, list, dst)
	if err != nil || copied != 2 || len(missing) != 1 || missing[0] != 3 {
		t.Fatalf("CopyTo = %d copied, missing %v, %v; want 2, [3]", copied, missing, err)
	}
	backup, err := evidence.Open(dst, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range list[:2] {
		raw, _ := os.ReadFile(filepath.Join(dst, it.File))
		if bytes.Contains(raw, photos[i]) {
			t.Fatalf("backup file %d holds the plain content", i)
		}
		got, err := backup.Read(it.File, it.SHA256)
		if err != nil || !bytes.Equal(got, photos[i]) {
			t.Fatalf("backup file %d reads %q, %v", i, got, err)
		}
	}
	if copied, _, err := live.CopyTo(ctx, list, dst); err != nil || copied != 0 {
		t.Fatalf("second CopyTo copied %d, %v; want 0", copied, err)
	}
}
