package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"hotline"
)

// NotificationSource is hotline.NotificationSource under its old name.
type NotificationSource = hotline.NotificationSource

// NotificationSource loads a hand-off's case for the responder it goes to.
func (db *DB) NotificationSource(ctx context.Context, handoffID, responderID int64) (NotificationSource, error) {
	var src NotificationSource
	var shared string
	h := &src.Handoff
	err := db.rdb.QueryRowContext(ctx, `
		SELECT h.id, h.case_id, h.organisation_id, o.name, h.shared, h.note, c.consent_share, k.name
		FROM handoffs h JOIN organisations o ON o.id = h.organisation_id
		JOIN cases c ON c.id = h.case_id JOIN contacts k ON k.id = c.contact_id
		WHERE h.id = ?`, handoffID).Scan(&h.ID, &h.CaseID, &h.OrganisationID, &h.Organisation, &shared,
		db.sl.into(colHandoffNote, &h.Note), &src.Consent, db.sl.into(colContactName, &src.Name))
	if err != nil {
		return src, fmt.Errorf("store: hand-off %d: %w", handoffID, err)
	}
	if err := json.Unmarshal([]byte(shared), &h.Shared); err != nil {
		return src, err
	}
	if src.Case, err = db.GetCase(ctx, h.CaseID); err != nil {
		return src, err
	}
	if responderID > 0 {
		if src.Responder, err = db.ResponderByID(ctx, responderID); err != nil {
			return src, err
		}
	}
	return src, nil
}

// SetConsent records whether the reporter agreed that responders may get
// their number and name.
func (db *DB) SetConsent(ctx context.Context, actor hotline.Staff, caseID int64, on bool) error {
	return db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, _ string) error {
		if _, err := tx.Exec(`UPDATE cases SET consent_share = ? WHERE id = ?`, on, caseID); err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "case.consent_share", caseID, map[string]any{"on": on})
	})
}
