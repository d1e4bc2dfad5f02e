package store

import (
	"fmt"
	"time"

	"hotline"
)

// The milestones a case keeps on its row (first_in_at, first_reply_at,
// closed_at: migration 00051) and its place in the queue (waiting,
// waiting_since: 00100) were kept by triggers on messages and audit_events
// until 00102 and are written here, by the few code paths that change them:
//
//   - a message from the person: intake (insertCase, caseTriage.update)
//     sets first_in_at and, on an answered case, waiting;
//   - a message from a person on our side: insertStaffMessage;
//   - a status change: recordStatus.
//
// Automatic replies (status 'replied_inline') answer nothing.

// insertStaffMessage writes a message that a person on our side sends to
// the person of a case (queued for the dispatcher) and marks the case
// answered: it goes behind the cases that have waited longer, and its first
// reply time is kept for the overview.
func insertStaffMessage(tx *writeTx, now time.Time, caseID, contactID int64, channel, body string) (int64, error) {
	var msgID int64
	if err := tx.QueryRow(`
		INSERT INTO messages (case_id, contact_id, direction, channel, external_id, body, status, created_at)
		VALUES (?, ?, 'out', ?, '', ?, 'queued', ?) RETURNING id`,
		caseID, contactID, channel, tx.sl.text(colMessageBody, body), ms(now)).Scan(&msgID); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(`
		UPDATE cases SET waiting = 0, waiting_since = ?1,
			first_reply_at = CASE WHEN first_reply_at IS NULL OR first_reply_at > ?1 THEN ?1 ELSE first_reply_at END
		WHERE id = ?2`, ms(now), caseID); err != nil {
		return 0, fmt.Errorf("store: case answered: %w", err)
	}
	return msgID, nil
}

// recordStatus writes the audit event of a status change and the case's
// closed_at: the time it was last resolved or closed, NULL while it is
// open again.
func recordStatus(tx *writeTx, now time.Time, actor string, caseID int64, to string, detail map[string]any) error {
	if err := audit(tx, now, actor, "case.status", caseID, detail); err != nil {
		return err
	}
	var closedAt any
	if to == hotline.StatusResolved || to == hotline.StatusClosed {
		closedAt = ms(now)
	}
	if _, err := tx.Exec(`UPDATE cases SET closed_at = ? WHERE id = ?`, closedAt, caseID); err != nil {
		return fmt.Errorf("store: case closed_at: %w", err)
	}
	return nil
}
