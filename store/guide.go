package store

import (
	"context"
	"database/sql"
	"errors"
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

// GuideState reads, from committed data, what the guided intake decides
// on for a contact: its mode ("", ModeDiscreet, ModeSilent), its open case
// (0 if none), the item asked last and not yet answered, and the items not
// to ask again (asked before, or already known on the case or contact).
func (db *DB) GuideState(ctx context.Context, ch hotline.Channel, address string) (mode string, caseID int64, pending string, done []string, err error) {
	var (
		contactID     int64
		dnc, discreet bool
		safe          sql.NullInt64
		unreach       bool
	)
	err = db.rdb.QueryRowContext(ctx, `
		SELECT id, do_not_contact, safe_to_contact, discreet, unreachable_at IS NOT NULL
		FROM contacts WHERE channel = ? AND address = ?`, string(ch), address).
		Scan(&contactID, &dnc, &safe, &discreet, &unreach)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, "", nil, nil
	}
	if err != nil {
		return "", 0, "", nil, fmt.Errorf("store: guide contact: %w", err)
	}
	switch {
	// unreachable_at is not silence here: whoever just wrote to us has
	// unblocked us, and the guide only ever answers a message inline.
	case dnc || (safe.Valid && safe.Int64 == 0):
		mode = ModeSilent
	case discreet:
		mode = ModeDiscreet
	}
	if safe.Valid {
		done = append(done, itemSafe)
	}
	var (
		province string
		lat      sql.NullFloat64
		people   sql.NullInt64
	)
	err = db.rdb.QueryRowContext(ctx, `
		SELECT id, province, lat, people_count FROM cases
		WHERE contact_id = ? AND status NOT IN ('resolved', 'closed')
		ORDER BY id DESC LIMIT 1`, contactID).Scan(&caseID, &province, &lat, &people)
	if errors.Is(err, sql.ErrNoRows) {
		return mode, 0, "", done, nil
	}
	if err != nil {
		return "", 0, "", nil, fmt.Errorf("store: guide case: %w", err)
	}
	if province != "" || lat.Valid {
		done = append(done, itemLocation)
	}
	if people.Valid {
		done = append(done, itemPeople)
	}
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT item, answered_at IS NOT NULL FROM guide_items WHERE case_id = ? ORDER BY asked_at, item`, caseID)
	if err != nil {
		return "", 0, "", nil, fmt.Errorf("store: guide items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var item string
		var answered bool
		if err := rows.Scan(&item, &answered); err != nil {
			return "", 0, "", nil, err
		}
		done = append(done, item)
		if !answered {
			pending = item // the latest unanswered one
		} else if pending == item {
			pending = ""
		}
	}
	return mode, caseID, pending, done, rows.Err()
}

// GuideStep records one turn of the guided intake in one unit of work:
// messageID answers the item answered (if any) with value, which fills the
// case or contact ("safe" "no" makes the contact not safe to contact,
// "people" a number sets the case's people count); then, if ask is not
// empty, the question askText is recorded as asked and as an outbound
// message replied inline. An item already asked is ECONFLICT and changes
// nothing, so no case is ever asked the same thing twice.
func (db *DB) GuideStep(ctx context.Context, caseID, messageID int64, answered, value, ask, askText string) error {
	if caseID <= 0 {
		return hotline.Errorf(hotline.EINVALID, "guide step without a case")
	}
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		var contactID int64
		var ch string
		if err := tx.QueryRow(`SELECT contact_id, channel FROM cases WHERE id = ?`, caseID).Scan(&contactID, &ch); err != nil {
			return fmt.Errorf("store: guide case %d: %w", caseID, err)
		}
		if answered != "" {
			if err := guideAnswer(tx, now.UnixMilli(), caseID, contactID, messageID, answered, value); err != nil {
				return err
			}
		}
		if ask == "" {
			return nil
		}
		var exists int
		err := tx.QueryRow(`SELECT count(*) FROM guide_items WHERE case_id = ? AND item = ?`, caseID, ask).Scan(&exists)
		if err != nil {
			return err
		}
		if exists > 0 {
			return hotline.Errorf(hotline.ECONFLICT, "guide item already asked")
		}
		var msgID int64
		err = tx.QueryRow(`
			INSERT INTO messages (case_id, contact_id, direction, channel, external_id, body, status, created_at)
			VALUES (?, ?, 'out', ?, '', ?, 'replied_inline', ?) RETURNING id`,
			caseID, contactID, ch, askText, ms(now)).Scan(&msgID)
		if err != nil {
			return fmt.Errorf("store: guide question: %w", err)
		}
		if _, err := tx.Exec(`INSERT INTO guide_items (case_id, item, asked_at, asked_message_id) VALUES (?, ?, ?, ?)`,
			caseID, ask, ms(now), msgID); err != nil {
			return fmt.Errorf("store: guide item: %w", err)
		}
		return audit(tx, now, "intake", "guide.asked", caseID, map[string]any{"item": ask, "message_id": msgID})
	})
}

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
		caseID, item, now, now, msg, value); err != nil {
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
	err = db.rdb.QueryRowContext(ctx, `SELECT do_not_contact, discreet, unreachable_at, safe_to_contact FROM contacts WHERE channel = ? AND address = ?`,
		string(ch), address).Scan(&dnc, &discreet, &u, &s)
	if s.Valid {
		v := s.Int64 != 0
		safe = &v
	}
	return dnc, discreet, u.Valid, safe, err
}

// SetDiscreet turns a contact's discreet mode on or off (audited).
func (db *DB) SetDiscreet(ctx context.Context, ch hotline.Channel, address string, on bool) error {
	return db.setContactFlag(ctx, ch, address, "contact.discreet", `UPDATE contacts SET discreet = ? WHERE channel = ? AND address = ?`, on)
}

// MarkUnreachable records that the provider can no longer reach a contact
// (a Telegram user blocked the bot); automatic replies stop until the
// contact writes again.
func (db *DB) MarkUnreachable(ctx context.Context, ch hotline.Channel, address string) error {
	return db.setContactFlag(ctx, ch, address, "contact.unreachable",
		`UPDATE contacts SET unreachable_at = CASE WHEN ? THEN `+strconv.FormatInt(db.now().UnixMilli(), 10)+` END WHERE channel = ? AND address = ?`, true)
}

func (db *DB) setContactFlag(ctx context.Context, ch hotline.Channel, address, action, update string, on bool) error {
	if ch == "" || address == "" {
		return hotline.Errorf(hotline.EINVALID, "contact without channel or address")
	}
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		res, err := tx.Exec(update, on, string(ch), address)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // a contact we never heard from has nothing to mark
		}
		return audit(tx, now, "intake", action, 0, map[string]any{"channel": ch, "on": on})
	})
}
