package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"hotline"
)

// SaveAckToken keeps the hash of an acknowledgement link's token. The link
// itself is signed by the dispatcher; the stored hash is what makes it
// single-use.
func (db *DB) SaveAckToken(ctx context.Context, hash string, handoffID, responderID int64, expires time.Time) error {
	now := db.now()
	var rid sql.NullInt64
	if responderID > 0 {
		rid = sql.NullInt64{Int64: responderID, Valid: true}
	}
	return db.write(ctx, func(tx *writeTx) error {
		_, err := tx.Exec(`INSERT INTO ack_tokens (token_hash, handoff_id, responder_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)`,
			hash, handoffID, rid, ms(expires), ms(now))
		return err
	})
}

// AckLinkTarget is hotline.AckLinkTarget under its old name.
type AckLinkTarget = hotline.AckLinkTarget

// ErrAckLinkUsed and ErrAckLinkExpired are the two ways a genuine link
// stops working.
var (
	ErrAckLinkUsed    = hotline.ErrAckLinkUsed
	ErrAckLinkExpired = hotline.ErrAckLinkExpired
	errAckLinkUnknown = hotline.Errorf(hotline.ENOTFOUND, "unknown link")
)

// AckLink looks a token's hash up without using it.
func (db *DB) AckLink(ctx context.Context, hash string) (AckLinkTarget, error) {
	var t AckLinkTarget
	var used sql.NullInt64
	var expires int64
	var acked sql.NullInt64
	var u int
	err := db.rdb.QueryRowContext(ctx, `
		SELECT h.id, h.organisation_id, c.id, c.ref, o.name, c.urgency, t.used_at, t.expires_at, h.acknowledged_at
		FROM ack_tokens t JOIN handoffs h ON h.id = t.handoff_id JOIN cases c ON c.id = h.case_id
		JOIN organisations o ON o.id = h.organisation_id
		WHERE t.token_hash = ?`, hash).Scan(&t.HandoffID, &t.OrganisationID, &t.CaseID, &t.CaseRef, &t.Organisation, &u, &used, &expires, &acked)
	if errors.Is(err, sql.ErrNoRows) {
		return t, errAckLinkUnknown
	}
	if err != nil {
		return t, err
	}
	t.Urgency, t.Acknowledged = hotline.Urgency(u), acked.Valid
	if used.Valid {
		return t, ErrAckLinkUsed
	}
	if db.now().UnixMilli() >= expires {
		return t, ErrAckLinkExpired
	}
	return t, nil
}

// UseAckLink spends a token and acknowledges its hand-off, in one write:
// two clicks racing each other acknowledge once.
func (db *DB) UseAckLink(ctx context.Context, hash string) (AckLinkTarget, error) {
	t, err := db.AckLink(ctx, hash)
	if err != nil {
		return t, err
	}
	now := db.now()
	err = db.write(ctx, func(tx *writeTx) error {
		var rid sql.NullInt64
		err := tx.QueryRow(`UPDATE ack_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING responder_id`,
			ms(now), hash, ms(now)).Scan(&rid)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrAckLinkUsed
		}
		if err != nil {
			return err
		}
		return acknowledgeHandoff(tx, now, t.CaseID, t.HandoffID, "responder link", map[string]any{"responder_id": rid.Int64, "via": "link"})
	})
	return t, err
}

// acknowledgeHandoff stops the hand-off's timer and shows it acknowledged.
func acknowledgeHandoff(tx *writeTx, now time.Time, caseID, handoffID int64, actor string, detail map[string]any) error {
	if _, err := tx.Exec(`UPDATE handoffs SET acknowledged_at = COALESCE(acknowledged_at, ?), escalate_at = NULL WHERE id = ?`, ms(now), handoffID); err != nil {
		return err
	}
	if _, err := tx.Exec(`UPDATE cases SET handoff_state = 'acknowledged', updated_at = max(updated_at + 1, ?) WHERE id = ?`, ms(now), caseID); err != nil {
		return err
	}
	detail["handoff_id"] = handoffID
	return audit(tx, now, actor, "case.handoff_acknowledged", caseID, detail)
}
