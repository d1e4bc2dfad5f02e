package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"hotline/internal/seal"
	"hotline/store"
)

// cmdKey manages the key file that seals personal data at rest.
//
// `hotline key rotate` runs with the server stopped: a running server holds
// the key ring it started with and could not open values sealed under the
// new key. Every step leaves the data readable: the key file gains the new
// key (and keeps the old ones) before any value is re-sealed, and the old
// keys are dropped only after the database reports that no value still
// needs them. Interrupted, it can simply be run again.
func cmdKey(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "rotate" {
		return usageError("usage: hotline key rotate [--db DB] [--key-file FILE]")
	}
	fs := flag.NewFlagSet("key rotate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := loadConfig(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return usageError(err.Error())
	}
	keys, err := seal.Load(cfg.KeyFile)
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	if store.InUse(cfg.DB) {
		return errors.New("the database is open in another process: stop the server, then rotate")
	}
	if err := keys.Rotate(); err != nil {
		return err
	}
	opts := store.DefaultOptions()
	opts.Keys = keys
	// Opening checks that the key file belongs to the database before the
	// file is changed.
	db, err := store.Open(cfg.DB, opts)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := keys.Save(cfg.KeyFile); err != nil {
		return fmt.Errorf("save the key file with the new key: %w", err)
	}
	n, err := db.Reseal(ctx)
	if err != nil {
		return fmt.Errorf("re-sealing stopped after %d values (the key file keeps every key; run rotate again): %w", n, err)
	}
	left, err := db.Unsealed(ctx)
	if err != nil {
		return err
	}
	if left != 0 {
		return fmt.Errorf("%d values are still under an old key; the old keys are kept: run rotate again", left)
	}
	files, err := resealEvidence(ctx, db, keys, cfg)
	if err != nil {
		return fmt.Errorf("re-sealing evidence files stopped after %d (the key file keeps every key; run rotate again): %w", files, err)
	}
	if err := db.Close(); err != nil {
		return err
	}
	keys.DropInactive()
	if err := keys.Save(cfg.KeyFile); err != nil {
		return fmt.Errorf("drop the old keys from the key file (every value is already under the new key): %w", err)
	}
	fmt.Fprintf(stdout, "re-sealed %d values and %d evidence files under data key %d; older keys dropped from %s\n", n, files, keys.Active(), cfg.KeyFile)
	fmt.Fprintf(stdout, "back up %s again now: backups of the database made before this rotation need the previous key file\n", cfg.KeyFile)
	return nil
}
