package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"hotline"
)

// The export's source types are hotline's (hotline.ExportSet); the
// aliases keep the store's queries and tests short.
type (
	ExportSet  = hotline.ExportSet
	ExportCase = hotline.ExportCase
	ExportLink = hotline.ExportLink
)

// ExportData gathers the cases opened in [from, to) with their messages,
// entities and links. orgID > 0 keeps only cases handed to that
// organisation and records what its hand-offs share.
func (db *DB) ExportData(ctx context.Context, from, to time.Time, orgID int64) (*ExportSet, error) {
	set := &ExportSet{From: from, To: to}
	q := `SELECT c.id, c.ref, c.status, c.urgency, c.lang, c.reporter, c.country, c.province, c.place, c.lat, c.lon,
			c.reasons, c.channel, k.address, k.name, c.created_at, c.updated_at, c.resolution, c.resolution_reason,
			c.people_count, ` + nationalitySQL + `,
			(SELECT min(m.created_at) FROM messages m WHERE m.case_id = c.id AND m.direction = 'out' AND m.status <> 'replied_inline'),
			(SELECT min(h.acknowledged_at) FROM handoffs h WHERE h.case_id = c.id)
		FROM cases c JOIN contacts k ON k.id = c.contact_id
		WHERE c.created_at >= ? AND c.created_at < ?`
	args := []any{ms(from), ms(to)}
	if orgID > 0 {
		q += ` AND EXISTS (SELECT 1 FROM handoffs h WHERE h.case_id = c.id AND h.organisation_id = ?)`
		args = append(args, orgID)
	}
	rows, err := db.rdb.QueryContext(ctx, q+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: export cases: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var ec ExportCase
		var lat, lon sql.NullFloat64
		var reasons string
		var u int
		var created, updated int64
		var people, firstReply, ack sql.NullInt64
		if err := rows.Scan(&ec.ID, &ec.Ref, &ec.Status, &u, &ec.Lang, &ec.Reporter, &ec.Location.Country,
			&ec.Location.Province, db.sl.into(colCasePlace, &ec.Location.Place), &lat, &lon, db.sl.into(colCaseReasons, &reasons),
			&ec.Channel, db.sl.into(colContactAddress, &ec.Contact), db.sl.into(colContactName, &ec.ContactName),
			&created, &updated, &ec.Resolution, &ec.ResolutionReason, &people, &ec.Nationality, &firstReply, &ack); err != nil {
			rows.Close()
			return nil, err
		}
		ec.Urgency = hotline.Urgency(u)
		ec.Location.Lat, ec.Location.Lon = floatPtr(lat), floatPtr(lon)
		if err := json.Unmarshal([]byte(reasons), &ec.Reasons); err != nil {
			rows.Close()
			return nil, err
		}
		ec.CreatedAt, ec.UpdatedAt = fromMS(created), fromMS(updated)
		if people.Valid {
			n := int(people.Int64)
			ec.PeopleCount = &n
		}
		if firstReply.Valid {
			t := fromMS(firstReply.Int64)
			ec.FirstReplyAt = &t
		}
		if ack.Valid {
			t := fromMS(ack.Int64)
			ec.AckAt = &t
		}
		set.Cases = append(set.Cases, ec)
		ids = append(ids, ec.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	if orgID > 0 {
		shared, err := db.SharedWith(ctx, orgID, ids)
		if err != nil {
			return nil, err
		}
		for id, f := range shared {
			set.Cases[at[id]].Shared = f
		}
	}
	if err := db.exportMessages(ctx, set, at); err != nil {
		return nil, err
	}
	return set, db.exportEntities(ctx, set, at)
}

func (db *DB) exportMessages(ctx context.Context, set *ExportSet, at map[int64]int) error {
	if len(set.Cases) == 0 {
		return nil
	}
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT m.id, m.case_id, m.direction, m.channel, m.body, m.lat, m.lon, m.created_at
		FROM messages m JOIN cases c ON c.id = m.case_id
		WHERE c.created_at >= ? AND c.created_at < ? ORDER BY m.id`, ms(set.From), ms(set.To))
	if err != nil {
		return fmt.Errorf("store: export messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m hotline.Message
		var lat, lon sql.NullFloat64
		var created int64
		var dir, ch string
		if err := rows.Scan(&m.ID, &m.CaseID, &dir, &ch, db.sl.into(colMessageBody, &m.Body), &lat, &lon, &created); err != nil {
			return err
		}
		i, ok := at[m.CaseID]
		if !ok {
			continue
		}
		m.Direction, m.Channel = hotline.Direction(dir), hotline.Channel(ch)
		m.Lat, m.Lon, m.CreatedAt = floatPtr(lat), floatPtr(lon), fromMS(created)
		set.Cases[i].Messages = append(set.Cases[i].Messages, m)
	}
	return rows.Err()
}

func (db *DB) exportEntities(ctx context.Context, set *ExportSet, at map[int64]int) error {
	if len(set.Cases) == 0 {
		return nil
	}
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT e.id, e.kind, e.value, e.lat, e.lon, ec.case_id, ec.state, ec.first_seen, ec.last_seen
		FROM entity_cases ec JOIN entities e ON e.id = ec.entity_id JOIN cases c ON c.id = ec.case_id
		WHERE c.created_at >= ? AND c.created_at < ? AND ec.state <> 'rejected'
			AND e.kind <> '`+KindPerson+`' -- a victim's name never leaves in an export
		ORDER BY e.id, ec.case_id`, ms(set.From), ms(set.To))
	if err != nil {
		return fmt.Errorf("store: export entities: %w", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var e IndexedEntity
		var l ExportLink
		var lat, lon sql.NullFloat64
		var first, last int64
		if err := rows.Scan(&e.ID, &e.Kind, db.sl.into(colEntityValue, &e.Value), &lat, &lon, &l.CaseID, &l.State, &first, &last); err != nil {
			return err
		}
		if _, ok := at[l.CaseID]; !ok {
			continue
		}
		e.Lat, e.Lon = floatPtr(lat), floatPtr(lon)
		if !seen[e.ID] {
			seen[e.ID] = true
			e.Label = EntityLabel(e.Kind, e.Value, e.Lat, e.Lon)
			set.Entities = append(set.Entities, e)
		}
		l.EntityID, l.FirstSeen, l.LastSeen = e.ID, fromMS(first), fromMS(last)
		set.Links = append(set.Links, l)
	}
	return rows.Err()
}

// RecordExport audits an export: who, which profile, for whom, which
// period, how many cases, and the digest of its signed manifest.
func (db *DB) RecordExport(ctx context.Context, actor string, detail map[string]any) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		return audit(tx, now, actor, "export.created", 0, detail)
	})
}

// OrganisationByName finds an organisation by its exact name.
func (db *DB) OrganisationByName(ctx context.Context, name string) (hotline.Organisation, error) {
	var o hotline.Organisation
	var created int64
	err := db.rdb.QueryRowContext(ctx, `SELECT id, name, created_at FROM organisations WHERE name = ?`, name).Scan(&o.ID, &o.Name, &created)
	if err == sql.ErrNoRows {
		return o, hotline.Errorf(hotline.ENOTFOUND, "no organisation named %q", name)
	}
	o.CreatedAt = fromMS(created)
	return o, err
}

// Path is the database file, so that files kept beside it (the export
// signing key) are found from the open store.
func (db *DB) Path(ctx context.Context) (string, error) {
	var p string
	err := db.rdb.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&p)
	return p, err
}
