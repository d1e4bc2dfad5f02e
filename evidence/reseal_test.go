package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"hotline/evidence"
	"hotline/internal/seal"
)

type itemList []evidence.Item

func (l itemList) FetchedEvidence(_ context.Context, after int64, limit int) ([]evidence.Item, error) {
	var out []evidence.Item
	for _, it := range l {
		if it.ID > after && len(out) < limit {
			out = append(out, it)
		}
	}
	return out, nil
}

// After a rotation, Reseal lets the old key go without losing a file.
func TestResealAfterRotationKeepsEvidenceReadable(t *testing.T) {
	keys := seal.Generate()
	s, err := evidence.Open(filepath.Join(t.TempDir(), "evidence"), keys)
	if err != nil {
		t.Fatal(err)
	}
	var list itemList
	files := [][]byte{[]byte("first fictional photo"), []byte("second fictional voice note")}
	for i, data := range files {
		name, sum, err := s.Put(data)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, evidence.Item{ID: int64(i + 1), File: name, SHA256: sum, Status: evidence.StatusFetched})
	}
	if err := keys.Rotate(); err != nil {
		t.Fatal(err)
	}
	n, err := s.Reseal(context.Background(), list)
	if err != nil || n != 2 {
		t.Fatalf("Reseal = %d, %v; want 2", n, err)
	}
	if n, err := s.Reseal(context.Background(), list); err != nil || n != 0 {
		t.Fatalf("second Reseal = %d, %v; want 0", n, err)
	}
	keys.DropInactive()
	for i, it := range list {
		if got, err := s.Read(it.File, it.SHA256); err != nil || !bytes.Equal(got, files[i]) {
			t.Errorf("file %d after the old key was dropped: %q, %v", i, got, err)
		}
	}

	// Without Reseal, dropping the old key loses the file: what Reseal is for.
	name, sum, _ := s.Put([]byte("third"))
	keys.Rotate()
	keys.DropInactive()
	if _, err := s.Read(name, sum); !errors.Is(err, evidence.ErrCorrupt) {
		t.Errorf("file under a dropped key: %v, want ErrCorrupt", err)
	}
}
