package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"hotline"
)

// RecordInbound implements hotline.IntakeStore. The whole message (contact,
// case, message, triage, acknowledgement, audit) is one unit of work, so a
// crash leaves either all of it or none.
//
// ack is called inside the transaction, on the writer goroutine, so it must
// be quick and must not touch the store. It is not called for a contact
// marked do-not-contact: such a contact gets no reply at all.
func (db *DB) RecordInbound(ctx context.Context, in hotline.Inbound, t hotline.Triage, ack hotline.AckFunc) (hotline.Receipt, error) {
	if in.Channel == "" || in.From == "" {
		return hotline.Receipt{}, hotline.Errorf(hotline.EINVALID, "inbound message without channel or sender")
	}
	// A provider retry is answered from the read pool without costing the
	// writer a transaction. The writer checks again: this is only a shortcut.
	if in.ExternalID != "" {
		r, err := findDuplicate(ctx, db.rdb, in.Channel, in.ExternalID)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return hotline.Receipt{}, err
		}
	}
	if in.ReporterHint != "" && in.ReporterHint != hotline.ReporterUnknown {
		t.Reporter = in.ReporterHint
	}
	at := in.ReceivedAt
	if at.IsZero() {
		at = db.now()
	}
	var r hotline.Receipt
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = recordInbound(tx, db.now(), at, in, t, ack)
		return err
	})
	if err != nil {
		return hotline.Receipt{}, err
	}
	return r, nil
}

// queryRower is what *sql.DB and *sql.Tx share for single-row lookups.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func findDuplicate(ctx context.Context, q queryRower, ch hotline.Channel, externalID string) (hotline.Receipt, error) {
	r := hotline.Receipt{Duplicate: true}
	err := q.QueryRowContext(ctx, `
		SELECT m.id, c.id, c.ref, c.lang
		FROM messages m JOIN cases c ON c.id = m.case_id
		WHERE m.channel = ? AND m.external_id = ? AND m.external_id <> ''`,
		string(ch), externalID).Scan(&r.MessageID, &r.CaseID, &r.CaseRef, &r.Lang)
	return r, err
}

// caseTriage is the part of a case row that triage merges into.
type caseTriage struct {
	id         int64
	ref        string
	overridden bool
	lastIn     int64
	triage     hotline.Triage
}

func recordInbound(tx *sql.Tx, now, at time.Time, in hotline.Inbound, t hotline.Triage, ack hotline.AckFunc) (hotline.Receipt, error) {
	ctx := context.Background()
	if in.ExternalID != "" {
		r, err := findDuplicate(ctx, tx, in.Channel, in.ExternalID)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return hotline.Receipt{}, err
		}
	}

	var safe sql.NullBool
	if in.SafeToContact != nil {
		safe = sql.NullBool{Bool: *in.SafeToContact, Valid: true}
	}
	var contactID int64
	var dnc bool
	err := tx.QueryRow(`
		INSERT INTO contacts (channel, address, name, safe_to_contact, created_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (channel, address) DO UPDATE SET
			name = CASE WHEN contacts.name = '' THEN excluded.name ELSE contacts.name END,
			safe_to_contact = COALESCE(excluded.safe_to_contact, contacts.safe_to_contact)
		RETURNING id, do_not_contact`,
		string(in.Channel), in.From, in.Name, safe, ms(now)).Scan(&contactID, &dnc)
	if err != nil {
		return hotline.Receipt{}, fmt.Errorf("store: contact upsert: %w", err)
	}

	c, found, err := openCase(tx, contactID)
	if err != nil {
		return hotline.Receipt{}, err
	}
	before := c.triage.Urgency
	merged := c.triage.Merge(t, c.overridden)
	lastIn := max(c.lastIn, ms(at))
	reasons, err := jsonText(merged.Reasons)
	if err != nil {
		return hotline.Receipt{}, err
	}
	entities, err := jsonText(merged.Entities)
	if err != nil {
		return hotline.Receipt{}, err
	}
	loc := merged.Location
	if !found {
		if c.ref, err = freshRef(tx); err != nil {
			return hotline.Receipt{}, err
		}
		err = tx.QueryRow(`
			INSERT INTO cases (ref, status, urgency, lang, reporter, country, province, place, lat, lon,
				reasons, entities, channel, contact_id, last_inbound_at, created_at, updated_at)
			VALUES (?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`,
			c.ref, int(merged.Urgency), merged.Lang, string(merged.Reporter), loc.Country, loc.Province, loc.Place,
			nullFloat(loc.Lat), nullFloat(loc.Lon), reasons, entities, string(in.Channel), contactID,
			lastIn, ms(now), ms(now)).Scan(&c.id)
		if err != nil {
			return hotline.Receipt{}, fmt.Errorf("store: case insert: %w", err)
		}
	} else {
		_, err = tx.Exec(`
			UPDATE cases SET urgency = ?, lang = ?, reporter = ?, country = ?, province = ?, place = ?,
				lat = ?, lon = ?, reasons = ?, entities = ?, last_inbound_at = ?, updated_at = ?
			WHERE id = ?`,
			int(merged.Urgency), merged.Lang, string(merged.Reporter), loc.Country, loc.Province, loc.Place,
			nullFloat(loc.Lat), nullFloat(loc.Lon), reasons, entities, lastIn, ms(now), c.id)
		if err != nil {
			return hotline.Receipt{}, fmt.Errorf("store: case update: %w", err)
		}
	}

	media, err := jsonText(in.Media)
	if err != nil {
		return hotline.Receipt{}, err
	}
	meta := "{}"
	if len(in.Meta) > 0 {
		b, err := json.Marshal(in.Meta)
		if err != nil {
			return hotline.Receipt{}, err
		}
		meta = string(b)
	}
	var msgID int64
	err = tx.QueryRow(`
		INSERT INTO messages (case_id, contact_id, direction, channel, external_id, body, media, lat, lon, meta, status, created_at)
		VALUES (?, ?, 'in', ?, ?, ?, ?, ?, ?, ?, 'received', ?)
		RETURNING id`,
		c.id, contactID, string(in.Channel), in.ExternalID, in.Body, media,
		nullFloat(in.Lat), nullFloat(in.Lon), meta, ms(at)).Scan(&msgID)
	if err != nil {
		return hotline.Receipt{}, fmt.Errorf("store: message insert: %w", err)
	}
	result, err := json.Marshal(t)
	if err != nil {
		return hotline.Receipt{}, err
	}
	if _, err := tx.Exec(`INSERT INTO triage_results (message_id, result) VALUES (?, ?)`, msgID, string(result)); err != nil {
		return hotline.Receipt{}, fmt.Errorf("store: triage insert: %w", err)
	}

	if !found {
		if err := audit(tx, now, "intake", "case.created", c.id, map[string]any{
			"ref": c.ref, "channel": in.Channel, "urgency": merged.Urgency,
		}); err != nil {
			return hotline.Receipt{}, err
		}
	}
	if err := audit(tx, now, "intake", "message.received", c.id, map[string]any{
		"message_id": msgID, "channel": in.Channel, "urgency": t.Urgency,
	}); err != nil {
		return hotline.Receipt{}, err
	}
	if found && merged.Urgency != before {
		if err := audit(tx, now, "intake", "case.triage_changed", c.id, map[string]any{
			"message_id": msgID, "from": before, "to": merged.Urgency,
		}); err != nil {
			return hotline.Receipt{}, err
		}
	}

	r := hotline.Receipt{CaseID: c.id, CaseRef: c.ref, MessageID: msgID, Lang: merged.Lang, NewCase: !found, DoNotContact: dnc}
	if ack != nil && !dnc {
		if text := ack(r); text != "" {
			_, err := tx.Exec(`
				INSERT INTO messages (case_id, contact_id, direction, channel, external_id, body, status, created_at)
				VALUES (?, ?, 'out', ?, '', ?, 'replied_inline', ?)`,
				c.id, contactID, string(in.Channel), text, ms(now))
			if err != nil {
				return hotline.Receipt{}, fmt.Errorf("store: ack insert: %w", err)
			}
		}
	}
	return r, nil
}

// openCase finds the contact's case that is still being worked on; a person
// who writes again after their case was closed starts a new one.
func openCase(tx *sql.Tx, contactID int64) (caseTriage, bool, error) {
	var (
		c                 caseTriage
		reasons, entities string
		lat, lon          sql.NullFloat64
		urgency           int
		reporter          string
	)
	err := tx.QueryRow(`
		SELECT id, ref, urgency, urgency_overridden, lang, reporter, country, province, place, lat, lon,
			reasons, entities, last_inbound_at
		FROM cases
		WHERE contact_id = ? AND status NOT IN ('resolved', 'closed')
		ORDER BY id DESC LIMIT 1`, contactID).Scan(
		&c.id, &c.ref, &urgency, &c.overridden, &c.triage.Lang, &reporter,
		&c.triage.Location.Country, &c.triage.Location.Province, &c.triage.Location.Place, &lat, &lon,
		&reasons, &entities, &c.lastIn)
	if errors.Is(err, sql.ErrNoRows) {
		return caseTriage{}, false, nil
	}
	if err != nil {
		return caseTriage{}, false, fmt.Errorf("store: open case: %w", err)
	}
	c.triage.Urgency = hotline.Urgency(urgency)
	c.triage.Reporter = hotline.Reporter(reporter)
	c.triage.Location.Lat, c.triage.Location.Lon = floatPtr(lat), floatPtr(lon)
	if err := json.Unmarshal([]byte(reasons), &c.triage.Reasons); err != nil {
		return caseTriage{}, false, fmt.Errorf("store: case %d reasons: %w", c.id, err)
	}
	if err := json.Unmarshal([]byte(entities), &c.triage.Entities); err != nil {
		return caseTriage{}, false, fmt.Errorf("store: case %d entities: %w", c.id, err)
	}
	return c, true, nil
}

// RecordDeliveryStatus implements hotline.IntakeStore.
func (db *DB) RecordDeliveryStatus(ctx context.Context, ch hotline.Channel, externalID, status, errorCode string) error {
	if externalID == "" || status == "" {
		return hotline.Errorf(hotline.EINVALID, "delivery status without message id or status")
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`
			UPDATE messages SET status = ?, error_code = ?
			WHERE channel = ? AND external_id = ? AND external_id <> '' AND direction = 'out'`,
			status, errorCode, string(ch), externalID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hotline.Errorf(hotline.ENOTFOUND, "no outbound message with that provider id")
		}
		return nil
	})
}

// SetDoNotContact implements hotline.IntakeStore. An address we have never
// seen is stored anyway, so that a STOP is honoured even if it arrives
// before (or instead of) any other message.
func (db *DB) SetDoNotContact(ctx context.Context, ch hotline.Channel, address string, on bool) error {
	if ch == "" || address == "" {
		return hotline.Errorf(hotline.EINVALID, "do-not-contact without channel or address")
	}
	now := db.now()
	return db.write(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRow(`
			INSERT INTO contacts (channel, address, do_not_contact, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (channel, address) DO UPDATE SET do_not_contact = excluded.do_not_contact
			RETURNING id`, string(ch), address, on, ms(now)).Scan(&id)
		if err != nil {
			return err
		}
		return audit(tx, now, "intake", "contact.do_not_contact", 0, map[string]any{
			"contact_id": id, "channel": ch, "on": on,
		})
	})
}
