package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"hotline"
)

// Coarse statuses a family may be told; nothing finer ever leaves.
const (
	FamilyHandled = "handled"
	FamilyClosed  = "closed"
)

// SetFamilyStatusConsent records whether the family reporter of a case
// agreed to receive coarse status. Only family reports can: the person
// held is never sent anything they did not ask for.
func (db *DB) SetFamilyStatusConsent(ctx context.Context, actor hotline.Staff, caseID int64, on bool) error {
	return db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, _ string) error {
		var reporter string
		if err := tx.QueryRow(`SELECT reporter FROM cases WHERE id = ?`, caseID).Scan(&reporter); err != nil {
			return err
		}
		if on && reporter != string(hotline.ReporterFamily) {
			return hotline.Errorf(hotline.ECONFLICT, "coarse status is only for family reports")
		}
		if _, err := tx.Exec(`UPDATE cases SET family_status = ? WHERE id = ?`, on, caseID); err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "case.family_status_consent", caseID, map[string]any{"on": on})
	})
}

// FamilyStatus says whether the family of a case consented to coarse
// status, and which one applies now: closed once the case is resolved or
// closed, handled before.
func (db *DB) FamilyStatus(ctx context.Context, caseID int64) (consent bool, status string, err error) {
	var st string
	err = db.rdb.QueryRowContext(ctx, `SELECT family_status, status FROM cases WHERE id = ?`, caseID).Scan(&consent, &st)
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", hotline.Errorf(hotline.ENOTFOUND, "case %d not found", caseID)
	}
	if err != nil {
		return false, "", err
	}
	status = FamilyHandled
	if st == hotline.StatusResolved || st == hotline.StatusClosed {
		status = FamilyClosed
	}
	return consent, status, nil
}

// QueueFamilyStatus queues body, the coarse status in the family's
// language, as a reply. The family's consent stands in for the reply
// window (they asked to be told); a do-not-contact contact gets nothing,
// checked in the same transaction that writes, and the outbox row carries
// no do-not-contact override, so a STOP that comes later still stops it.
func (db *DB) QueueFamilyStatus(ctx context.Context, actor hotline.Staff, caseID int64, body string) (int64, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return 0, hotline.Errorf(hotline.EINVALID, "the status is empty")
	}
	var msgID int64
	err := db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, _ string) error {
		var consent, dnc bool
		var contactID int64
		var channel, address string
		err := tx.QueryRow(`
			SELECT c.family_status, k.id, k.channel, k.address, k.do_not_contact
			FROM cases c JOIN contacts k ON k.id = c.contact_id WHERE c.id = ?`, caseID).
			Scan(&consent, &contactID, &channel, tx.sl.into(colContactAddress, &address), &dnc)
		if err != nil {
			return err
		}
		if !consent {
			return hotline.Errorf(hotline.ECONFLICT, "the family has not asked for status")
		}
		if dnc {
			return hotline.ErrDoNotContact
		}
		if msgID, err = insertStaffMessage(tx, now, caseID, contactID, channel, body); err != nil {
			return err
		}
		if _, err := tx.Exec(`
			INSERT INTO outbox (case_id, message_id, kind, channel, recipient, body, status, next_attempt_at, created_at, updated_at)
			VALUES (?, ?, 'reply', ?, ?, ?, 'queued', ?, ?, ?)`,
			caseID, msgID, channel, tx.sl.text(colOutboxTo, address), tx.sl.text(colOutboxBody, body), ms(now), ms(now), ms(now)); err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "case.family_status_sent", caseID, map[string]any{"message_id": msgID, "channel": channel})
	})
	return msgID, err
}
