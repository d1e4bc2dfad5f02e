package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"hotline/store"
)

// errAuditBroken makes `hotline audit verify` exit 1 after it has said where.
type errAuditBroken struct{ id int64 }

func (e errAuditBroken) Error() string { return fmt.Sprintf("audit chain broken at event %d", e.id) }

// cmdAudit checks the audit log's hash chain. It reads the database without
// migrating or writing it, and may run beside a live server.
func cmdAudit(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) < 1 || args[0] != "verify" {
		return usageError("usage: hotline audit verify [--db PATH]")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := loadConfig(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return usageError(err.Error())
	}
	rep, err := store.VerifyAuditFile(ctx, cfg.DB)
	if err != nil {
		return err
	}
	if !rep.OK() {
		fmt.Fprintf(stdout, "audit chain BROKEN at event %d (%d events checked): %s\n", rep.BrokenAt, rep.Events, rep.Reason)
		return errAuditBroken{rep.BrokenAt}
	}
	// The head, kept outside this machine, is what shows later that the
	// tail was not cut off or rewritten.
	fmt.Fprintf(stdout, "audit chain intact: %d events, head %s\n", rep.Events, rep.Head)
	return nil
}
