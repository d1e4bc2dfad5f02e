package store

import (
	"context"
	"strings"

	"hotline"
)

// RecordCaseAccess audits a read of a case's personal data: who (actor),
// through what (via, e.g. "console" or "api"), from where (the client's
// address), and when (now). Callers record the read before they answer, so
// that a read nobody could audit is a read that does not happen.
func (db *DB) RecordCaseAccess(ctx context.Context, actor string, caseID int64, via, addr string) error {
	if caseID <= 0 {
		return hotline.Errorf(hotline.EINVALID, "no such case")
	}
	actor = strings.TrimSpace(actor)
	if actor == "" {
		actor = "unknown"
	}
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		return audit(tx, now, actor, "case.viewed", caseID, map[string]any{"via": via, "addr": addr})
	})
}
