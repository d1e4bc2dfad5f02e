package evidence

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// CopyTo copies the sealed files of every fetched item that list names
// from this store's directory into dst (created with mode 0700), as they
// are: a backup of the evidence needs the same key file as the database
// backup beside it, and nothing is decrypted on the way. A file already in
// dst with the same size is skipped, so a second backup into the same
// place copies only what is new. Items whose file is missing here are
// returned, not fatal: the caller reports them.
func (s *Store) CopyTo(ctx context.Context, list FetchedLister, dst string) (copied int, missing []int64, err error) {
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return 0, nil, fmt.Errorf("evidence: %w", err)
	}
	var after int64
	for {
		items, err := list.FetchedEvidence(ctx, after, 200)
		if err != nil {
			return copied, missing, err
		}
		for _, it := range items {
			after = it.ID
			if !validName(it.File) {
				return copied, missing, fmt.Errorf("evidence %d: invalid file name", it.ID)
			}
			raw, err := os.ReadFile(filepath.Join(s.dir, it.File))
			if os.IsNotExist(err) {
				missing = append(missing, it.ID)
				continue
			}
			if err != nil {
				return copied, missing, fmt.Errorf("evidence %d: %w", it.ID, err)
			}
			if st, err := os.Stat(filepath.Join(dst, it.File)); err == nil && st.Size() == int64(len(raw)) {
				continue
			}
			if err := writeAtomic(dst, it.File, raw); err != nil {
				return copied, missing, fmt.Errorf("evidence %d: %w", it.ID, err)
			}
			copied++
		}
		if len(items) < 200 || ctx.Err() != nil {
			return copied, missing, ctx.Err()
		}
	}
}
