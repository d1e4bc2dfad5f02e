package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"hotline"
)

// Responder updates: what police or consular staff report back on a case
// handed to them.
const (
	UpdateEnRoute   = hotline.UpdateEnRoute
	UpdateRescued   = hotline.UpdateRescued
	UpdateNotFound  = hotline.UpdateNotFound
	UpdateNeedsInfo = hotline.UpdateNeedsInfo
)

// UpdateKinds lists the updates in the order the console offers them.
var UpdateKinds = hotline.UpdateKinds

// ResponderUpdate records a responder's report on a case handed to their
// organisation. It lands on the timeline as a note by the responder; a
// rescue resolves the case (staff close it), and any update acknowledges
// the hand-off, since whoever reports has obviously seen it.
func (db *DB) ResponderUpdate(ctx context.Context, actor hotline.Staff, caseID int64, kind, note string) error {
	if !slices.Contains(UpdateKinds, kind) {
		return hotline.Errorf(hotline.EINVALID, "unknown update")
	}
	return db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, status string) error {
		var hid int64
		if err := tx.QueryRow(`SELECT id FROM handoffs WHERE case_id = ? AND organisation_id = ? ORDER BY id DESC LIMIT 1`,
			caseID, actor.OrganisationID).Scan(&hid); err != nil {
			return hotline.Errorf(hotline.ENOTFOUND, "case %d was not handed to your organisation", caseID)
		}
		return responderUpdate(tx, now, status, actor.ID, actor.Name, actor.Organisation, caseID, hid, kind, note)
	})
}

// responderUpdate writes an update on hand-off hid of case caseID (whose
// status is status) as user userID.
func responderUpdate(tx *writeTx, now time.Time, status string, userID int64, actor, org string, caseID, hid int64, kind, note string) error {
	note = strings.TrimSpace(note)
	body := "[" + kind + "]"
	if note != "" {
		body += " " + note
	}
	if _, err := tx.Exec(`INSERT INTO notes (case_id, user_id, body, created_at) VALUES (?, ?, ?, ?)`, caseID, userID, tx.sl.text(colNoteBody, body), ms(now)); err != nil {
		return err
	}
	if err := acknowledgeHandoff(tx, now, caseID, hid, actor, map[string]any{"via": "update"}); err != nil {
		return err
	}
	if kind == UpdateRescued && status != hotline.StatusResolved && status != hotline.StatusClosed {
		if _, err := tx.Exec(`UPDATE cases SET status = 'resolved', resolution = 'rescued', resolution_reason = ? WHERE id = ?`,
			"reported rescued by "+org, caseID); err != nil {
			return err
		}
		if err := recordStatus(tx, now, actor, caseID, hotline.StatusResolved, map[string]any{"from": status, "to": hotline.StatusResolved, "resolution": UpdateRescued}); err != nil {
			return err
		}
	}
	return audit(tx, now, actor, "case.responder_update", caseID, map[string]any{"kind": kind, "handoff_id": hid})
}
