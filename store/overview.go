package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"hotline"
)

// CaseFact is one case as the overview counts it: what it is, and when
// its milestones happened. Every figure of the overview is computed from
// these, and so is the list of cases behind each figure, so the two
// always agree.
type CaseFact struct {
	ID          int64
	Ref         string
	Status      string
	Urgency     hotline.Urgency
	Province    string
	Channel     string
	Nationality string
	Resolution  string
	Created     time.Time
	// FirstIn is the first message from the person; FirstReply the first
	// message a person on our side sent back (automatic replies do not
	// count); Ack the first responder acknowledgement; Closed when the
	// case was last resolved or closed (nil while it is open).
	FirstIn    time.Time
	FirstReply *time.Time
	Ack        *time.Time
	Closed     *time.Time
}

// overviewSQL reads the facts of every case opened before ?2 that was
// still open at ?1 or later. Merged duplicates are left out: they are
// counted in the case they were merged into.
const overviewSQL = `
	SELECT c.id, c.ref, c.status, c.urgency, c.province, c.channel, ` + nationalitySQL + `, c.resolution, c.created_at,
		COALESCE((SELECT min(m.created_at) FROM messages m WHERE m.case_id = c.id AND m.direction = 'in'), c.created_at),
		(SELECT min(m.created_at) FROM messages m WHERE m.case_id = c.id AND m.direction = 'out' AND m.status <> 'replied_inline'),
		(SELECT min(h.acknowledged_at) FROM handoffs h WHERE h.case_id = c.id),
		CASE WHEN c.status IN ('resolved', 'closed') THEN COALESCE(
			(SELECT max(a.at) FROM audit_events a WHERE a.case_id = c.id AND a.action = 'case.status'
				AND json_extract(a.detail, '$.to') IN ('resolved', 'closed')), c.updated_at) END AS closed_at
	FROM cases c JOIN contacts k ON k.id = c.contact_id
	WHERE c.created_at < ?2 AND c.merged_into IS NULL
		AND (c.status NOT IN ('resolved', 'closed') OR c.updated_at >= ?1)`

// CaseFacts returns the facts of the cases that were open at some time
// in [from, to).
func (db *DB) CaseFacts(ctx context.Context, from, to time.Time) ([]CaseFact, error) {
	rows, err := db.rdb.QueryContext(ctx, overviewSQL, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("store: overview: %w", err)
	}
	defer rows.Close()
	var out []CaseFact
	for rows.Next() {
		var f CaseFact
		var u int
		var created, firstIn int64
		var reply, ack, closed sql.NullInt64
		if err := rows.Scan(&f.ID, &f.Ref, &f.Status, &u, &f.Province, &f.Channel, &f.Nationality, &f.Resolution,
			&created, &firstIn, &reply, &ack, &closed); err != nil {
			return nil, err
		}
		f.Urgency = hotline.Urgency(u)
		f.Created, f.FirstIn = fromMS(created), fromMS(firstIn)
		f.FirstReply, f.Ack, f.Closed = timePtr(reply), timePtr(ack), timePtr(closed)
		if f.Closed != nil && f.Closed.Before(from) {
			continue
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func timePtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}
