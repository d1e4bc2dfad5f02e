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
	"hotline/internal/seal"
)

// RecordInbound implements hotline.IntakeStore. The whole message (contact,
// case, message, triage, acknowledgement, audit) is one unit of work, so a
// crash leaves either all of it or none.
//
// ack is called inside the transaction, on the writer goroutine, so it must
// be quick and must not touch the store. It is not called for a contact
// marked do-not-contact: such a contact gets no reply at all.
func (db *DB) RecordInbound(ctx context.Context, in hotline.Inbound, t hotline.Triage, ack hotline.AckFunc) (hotline.Receipt, error) {
	return db.recordInboundWith(ctx, in, t, ack, nil)
}

// recordInboundWith records a message with either ack or, for the guided
// intake, reply (store/guide_intake.go).
func (db *DB) recordInboundWith(ctx context.Context, in hotline.Inbound, t hotline.Triage, ack hotline.AckFunc, reply hotline.ReplyFunc) (hotline.Receipt, error) {
	if in.Channel == "" || in.From == "" {
		return hotline.Receipt{}, hotline.Errorf(hotline.EINVALID, "inbound message without channel or sender")
	}
	// A provider retry is answered from the read pool without costing the
	// writer a transaction; only an id met before can be one (recent_ids.go).
	// The writer does not look again: the unique index on (channel,
	// external_id) turns a retry that races its original, or one the set
	// forgot, into errDuplicate.
	if in.ExternalID != "" && db.recent.met(in.Channel, in.ExternalID) {
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
	// Everything that does not depend on the database is encoded here, on
	// the caller's goroutine, not on the one writer every webhook waits for.
	p, err := encodeInbound(db.sl, in, t)
	if err != nil {
		return hotline.Receipt{}, err
	}
	var r hotline.Receipt
	// Rerunnable: the unit's effects are r and the ack or reply it calls,
	// which the pipeline makes safe to call again (intake/reply_limit.go).
	err = db.writeIntake(ctx, func(tx *writeTx) error {
		var err error
		r, err = recordInbound(tx, db.now(), at, in, t, &p, ack, reply)
		return err
	})
	if errors.Is(err, errDuplicate) {
		// Another delivery of the same message committed first, typically
		// in the same batch; it is committed now, so the read pool sees it.
		r, err = findDuplicate(ctx, db.rdb, in.Channel, in.ExternalID)
		if err != nil {
			return hotline.Receipt{}, fmt.Errorf("store: duplicate message: %w", err)
		}
		return r, nil
	}
	if err != nil {
		return hotline.Receipt{}, err
	}
	return r, nil
}

// errDuplicate is a unit's answer when its message's (channel, external id)
// is already stored; its savepoint is rolled back, so nothing changed.
var errDuplicate = errors.New("store: message already stored")

// queryRower is what *sql.DB and *sql.Tx share for single-row lookups.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Statements run for every message write a parameter as +? where SQLite
// would otherwise look at its bound value while planning (an equality it
// uses as a filter, or a partial index): such a statement is marked to be
// re-prepared whenever its bindings change, and the driver clears the
// bindings before every run, so it was parsed and planned again each time.
// The unary plus changes nothing else; TestHotStatementsUseIndexes checks
// the plans.

// findDuplicateSQL looks a message up by its idempotency key.
const findDuplicateSQL = `
		SELECT m.id, c.id, c.ref, c.lang
		FROM messages m JOIN cases c ON c.id = m.case_id
		WHERE m.channel = +? AND m.external_id = +? AND m.external_id <> ''`

func findDuplicate(ctx context.Context, q queryRower, ch hotline.Channel, externalID string) (hotline.Receipt, error) {
	r := hotline.Receipt{Duplicate: true}
	err := q.QueryRowContext(ctx, findDuplicateSQL,
		string(ch), externalID).Scan(&r.MessageID, &r.CaseID, &r.CaseRef, &r.Lang)
	return r, err
}

// encodedInbound holds the columns of an inbound message and of the case
// it would open, encoded and sealed.
type encodedInbound struct {
	from, name        any // sealed contact address and name
	fromHash          []byte
	body, media, meta any
	triage            any
	// fresh is the triage of a case this message opens, and reasons and
	// entities its JSON columns (plain, for the memo), sealed as
	// sealedReasons, sealedEntities and place: set by encodeFresh, on the
	// writer, only when the message does open a case (most go to one that
	// is open, and would pay for sealing what is never written).
	fresh                         hotline.Triage
	reasons, entities             string
	sealedReasons, sealedEntities any
	place                         any
}

// encodeInbound does the sealing and encoding of a message on the caller's
// goroutine, not on the one writer every webhook waits for.
func encodeInbound(sl sealer, in hotline.Inbound, t hotline.Triage) (encodedInbound, error) {
	var p encodedInbound
	p.from, p.fromHash, p.name = sl.text(colContactAddress, in.From), sl.contactHash(in.From), sl.text(colContactName, in.Name)
	p.body = sl.text(colMessageBody, in.Body)
	media, err := jsonText(in.Media)
	if err != nil {
		return p, err
	}
	p.media = sl.text(colMessageMedia, media)
	meta := "{}"
	if len(in.Meta) > 0 {
		b, err := json.Marshal(in.Meta)
		if err != nil {
			return p, err
		}
		meta = string(b)
	}
	p.meta = sl.text(colMessageMeta, meta)
	b, err := json.Marshal(t)
	if err != nil {
		return p, err
	}
	p.triage = sl.text(colMessageTriage, string(b))
	return p, nil
}

// encodeFresh encodes and seals the columns of the case the message opens.
func encodeFresh(sl sealer, t hotline.Triage, p *encodedInbound) error {
	var err error
	p.fresh = hotline.Triage{}.Merge(t, false)
	if p.reasons, err = jsonText(p.fresh.Reasons); err != nil {
		return err
	}
	if p.entities, err = jsonText(p.fresh.Entities); err != nil {
		return err
	}
	p.sealedReasons = sl.text(colCaseReasons, p.reasons)
	p.sealedEntities = sl.text(colCaseEntities, p.entities)
	p.place = sl.text(colCasePlace, p.fresh.Location.Place)
	return nil
}

// caseTriage is the part of a case row that triage merges into.
type caseTriage struct {
	id         int64
	ref        string
	overridden bool
	lastIn     int64
	// waiting and waitingSince are the queue key (00100_waiting_since.sql):
	// a message moves it only when it makes an answered case wait again.
	waiting      bool
	waitingSince int64
	// firstIn is the case's first message from the person (first_in_at,
	// for the overview; NULL on a case opened another way).
	firstIn sql.NullInt64
	triage  hotline.Triage
	// reasons and entities opened; decoded only when the message brings
	// something to merge into them. The raw fields are the sealed values,
	// written back as they are when nothing changed.
	reasons, entities                 string
	rawReasons, rawEntities, rawPlace []byte
	guide                             guideCase // read by openCase for the guided intake
}

// sealedChange is a sealed column's new value for the case update, and
// whether it must be written: its text changed, or it is still stored in
// the clear (written before sealing) though not empty. An unchanged case
// costs no sealing.
func sealedChange(sl sealer, col, text, old string, raw []byte) (any, bool) {
	if text == old && (isEmptyValue(text) || seal.IsSealed(raw)) {
		return nil, false
	}
	return sl.text(col, text), true
}

// Audit details of intake, as structs: encoding them is cheaper than a map
// and the JSON is the same (fields in key order).
type (
	caseCreatedDetail struct {
		Channel hotline.Channel `json:"channel"`
		Ref     string          `json:"ref"`
		Urgency hotline.Urgency `json:"urgency"`
	}
	messageReceivedDetail struct {
		Channel   hotline.Channel `json:"channel"`
		MessageID int64           `json:"message_id"`
		Urgency   hotline.Urgency `json:"urgency"`
	}
	triageChangedDetail struct {
		From      hotline.Urgency `json:"from"`
		MessageID int64           `json:"message_id"`
		To        hotline.Urgency `json:"to"`
	}
)

func recordInbound(tx *writeTx, now, at time.Time, in hotline.Inbound, t hotline.Triage, p *encodedInbound, ack hotline.AckFunc, reply hotline.ReplyFunc) (hotline.Receipt, error) {
	var safe sql.NullBool
	if in.SafeToContact != nil {
		safe = sql.NullBool{Bool: *in.SafeToContact, Valid: true}
	}
	facts := messageFacts{channel: in.Channel, meta: in.Meta}
	key := intakeKey(p, string(in.Channel))
	sender, found, err := findSender(tx, key, now, in, p, safe, &facts, reply != nil)
	if err != nil {
		return hotline.Receipt{}, err
	}
	contactID, gc, c := sender.contactID, sender.contact, sender.c
	dnc := gc.dnc
	// cacheable: this unit keeps the person's cache entry true, unless it
	// does something below that the entry does not follow.
	cacheable := found
	var merged hotline.Triage
	before := c.triage.Urgency
	knewPlace := found && (c.triage.Location.Province != "" || c.triage.Location.Lat != nil)
	var reasons, entities string
	if found {
		if reasons, entities, err = c.merge(tx, t, &merged); err != nil {
			return hotline.Receipt{}, err
		}
	} else {
		if err := encodeFresh(tx.sl, t, p); err != nil {
			return hotline.Receipt{}, err
		}
		merged = p.fresh
	}
	lastIn := max(c.lastIn, ms(at))
	if !found {
		if c.id, c.ref, err = insertCase(tx, now, lastIn, in.Channel, contactID, merged, p.sealedReasons, p.sealedEntities, p.place); err != nil {
			return hotline.Receipt{}, err
		}
	} else if err := c.update(tx, now, lastIn, ms(at), merged, reasons, entities); err != nil {
		return hotline.Receipt{}, err
	}

	// The row id comes from the connection, not RETURNING, which makes
	// SQLite buffer the statement's output.
	res, err := tx.Exec(`
		INSERT INTO messages (case_id, contact_id, direction, channel, external_id, body, media, lat, lon, meta, status, triage, created_at)
		VALUES (?, ?, 'in', ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?)`,
		c.id, contactID, string(in.Channel), in.ExternalID, p.body, p.media,
		nullFloat(in.Lat), nullFloat(in.Lon), p.meta, p.triage, ms(at))
	if in.ExternalID != "" && isUnique(err) {
		return hotline.Receipt{}, errDuplicate
	}
	if err != nil {
		return hotline.Receipt{}, fmt.Errorf("store: message insert: %w", err)
	}
	msgID, err := res.LastInsertId()
	if err != nil {
		return hotline.Receipt{}, fmt.Errorf("store: message insert: %w", err)
	}
	// The entity index (store/entities_index.go) links the case in the same write.
	if err := indexEntities(tx, c.id, msgID, at, t, in.Lat, in.Lon, &facts); err != nil {
		return hotline.Receipt{}, err
	}

	if !found {
		if err := audit(tx, now, "intake", "case.created", c.id, caseCreatedDetail{
			Channel: in.Channel, Ref: c.ref, Urgency: merged.Urgency,
		}); err != nil {
			return hotline.Receipt{}, err
		}
	}
	if err := audit(tx, now, "intake", "message.received", c.id, messageReceivedDetail{
		Channel: in.Channel, MessageID: msgID, Urgency: t.Urgency,
	}); err != nil {
		return hotline.Receipt{}, err
	}
	if found && merged.Urgency != before {
		if err := audit(tx, now, "intake", "case.triage_changed", c.id, triageChangedDetail{
			From: before, MessageID: msgID, To: merged.Urgency,
		}); err != nil {
			return hotline.Receipt{}, err
		}
	}

	// Promise 2: the notifications commit with the message that made the
	// case critical (store/critical.go).
	if merged.Urgency == hotline.Critical && (!found || before != hotline.Critical) {
		cacheable = false
		if err := notifyCritical(tx, now, c.id); err != nil {
			return hotline.Receipt{}, err
		}
	}

	r := hotline.Receipt{CaseID: c.id, CaseRef: c.ref, MessageID: msgID, Lang: merged.Lang, NewCase: !found, DoNotContact: dnc}
	var text string
	var step hotline.GuideStep
	if reply != nil {
		st, err := guideState(tx, gc, &c, found, knewPlace)
		if err != nil {
			return hotline.Receipt{}, err
		}
		if text, step = reply(r, st); dnc {
			text = "" // such a contact gets no message at all
		}
	} else if ack != nil && !dnc {
		text = ack(r)
	}
	if text != "" {
		_, err := tx.Exec(`
			INSERT INTO messages (case_id, contact_id, direction, channel, external_id, body, status, created_at)
			VALUES (?, ?, 'out', ?, '', ?, 'replied_inline', ?)`,
			c.id, contactID, string(in.Channel), tx.sl.text(colMessageBody, text), ms(now))
		if err != nil {
			return hotline.Receipt{}, fmt.Errorf("store: ack insert: %w", err)
		}
	}
	if reply != nil {
		if step.Answered != "" || step.Ask != "" {
			cacheable = false // the guide's columns of the case change
		}
		question, err := recordGuideStep(tx, now, in, r, contactID, step)
		if err != nil {
			return hotline.Receipt{}, err
		}
		r.Reply = text
		if question != "" && text != "" {
			r.Reply = text + "\n" + question
		} else if question != "" {
			r.Reply = question
		}
	}
	if cacheable {
		after := gc
		if safe.Valid {
			after.safe = safe
		}
		tx.intake.put(key, &intakeEntry{contactID: contactID, contact: after, rawName: sender.rawName, c: c})
	}
	return r, nil
}

// findSender returns the message's contact and its open case (found) as
// they were before the message, with the contact's stored name as it is
// after it: from the writer's intake cache when the person wrote lately,
// else read, the contact created if it is new.
func findSender(tx *writeTx, key string, now time.Time, in hotline.Inbound, p *encodedInbound, safe sql.NullBool, facts *messageFacts, guided bool) (e intakeEntry, found bool, err error) {
	if cached, hit := tx.intake.take(key); hit {
		if tx.verifyIntake {
			if err := verifyIntakeEntry(tx, string(in.Channel), p, cached); err != nil {
				return e, false, err
			}
		}
		e = *cached
		e.rawName, err = updateContact(tx, e.contactID, e.rawName, e.contact, in, p, safe, facts)
		return e, true, err
	}
	var created bool
	if e.contactID, e.contact, e.rawName, created, err = upsertContact(tx, now, in, p, safe, facts); err != nil {
		return e, false, err
	}
	// A contact created just now has no case yet (cases reference their
	// contact, so none can outlive one whose id was reused).
	if !created {
		e.c, found, err = openCase(tx, e.contactID, guided)
	}
	return e, found, err
}

// contactSQL finds the sender's contact row, with what intake needs of it.
const contactSQL = `
		SELECT id, do_not_contact, discreet, safe_to_contact, name
		FROM contacts WHERE channel = +? AND address_hash = +?`

// upsertContact finds or creates the sender's contact and returns it as it
// was before this message (the guide decides on that). A known contact is
// read, and written only when the message brings a name it lacked or
// states whether it is safe to contact: an upsert would rewrite the row,
// and answer through RETURNING, for every message.
//
// facts gets the contact's name as stored after the message, for the
// entity index: this message's name if it gave the contact one, else the
// stored one, still sealed. nameAfter is that name as stored.
func upsertContact(tx *writeTx, now time.Time, in hotline.Inbound, p *encodedInbound, safe sql.NullBool, facts *messageFacts) (id int64, gc guideContact, nameAfter []byte, created bool, err error) {
	var rawName []byte
	err = tx.QueryRow(contactSQL, string(in.Channel), p.fromHash).Scan(&id, &gc.dnc, &gc.discreet, &gc.safe, &rawName)
	if errors.Is(err, sql.ErrNoRows) {
		facts.name, facts.nameKnown = in.Name, true
		// New: the writer holds the write lock, so nobody inserts it meanwhile;
		// ON CONFLICT keeps the statement right even so.
		var after sql.NullBool
		err = tx.QueryRow(`
			INSERT INTO contacts (channel, address, address_hash, region, name, safe_to_contact, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (channel, address_hash) DO UPDATE SET
				name = CASE WHEN contacts.name = '' THEN excluded.name ELSE contacts.name END,
				safe_to_contact = COALESCE(excluded.safe_to_contact, contacts.safe_to_contact)
			RETURNING id, do_not_contact, discreet, safe_to_contact`,
			string(in.Channel), p.from, p.fromHash, regionOf(in.From), p.name, safe, ms(now)).Scan(&id, &gc.dnc, &gc.discreet, &after)
		if err != nil {
			return 0, gc, nil, false, fmt.Errorf("store: contact insert: %w", err)
		}
		return id, gc, rawOf(p.name), true, nil // gc.safe: unknown before this message
	}
	if err != nil {
		return 0, gc, nil, false, fmt.Errorf("store: contact: %w", err)
	}
	if nameAfter, err = updateContact(tx, id, rawName, gc, in, p, safe, facts); err != nil {
		return 0, gc, nil, false, err
	}
	return id, gc, nameAfter, false, nil
}

// updateContact writes what the message adds to a known contact, stored
// with rawName and gc before it, and returns the stored name after it.
func updateContact(tx *writeTx, id int64, rawName []byte, gc guideContact, in hotline.Inbound, p *encodedInbound, safe sql.NullBool, facts *messageFacts) ([]byte, error) {
	newName := len(rawName) == 0 && in.Name != ""
	if len(rawName) == 0 {
		facts.name, facts.nameKnown = in.Name, true // the name this message gives, if any
	} else {
		facts.rawName = rawName
	}
	if newName || (safe.Valid && safe != gc.safe) {
		name := p.name
		if !newName {
			name = ""
		}
		if _, err := tx.Exec(`
			UPDATE contacts SET name = CASE WHEN name = '' THEN ? ELSE name END,
				safe_to_contact = COALESCE(?, safe_to_contact)
			WHERE id = ?`, name, safe, id); err != nil {
			return nil, fmt.Errorf("store: contact update: %w", err)
		}
	}
	if newName {
		return rawOf(p.name), nil
	}
	return rawName, nil
}

// merge folds t into the case's triage and returns the JSON of the merged
// reasons and entities, extended rather than re-encoded when t added to them.
func (c *caseTriage) merge(tx *writeTx, t hotline.Triage, merged *hotline.Triage) (reasons, entities string, err error) {
	if len(t.Reasons) > 0 {
		if c.triage.Reasons, err = decodeList[hotline.Reason](tx, c.reasons); err != nil {
			return "", "", fmt.Errorf("store: case %d reasons: %w", c.id, err)
		}
	}
	if len(t.Entities) > 0 {
		if c.triage.Entities, err = decodeList[hotline.Entity](tx, c.entities); err != nil {
			return "", "", fmt.Errorf("store: case %d entities: %w", c.id, err)
		}
	}
	*merged = c.triage.Merge(t, c.overridden)
	if reasons, err = extendList(tx, c.reasons, c.triage.Reasons, merged.Reasons); err != nil {
		return "", "", err
	}
	if entities, err = extendList(tx, c.entities, c.triage.Entities, merged.Entities); err != nil {
		return "", "", err
	}
	return reasons, entities, nil
}

// extendList returns the JSON text of merged, which is old (encoded as
// oldText) with new items appended: only those are encoded, spliced into
// oldText exactly as json.Marshal would have written the whole list.
func extendList[T comparable](tx *writeTx, oldText string, old, merged []T) (string, error) {
	if len(merged) == len(old) {
		return oldText, nil
	}
	var text string
	if len(old) > 0 && slices.Equal(merged[:len(old)], old) && strings.HasSuffix(oldText, "]") {
		b, err := json.Marshal(merged[len(old):])
		if err != nil {
			return "", err
		}
		text = oldText[:len(oldText)-1] + "," + string(b[1:])
	} else {
		var err error
		if text, err = jsonText(merged); err != nil {
			return "", err
		}
	}
	remember(tx, text, merged)
	return text, nil
}

// openCaseSQL finds a contact's newest case still being worked on.
const openCaseSQL = `
		SELECT ` + openCaseColumns + `
		FROM cases
		WHERE contact_id = +? AND status NOT IN ('resolved', 'closed')
		ORDER BY id DESC LIMIT 1`

const openCaseColumns = `id, ref, urgency, urgency_overridden, lang, reporter, country, province, place, lat, lon,
			reasons, entities, last_inbound_at, waiting, waiting_since, first_in_at`

// openCaseGuidedSQL is openCaseSQL with what the guided intake needs of
// the case (guideCaseSQL) read in the same statement, since every guided
// message would otherwise run both.
const openCaseGuidedSQL = `
		SELECT ` + openCaseColumns + `, ` + guideCaseColumns + `
		FROM cases c
		WHERE contact_id = +? AND status NOT IN ('resolved', 'closed')
		ORDER BY id DESC LIMIT 1`

// openCase finds the contact's case that is still being worked on; a person
// who writes again after their case was closed starts a new one. guided
// also reads the case's guide state (c.guide), as it is before the message.
func openCase(tx *writeTx, contactID int64, guided bool) (caseTriage, bool, error) {
	var (
		c        caseTriage
		lat, lon sql.NullFloat64
		urgency  int
		reporter string
	)
	dest := []any{&c.id, &c.ref, &urgency, &c.overridden, &c.triage.Lang, &reporter,
		&c.triage.Location.Country, &c.triage.Location.Province, &c.rawPlace, &lat, &lon,
		&c.rawReasons, &c.rawEntities, &c.lastIn, &c.waiting, &c.waitingSince, &c.firstIn}
	query := openCaseSQL
	if guided {
		query = openCaseGuidedSQL
		dest = append(dest, &c.guide.people, &c.guide.asked, &c.guide.pending)
		c.guide.read = true
	}
	err := tx.QueryRow(query, contactID).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return caseTriage{}, false, nil
	}
	if err != nil {
		return caseTriage{}, false, fmt.Errorf("store: open case: %w", err)
	}
	c.triage.Urgency = hotline.Urgency(urgency)
	c.triage.Reporter = hotline.Reporter(reporter)
	c.triage.Location.Lat, c.triage.Location.Lon = floatPtr(lat), floatPtr(lon)
	if c.triage.Location.Place, err = tx.sl.open(colCasePlace, c.rawPlace); err != nil {
		return caseTriage{}, false, err
	}
	if c.reasons, err = tx.sl.open(colCaseReasons, c.rawReasons); err != nil {
		return caseTriage{}, false, err
	}
	if c.entities, err = tx.sl.open(colCaseEntities, c.rawEntities); err != nil {
		return caseTriage{}, false, err
	}
	return c, true, nil
}

// deliveryStatusSQL records a provider's delivery report on our message.
const deliveryStatusSQL = `
			UPDATE messages SET status = ?, error_code = ?
			WHERE channel = +? AND external_id = +? AND external_id <> '' AND direction = 'out'`

// RecordDeliveryStatus implements hotline.IntakeStore.
func (db *DB) RecordDeliveryStatus(ctx context.Context, ch hotline.Channel, externalID, status, errorCode string) error {
	if externalID == "" || status == "" {
		return hotline.Errorf(hotline.EINVALID, "delivery status without message id or status")
	}
	return db.write(ctx, func(tx *writeTx) error {
		res, err := tx.Exec(deliveryStatusSQL, status, errorCode, string(ch), externalID)
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
	return db.write(ctx, func(tx *writeTx) error {
		var id int64
		err := tx.QueryRow(`
			INSERT INTO contacts (channel, address, address_hash, region, do_not_contact, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (channel, address_hash) DO UPDATE SET do_not_contact = excluded.do_not_contact
			RETURNING id`, string(ch), tx.sl.text(colContactAddress, address), tx.sl.contactHash(address), regionOf(address), on, ms(now)).Scan(&id)
		if err != nil {
			return err
		}
		return audit(tx, now, "intake", "contact.do_not_contact", 0, map[string]any{
			"contact_id": id, "channel": ch, "on": on,
		})
	})
}

// Columns of a case that a message can change, in the order of caseUpdateSQL.
const (
	colUrgency = iota
	colLang
	colReporter
	colCountry
	colProvince
	colPlace
	colLat
	colLon
	colReasons
	colEntities
	colLastInbound
	colWaiting
	colWaitingSince
	colFirstIn
	colUpdated
	numCaseCols
)

var caseColNames = [numCaseCols]string{"urgency", "lang", "reporter", "country", "province", "place",
	"lat", "lon", "reasons", "entities", "last_inbound_at", "waiting", "waiting_since", "first_in_at", "updated_at"}

// update writes the message's merge into the case row, setting only the
// columns whose value changed. SQLite rewrites every index that holds a
// column named in SET, changed or not; cases carries a dozen indexes over
// urgency, province and lang, and most messages to a case change none of
// them, so naming only what changed spares the writer those index updates.
// The same holds for the queue key: a message to a case already waiting
// leaves waiting and waiting_since alone (the six queue indexes hold
// waiting_since); one to an answered case makes it wait since at.
func (c *caseTriage) update(tx *writeTx, now time.Time, lastIn, at int64, merged hotline.Triage, reasons, entities string) error {
	loc, old := merged.Location, c.triage.Location
	sp, placeChanged := sealedChange(tx.sl, colCasePlace, loc.Place, old.Place, c.rawPlace)
	sr, reasonsChanged := sealedChange(tx.sl, colCaseReasons, reasons, c.reasons, c.rawReasons)
	se, entitiesChanged := sealedChange(tx.sl, colCaseEntities, entities, c.entities, c.rawEntities)
	var vals [numCaseCols]any
	var mask uint16
	set := func(col int, changed bool, v any) {
		if changed {
			mask |= 1 << col
			vals[col] = v
		}
	}
	set(colUrgency, merged.Urgency != c.triage.Urgency, int64(merged.Urgency))
	set(colLang, merged.Lang != c.triage.Lang, merged.Lang)
	set(colReporter, merged.Reporter != c.triage.Reporter, string(merged.Reporter))
	set(colCountry, loc.Country != old.Country, loc.Country)
	set(colProvince, loc.Province != old.Province, loc.Province)
	set(colPlace, placeChanged, sp)
	set(colLat, !sameFloat(loc.Lat, old.Lat), nullFloat(loc.Lat))
	set(colLon, !sameFloat(loc.Lon, old.Lon), nullFloat(loc.Lon))
	set(colReasons, reasonsChanged, sr)
	set(colEntities, entitiesChanged, se)
	set(colLastInbound, lastIn != c.lastIn, lastIn)
	set(colWaiting, !c.waiting, 1)
	set(colWaitingSince, !c.waiting && at != c.waitingSince, at)
	set(colFirstIn, !c.firstIn.Valid || at < c.firstIn.Int64, at) // (providers' clocks disagree)
	set(colUpdated, true, ms(now))
	args := make([]any, 0, numCaseCols+1)
	for col := range numCaseCols {
		if mask&(1<<col) != 0 {
			args = append(args, vals[col])
		}
	}
	args = append(args, c.id)
	if _, err := tx.Exec(tx.caseUpdateSQL(mask), args...); err != nil {
		return fmt.Errorf("store: case update: %w", err)
	}
	// c is now the row as written, as openCase would read it back, for the
	// writer's intake cache.
	c.triage = merged
	c.triage.Reasons, c.triage.Entities = nil, nil // decoded from the text when needed
	c.reasons, c.entities = reasons, entities
	if placeChanged {
		c.rawPlace = rawOf(sp)
	}
	if reasonsChanged {
		c.rawReasons = rawOf(sr)
	}
	if entitiesChanged {
		c.rawEntities = rawOf(se)
	}
	if mask&(1<<colWaitingSince) != 0 {
		c.waitingSince = at
	}
	if mask&(1<<colFirstIn) != 0 {
		c.firstIn = sql.NullInt64{Int64: at, Valid: true}
	}
	c.lastIn, c.waiting = lastIn, true
	return nil
}

// caseUpdateSQL returns the UPDATE that sets the columns in mask, built
// once per mask (a handful occur) and kept by the writer.
func (w *writeTx) caseUpdateSQL(mask uint16) string {
	if q, ok := w.caseUpdates[mask]; ok {
		return q
	}
	var b strings.Builder
	b.WriteString("UPDATE cases SET ")
	sep := ""
	for col := range numCaseCols {
		if mask&(1<<col) != 0 {
			b.WriteString(sep + caseColNames[col] + " = ?")
			sep = ", "
		}
	}
	b.WriteString(" WHERE id = ?")
	if w.caseUpdates == nil {
		w.caseUpdates = make(map[uint16]string)
	}
	w.caseUpdates[mask] = b.String()
	return b.String()
}

func sameFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
