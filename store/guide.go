package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"hotline"
)

// Contact modes the intake pipeline reads before it replies.
const (
	// ModeDiscreet: replies carry the case reference and nothing else.
	ModeDiscreet = "discreet"
	// ModeSilent: no automatic message at all (do not contact, or not
	// safe to reply).
	ModeSilent = "silent"
)

// Guide items whose facts live in the store.
const (
	itemLocation = "location"
	itemSafe     = "safe"
	itemPeople   = "people"
)

func guideAnswer(tx *writeTx, now, caseID, contactID, messageID int64, item, value string) error {
	var msg any
	if messageID > 0 {
		msg = messageID
	}
	// An answer volunteered without a question ("don't reply") is recorded
	// as asked and answered at once, so it is not asked later.
	if _, err := tx.Exec(`
		INSERT INTO guide_items (case_id, item, asked_at, answered_at, answer_message_id, answer) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (case_id, item) DO UPDATE SET answered_at = excluded.answered_at,
			answer_message_id = excluded.answer_message_id, answer = excluded.answer
		WHERE guide_items.answered_at IS NULL`,
		caseID, item, now, now, msg, tx.sl.text(colGuideAnswer, value)); err != nil {
		return fmt.Errorf("store: guide answer: %w", err)
	}
	switch item {
	case itemSafe:
		if value == "yes" || value == "no" {
			if _, err := tx.Exec(`UPDATE contacts SET safe_to_contact = ? WHERE id = ?`, value == "yes", contactID); err != nil {
				return err
			}
		}
	case itemPeople:
		if n, err := strconv.Atoi(value); err == nil && n > 0 {
			if _, err := tx.Exec(`UPDATE cases SET people_count = ?, updated_at = ? WHERE id = ?`, n, now, caseID); err != nil {
				return err
			}
		}
	}
	return nil
}

// PeopleCount returns the case's people count, 0 when unknown.
func (db *DB) PeopleCount(ctx context.Context, caseID int64) (int, error) {
	var n sql.NullInt64
	err := db.rdb.QueryRowContext(ctx, `SELECT people_count FROM cases WHERE id = ?`, caseID).Scan(&n)
	return int(n.Int64), err
}

// ContactSafety reports a contact's flags as staff see them; safe is nil
// when the person did not say.
func (db *DB) ContactSafety(ctx context.Context, ch hotline.Channel, address string) (dnc, discreet, unreachable bool, safe *bool, err error) {
	var s, u sql.NullInt64
	err = db.rdb.QueryRowContext(ctx, `SELECT do_not_contact, discreet, unreachable_at, safe_to_contact FROM contacts WHERE channel = ? AND address_hash = ?`,
		string(ch), db.sl.contactHash(address)).Scan(&dnc, &discreet, &u, &s)
	if s.Valid {
		v := s.Int64 != 0
		safe = &v
	}
	return dnc, discreet, u.Valid, safe, err
}

// SetDiscreet turns a contact's discreet mode on or off (audited).
func (db *DB) SetDiscreet(ctx context.Context, ch hotline.Channel, address string, on bool) error {
	return db.setContactFlag(ctx, ch, address, "contact.discreet", `UPDATE contacts SET discreet = ? WHERE channel = ? AND address_hash = ?`, on)
}

// MarkUnreachable records that the provider can no longer reach a contact
// (a Telegram user blocked the bot); automatic replies stop until the
// contact writes again.
func (db *DB) MarkUnreachable(ctx context.Context, ch hotline.Channel, address string) error {
	return db.setContactFlag(ctx, ch, address, "contact.unreachable",
		`UPDATE contacts SET unreachable_at = CASE WHEN ? THEN `+strconv.FormatInt(db.now().UnixMilli(), 10)+` END WHERE channel = ? AND address_hash = ?`, true)
}

func (db *DB) setContactFlag(ctx context.Context, ch hotline.Channel, address, action, update string, on bool) error {
	if ch == "" || address == "" {
		return hotline.Errorf(hotline.EINVALID, "contact without channel or address")
	}
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		res, err := tx.Exec(update, on, string(ch), tx.sl.contactHash(address))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // a contact we never heard from has nothing to mark
		}
		return audit(tx, now, "intake", action, 0, map[string]any{"channel": ch, "on": on})
	})
}
