package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"hotline"
)

// systemUser is the account automatic hand-offs are recorded under
// (handoffs.by_user_id must name a user). Its password hash is not a hash,
// so nobody can log in as it.
const systemUser = "(hotline)"

// autoShared is what an automatic hand-off shares: where, why and the
// details police ask for. The reporter's number and name go only with
// their consent, which the packet checks.
const autoShared = `["location","reasons","entities","contact"]`

func systemUserID(tx *writeTx, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(`SELECT id FROM users WHERE name = ?`, systemUser).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRow(`INSERT INTO users (name, role, password_hash, created_at) VALUES (?, 'agent', '!', ?) RETURNING id`,
			systemUser, ms(now)).Scan(&id)
	}
	return id, err
}

// notifyCritical is called by intake, inside the transaction that made a
// case critical, so that the notifications commit with the message that
// caused them: the case is handed to the first organisation its routing
// rules name, and that organisation's on-duty responders get an outbox row
// each. A case no rule matches stays in the queue (at the top) and the
// audit says why nobody was told.
func notifyCritical(tx *writeTx, now time.Time, caseID int64) error {
	var orgID int64
	var name string
	var pos int
	err := tx.QueryRow(routeSQL+` LIMIT 1`, caseID).Scan(&orgID, &name, &pos)
	if errors.Is(err, sql.ErrNoRows) {
		return audit(tx, now, "dispatch", "case.critical_unrouted", caseID, map[string]any{})
	}
	if err != nil {
		return fmt.Errorf("store: route critical case: %w", err)
	}
	_, err = autoHandoff(tx, now, caseID, orgID, "critical: handed off automatically")
	return err
}

// autoHandoff hands a case to an organisation on the system's behalf and
// queues the notifications.
func autoHandoff(tx *writeTx, now time.Time, caseID, orgID int64, note string) (int64, error) {
	uid, err := systemUserID(tx, now)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRow(`
		INSERT INTO handoffs (case_id, organisation_id, by_user_id, shared, note, created_at, notified_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, caseID, orgID, uid, autoShared, note, ms(now), ms(now)).Scan(&id); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(`
		UPDATE cases SET status = CASE WHEN status IN ('new', 'in_progress') THEN 'handed_off' ELSE status END,
			handoff_state = 'pending', updated_at = max(updated_at + 1, ?) WHERE id = ?`, ms(now), caseID); err != nil {
		return 0, err
	}
	n, err := notifyOrg(tx, now, caseID, id, orgID, false)
	if err != nil {
		return 0, err
	}
	return id, audit(tx, now, "dispatch", "case.handed_off", caseID, map[string]any{
		"handoff_id": id, "organisation_id": orgID, "automatic": true, "notifications": n,
	})
}

// notifyOrg queues one notification per responder of the organisation:
// the on-duty ones, or all of them when everyone must be woken.
// Responders are read one at a time in their order, so that each
// recipient is sealed in Go like every other outbox recipient.
func notifyOrg(tx *writeTx, now time.Time, caseID, handoffID, orgID int64, everyone bool) (int64, error) {
	var n, pos, id int64 = 0, math.MinInt64, 0
	for {
		var channel, address string
		err := tx.QueryRow(`
			SELECT id, position, channel, address FROM responders
			WHERE organisation_id = ? AND (on_duty = 1 OR ?) AND (position, id) > (?, ?)
			ORDER BY position, id LIMIT 1`, orgID, everyone, pos, id).Scan(&id, &pos, &channel, &address)
		if errors.Is(err, sql.ErrNoRows) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("store: queue notifications: %w", err)
		}
		if _, err := tx.Exec(`
			INSERT INTO outbox (case_id, handoff_id, responder_id, kind, channel, recipient, body, status, next_attempt_at, created_at, updated_at)
			VALUES (?, ?, ?, 'notification', ?, ?, '', 'queued', ?, ?, ?)`,
			caseID, handoffID, id, channel, tx.sl.text(colOutboxTo, address), ms(now), ms(now), ms(now)); err != nil {
			return n, fmt.Errorf("store: queue notifications: %w", err)
		}
		n++
	}
}

// NotifyHandoffs queues notifications for hand-offs made in the console,
// which record only the hand-off: the dispatcher calls it on every round.
func (db *DB) NotifyHandoffs(ctx context.Context) (int, error) {
	ids, err := db.queryIDs(ctx, `SELECT id FROM handoffs WHERE notified_at IS NULL AND acknowledged_at IS NULL ORDER BY id LIMIT 100`)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	now := db.now()
	err = db.write(ctx, func(tx *writeTx) error {
		for _, id := range ids {
			var caseID, orgID int64
			err := tx.QueryRow(`UPDATE handoffs SET notified_at = ? WHERE id = ? AND notified_at IS NULL RETURNING case_id, organisation_id`,
				ms(now), id).Scan(&caseID, &orgID)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			n, err := notifyOrg(tx, now, caseID, id, orgID, false)
			if err != nil {
				return err
			}
			if err := audit(tx, now, "dispatch", "case.handoff_notified", caseID, map[string]any{"handoff_id": id, "notifications": n}); err != nil {
				return err
			}
		}
		return nil
	})
	return len(ids), err
}

// EscalateDue re-sends every unacknowledged hand-off of a critical case
// whose timer ran out, widens it (every contact of the organisation, not
// only those on duty, and the next organisation the rules name), and
// restarts its timer. Timers start when the hand-off was first notified.
func (db *DB) EscalateDue(ctx context.Context, after time.Duration) (int, error) {
	now := db.now()
	// Arming is a write; ask the read pool first so an idle round costs no
	// transaction.
	unarmed, err := db.queryIDs(ctx, `
		SELECT h.id FROM handoffs h JOIN cases c ON c.id = h.case_id
		WHERE h.escalate_at IS NULL AND h.notified_at IS NOT NULL AND h.acknowledged_at IS NULL
		  AND c.urgency = 4 AND c.status NOT IN ('resolved', 'closed') LIMIT 1`)
	if err != nil {
		return 0, err
	}
	if len(unarmed) > 0 {
		if err := db.write(ctx, func(tx *writeTx) error {
			_, err := tx.Exec(`
			UPDATE handoffs SET escalate_at = notified_at + ?
			WHERE escalate_at IS NULL AND notified_at IS NOT NULL AND acknowledged_at IS NULL
			  AND case_id IN (SELECT id FROM cases WHERE urgency = 4 AND status NOT IN ('resolved', 'closed'))`, after.Milliseconds())
			return err
		}); err != nil {
			return 0, err
		}
	}
	ids, err := db.queryIDs(ctx, `SELECT id FROM handoffs WHERE escalate_at IS NOT NULL AND acknowledged_at IS NULL AND escalate_at <= ? ORDER BY escalate_at LIMIT 100`, ms(now))
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	n := 0
	err = db.write(ctx, func(tx *writeTx) error {
		n = 0
		for _, id := range ids {
			var caseID, orgID int64
			var level int
			err := tx.QueryRow(`
				UPDATE handoffs SET escalation_level = escalation_level + 1, escalate_at = ?
				WHERE id = ? AND acknowledged_at IS NULL AND escalate_at <= ?
				  AND case_id IN (SELECT id FROM cases WHERE urgency = 4 AND status NOT IN ('resolved', 'closed'))
				RETURNING case_id, organisation_id, escalation_level`, ms(now.Add(after)), id, ms(now)).Scan(&caseID, &orgID, &level)
			if errors.Is(err, sql.ErrNoRows) {
				// Acknowledged, resolved or no longer critical meanwhile:
				// the timer stops.
				if _, err := tx.Exec(`UPDATE handoffs SET escalate_at = NULL WHERE id = ? AND escalate_at <= ?`, id, ms(now)); err != nil {
					return err
				}
				continue
			}
			if err != nil {
				return err
			}
			sent, err := notifyOrg(tx, now, caseID, id, orgID, true)
			if err != nil {
				return err
			}
			d := map[string]any{"handoff_id": id, "level": level, "notifications": sent}
			var next int64
			var name string
			var pos int
			err = tx.QueryRow(routeSQL+` LIMIT 1`, caseID).Scan(&next, &name, &pos)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			default:
				hid, err := autoHandoff(tx, now, caseID, next, fmt.Sprintf("critical: escalated from hand-off %d", id))
				if err != nil {
					return err
				}
				d["next_organisation_id"], d["next_handoff_id"] = next, hid
			}
			if err := audit(tx, now, "dispatch", "case.handoff_escalated", caseID, d); err != nil {
				return err
			}
			if _, err := tx.Exec(`UPDATE cases SET updated_at = max(updated_at + 1, ?) WHERE id = ?`, ms(now), caseID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// HandoffTimer is hotline.HandoffTimer under its old name.
type HandoffTimer = hotline.HandoffTimer

// EscalationTimers returns, for each of caseIDs with an unacknowledged
// hand-off on a timer, the soonest escalation.
func (db *DB) EscalationTimers(ctx context.Context, caseIDs []int64) (map[int64]HandoffTimer, error) {
	out := map[int64]HandoffTimer{}
	if len(caseIDs) == 0 {
		return out, nil
	}
	// One query for a whole page of the queue: the partial index
	// handoffs_escalate holds only the few hand-offs on a timer.
	args := make([]any, len(caseIDs))
	for i, id := range caseIDs {
		args[i] = id
	}
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT case_id, min(escalate_at), COALESCE(max(escalation_level), 0) FROM handoffs
		WHERE escalate_at IS NOT NULL AND acknowledged_at IS NULL
		  AND case_id IN (?`+strings.Repeat(",?", len(caseIDs)-1)+`)
		GROUP BY case_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: escalation timers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		var level int
		if err := rows.Scan(&id, &at, &level); err != nil {
			return nil, err
		}
		out[id] = HandoffTimer{EscalateAt: fromMS(at), Level: level}
	}
	return out, rows.Err()
}

func (db *DB) queryIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := db.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
