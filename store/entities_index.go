package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"hotline"
)

// indexEntities links what message msgID of case caseID mentions to the
// case, inside the intake's own unit of work: a case is linked the moment
// it is stored, and a crash loses neither or both. facts is what the caller
// already holds of the message (intake); nil reads it back (reindex).
func indexEntities(tx *writeTx, caseID, msgID int64, at time.Time, t hotline.Triage, lat, lon *float64, facts *messageFacts) error {
	var home, person string
	var err error
	if facts != nil {
		home, person, err = facts.context(tx, caseID, t)
	} else {
		home, person, err = messageContext(tx, msgID, t)
	}
	if err != nil {
		return err
	}
	list := entitiesOfIn(t, lat, lon, home)
	if person != "" {
		list = append(list, normEntity{kind: KindPerson, value: person})
	}
	for _, n := range list {
		if _, err := linkEntity(tx, n, caseID, msgID, ms(at), "found", 0); err != nil {
			return err
		}
	}
	return nil
}

// messageFacts is what intake holds of a message it has just written, so
// that the entity index need not read the message back: its channel, its
// form fields (meta), and its contact's name as stored after the message.
type messageFacts struct {
	channel hotline.Channel
	meta    map[string]string
	// name is the contact's stored name when nameKnown; otherwise
	// rawName is its sealed form, opened only if a self-report needs it.
	name      string
	nameKnown bool
	rawName   []byte
}

// context decides home and person from facts, for intake (facts in hand)
// and for reindex (messageContext reads them back first).
func (f *messageFacts) context(tx *writeTx, caseID int64, t hotline.Triage) (home, person string, err error) {
	switch {
	case f.channel == hotline.Web:
		if n := f.meta["nationality"]; n != "" && n != "other" {
			home = n
		}
		person = personKey(f.meta["person_name"])
	case t.Reporter == hotline.ReporterSelf:
		name := f.name
		if !f.nameKnown && len(f.rawName) > 0 {
			if name, err = tx.sl.open(colContactName, f.rawName); err != nil {
				return "", "", err
			}
		}
		person = personKey(name)
	}
	if home == "" && hasLocalPhone(t) {
		if home, err = caseNationality(tx, caseID); err != nil {
			return "", "", err
		}
	}
	return home, person, nil
}

// messageContext is what the index needs of message msgID beyond its
// triage: the country its case points to (the form's nationality answer,
// else the case's guess), which decides how a local phone number is read,
// and the folded name of the person in danger, if the message names them:
// the web form's "name of the person in danger", or the sender's own
// profile name (WhatsApp, Telegram) when the message is a self-report.
// Reindexing reads them back from the stored message; intake has them in
// hand (messageFacts).
//
// It reads what it needs only: the first query touches columns stored
// early in their rows; the meta, the name and the nationality (stored after
// the sealed columns) are read only when there is something to read them
// for.
func messageContext(tx *writeTx, msgID int64, t hotline.Triage) (home, person string, err error) {
	var channel string
	var caseID, contactID int64
	err = tx.QueryRow(`SELECT channel, case_id, contact_id FROM messages WHERE id = ?`, msgID).Scan(&channel, &caseID, &contactID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("store: entity context: %w", err)
	}
	f := messageFacts{channel: hotline.Channel(channel), nameKnown: true}
	switch {
	case f.channel == hotline.Web:
		var text string
		if err := tx.QueryRow(`SELECT meta FROM messages WHERE id = ?`, msgID).Scan(tx.sl.into(colMessageMeta, &text)); err != nil {
			return "", "", fmt.Errorf("store: entity context meta: %w", err)
		}
		_ = json.Unmarshal([]byte(text), &f.meta) // an unreadable meta names no one
	case t.Reporter == hotline.ReporterSelf:
		if err := tx.QueryRow(`SELECT name FROM contacts WHERE id = ?`, contactID).Scan(tx.sl.into(colContactName, &f.name)); err != nil {
			return "", "", fmt.Errorf("store: entity context name: %w", err)
		}
	}
	return f.context(tx, caseID, t)
}

// caseNationality is the country a case points to, by which a local phone
// number is read.
func caseNationality(tx *writeTx, caseID int64) (string, error) {
	var home string
	if err := tx.QueryRow(`SELECT nationality FROM cases WHERE id = ?`, caseID).Scan(&home); err != nil {
		return "", fmt.Errorf("store: entity context nationality: %w", err)
	}
	return home, nil
}

// hasLocalPhone reports whether the triage found a number written the
// local way (a leading 0, not the international 00), the only kind whose
// reading depends on the case's country.
func hasLocalPhone(t hotline.Triage) bool {
	for _, e := range t.Entities {
		if e.Kind != "phone" && e.Kind != "whatsapp" {
			continue
		}
		v := strings.TrimLeft(e.Value, " (")
		if strings.HasPrefix(v, "0") && !strings.HasPrefix(v, "00") {
			return true
		}
	}
	return false
}

// findEntitySQL finds an entity by its lookup key.
const findEntitySQL = `SELECT id FROM entities WHERE kind = +? AND value_hash = +?`

// entityIDSQL creates an entity. The no-op update makes RETURNING answer
// for an existing row too.
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
	// Most sightings are of an entity already known (the same compound in
	// message after message): look it up first, so that those cost no
	// sealing of the value and no rewrite of its row.
	var id int64
	hash := tx.sl.entityHash(n.kind, n.value)
	err := tx.QueryRow(findEntitySQL, n.kind, hash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRow(entityIDSQL, n.kind, tx.sl.text(colEntityValue, n.value), hash,
			nullFloat(n.lat), nullFloat(n.lon), at).Scan(&id)
	}
	if err != nil {
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
// stored (their triage and points, read with their case's context), for
// databases that predate the index or after the normalization changed: the
// links the triage made are made anew, so a value an older normalization
// wrote differently is dropped, and an entity no case mentions any more is
// removed. It is idempotent, and staff decisions (confirmed, rejected,
// manual) are kept as they are. It returns the messages read.
//
// A found link remembers the message it was first seen in (by received
// time); if that message was stored after another message that also makes
// the link (providers' clocks disagree) and no longer makes it itself, the
// link is dropped: running reindex again brings it back.
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
			return total, db.dropOrphanEntities(ctx)
		}
		err = db.write(ctx, func(tx *writeTx) error {
			// Links the triage made from these messages are made again
			// below under today's normalization; dropping them first drops
			// the ones an older normalization made (a number kept as
			// dialled, "0101234…", before local numbers were understood).
			// Staff decisions are not "found" and stay.
			lo, hi := batch[0].id, batch[len(batch)-1].id
			cleared := map[int64]bool{}
			for _, r := range batch {
				if cleared[r.caseID] {
					continue
				}
				cleared[r.caseID] = true
				if _, err := tx.Exec(`DELETE FROM entity_cases WHERE case_id = ? AND state = 'found' AND message_id BETWEEN ? AND ?`,
					r.caseID, lo, hi); err != nil {
					return fmt.Errorf("store: reindex clear: %w", err)
				}
			}
			for _, r := range batch {
				if err := indexEntities(tx, r.caseID, r.id, fromMS(r.at), r.t, r.lat, r.lon, nil); err != nil {
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

// dropOrphanEntities removes entities no case links to any more, the
// leftovers of an older normalization, so the entity pages and exports do
// not list values nobody mentions.
func (db *DB) dropOrphanEntities(ctx context.Context) error {
	return db.write(ctx, func(tx *writeTx) error {
		if _, err := tx.Exec(`DELETE FROM entities WHERE NOT EXISTS (SELECT 1 FROM entity_cases ec WHERE ec.entity_id = entities.id)`); err != nil {
			return fmt.Errorf("store: reindex orphans: %w", err)
		}
		return nil
	})
}
