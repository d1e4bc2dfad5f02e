package main

import (
	"context"
	"flag"
	"fmt"
	"io"

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
	return nil
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
