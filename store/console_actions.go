package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"hotline"
)

// Each console action is one unit of work for the writer: the change, the
// case's updated_at (which the live queue watches) and the audit event
// commit together or not at all.

// caseAction runs fn on case id inside a write, with the case's current
// status, after checking it exists.
func (db *DB) caseAction(ctx context.Context, id int64, fn func(tx *writeTx, now time.Time, status string) error) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		var status string
		err := tx.QueryRow(`SELECT status FROM cases WHERE id = ?`, id).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return hotline.Errorf(hotline.ENOTFOUND, "case %d not found", id)
		}
		if err != nil {
			return err
		}
		if err := fn(tx, now, status); err != nil {
			return err
		}
		_, err = tx.Exec(`UPDATE cases SET updated_at = max(updated_at + 1, ?) WHERE id = ?`, ms(now), id)
		return err
	})
}

// AssignCase gives a case to assignee (0 takes it from whoever had it). A
// new case someone takes is in progress.
func (db *DB) AssignCase(ctx context.Context, actor hotline.Staff, caseID, assignee int64) error {
	return db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, status string) error {
		var a sql.NullInt64
		if assignee > 0 {
			var role string
			if err := tx.QueryRow(`SELECT role FROM users WHERE id = ?`, assignee).Scan(&role); err != nil {
				return hotline.Errorf(hotline.EINVALID, "no such user")
			}
			if role == hotline.RoleResponder {
				return hotline.Errorf(hotline.EINVALID, "cases are assigned to staff; hand them off to responders")
			}
			a = sql.NullInt64{Int64: assignee, Valid: true}
		}
		newStatus := status
		if a.Valid && status == hotline.StatusNew {
			newStatus = hotline.StatusInProgress
		}
		if _, err := tx.Exec(`UPDATE cases SET assignee_id = ?, status = ? WHERE id = ?`, a, newStatus, caseID); err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "case.assigned", caseID, map[string]any{"assignee_id": assignee})
	})
}

// SetStatus moves a case along the workflow. Resolving needs a resolution
// kind and a reason.
func (db *DB) SetStatus(ctx context.Context, actor hotline.Staff, caseID int64, to, resolution, reason string) error {
	reason = strings.TrimSpace(reason)
	if to == hotline.StatusResolved {
		if !slices.Contains(hotline.Resolutions, resolution) {
			return hotline.Errorf(hotline.EINVALID, "choose how the case was resolved")
		}
		if reason == "" {
			return hotline.Errorf(hotline.EINVALID, "a resolution needs a reason")
		}
	} else {
		resolution = ""
	}
	return db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, from string) error {
		if !slices.Contains(hotline.NextStatuses(from), to) {
			return hotline.Errorf(hotline.ECONFLICT, "a case cannot go from %s to %s", from, to)
		}
		q := `UPDATE cases SET status = ? WHERE id = ?`
		args := []any{to, caseID}
		if to == hotline.StatusResolved || from == hotline.StatusResolved && to != hotline.StatusClosed {
			q = `UPDATE cases SET status = ?, resolution = ?, resolution_reason = ? WHERE id = ?`
			args = []any{to, resolution, reason, caseID}
		}
		if _, err := tx.Exec(q, args...); err != nil {
			return err
		}
		d := map[string]any{"from": from, "to": to}
		if resolution != "" {
			d["resolution"], d["reason"] = resolution, reason
		}
		return recordStatus(tx, now, actor.Name, caseID, to, d)
	})
}

// OverrideUrgency sets a case's urgency by hand; triage will not change it
// again. The reason is required and audited.
func (db *DB) OverrideUrgency(ctx context.Context, actor hotline.Staff, caseID int64, u hotline.Urgency, reason string) error {
	reason = strings.TrimSpace(reason)
	if u < hotline.Low || u > hotline.Critical {
		return hotline.Errorf(hotline.EINVALID, "unknown urgency")
	}
	if reason == "" {
		return hotline.Errorf(hotline.EINVALID, "an urgency override needs a reason")
	}
	return db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, _ string) error {
		var from int
		if err := tx.QueryRow(`SELECT urgency FROM cases WHERE id = ?`, caseID).Scan(&from); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE cases SET urgency = ?, urgency_overridden = 1 WHERE id = ?`, int(u), caseID); err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "case.urgency_override", caseID, map[string]any{
			"from": hotline.Urgency(from), "to": u, "reason": reason,
		})
	})
}

// AddNote stores an internal note.
func (db *DB) AddNote(ctx context.Context, actor hotline.Staff, caseID int64, body string) error {
	body = strings.TrimSpace(body)
	if body == "" {
		return hotline.Errorf(hotline.EINVALID, "the note is empty")
	}
	return db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, _ string) error {
		var id int64
		if err := tx.QueryRow(`INSERT INTO notes (case_id, user_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			caseID, actor.ID, tx.sl.text(colNoteBody, body), ms(now)).Scan(&id); err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "case.note", caseID, map[string]any{"note_id": id})
	})
}

// QueueReply records a reply to the person of a case: an outbound message
// with status "queued" and an outbox row for the dispatcher to send. The
// safety rules are checked in the same transaction that writes, so a STOP
// arriving a moment before cannot be missed: outside the reply window or
// to a do-not-contact contact the reply needs Override and a reason.
func (db *DB) QueueReply(ctx context.Context, actor hotline.Staff, r hotline.ReplyRequest) (int64, error) {
	body := strings.TrimSpace(r.Body)
	if body == "" {
		return 0, hotline.Errorf(hotline.EINVALID, "the reply is empty")
	}
	if r.Override && strings.TrimSpace(r.OverrideReason) == "" {
		return 0, hotline.Errorf(hotline.EINVALID, "an override needs a reason")
	}
	if r.Window <= 0 {
		r.Window = hotline.DefaultReplyWindow
	}
	var msgID int64
	err := db.caseAction(ctx, r.CaseID, func(tx *writeTx, now time.Time, _ string) error {
		var contactID int64
		var channel, address string
		var dnc bool
		var last sql.NullInt64
		err := tx.QueryRow(`
			SELECT k.id, k.channel, k.address, k.do_not_contact,
				(SELECT max(m.created_at) FROM messages m WHERE m.contact_id = k.id AND m.direction = 'in')
			FROM cases c JOIN contacts k ON k.id = c.contact_id WHERE c.id = ?`, r.CaseID).
			Scan(&contactID, &channel, tx.sl.into(colContactAddress, &address), &dnc, &last)
		if err != nil {
			return err
		}
		var broke []string
		if dnc {
			broke = append(broke, "do_not_contact")
		}
		if !last.Valid || now.Sub(fromMS(last.Int64)) > r.Window {
			broke = append(broke, "outside_window")
		}
		if len(broke) > 0 && !r.Override {
			if dnc {
				return hotline.ErrDoNotContact
			}
			return hotline.ErrOutsideReplyWindow
		}
		if msgID, err = insertStaffMessage(tx, now, r.CaseID, contactID, channel, body); err != nil {
			return err
		}
		// The override travels with the row only when it was for this
		// rule: a STOP that arrives after a window override still stops it.
		dncOverride := ""
		if dnc && r.Override {
			dncOverride = strings.TrimSpace(r.OverrideReason)
		}
		if _, err := tx.Exec(`
			INSERT INTO outbox (case_id, message_id, kind, channel, recipient, body, status, next_attempt_at, created_at, updated_at, dnc_override)
			VALUES (?, ?, 'reply', ?, ?, ?, 'queued', ?, ?, ?, ?)`,
			r.CaseID, msgID, channel, tx.sl.text(colOutboxTo, address), tx.sl.text(colOutboxBody, body),
			ms(now), ms(now), ms(now), dncOverride); err != nil {
			return err
		}
		d := map[string]any{"message_id": msgID, "channel": channel}
		if len(broke) > 0 {
			d["override"], d["override_reason"], d["rules"] = true, strings.TrimSpace(r.OverrideReason), broke
		}
		return audit(tx, now, actor.Name, "case.reply_queued", r.CaseID, d)
	})
	return msgID, err
}

// HandOff passes a case to an organisation, sharing the listed fields.
func (db *DB) HandOff(ctx context.Context, actor hotline.Staff, caseID, orgID int64, shared []string, note string) (int64, error) {
	for _, f := range shared {
		if !slices.Contains(hotline.ShareFields, f) {
			return 0, hotline.Errorf(hotline.EINVALID, "unknown field %q", f)
		}
	}
	sh, err := json.Marshal(shared)
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, status string) error {
		var one int
		if err := tx.QueryRow(`SELECT 1 FROM organisations WHERE id = ?`, orgID).Scan(&one); err != nil {
			return hotline.Errorf(hotline.EINVALID, "choose an organisation")
		}
		if status == hotline.StatusResolved || status == hotline.StatusClosed {
			return hotline.Errorf(hotline.ECONFLICT, "reopen the case before handing it off")
		}
		if err := tx.QueryRow(`
			INSERT INTO handoffs (case_id, organisation_id, by_user_id, shared, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, caseID, orgID, actor.ID, string(sh),
			tx.sl.text(colHandoffNote, strings.TrimSpace(note)), ms(now)).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE cases SET status = 'handed_off', handoff_state = 'pending' WHERE id = ?`, caseID); err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "case.handed_off", caseID, map[string]any{
			"handoff_id": id, "organisation_id": orgID, "shared": shared,
		})
	})
	return id, err
}

// AcknowledgeHandoffs records that a responder of the organisation has seen
// the case's hand-offs to it.
func (db *DB) AcknowledgeHandoffs(ctx context.Context, actor hotline.Staff, caseID int64) error {
	return db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, _ string) error {
		res, err := tx.Exec(`UPDATE handoffs SET acknowledged_at = ? WHERE case_id = ? AND organisation_id = ? AND acknowledged_at IS NULL`,
			ms(now), caseID, actor.OrganisationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hotline.Errorf(hotline.ECONFLICT, "nothing to acknowledge")
		}
		if _, err := tx.Exec(`UPDATE cases SET handoff_state = 'acknowledged' WHERE id = ?`, caseID); err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "case.handoff_acknowledged", caseID, map[string]any{"organisation_id": actor.OrganisationID})
	})
}

// MergeCases folds case dup into case keep (two cases of the same person):
// messages, notes and hand-offs move, triage merges, and dup is closed as
// a duplicate pointing at keep.
func (db *DB) MergeCases(ctx context.Context, actor hotline.Staff, keep, dup int64) error {
	if keep == dup {
		return hotline.Errorf(hotline.EINVALID, "a case cannot be merged into itself")
	}
	return db.caseAction(ctx, keep, func(tx *writeTx, now time.Time, keepStatus string) error {
		a, err := loadTriage(tx, keep)
		if err != nil {
			return err
		}
		b, err := loadTriage(tx, dup)
		if errors.Is(err, sql.ErrNoRows) {
			return hotline.Errorf(hotline.ENOTFOUND, "case %d not found", dup)
		}
		if err != nil {
			return err
		}
		if b.mergedInto > 0 {
			return hotline.Errorf(hotline.ECONFLICT, "case %d is already merged", dup)
		}
		m := a.triage.Merge(b.triage, a.overridden)
		reasons, err := jsonText(m.Reasons)
		if err != nil {
			return err
		}
		entities, err := jsonText(m.Entities)
		if err != nil {
			return err
		}
		loc := m.Location
		waiting, since := mergeWaiting(a, b)
		for _, q := range []string{
			`UPDATE messages SET case_id = ? WHERE case_id = ?`,
			`UPDATE notes SET case_id = ? WHERE case_id = ?`,
			`UPDATE handoffs SET case_id = ? WHERE case_id = ?`,
		} {
			if _, err := tx.Exec(q, keep, dup); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`
			UPDATE cases SET urgency = ?, lang = ?, reporter = ?, country = ?, province = ?, place = ?, lat = ?, lon = ?,
				reasons = ?, entities = ?, last_inbound_at = max(last_inbound_at, ?), waiting = ?, waiting_since = ?
			WHERE id = ?`, int(m.Urgency), m.Lang, string(m.Reporter), loc.Country, loc.Province, tx.sl.text(colCasePlace, loc.Place),
			nullFloat(loc.Lat), nullFloat(loc.Lon), tx.sl.text(colCaseReasons, reasons), tx.sl.text(colCaseEntities, entities),
			b.lastIn, waiting, since, keep); err != nil {
			return err
		}
		if _, err := tx.Exec(`
			UPDATE cases SET status = 'closed', resolution = 'duplicate', resolution_reason = ?, merged_into = ?,
				updated_at = max(updated_at + 1, ?) WHERE id = ?`,
			fmt.Sprintf("merged into case %d", keep), keep, ms(now), dup); err != nil {
			return err
		}
		if err := audit(tx, now, actor.Name, "case.merged", keep, map[string]any{"from_case": dup}); err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "case.merged_into", dup, map[string]any{"into_case": keep})
	})
}

type caseRow struct {
	triage       hotline.Triage
	overridden   bool
	lastIn       int64
	waiting      bool
	waitingSince int64
	mergedInto   int64
}

// mergeWaiting is the queue key of two cases merged into one: the person
// is still waiting if they were in either case, since the earliest
// unanswered message; if both were answered, since the later answer.
func mergeWaiting(a, b caseRow) (bool, int64) {
	switch {
	case a.waiting && b.waiting:
		return true, min(a.waitingSince, b.waitingSince)
	case a.waiting:
		return true, a.waitingSince
	case b.waiting:
		return true, b.waitingSince
	}
	return false, max(a.waitingSince, b.waitingSince)
}

func loadTriage(tx *writeTx, id int64) (caseRow, error) {
	var (
		c                 caseRow
		urgency           int
		reporter          string
		lat, lon          sql.NullFloat64
		reasons, entities string
		merged            sql.NullInt64
	)
	err := tx.QueryRow(`SELECT urgency, urgency_overridden, lang, reporter, country, province, place, lat, lon,
			reasons, entities, last_inbound_at, waiting, waiting_since, merged_into FROM cases WHERE id = ?`, id).Scan(
		&urgency, &c.overridden, &c.triage.Lang, &reporter, &c.triage.Location.Country, &c.triage.Location.Province,
		tx.sl.into(colCasePlace, &c.triage.Location.Place), &lat, &lon,
		tx.sl.into(colCaseReasons, &reasons), tx.sl.into(colCaseEntities, &entities), &c.lastIn, &c.waiting, &c.waitingSince, &merged)
	if err != nil {
		return c, err
	}
	c.triage.Urgency, c.triage.Reporter = hotline.Urgency(urgency), hotline.Reporter(reporter)
	c.triage.Location.Lat, c.triage.Location.Lon = floatPtr(lat), floatPtr(lon)
	c.mergedInto = merged.Int64
	if err := json.Unmarshal([]byte(reasons), &c.triage.Reasons); err != nil {
		return c, err
	}
	return c, json.Unmarshal([]byte(entities), &c.triage.Entities)
}
