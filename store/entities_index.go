package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"hotline"
)

// indexEntities links what message msgID of case caseID mentions to the
// case, inside the intake's own unit of work: a case is linked the moment
// it is stored, and a crash loses neither or both.
func indexEntities(tx *writeTx, caseID, msgID int64, at time.Time, t hotline.Triage, lat, lon *float64) error {
	list := entitiesOf(t, lat, lon)
	for _, n := range list {
		if _, err := linkEntity(tx, n, caseID, msgID, ms(at), "found", 0); err != nil {
			return err
		}
	}
	return nil
}

// entityIDSQL finds or creates an entity. The no-op update makes RETURNING
// answer for an existing row too.
const entityIDSQL = `
	INSERT INTO entities (kind, value, value_hash, lat, lon, created_at) VALUES (?, ?, ?, ?, ?, ?)
	ON CONFLICT (kind, value_hash) DO UPDATE SET kind = excluded.kind
	RETURNING id`

// linkEntitySQL records a sighting. A link staff confirmed, rejected or
// added keeps its state; only the times move.
const linkEntitySQL = `
	INSERT INTO entity_cases (entity_id, case_id, message_id, first_seen, last_seen, state, by_user_id)
	VALUES (?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (entity_id, case_id) DO UPDATE SET
		first_seen = min(entity_cases.first_seen, excluded.first_seen),
		last_seen  = max(entity_cases.last_seen, excluded.last_seen),
		message_id = CASE WHEN excluded.first_seen < entity_cases.first_seen OR entity_cases.message_id IS NULL
		                  THEN COALESCE(excluded.message_id, entity_cases.message_id) ELSE entity_cases.message_id END`

func linkEntity(tx *writeTx, n normEntity, caseID, msgID, at int64, state string, by int64) (int64, error) {
	var id int64
	if err := tx.QueryRow(entityIDSQL, n.kind, tx.sl.text(colEntityValue, n.value), tx.sl.entityHash(n.kind, n.value),
		nullFloat(n.lat), nullFloat(n.lon), at).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: entity: %w", err)
	}
	var mid, uid sql.NullInt64
	if msgID > 0 {
		mid = sql.NullInt64{Int64: msgID, Valid: true}
	}
	if by > 0 {
		uid = sql.NullInt64{Int64: by, Valid: true}
	}
	if _, err := tx.Exec(linkEntitySQL, id, caseID, mid, at, at, state, uid); err != nil {
		return 0, fmt.Errorf("store: entity link: %w", err)
	}
	return id, nil
}

// reindexBatch is how many messages one unit of the backfill indexes, so
// that intake never waits long behind it.
const reindexBatch = 500

// ReindexEntities fills the entity index from every inbound message already
// stored (their triage and points), for databases that predate the index or
// after the normalization changed. It is idempotent: a sighting already
// indexed only keeps its earliest and latest times, and staff decisions
// (confirmed, rejected, manual) are kept. It returns the messages read.
func (db *DB) ReindexEntities(ctx context.Context) (int, error) {
	var after int64
	total := 0
	for {
		type row struct {
			id, caseID, at int64
			t              hotline.Triage
			lat, lon       *float64
		}
		rows, err := db.rdb.QueryContext(ctx, `
			SELECT id, case_id, created_at, COALESCE(triage, ''), lat, lon FROM messages
			WHERE direction = 'in' AND id > ? ORDER BY id LIMIT ?`, after, reindexBatch)
		if err != nil {
			return total, fmt.Errorf("store: reindex: %w", err)
		}
		var batch []row
		for rows.Next() {
			var r row
			var text string
			var lat, lon sql.NullFloat64
			if err := rows.Scan(&r.id, &r.caseID, &r.at, db.sl.into(colMessageTriage, &text), &lat, &lon); err != nil {
				rows.Close()
				return total, err
			}
			if text != "" {
				if err := json.Unmarshal([]byte(text), &r.t); err != nil {
					rows.Close()
					return total, fmt.Errorf("store: reindex message %d: %w", r.id, err)
				}
			}
			r.lat, r.lon = floatPtr(lat), floatPtr(lon)
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return total, err
		}
		if len(batch) == 0 {
			return total, nil
		}
		err = db.write(ctx, func(tx *writeTx) error {
			for _, r := range batch {
				if err := indexEntities(tx, r.caseID, r.id, fromMS(r.at), r.t, r.lat, r.lon); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(batch)
		after = batch[len(batch)-1].id
	}
}
