package evidence_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"hotline/evidence"
	"hotline/internal/seal"
)

func openStore(t testing.TB) (*evidence.Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "evidence")
	s, err := evidence.Open(dir, seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

func TestPutStoresSealedAndReadsBack(t *testing.T) {
	s, dir := openStore(t)
	plain := []byte("fictional passport scan: name KIM EXAMPLE, M00000000, room 7 building C")
	name, sum, err := s.Put(plain)
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(plain)
	if sum != hex.EncodeToString(want[:]) {
		t.Fatalf("sha256 %s, want %x", sum, want)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != name {
		t.Fatalf("directory holds %v, want only %s (no temporary files)", entries, name)
	}
	raw, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("passport")) || bytes.Contains(raw, []byte("M00000000")) || !seal.IsSealed(raw) {
		t.Fatal("the file on disk is not sealed")
	}
	if st, _ := os.Stat(filepath.Join(dir, name)); st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", st.Mode().Perm())
	}
	got, err := s.Read(name, sum)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Read = %q, %v", got, err)
	}
}

func TestReadRefusesSwappedTamperedAndForeignFiles(t *testing.T) {
	s, dir := openStore(t)
	a, sumA, _ := s.Put([]byte("first file"))
	b, sumB, _ := s.Put([]byte("second file"))

	// b's content under a's name: the seal is bound to the name and hash.
	raw, _ := os.ReadFile(filepath.Join(dir, b))
	if err := os.WriteFile(filepath.Join(dir, a), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Read(a, sumA); !errors.Is(err, evidence.ErrCorrupt) {
		t.Errorf("swapped file: %v, want ErrCorrupt", err)
	}
	if _, err := s.Read(a, sumB); !errors.Is(err, evidence.ErrCorrupt) {
		t.Errorf("swapped file with its own hash: %v, want ErrCorrupt", err)
	}
	raw[len(raw)-1] ^= 1
	if err := os.WriteFile(filepath.Join(dir, b), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Read(b, sumB); !errors.Is(err, evidence.ErrCorrupt) {
		t.Errorf("altered file: %v, want ErrCorrupt", err)
	}
	// A plain file dropped into the directory is not evidence.
	plainName := "0123456789abcdef0123456789abcdef"
	os.WriteFile(filepath.Join(dir, plainName), []byte("plain"), 0o600)
	sum := sha256.Sum256([]byte("plain"))
	if _, err := s.Read(plainName, hex.EncodeToString(sum[:])); !errors.Is(err, evidence.ErrCorrupt) {
		t.Errorf("plain file: %v, want ErrCorrupt", err)
	}
	for _, bad := range []string{"../hotline.db", "", "0123456789abcdef0123456789abcdeg"} {
		if _, err := s.Read(bad, sumA); err == nil {
			t.Errorf("Read(%q) succeeded", bad)
		}
	}
	// Another key file cannot open the evidence.
	other, err := evidence.Open(dir, seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	c, sumC, _ := s.Put([]byte("third file"))
	if _, err := other.Read(c, sumC); !errors.Is(err, evidence.ErrCorrupt) {
		t.Errorf("wrong key file: %v, want ErrCorrupt", err)
	}
}
