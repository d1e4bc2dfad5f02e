// Package evidence keeps the files behind messages' media references: it
// fetches them from the provider (Twilio with Basic auth, Telegram through
// the Bot API) before the provider deletes them, and holds each one sealed
// (AES-256-GCM, package seal) in a local directory with its SHA-256, so
// that staff can later show a file is the one the person sent.
package evidence

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"hotline/internal/atomicfile"
	"hotline/internal/seal"
)

// Store is the evidence directory. Files are named by a random id, never by
// the provider's URL or the sender's file name, so a directory listing
// says nothing about the cases.
type Store struct {
	dir  string
	keys *seal.Keyring
}

// ErrCorrupt means a stored file did not open or did not match its
// recorded SHA-256: altered, swapped with another, or the wrong key file.
var ErrCorrupt = errors.New("evidence: stored file does not match its record")

// Open uses dir as the evidence directory, creating it (mode 0700) if need be.
func Open(dir string, keys *seal.Keyring) (*Store, error) {
	if keys == nil {
		return nil, errors.New("evidence: no keyring: evidence is kept only sealed")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	return &Store{dir: dir, keys: keys}, nil
}

// Dir is the evidence directory.
func (s *Store) Dir() string { return s.dir }

// aad binds a sealed file to its name and content hash: a file copied
// under another name, or into another row's place, does not open.
func aad(name, sum string) []byte { return []byte("hotline evidence " + name + " " + sum) }

// Put stores data sealed and returns its name, SHA-256 (hex) and size. The
// file is written to a temporary name, fsync'd and renamed, so a crash
// leaves either no file or the whole file.
func (s *Store) Put(data []byte) (name, sum string, err error) {
	h := sha256.Sum256(data)
	sum = hex.EncodeToString(h[:])
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", "", err
	}
	name = hex.EncodeToString(id[:])
	if err := writeAtomic(s.dir, name, s.keys.Seal(data, aad(name, sum))); err != nil {
		return "", "", fmt.Errorf("evidence: store file: %w", err)
	}
	return name, sum, nil
}

// Read opens the file stored as name and checks it against sum.
func (s *Store) Read(name, sum string) ([]byte, error) {
	if !validName(name) {
		return nil, fmt.Errorf("evidence: invalid file name")
	}
	sealed, err := os.ReadFile(filepath.Join(s.dir, name))
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	if !seal.IsSealed(sealed) {
		// Evidence is never written in the clear; a plain file here was
		// put by someone else.
		return nil, ErrCorrupt
	}
	data, err := s.keys.Open(sealed, aad(name, sum))
	if err != nil {
		return nil, ErrCorrupt
	}
	if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum {
		return nil, ErrCorrupt
	}
	return data, nil
}

// SourceHash is the keyed hash recorded for a provider URL.
func (s *Store) SourceHash(url string) []byte { return s.keys.HashString("evidence.source", url) }

// validName accepts only names Put makes (32 hex digits), so a name from
// the database can never point outside the directory.
func validName(name string) bool {
	if len(name) != 32 {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}

// writeAtomic writes a file of the folder dir whole or not at all.
func writeAtomic(dir, name string, content []byte) error {
	return atomicfile.Write(filepath.Join(dir, name), content, 0o600)
}

// Remove deletes a stored file for good (retention); a file already gone
// is not an error, so a run cut short can be repeated.
func (s *Store) Remove(name string) error {
	if !validName(name) {
		return fmt.Errorf("evidence: invalid file name %q", name)
	}
	if err := os.Remove(filepath.Join(s.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("evidence: %w", err)
	}
	return atomicfile.SyncDir(s.dir)
}

// RedactedLister is what PurgeRedacted needs of the database.
type RedactedLister interface {
	RedactedEvidenceFiles(ctx context.Context, limit int) ([]Item, error)
	EvidenceFileDeleted(ctx context.Context, id int64) error
}

// PurgeRedacted deletes the files of every evidence item the database
// marks as belonging to a redacted case, and records each deletion. It
// returns how many files it deleted.
func (s *Store) PurgeRedacted(ctx context.Context, db RedactedLister) (int, error) {
	n := 0
	for {
		items, err := db.RedactedEvidenceFiles(ctx, 200)
		if err != nil || len(items) == 0 {
			return n, err
		}
		for _, it := range items {
			if err := s.Remove(it.File); err != nil {
				return n, err
			}
			if err := db.EvidenceFileDeleted(ctx, it.ID); err != nil {
				return n, err
			}
			n++
		}
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
	}
}
