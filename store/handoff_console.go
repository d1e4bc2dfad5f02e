package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"hotline"
)

// PacketSource is what the console builds a case's hand-off packet from
// before (or apart from) any hand-off: the case with its messages, the
// contact's name and the reporter's consent. Handoff and Responder are
// left empty for the caller to choose.
func (db *DB) PacketSource(ctx context.Context, caseID int64) (hotline.NotificationSource, error) {
	var src hotline.NotificationSource
	err := db.rdb.QueryRowContext(ctx, `
		SELECT c.consent_share, k.name FROM cases c JOIN contacts k ON k.id = c.contact_id WHERE c.id = ?`, caseID).
		Scan(&src.Consent, db.sl.into(colContactName, &src.Name))
	if errors.Is(err, sql.ErrNoRows) {
		return src, hotline.Errorf(hotline.ENOTFOUND, "case %d not found", caseID)
	}
	if err != nil {
		return src, fmt.Errorf("store: packet source %d: %w", caseID, err)
	}
	src.Case, err = db.GetCase(ctx, caseID)
	return src, err
}

// LinkUpdate records a responder's update sent with an acknowledgement
// link (the same form acknowledges). The link has no console account
// behind it, so the note is written under the system account and the
// audit names the link and its organisation.
func (db *DB) LinkUpdate(ctx context.Context, t hotline.AckLinkTarget, kind, note string) error {
	if !slices.Contains(UpdateKinds, kind) {
		return hotline.Errorf(hotline.EINVALID, "unknown update")
	}
	return db.caseAction(ctx, t.CaseID, func(tx *writeTx, now time.Time, status string) error {
		uid, err := systemUserID(tx, now)
		if err != nil {
			return err
		}
		return responderUpdate(tx, now, status, uid, "responder link ("+t.Organisation+")", t.Organisation, t.CaseID, t.HandoffID, kind, note)
	})
}
