package store

import (
	"hotline/internal/seal"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
)

// ErrInUse is returned by Restore when a server has the target database open.
var ErrInUse = errors.New("store: database is in use by a running server")

// Backup writes a consistent copy of the open database to dest while the
// writer keeps committing. The copy is one snapshot: every unit committed
// before Backup started is in it.
func (db *DB) Backup(ctx context.Context, dest string) error {
	var seq int
	var name, file string
	if err := db.rdb.QueryRowContext(ctx, `PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return BackupFile(ctx, file, dest)
}

// BackupFile copies the database at src to dest with VACUUM INTO, from its
// own connection, so it can run in another process beside a live server.
// VACUUM INTO reads one snapshot and writes a compact file; it is written
// under a temporary name, fsync'd and then renamed, so a file at dest is
// always a whole backup. dest must not exist.
func BackupFile(ctx context.Context, src, dest string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("store: backup: %s already exists", dest)
	}
	partial := dest + ".partial"
	os.Remove(partial)
	// Not query-only: SQLite counts VACUUM INTO as a write, though it
	// writes only the new file.
	conn, err := sql.Open("sqlite3", dsn(src, url.Values{"_busy_timeout": {"10000"}}))
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, partial); err != nil {
		os.Remove(partial)
		return fmt.Errorf("store: backup: %w", err)
	}
	// Victims' words are in it: readable by the service's user only.
	if err := os.Chmod(partial, 0o600); err != nil {
		os.Remove(partial)
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := syncFile(partial); err != nil {
		os.Remove(partial)
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := os.Rename(partial, dest); err != nil {
		os.Remove(partial)
		return fmt.Errorf("store: backup: %w", err)
	}
	return syncDir(filepath.Dir(dest))
}

// Restore replaces the database at dest with the backup at src. It refuses
// while a server has dest open (its WAL would be applied to the wrong
// file), and it installs the backup only after a copy of it has opened,
// migrated, passed an integrity check and a full audit-chain check. keys
// must be the key file the backup was sealed with (a backup taken before a
// key rotation needs the key file saved before it).
func Restore(ctx context.Context, src, dest string, keys *seal.Keyring) (AuditReport, error) {
	if _, err := os.Stat(src); err != nil {
		return AuditReport{}, fmt.Errorf("store: restore: %w", err)
	}
	if inUse(dest) {
		return AuditReport{}, fmt.Errorf("%w: %s; stop it first", ErrInUse, dest)
	}
	tmp := dest + ".restore"
	removeDB(tmp)
	if err := copyFile(src, tmp); err != nil {
		removeDB(tmp)
		return AuditReport{}, fmt.Errorf("store: restore: %w", err)
	}
	rep, err := checkRestored(ctx, tmp, keys)
	if err != nil {
		removeDB(tmp)
		return rep, err
	}
	if inUse(dest) {
		removeDB(tmp)
		return rep, fmt.Errorf("%w: %s; stop it first", ErrInUse, dest)
	}
	// The old WAL and shared memory belong to the old file.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dest + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			removeDB(tmp)
			return rep, fmt.Errorf("store: restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		removeDB(tmp)
		return rep, fmt.Errorf("store: restore: %w", err)
	}
	return rep, syncDir(filepath.Dir(dest))
}

// checkRestored opens the candidate like a server would (migrations
// included) and checks it through.
func checkRestored(ctx context.Context, path string, keys *seal.Keyring) (AuditReport, error) {
	opts := DefaultOptions()
	opts.Keys = keys
	db, err := Open(path, opts)
	if err != nil {
		return AuditReport{}, fmt.Errorf("store: restore: backup does not open: %w", err)
	}
	var ok string
	if err := db.rdb.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&ok); err != nil || ok != "ok" {
		db.Close()
		return AuditReport{}, fmt.Errorf("store: restore: backup fails its integrity check: %s %v", ok, err)
	}
	rep, err := db.VerifyAudit(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return rep, fmt.Errorf("store: restore: %w", err)
	}
	if !rep.OK() {
		return rep, fmt.Errorf("store: restore: backup's audit chain is broken at event %d: %s", rep.BrokenAt, rep.Reason)
	}
	return rep, nil
}

// inUse reports whether another connection has the database open. A
// connection in exclusive locking mode cannot take its lock while any other
// connection, in any process, holds the file's WAL open; a server always
// does.
func inUse(path string) bool {
	if _, err := os.Stat(path); err != nil {
		return false
	}
	probe, err := sql.Open("sqlite3", dsn(path, url.Values{"_locking_mode": {"EXCLUSIVE"}, "_busy_timeout": {"0"}}))
	if err != nil {
		return true
	}
	defer probe.Close()
	if _, err := probe.Exec(`BEGIN EXCLUSIVE`); err != nil {
		return true
	}
	_, err = probe.Exec(`COMMIT`)
	return err != nil
}

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

func copyFile(src, dest string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
