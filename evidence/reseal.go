package evidence

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// FetchedLister pages through the fetched items (the SQLite store
// implements it).
type FetchedLister interface {
	FetchedEvidence(ctx context.Context, afterID int64, limit int) ([]Item, error)
}

// Reseal rewrites every stored file that is sealed under a data key other
// than the active one, so that after a key rotation the old keys can be
// dropped (seal.Keyring.DropInactive) without losing evidence. It returns
// how many files it rewrote; run it again after a failure, it skips what
// is done.
func (s *Store) Reseal(ctx context.Context, list FetchedLister) (int, error) {
	n := 0
	var after int64
	for {
		items, err := list.FetchedEvidence(ctx, after, 200)
		if err != nil {
			return n, err
		}
		for _, it := range items {
			after = it.ID
			if !validName(it.File) {
				return n, fmt.Errorf("evidence %d: invalid file name", it.ID)
			}
			raw, err := os.ReadFile(filepath.Join(s.dir, it.File))
			if err != nil {
				return n, fmt.Errorf("evidence %d: %w", it.ID, err)
			}
			if !s.keys.NeedsReseal(raw) {
				continue
			}
			data, err := s.Read(it.File, it.SHA256)
			if err != nil {
				return n, fmt.Errorf("evidence %d: %w", it.ID, err)
			}
			if err := writeAtomic(s.dir, it.File, s.keys.Seal(data, aad(it.File, it.SHA256))); err != nil {
				return n, fmt.Errorf("evidence %d: %w", it.ID, err)
			}
			n++
		}
		if len(items) < 200 || ctx.Err() != nil {
			return n, ctx.Err()
		}
	}
}
