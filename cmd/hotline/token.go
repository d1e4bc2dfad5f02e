package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"hotline/store"
)

// cmdToken issues an API token and prints it alone on stdout, so scripts can
// capture it with $(hotline token create NAME).
func cmdToken(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) < 2 || args[0] != "create" {
		return usageError("usage: hotline token create NAME")
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := loadConfig(fs)
	name := args[1]
	if err := fs.Parse(args[2:]); err != nil {
		return usageError(err.Error())
	}
	db, err := openStore(cfg, store.DefaultOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	tok, err := db.CreateToken(ctx, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}
