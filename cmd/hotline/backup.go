package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"

	"hotline/evidence"
	"hotline/internal/seal"
	"hotline/store"
)

// cmdBackup copies the database to PATH while a server may be running, then
// checks the copy's audit chain so that a backup that cannot be restored is
// known now rather than on the day it is needed.
func cmdBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := loadConfig(fs)
	dest, err := onePath(fs, args, "usage: hotline backup [--db DB] PATH")
	if err != nil {
		return err
	}
	if err := store.BackupFile(ctx, cfg.DB, dest); err != nil {
		return err
	}
	rep, err := store.VerifyAuditFile(ctx, dest)
	if err != nil {
		return err
	}
	if !rep.OK() {
		return fmt.Errorf("backup written to %s, but its audit chain is broken at event %d: %s", dest, rep.BrokenAt, rep.Reason)
	}
	fmt.Fprintf(stdout, "backup written to %s: %d audit events, head %s\n", dest, rep.Events, rep.Head)
	var keys *seal.Keyring
	files, err := existingEvidence(cfg, func() (*seal.Keyring, error) {
		keys, err = loadKeys(cfg.KeyFile, cfg.DB)
		return keys, err
	})
	if files == nil || err != nil {
		return err
	}
	copied, missing, err := copyEvidence(ctx, files, dest, evidenceBackupDir(dest), keys)
	if err != nil {
		return fmt.Errorf("database backup written to %s, but its evidence files were not: %w", dest, err)
	}
	fmt.Fprintf(stdout, "evidence: %d new files copied to %s (sealed; keep the key file's backup with them)\n", copied, evidenceBackupDir(dest))
	if missing > 0 {
		return fmt.Errorf("%d evidence files the database names are missing from %s", missing, files.Dir())
	}
	return nil
}

// evidenceBackupDir is where a backup at dest keeps its evidence files.
func evidenceBackupDir(dest string) string { return dest + ".evidence" }

// copyEvidence copies from files into the folder to the sealed evidence
// files that the database file db names (the backup's, or the restored
// one's), so the files and the rows that point at them travel together.
func copyEvidence(ctx context.Context, files *evidence.Store, db, to string, keys *seal.Keyring) (copied, missing int, err error) {
	opts := store.DefaultOptions()
	opts.Keys = keys
	named, err := store.Open(db, opts)
	if err != nil {
		return 0, 0, err
	}
	defer named.Close()
	copied, gone, err := files.CopyTo(ctx, named, to)
	return copied, len(gone), err
}

// cmdRestore puts a backup in place of the database. The server must be
// stopped; the backup must open, migrate and pass audit verify first.
func cmdRestore(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := loadConfig(fs)
	src, err := onePath(fs, args, "usage: hotline restore [--db DB] PATH")
	if err != nil {
		return err
	}
	// The backup must open with the key file it was sealed with.
	keys, err := loadKeys(cfg.KeyFile, src)
	if err != nil {
		return err
	}
	rep, err := store.Restore(ctx, src, cfg.DB, keys)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s: %d audit events, head %s\n", cfg.DB, src, rep.Events, rep.Head)
	from := evidenceBackupDir(src)
	if _, err := os.Stat(from); errors.Is(err, iofs.ErrNotExist) {
		return nil
	}
	backupFiles, err := evidence.Open(from, keys)
	if err != nil {
		return err
	}
	copied, missing, err := copyEvidence(ctx, backupFiles, cfg.DB, evidenceDir(cfg), keys)
	if err != nil {
		return fmt.Errorf("database restored, but its evidence files were not: %w", err)
	}
	fmt.Fprintf(stdout, "evidence: %d files restored to %s\n", copied, evidenceDir(cfg))
	if missing > 0 {
		return fmt.Errorf("%d evidence files the restored database names are missing from %s", missing, from)
	}
	return nil
}

// onePath parses flags given before or after the one positional path.
func onePath(fs *flag.FlagSet, args []string, usage string) (string, error) {
	var path string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return "", usageError(err.Error())
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if path != "" {
			return "", usageError(usage)
		}
		path, args = args[0], args[1:]
	}
	if path == "" {
		return "", usageError(usage)
	}
	return path, nil
}
