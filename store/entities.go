package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"hotline"
)

// The index's domain types and link states are hotline's; the aliases
// keep the store's queries and tests short.
const (
	EntityFound     = hotline.EntityFound
	EntityConfirmed = hotline.EntityConfirmed
	EntityRejected  = hotline.EntityRejected
	EntityManual    = hotline.EntityManual
)

type (
	IndexedEntity = hotline.IndexedEntity
	EntityCase    = hotline.EntityCase
	CaseEntity    = hotline.CaseEntity
	Scope         = hotline.Scope
)

// scopeSQL is the condition on a case id column that scope s adds for an
// entity of kind.
func scopeSQL(s Scope, col, kind string) (string, []any) {
	if s.Org <= 0 {
		return "", nil
	}
	cond := ` AND EXISTS (SELECT 1 FROM handoffs h WHERE h.case_id = ` + col + ` AND h.organisation_id = ?
		AND EXISTS (SELECT 1 FROM json_each(h.shared) WHERE json_each.value = 'entities')`
	if kind == KindPlace {
		cond += ` AND EXISTS (SELECT 1 FROM json_each(h.shared) WHERE json_each.value = 'location')`
	}
	return cond + `)`, []any{s.Org}
}

// CaseEntities lists the entities of case caseID (rejected ones too, so
// that staff see what they rejected), each with the other cases the scope
// may see that mention it, or, for a place, a neighbouring cell. A
// person's name is not among them: it is a victim's, and shows only as a
// same-person proposal (SamePersonCases), with its province.
func (db *DB) CaseEntities(ctx context.Context, caseID int64, sc Scope) ([]CaseEntity, error) {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT e.id, e.kind, e.value, e.lat, e.lon, ec.state, ec.first_seen
		FROM entity_cases ec JOIN entities e ON e.id = ec.entity_id
		WHERE ec.case_id = ? AND e.kind <> '`+KindPerson+`'`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: case entities: %w", err)
	}
	var out []CaseEntity
	for rows.Next() {
		var ce CaseEntity
		var lat, lon sql.NullFloat64
		var first int64
		if err := rows.Scan(&ce.ID, &ce.Kind, db.sl.into(colEntityValue, &ce.Value), &lat, &lon, &ce.State, &first); err != nil {
			rows.Close()
			return nil, err
		}
		ce.Lat, ce.Lon = floatPtr(lat), floatPtr(lon)
		ce.Label = EntityLabel(ce.Kind, ce.Value, ce.Lat, ce.Lon)
		ce.FirstSeen = fromMS(first)
		out = append(out, ce)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortByKindValue(out) // values are sealed: SQL cannot order them
	for i := range out {
		if out[i].State == EntityRejected {
			continue
		}
		ids, err := db.relatedEntities(ctx, out[i].IndexedEntity)
		if err != nil {
			return nil, err
		}
		others, err := db.entityCases(ctx, ids, out[i].Kind, sc, caseID, false)
		if err != nil {
			return nil, err
		}
		out[i].Others = others
	}
	return out, nil
}

// relatedEntities is the entity itself, and for a place also the places
// in the eight cells around it.
func (db *DB) relatedEntities(ctx context.Context, e IndexedEntity) ([]int64, error) {
	if e.Kind != KindPlace {
		return []int64{e.ID}, nil
	}
	cells := placeCells(e.Value)
	args := []any{KindPlace}
	for _, c := range cells {
		args = append(args, db.sl.entityHash(KindPlace, c))
	}
	rows, err := db.rdb.QueryContext(ctx, `SELECT id FROM entities WHERE kind = ? AND value_hash IN (?`+
		strings.Repeat(",?", len(cells)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: places around: %w", err)
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

// entityCases lists the cases linked to any of ids, oldest sighting first,
// one row per case, without case except; rejected links only when
// withRejected.
func (db *DB) entityCases(ctx context.Context, ids []int64, kind string, sc Scope, except int64, withRejected bool) ([]EntityCase, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(ids)+3)
	for _, id := range ids {
		args = append(args, id)
	}
	args = append(args, except)
	q := `SELECT ec.entity_id, ec.case_id, c.ref, c.status, c.urgency, c.province, COALESCE(ec.message_id, 0),
			ec.first_seen, ec.last_seen, ec.state
		FROM entity_cases ec JOIN cases c ON c.id = ec.case_id
		WHERE ec.entity_id IN (?` + strings.Repeat(",?", len(ids)-1) + `) AND ec.case_id <> ?`
	if !withRejected {
		q += ` AND ec.state <> 'rejected'`
	}
	cond, cargs := scopeSQL(sc, "ec.case_id", kind)
	q += cond + ` ORDER BY ec.first_seen, ec.case_id`
	args = append(args, cargs...)
	rows, err := db.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: entity cases: %w", err)
	}
	defer rows.Close()
	return scanEntityCases(rows)
}

// Entity returns one entity of the index.
func (db *DB) Entity(ctx context.Context, id int64) (IndexedEntity, error) {
	var e IndexedEntity
	var lat, lon sql.NullFloat64
	// A victim's name is never a task-force entity page.
	err := db.rdb.QueryRowContext(ctx, `SELECT id, kind, value, lat, lon FROM entities WHERE id = ? AND kind <> '`+KindPerson+`'`, id).
		Scan(&e.ID, &e.Kind, db.sl.into(colEntityValue, &e.Value), &lat, &lon)
	if errors.Is(err, sql.ErrNoRows) {
		return e, hotline.Errorf(hotline.ENOTFOUND, "entity %d not found", id)
	}
	if err != nil {
		return e, fmt.Errorf("store: entity: %w", err)
	}
	e.Lat, e.Lon = floatPtr(lat), floatPtr(lon)
	e.Label = EntityLabel(e.Kind, e.Value, e.Lat, e.Lon)
	return e, nil
}

// EntityCases lists the cases entity id (with its neighbouring cells, for
// a place) appears in, oldest first, as far as the scope may see them.
// Staff see rejected links too, marked.
func (db *DB) EntityCases(ctx context.Context, id int64, sc Scope) (IndexedEntity, []EntityCase, error) {
	e, err := db.Entity(ctx, id)
	if err != nil {
		return e, nil, err
	}
	ids, err := db.relatedEntities(ctx, e)
	if err != nil {
		return e, nil, err
	}
	cases, err := db.entityCases(ctx, ids, e.Kind, sc, 0, sc.Org <= 0)
	return e, cases, err
}

// SetEntityState confirms or rejects the link between an entity and a case
// (audited, without the value: a phone number does not go to the audit log).
func (db *DB) SetEntityState(ctx context.Context, actor hotline.Staff, entityID, caseID int64, state string) error {
	if state != EntityConfirmed && state != EntityRejected {
		return hotline.Errorf(hotline.EINVALID, "an entity is confirmed or rejected")
	}
	return db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, _ string) error {
		var kind string
		err := tx.QueryRow(`SELECT e.kind FROM entity_cases ec JOIN entities e ON e.id = ec.entity_id
			WHERE ec.entity_id = ? AND ec.case_id = ?`, entityID, caseID).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) {
			return hotline.Errorf(hotline.ENOTFOUND, "the entity is not on this case")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE entity_cases SET state = ?, by_user_id = ? WHERE entity_id = ? AND case_id = ?`,
			state, actor.ID, entityID, caseID); err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "entity."+state, caseID, map[string]any{"entity_id": entityID, "kind": kind})
	})
}

// AddEntity links an entity staff found by hand to a case (confirming it
// if the triage had found it already) and returns the entity's id.
func (db *DB) AddEntity(ctx context.Context, actor hotline.Staff, caseID int64, kind, value string) (int64, error) {
	v, err := NormalizeEntityValue(kind, value)
	if err != nil {
		return 0, err
	}
	if kind == "whatsapp" {
		kind = KindPhone
	}
	var id int64
	err = db.caseAction(ctx, caseID, func(tx *writeTx, now time.Time, _ string) error {
		var err error
		if id, err = linkEntity(tx, normEntity{kind: kind, value: v}, caseID, 0, ms(now), EntityManual, actor.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE entity_cases SET state = CASE WHEN state = 'found' OR state = 'rejected' THEN 'confirmed' ELSE state END,
			by_user_id = ? WHERE entity_id = ? AND case_id = ?`, actor.ID, id, caseID); err != nil {
			return err
		}
		return audit(tx, now, actor.Name, "entity.added", caseID, map[string]any{"entity_id": id, "kind": kind})
	})
	return id, err
}

// BusiestEntities lists the entities in the most cases (not rejected)
// whose sighting falls in [from, to), most first; victims' names are not
// the task force's entities and are never listed.
func (db *DB) BusiestEntities(ctx context.Context, from, to time.Time, kinds []string, limit int) ([]IndexedEntity, error) {
	args := []any{ms(from), ms(to)}
	q := `SELECT e.id, e.kind, e.value, e.lat, e.lon, count(DISTINCT ec.case_id) AS n
		FROM entity_cases ec JOIN entities e ON e.id = ec.entity_id
		WHERE ec.state <> 'rejected' AND ec.last_seen >= ? AND ec.first_seen < ? AND e.kind <> '` + KindPerson + `'`
	if len(kinds) > 0 {
		q += ` AND e.kind IN (?` + strings.Repeat(",?", len(kinds)-1) + `)`
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	q += ` GROUP BY e.id HAVING n > 0 ORDER BY n DESC, e.id LIMIT ?`
	args = append(args, limit)
	rows, err := db.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: busiest entities: %w", err)
	}
	defer rows.Close()
	var out []IndexedEntity
	for rows.Next() {
		var e IndexedEntity
		var lat, lon sql.NullFloat64
		if err := rows.Scan(&e.ID, &e.Kind, db.sl.into(colEntityValue, &e.Value), &lat, &lon, &e.Sightings); err != nil {
			return nil, err
		}
		e.Lat, e.Lon = floatPtr(lat), floatPtr(lon)
		e.Label = EntityLabel(e.Kind, e.Value, e.Lat, e.Lon)
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Sightings > out[j].Sightings })
	return out, rows.Err()
}

// scanEntityCases reads rows of (entity id, case id, ref, status, urgency,
// province, message id, first seen, last seen, state), keeping the first
// row of each case: a case linked twice is listed once.
func scanEntityCases(rows *sql.Rows) ([]EntityCase, error) {
	var out []EntityCase
	seen := map[int64]bool{}
	for rows.Next() {
		var x EntityCase
		var u int
		var first, last int64
		if err := rows.Scan(&x.EntityID, &x.CaseID, &x.Ref, &x.Status, &u, &x.Province, &x.MessageID, &first, &last, &x.State); err != nil {
			return nil, err
		}
		if seen[x.CaseID] {
			continue
		}
		seen[x.CaseID] = true
		x.Urgency = hotline.Urgency(u)
		x.FirstSeen, x.LastSeen = fromMS(first), fromMS(last)
		out = append(out, x)
	}
	return out, rows.Err()
}

// sortByKindValue orders a case's entities by kind, then value.
func sortByKindValue(list []CaseEntity) {
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Kind != list[j].Kind {
			return list[i].Kind < list[j].Kind
		}
		return list[i].Value < list[j].Value
	})
}
