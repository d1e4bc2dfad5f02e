package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/pressly/goose/v3"

	"hotline"
	"hotline/internal/seal"
)

// entitiesBackfillVersion is the Go migration that indexes the messages a
// database already held when it gained the entity index (migration 00050).
// Before it only `hotline entities reindex` did, so an upgraded hotline
// showed empty entity pages until someone thought to run it.
const entitiesBackfillVersion = 53

// entitiesBackfillMigration runs ReindexEntities' work once, inside the
// migration's transaction: the index is whole, or the upgrade did not
// happen and runs again on the next Open. There is nothing to undo on the
// way down; the links are data the index would hold anyway.
func entitiesBackfillMigration(keys *seal.Keyring) *goose.Migration {
	return goose.NewGoMigration(entitiesBackfillVersion,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return backfillEntities(ctx, tx, sealer{keys}) }},
		&goose.GoFunc{Mode: goose.TransactionEnabled})
}

// backfillEntities links every inbound message's entities to its case with
// the same statements and normalization as intake (indexEntities), so a
// later `hotline entities reindex` finds nothing to change. Messages are
// read in batches so the rows are closed before the batch is written.
//
// It normally runs before the sealing migrations (00060, 00061), on plain
// rows; on a database that is already sealed (this migration re-run after
// it was removed) it opens the triage and writes sealed, hashed entities.
func backfillEntities(ctx context.Context, tx *sql.Tx, sl sealer) error {
	var sealed bool
	if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM pragma_table_info('entities') WHERE name = 'value_hash'`).Scan(&sealed); err != nil {
		return fmt.Errorf("store: entity backfill: %w", err)
	}
	entitySQL := legacyEntityIDSQL
	if sealed {
		entitySQL = entityIDSQL
	}
	entity, err := tx.PrepareContext(ctx, entitySQL)
	if err != nil {
		return fmt.Errorf("store: entity backfill: %w", err)
	}
	defer entity.Close()
	link, err := tx.PrepareContext(ctx, linkEntitySQL)
	if err != nil {
		return fmt.Errorf("store: entity backfill: %w", err)
	}
	defer link.Close()
	type msg struct {
		id, caseID, at int64
		t              hotline.Triage
		lat, lon       *float64
	}
	var after int64
	for {
		rows, err := tx.QueryContext(ctx, `
			SELECT id, case_id, created_at, COALESCE(triage, ''), lat, lon FROM messages
			WHERE direction = 'in' AND id > ? ORDER BY id LIMIT ?`, after, reindexBatch)
		if err != nil {
			return fmt.Errorf("store: entity backfill: %w", err)
		}
		var batch []msg
		for rows.Next() {
			var m msg
			var text string
			var lat, lon sql.NullFloat64
			if err := rows.Scan(&m.id, &m.caseID, &m.at, sl.into(colMessageTriage, &text), &lat, &lon); err != nil {
				rows.Close()
				return err
			}
			if text != "" {
				if err := json.Unmarshal([]byte(text), &m.t); err != nil {
					rows.Close()
					return fmt.Errorf("store: entity backfill, message %d: %w", m.id, err)
				}
			}
			m.lat, m.lon = floatPtr(lat), floatPtr(lon)
			batch = append(batch, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, m := range batch {
			for _, n := range entitiesOf(m.t, m.lat, m.lon) {
				var id int64
				args := []any{n.kind, n.value, nullFloat(n.lat), nullFloat(n.lon), m.at}
				if sealed {
					args = []any{n.kind, sl.text(colEntityValue, n.value), sl.entityHash(n.kind, n.value), nullFloat(n.lat), nullFloat(n.lon), m.at}
				}
				if err := entity.QueryRowContext(ctx, args...).Scan(&id); err != nil {
					return fmt.Errorf("store: entity backfill: %w", err)
				}
				if _, err := link.ExecContext(ctx, id, m.caseID, m.id, m.at, m.at, EntityFound, nil); err != nil {
					return fmt.Errorf("store: entity backfill: %w", err)
				}
			}
		}
		after = batch[len(batch)-1].id
	}
}

// legacyEntityIDSQL is entityIDSQL as it was when this migration was
// written: it runs before migration 00060 adds value_hash, and the sealing
// migration (00061) seals and hashes what it writes.
const legacyEntityIDSQL = `
	INSERT INTO entities (kind, value, lat, lon, created_at) VALUES (?, ?, ?, ?, ?)
	ON CONFLICT (kind, value) DO UPDATE SET kind = excluded.kind
	RETURNING id`
