package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"hotline/store"
)

// cmdEntities maintains the entity index: `reindex` fills it from every
// stored message (after an upgrade, or when the normalization changed),
// keeping what staff confirmed, rejected or added.
func cmdEntities(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "reindex" {
		return errors.New("usage: hotline entities reindex [--db DB]")
	}
	fs := flag.NewFlagSet("entities reindex", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := loadConfig(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openStore(cfg, store.DefaultOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.ReindexEntities(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "entity index: %d messages read\n", n)
	return nil
}
