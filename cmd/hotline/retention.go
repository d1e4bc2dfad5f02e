package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"hotline/evidence"
	"hotline/internal/seal"
	"hotline/store"
)

// Retention is off unless HOTLINE_RETENTION_DAYS says how many days after
// a case is resolved or closed its personal data is redacted (store/
// retention.go says what goes and what stays). 0, the default, keeps
// everything forever: deleting a victim's words is not a decision to make
// for an embassy by default.
const retentionActor = "retention"

// retentionEvery is how often a serving process applies retention.
const retentionEvery = 24 * time.Hour

// retentionDays reads HOTLINE_RETENTION_DAYS.
func retentionDays() (int, error) {
	v := os.Getenv("HOTLINE_RETENTION_DAYS")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("HOTLINE_RETENTION_DAYS=%q: want a number of days, 0 to keep forever", v)
	}
	return n, nil
}

// cmdRetention is `hotline retention run [--dry-run] [--days N]`.
func cmdRetention(ctx context.Context, args []string, stdout io.Writer) error {
	const use = "usage: hotline retention run [--dry-run] [--days N] [--db PATH]"
	if len(args) < 1 || args[0] != "run" {
		return usageError(use)
	}
	fs := flag.NewFlagSet("retention run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := loadConfig(fs)
	def, err := retentionDays()
	if err != nil {
		return err
	}
	days := fs.Int("days", def, "redact cases resolved or closed more than this many days ago; 0 keeps everything (HOTLINE_RETENTION_DAYS)")
	dry := fs.Bool("dry-run", false, "list the cases that would be redacted, change nothing")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError(err.Error() + "\n" + use)
	}
	if *days <= 0 {
		fmt.Fprintln(stdout, "retention is off (HOTLINE_RETENTION_DAYS=0 or unset): nothing is redacted")
		return nil
	}
	db, err := openStore(cfg, store.DefaultOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	cutoff := time.Now().Add(-time.Duration(*days) * 24 * time.Hour)
	if *dry {
		due, err := db.RetentionDue(ctx, cutoff, 1<<30)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d cases closed before %s would be redacted\n", len(due), cutoff.UTC().Format(time.DateOnly))
		for _, c := range due {
			fmt.Fprintf(stdout, "  %s  %s  closed %s\n", c.Ref, c.Status, c.ClosedAt.Format(time.DateOnly))
		}
		return nil
	}
	rep, err := db.RedactClosedBefore(ctx, cutoff, retentionActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "redacted %d cases closed before %s (%d messages, %d contacts)\n",
		rep.Cases, cutoff.UTC().Format(time.DateOnly), rep.Messages, rep.Contacts)
	files, err := existingEvidence(cfg, func() (*seal.Keyring, error) { return loadKeys(cfg.KeyFile, cfg.DB) })
	if files == nil || err != nil {
		return err
	}
	n, err := files.PurgeRedacted(ctx, db)
	if err != nil {
		return fmt.Errorf("evidence files of redacted cases: %d deleted, then: %w", n, err)
	}
	fmt.Fprintf(stdout, "deleted %d evidence files of redacted cases\n", n)
	return nil
}

// startRetention applies retention in the background while serving: a
// minute after start, then daily. It returns the function that stops it
// (and waits for a run in progress), for serve to defer.
func startRetention(db *store.DB, files *evidence.Store, log *slog.Logger) (stop func()) {
	days, err := retentionDays()
	if err != nil {
		log.Error("retention not started", "err", err)
		return func() {}
	}
	if days == 0 {
		log.Info("retention off: closed cases keep their data (HOTLINE_RETENTION_DAYS)")
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTimer(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			cutoff := time.Now().Add(-time.Duration(days) * 24 * time.Hour)
			rep, err := db.RedactClosedBefore(ctx, cutoff, retentionActor)
			if err != nil && ctx.Err() == nil {
				log.Error("retention run failed", "err", err)
			} else if rep.Cases > 0 {
				log.Info("retention: closed cases redacted", "cases", rep.Cases, "messages", rep.Messages, "contacts", rep.Contacts, "days", days)
			}
			// After every run, not only one that redacted: files a crash
			// left behind are deleted too.
			if files != nil {
				if n, err := files.PurgeRedacted(ctx, db); err != nil && ctx.Err() == nil {
					log.Error("retention: deleting evidence files of redacted cases failed", "deleted", n, "err", err)
				} else if n > 0 {
					log.Info("retention: evidence files of redacted cases deleted", "files", n)
				}
			}
			t.Reset(retentionEvery)
		}
	}()
	return func() { cancel(); <-done }
}
