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

// Queue is ListCases with the console's columns filled in: assignee,
// hand-off state, resolution. They are read for the page's rows only, so a
// page costs the same however long the queue is.
func (db *DB) Queue(ctx context.Context, f hotline.CaseFilter) (hotline.CasePage, error) {
	page, err := db.ListCases(ctx, f)
	if err != nil {
		return page, err
	}
	if err := db.decorate(ctx, page.Cases); err != nil {
		return page, err
	}
	return page, nil
}

// CaseDetail is GetCase with the console's columns filled in.
func (db *DB) CaseDetail(ctx context.Context, id int64) (*hotline.Case, error) {
	c, err := db.GetCase(ctx, id)
	if err != nil {
		return nil, err
	}
	one := []hotline.Case{*c}
	if err := db.decorate(ctx, one); err != nil {
		return nil, err
	}
	msgs := c.Messages
	*c = one[0]
	c.Messages = msgs
	return c, nil
}

func (db *DB) decorate(ctx context.Context, cases []hotline.Case) error {
	if len(cases) == 0 {
		return nil
	}
	ids := make([]any, len(cases))
	at := make(map[int64]int, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
		at[c.ID] = i
	}
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT c.id, COALESCE(c.assignee_id, 0), COALESCE(u.name, ''), c.handoff_state, c.resolution,
			c.resolution_reason, c.urgency_overridden, COALESCE(c.merged_into, 0)
		FROM cases c LEFT JOIN users u ON u.id = c.assignee_id
		WHERE c.id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return fmt.Errorf("store: queue columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d hotline.Case
		if err := rows.Scan(&id, &d.AssigneeID, &d.Assignee, &d.HandoffState, &d.Resolution,
			&d.ResolutionReason, &d.UrgencyOverridden, &d.MergedInto); err != nil {
			return err
		}
		c := &cases[at[id]]
		c.AssigneeID, c.Assignee, c.HandoffState = d.AssigneeID, d.Assignee, d.HandoffState
		c.Resolution, c.ResolutionReason = d.Resolution, d.ResolutionReason
		c.UrgencyOverridden, c.MergedInto = d.UrgencyOverridden, d.MergedInto
	}
	return rows.Err()
}

// UrgencyCounts counts the cases f selects at each urgency, ignoring f's
// urgency and paging, for the queue's summary line.
func (db *DB) UrgencyCounts(ctx context.Context, f hotline.CaseFilter) (map[hotline.Urgency]int, error) {
	f.Urgency, f.Cursor, f.Limit = hotline.UrgencyUnknown, "", 1
	query, args, _, err := listQuery(f)
	if err != nil {
		return nil, err
	}
	// listQuery's WHERE clause is reused so that the counts always match
	// the filters the page shows.
	where := query[strings.Index(query, "WHERE ")+len("WHERE ") : strings.Index(query, " ORDER BY")]
	// The same set, said so that SQLite counts from the (status, urgency, …)
	// index alone instead of reading every row.
	where = strings.Replace(where, `status NOT IN ('resolved', 'closed')`, `status IN ('new', 'in_progress', 'handed_off')`, 1)
	rows, err := db.rdb.QueryContext(ctx, `SELECT urgency, count(*) FROM cases WHERE `+where+` GROUP BY urgency`, args[:len(args)-2]...)
	if err != nil {
		return nil, fmt.Errorf("store: urgency counts: %w", err)
	}
	defer rows.Close()
	out := map[hotline.Urgency]int{}
	for rows.Next() {
		var u, n int
		if err := rows.Scan(&u, &n); err != nil {
			return nil, err
		}
		out[hotline.Urgency(u)] = n
	}
	return out, rows.Err()
}

// ChangedSince returns the ids of cases changed since mark (at most limit,
// oldest change first) and the mark to read on from, for the console's
// live queue. It reads the mark's own millisecond again, leaving out the
// cases already seen in it, so a change committed late with that stamp
// is still announced, and a limit that cuts through one millisecond is
// resumed, not skipped.
func (db *DB) ChangedSince(ctx context.Context, mark hotline.ChangeMark, limit int) ([]int64, hotline.ChangeMark, error) {
	seen, err := json.Marshal(mark.Seen)
	if err != nil {
		return nil, mark, err
	}
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT id, updated_at FROM cases
		WHERE updated_at >= ?1 AND NOT (updated_at = ?1 AND id IN (SELECT value FROM json_each(?2)))
		ORDER BY updated_at, id LIMIT ?3`, ms(mark.At), string(seen), limit)
	if err != nil {
		return nil, mark, fmt.Errorf("store: changed cases: %w", err)
	}
	defer rows.Close()
	var ids []int64
	next := hotline.ChangeMark{At: mark.At, Seen: slices.Clone(mark.Seen)}
	for rows.Next() {
		var id, up int64
		if err := rows.Scan(&id, &up); err != nil {
			return nil, mark, err
		}
		ids = append(ids, id)
		if at := fromMS(up); !at.Equal(next.At) {
			next = hotline.ChangeMark{At: at}
		}
		next.Seen = append(next.Seen, id)
	}
	if err := rows.Err(); err != nil {
		return nil, mark, err
	}
	return ids, next, nil
}

// LastChange is the mark of the latest change to any case: its time and
// the cases changed at that time.
func (db *DB) LastChange(ctx context.Context) (hotline.ChangeMark, error) {
	var mark hotline.ChangeMark
	rows, err := db.rdb.QueryContext(ctx, `SELECT id, updated_at FROM cases WHERE updated_at = (SELECT max(updated_at) FROM cases)`)
	if err != nil {
		return mark, fmt.Errorf("store: last change: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, up int64
		if err := rows.Scan(&id, &up); err != nil {
			return mark, err
		}
		mark.At = fromMS(up)
		mark.Seen = append(mark.Seen, id)
	}
	return mark, rows.Err()
}

// Handoffs returns a case's hand-offs, oldest first.
func (db *DB) Handoffs(ctx context.Context, caseID int64) ([]hotline.Handoff, error) {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT h.id, h.case_id, h.organisation_id, o.name, u.name, h.note, h.shared, h.created_at, h.acknowledged_at
		FROM handoffs h JOIN organisations o ON o.id = h.organisation_id JOIN users u ON u.id = h.by_user_id
		WHERE h.case_id = ? ORDER BY h.id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: handoffs: %w", err)
	}
	defer rows.Close()
	var out []hotline.Handoff
	for rows.Next() {
		var h hotline.Handoff
		var shared string
		var created int64
		var ack sql.NullInt64
		if err := rows.Scan(&h.ID, &h.CaseID, &h.OrganisationID, &h.Organisation, &h.By, db.sl.into(colHandoffNote, &h.Note), &shared, &created, &ack); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(shared), &h.Shared); err != nil {
			return nil, err
		}
		h.CreatedAt = fromMS(created)
		if ack.Valid {
			t := fromMS(ack.Int64)
			h.AcknowledgedAt = &t
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Notes returns a case's internal notes, oldest first.
func (db *DB) Notes(ctx context.Context, caseID int64) ([]hotline.Note, error) {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT n.id, n.case_id, u.name, n.body, n.created_at
		FROM notes n JOIN users u ON u.id = n.user_id WHERE n.case_id = ? ORDER BY n.id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: notes: %w", err)
	}
	defer rows.Close()
	var out []hotline.Note
	for rows.Next() {
		var n hotline.Note
		var created int64
		if err := rows.Scan(&n.ID, &n.CaseID, &n.Author, db.sl.into(colNoteBody, &n.Body), &created); err != nil {
			return nil, err
		}
		n.CreatedAt = fromMS(created)
		out = append(out, n)
	}
	return out, rows.Err()
}

// CaseAudit returns a case's audit trail, oldest first.
func (db *DB) CaseAudit(ctx context.Context, caseID int64) ([]hotline.AuditEvent, error) {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT id, at, actor, action, COALESCE(case_id, 0), detail FROM audit_events WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: case audit: %w", err)
	}
	defer rows.Close()
	var out []hotline.AuditEvent
	for rows.Next() {
		var e hotline.AuditEvent
		var at int64
		var detail string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.CaseID, &detail); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// HandedTo reports whether case caseID has been handed to organisation orgID:
// the only cases a responder of that organisation may open.
func (db *DB) HandedTo(ctx context.Context, caseID, orgID int64) (bool, error) {
	var one int
	err := db.rdb.QueryRowContext(ctx, `SELECT 1 FROM handoffs WHERE case_id = ? AND organisation_id = ? LIMIT 1`, caseID, orgID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// ContactState tells the reply box whether the case's contact may be
// written to: do-not-contact, and when they last wrote.
func (db *DB) ContactState(ctx context.Context, caseID int64) (dnc bool, lastInbound time.Time, err error) {
	var last sql.NullInt64
	err = db.rdb.QueryRowContext(ctx, `
		SELECT k.do_not_contact, (SELECT max(m.created_at) FROM messages m WHERE m.contact_id = k.id AND m.direction = 'in')
		FROM cases c JOIN contacts k ON k.id = c.contact_id WHERE c.id = ?`, caseID).Scan(&dnc, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, hotline.Errorf(hotline.ENOTFOUND, "case %d not found", caseID)
	}
	if last.Valid {
		lastInbound = fromMS(last.Int64)
	}
	return dnc, lastInbound, err
}
