package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/pressly/goose/v3"

	"hotline"
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
func entitiesBackfillMigration() *goose.Migration {
	return goose.NewGoMigration(entitiesBackfillVersion,
		&goose.GoFunc{RunTx: backfillEntities},
		&goose.GoFunc{Mode: goose.TransactionEnabled})
}

// backfillEntities links every inbound message's entities to its case with
// the same statements and normalization as intake (indexEntities), so a
// later `hotline entities reindex` finds nothing to change. Messages are
// read in batches so the rows are closed before the batch is written.
func backfillEntities(ctx context.Context, tx *sql.Tx) error {
	entity, err := tx.PrepareContext(ctx, entityIDSQL)
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
			if err := rows.Scan(&m.id, &m.caseID, &m.at, &text, &lat, &lon); err != nil {
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
				if err := entity.QueryRowContext(ctx, n.kind, n.value, nullFloat(n.lat), nullFloat(n.lon), m.at).Scan(&id); err != nil {
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
