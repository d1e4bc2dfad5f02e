package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/user"
	"strings"
	"time"

	"hotline/export"
	"hotline/store"
)

const exportUsage = `usage:
  hotline export --from DATE --to DATE --partner NAME --profile police|full --out PATH[.zip] [--by NAME]
  hotline export pubkey                 print the public key partners verify exports with
  hotline export verify --pubkey KEY PATH
DATE is 2006-01-02 or RFC 3339; --to is exclusive.`

// cmdExport makes a signed export for a partner, prints the key it is
// signed with, or verifies an export.
func cmdExport(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "pubkey" {
		fs := flag.NewFlagSet("export pubkey", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		cfg := loadConfig(fs)
		if err := fs.Parse(args[1:]); err != nil {
			return fmt.Errorf("%v\n%s", err, exportUsage)
		}
		key, err := export.LoadOrCreateKey(export.KeyPath(cfg.DB))
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, export.PublicKeyString(key))
		return nil
	}
	if len(args) > 0 && args[0] == "verify" {
		return cmdExportVerify(args[1:], stdout)
	}
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := loadConfig(fs)
	from := fs.String("from", "", "first day (inclusive)")
	to := fs.String("to", "", "last day (exclusive)")
	partner := fs.String("partner", "", "who the export is for")
	profile := fs.String("profile", "police", "police or full")
	out := fs.String("out", "", "directory to create, or a .zip file")
	by := fs.String("by", "", "administrator named in the audit log (default: the system user)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%v\n%s", err, exportUsage)
	}
	if *out == "" || *from == "" || *to == "" || *partner == "" {
		return errors.New(exportUsage)
	}
	f, err := parseDay(*from)
	if err != nil {
		return err
	}
	t, err := parseDay(*to)
	if err != nil {
		return err
	}
	actor := *by
	if actor == "" {
		actor = "cli"
		if u, err := user.Current(); err == nil {
			actor = "cli:" + u.Username
		}
	}
	key, err := export.LoadOrCreateKey(export.KeyPath(cfg.DB))
	if err != nil {
		return err
	}
	db, err := openStore(cfg, store.DefaultOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := export.Make(ctx, db, key, export.Request{From: f, To: t, Partner: *partner, Profile: *profile, By: actor}, time.Now())
	if err != nil {
		return err
	}
	if err := export.Write(*out, res.Files); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "export written to %s: profile %s, %d cases, %d entities, manifest sha256 %s\n",
		*out, res.Document.Profile, len(res.Document.Cases), len(res.Document.Entities), res.Digest)
	return nil
}

func cmdExportVerify(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	pub := fs.String("pubkey", "", "the signer's public key (base64)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *pub == "" {
		return errors.New(exportUsage)
	}
	key, err := export.ParsePublicKey(*pub)
	if err != nil {
		return err
	}
	files, err := export.Read(fs.Arg(0))
	if err != nil {
		return err
	}
	m, err := export.Verify(files, key)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "verified: %d files, profile %s, partner %s\n", len(m.Files), m.Profile, m.Partner)
	return nil
}

// parseDay reads a day (midnight UTC) or an RFC 3339 time.
func parseDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (2006-01-02) or an RFC 3339 time", s)
	}
	return t, nil
}
