package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"hotline"
)

// RecordInboundGuided implements hotline.GuidedIntakeStore: the guide's
// read, the message and the guide's step are one unit of work, so a guided
// message costs the writer one commit and the step can never race another
// message of the same contact (the writer runs one unit at a time).
func (db *DB) RecordInboundGuided(ctx context.Context, in hotline.Inbound, t hotline.Triage, reply hotline.ReplyFunc) (hotline.Receipt, error) {
	return db.recordInboundWith(ctx, in, t, nil, reply)
}

// guideCaseColumns read what the guide needs of an open case c besides its
// place: whether the people count is known, the items asked (joined with
// commas; item names have none), and the latest asked and unanswered one.
const guideCaseColumns = `c.people_count IS NOT NULL,
			(SELECT group_concat(item, ',') FROM guide_items WHERE case_id = c.id),
			(SELECT item FROM guide_items WHERE case_id = c.id AND answered_at IS NULL
				ORDER BY asked_at DESC, item DESC LIMIT 1)`

// guideCaseSQL reads guideCaseColumns of a case found without them.
const guideCaseSQL = `SELECT ` + guideCaseColumns + ` FROM cases c WHERE c.id = +?`

// guideCase is the guide's part of an open case.
type guideCase struct {
	read           bool // by openCase, in the same statement
	people         bool
	asked, pending sql.NullString
}

// guideContact is the contact's part of the guide's state, as it was
// before the message.
type guideContact struct {
	dnc, discreet bool
	safe          sql.NullBool
}

// guideState is what the guided intake decides on, read inside the
// writer's transaction: the contact as it was before the message (g), and
// the open case c (found) before the message merged into it.
func guideState(tx *writeTx, g guideContact, c *caseTriage, found bool, knowsPlace bool) (hotline.GuideState, error) {
	var st hotline.GuideState
	switch {
	case g.dnc || (g.safe.Valid && !g.safe.Bool):
		st.Mode = ModeSilent
	case g.discreet:
		st.Mode = ModeDiscreet
	}
	if g.safe.Valid {
		st.Done = append(st.Done, itemSafe)
	}
	if !found {
		return st, nil
	}
	st.CaseID = c.id
	if knowsPlace {
		st.Done = append(st.Done, itemLocation)
	}
	gc := c.guide
	if !gc.read {
		if err := tx.QueryRow(guideCaseSQL, c.id).Scan(&gc.people, &gc.asked, &gc.pending); err != nil {
			return st, fmt.Errorf("store: guide case: %w", err)
		}
	}
	if gc.people {
		st.Done = append(st.Done, itemPeople)
	}
	if gc.asked.String != "" {
		st.Done = append(st.Done, strings.Split(gc.asked.String, ",")...)
	}
	st.Pending = gc.pending.String
	return st, nil
}

// recordGuideStep records the guide's step for the message r; it returns
// the question asked, "" if none (a do-not-contact contact is asked
// nothing, and no case is asked the same thing twice).
func recordGuideStep(tx *writeTx, now time.Time, in hotline.Inbound, r hotline.Receipt, contactID int64, step hotline.GuideStep) (string, error) {
	if step.Answered != "" {
		if err := guideAnswer(tx, now.UnixMilli(), r.CaseID, contactID, r.MessageID, step.Answered, step.Value); err != nil {
			return "", err
		}
	}
	if step.Ask == "" || r.DoNotContact {
		return "", nil
	}
	var exists int
	if err := tx.QueryRow(`SELECT count(*) FROM guide_items WHERE case_id = +? AND item = ?`, r.CaseID, step.Ask).Scan(&exists); err != nil {
		return "", err
	}
	if exists > 0 {
		return "", nil
	}
	var msgID int64
	err := tx.QueryRow(`
			INSERT INTO messages (case_id, contact_id, direction, channel, external_id, body, status, created_at)
			VALUES (?, ?, 'out', ?, '', ?, 'replied_inline', ?) RETURNING id`,
		r.CaseID, contactID, string(in.Channel), tx.sl.text(colMessageBody, step.Question), ms(now)).Scan(&msgID)
	if err != nil {
		return "", fmt.Errorf("store: guide question: %w", err)
	}
	if _, err := tx.Exec(`INSERT INTO guide_items (case_id, item, asked_at, asked_message_id) VALUES (?, ?, ?, ?)`,
		r.CaseID, step.Ask, ms(now), msgID); err != nil {
		return "", fmt.Errorf("store: guide item: %w", err)
	}
	if err := audit(tx, now, "intake", "guide.asked", r.CaseID, map[string]any{"item": step.Ask, "message_id": msgID}); err != nil {
		return "", err
	}
	return step.Question, nil
}
