// Package atomicfile replaces a file so that a crash at any moment leaves
// either the old content or the new, never a torn file: the key file and
// the evidence files are both things Hotline cannot afford to half-write.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write puts content at path with mode perm: a temporary file in the same
// folder, fsync'd, renamed over path, and the folder fsync'd so the rename
// itself survives a power cut.
func Write(path string, content []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// SyncDir fsyncs a folder, so that a file created, renamed or removed in
// it stays so after a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
