package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hotline"
)

// Outbox row states. A row is due while queued (or pending, the schema's
// default); the dispatcher commits sending before it calls a provider, so a
// crash in between leaves evidence instead of silence.
const (
	OutboxQueued        = hotline.OutboxQueued
	OutboxSending       = hotline.OutboxSending
	OutboxSent          = hotline.OutboxSent
	OutboxFailed        = hotline.OutboxFailed
	OutboxUncertain     = hotline.OutboxUncertain
	OutboxNotConfigured = hotline.OutboxNotConfigured
	OutboxDoNotContact  = hotline.OutboxDoNotContact
)

// OutboxRow is hotline.OutboxRow, kept under its old name for callers.
type OutboxRow = hotline.OutboxRow

// RecoverSending settles rows a crash left in sending. No provider takes an
// idempotency key, so such a row may or may not have gone out: a reply to a
// victim is marked uncertain and never resent (a second text on a watched
// phone can cost a life) and staff see "may not have been sent"; a
// notification to a responder is queued again (a duplicate alert is cheap).
func (db *DB) RecoverSending(ctx context.Context) (uncertain, requeued int, err error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT id, kind, COALESCE(case_id, 0), COALESCE(message_id, 0) FROM outbox WHERE status = 'sending'`)
	if err != nil {
		return 0, 0, fmt.Errorf("store: outbox in flight: %w", err)
	}
	type stuck struct {
		id, caseID, msgID int64
		kind              string
	}
	var all []stuck
	for rows.Next() {
		var s stuck
		if err := rows.Scan(&s.id, &s.kind, &s.caseID, &s.msgID); err != nil {
			rows.Close()
			return 0, 0, err
		}
		all = append(all, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	if len(all) == 0 {
		return 0, 0, nil
	}
	now := db.now()
	err = db.write(ctx, func(tx *writeTx) error {
		uncertain, requeued = 0, 0
		for _, s := range all {
			if s.kind == hotline.OutboundReply {
				if _, err := tx.Exec(`UPDATE outbox SET status = 'uncertain', last_error = ?, updated_at = ? WHERE id = ? AND status = 'sending'`,
					tx.sl.text(colOutboxError, "interrupted while sending: may not have been sent"), ms(now), s.id); err != nil {
					return err
				}
				if s.msgID > 0 {
					if _, err := tx.Exec(`UPDATE messages SET status = 'uncertain' WHERE id = ?`, s.msgID); err != nil {
						return err
					}
				}
				if err := audit(tx, now, "dispatch", "outbox.uncertain", s.caseID, map[string]any{"outbox_id": s.id}); err != nil {
					return err
				}
				if s.caseID > 0 {
					if _, err := tx.Exec(`UPDATE cases SET updated_at = max(updated_at + 1, ?) WHERE id = ?`, ms(now), s.caseID); err != nil {
						return err
					}
				}
				uncertain++
				continue
			}
			if _, err := tx.Exec(`UPDATE outbox SET status = 'queued', next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'sending'`, ms(now), ms(now), s.id); err != nil {
				return err
			}
			if err := audit(tx, now, "dispatch", "outbox.resend_after_crash", s.caseID, map[string]any{"outbox_id": s.id}); err != nil {
				return err
			}
			requeued++
		}
		return nil
	})
	return uncertain, requeued, err
}

// ClaimOutbox marks up to limit due rows sending, in a committed write, and
// returns them. A reply whose contact asked not to be contacted is not
// claimed but settled as not sent, unless a staff member queued it with an
// override of exactly that rule (the reason is on the row and audited).
func (db *DB) ClaimOutbox(ctx context.Context, limit int) ([]OutboxRow, error) {
	now := db.now()
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT id FROM outbox WHERE status IN ('queued', 'pending') AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id LIMIT ?`, ms(now), limit*4+4)
	if err != nil {
		return nil, fmt.Errorf("store: due outbox: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, err
	}
	var out []OutboxRow
	err = db.write(ctx, func(tx *writeTx) error {
		out = out[:0]
		for _, id := range ids {
			if len(out) >= limit {
				break
			}
			var r OutboxRow
			var caseID, msgID, handoffID, responderID sql.NullInt64
			var kind, channel string
			err := tx.QueryRow(`
				UPDATE outbox SET status = 'sending', attempts = attempts + 1, sending_at = ?, updated_at = ?
				WHERE id = ? AND status IN ('queued', 'pending')
				RETURNING id, case_id, message_id, handoff_id, responder_id, kind, channel, recipient, subject, body, attempts, dnc_override`,
				ms(now), ms(now), id).Scan(&r.ID, &caseID, &msgID, &handoffID, &responderID, &kind, &channel,
				tx.sl.into(colOutboxTo, &r.To), &r.Subject, tx.sl.into(colOutboxBody, &r.Body), &r.Attempts, &r.DNCOverride)
			if errors.Is(err, sql.ErrNoRows) {
				continue // settled meanwhile
			}
			if err != nil {
				return err
			}
			r.CaseID, r.MessageID, r.HandoffID, r.ResponderID = caseID.Int64, msgID.Int64, handoffID.Int64, responderID.Int64
			r.Kind, r.Channel = kind, hotline.Channel(channel)
			if r.Kind == hotline.OutboundReply && r.MessageID > 0 {
				var dnc bool
				if err := tx.QueryRow(`SELECT k.do_not_contact FROM messages m JOIN contacts k ON k.id = m.contact_id WHERE m.id = ?`, r.MessageID).Scan(&dnc); err != nil {
					return err
				}
				if dnc && r.DNCOverride == "" {
					if err := settle(tx, now, r, OutboxDoNotContact, "the contact asked not to be contacted"); err != nil {
						return err
					}
					continue
				}
				if _, err := tx.Exec(`UPDATE messages SET status = 'sending' WHERE id = ?`, r.MessageID); err != nil {
					return err
				}
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// settle ends a row without sending it again, mirrors the state on the
// reply's message and audits it.
func settle(tx *writeTx, now time.Time, r OutboxRow, status, why string) error {
	if _, err := tx.Exec(`UPDATE outbox SET status = ?, last_error = ?, updated_at = ? WHERE id = ?`, status, tx.sl.text(colOutboxError, why), ms(now), r.ID); err != nil {
		return err
	}
	if r.MessageID > 0 {
		if _, err := tx.Exec(`UPDATE messages SET status = ? WHERE id = ?`, status, r.MessageID); err != nil {
			return err
		}
	}
	if r.CaseID > 0 {
		if _, err := tx.Exec(`UPDATE cases SET updated_at = max(updated_at + 1, ?) WHERE id = ?`, ms(now), r.CaseID); err != nil {
			return err
		}
	}
	return audit(tx, now, "dispatch", "outbox."+status, r.CaseID, map[string]any{"outbox_id": r.ID, "kind": r.Kind, "channel": r.Channel})
}

// MarkSent records the provider's id. On a reply the id lands on the
// message as its external id, where delivery-status callbacks look for it.
func (db *DB) MarkSent(ctx context.Context, r OutboxRow, providerID string) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		// A notification's text is not kept: it carries a live
		// acknowledgement link, which only the recipient should hold.
		if _, err := tx.Exec(`UPDATE outbox SET status = 'sent', provider_id = ?, last_error = '', updated_at = ? WHERE id = ?`,
			providerID, ms(now), r.ID); err != nil {
			return err
		}
		if r.MessageID > 0 {
			if _, err := tx.Exec(`UPDATE messages SET status = 'sent', external_id = ? WHERE id = ?`, providerID, r.MessageID); err != nil {
				return err
			}
		}
		if r.CaseID > 0 {
			if _, err := tx.Exec(`UPDATE cases SET updated_at = max(updated_at + 1, ?) WHERE id = ?`, ms(now), r.CaseID); err != nil {
				return err
			}
		}
		return audit(tx, now, "dispatch", "outbox.sent", r.CaseID, map[string]any{"outbox_id": r.ID, "kind": r.Kind, "channel": r.Channel, "attempts": r.Attempts})
	})
}

// MarkRetry puts a row back in the queue for another attempt at next.
func (db *DB) MarkRetry(ctx context.Context, r OutboxRow, errText string, next time.Time) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		if _, err := tx.Exec(`UPDATE outbox SET status = 'queued', last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
			tx.sl.text(colOutboxError, errText), ms(next), ms(now), r.ID); err != nil {
			return err
		}
		if r.MessageID > 0 {
			if _, err := tx.Exec(`UPDATE messages SET status = 'queued' WHERE id = ?`, r.MessageID); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkFailed gives up on a row, visibly: the error stays on the row and the
// reply's message shows failed. unreachable marks a reply's contact as not
// to be contacted, since the provider says it never can be.
func (db *DB) MarkFailed(ctx context.Context, r OutboxRow, status, errText string, unreachable bool) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		if err := settle(tx, now, r, status, errText); err != nil {
			return err
		}
		if unreachable && r.Kind == hotline.OutboundReply && r.MessageID > 0 {
			if _, err := tx.Exec(`UPDATE contacts SET do_not_contact = 1 WHERE id = (SELECT contact_id FROM messages WHERE id = ?)`, r.MessageID); err != nil {
				return err
			}
			return audit(tx, now, "dispatch", "contact.unreachable", r.CaseID, map[string]any{"outbox_id": r.ID})
		}
		return nil
	})
}

// OutboxEntry is an outbox row as staff and tests see it.
type OutboxEntry struct {
	ID          int64
	CaseID      int64
	HandoffID   int64
	ResponderID int64
	Kind        string
	Channel     hotline.Channel
	Status      string
	Attempts    int
	ProviderID  string
	LastError   string
	NextAttempt time.Time
}

// Outbox lists a case's outbox rows (all rows for caseID 0), oldest first.
func (db *DB) Outbox(ctx context.Context, caseID int64) ([]OutboxEntry, error) {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT id, COALESCE(case_id, 0), COALESCE(handoff_id, 0), COALESCE(responder_id, 0), kind, channel, status,
			attempts, provider_id, last_error, next_attempt_at
		FROM outbox WHERE ? = 0 OR case_id = ? ORDER BY id`, caseID, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		var ch string
		var next int64
		if err := rows.Scan(&e.ID, &e.CaseID, &e.HandoffID, &e.ResponderID, &e.Kind, &ch, &e.Status, &e.Attempts,
			&e.ProviderID, db.sl.into(colOutboxError, &e.LastError), &next); err != nil {
			return nil, err
		}
		e.Channel, e.NextAttempt = hotline.Channel(ch), fromMS(next)
		out = append(out, e)
	}
	return out, rows.Err()
}
