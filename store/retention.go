package store

import (
	"context"
	"fmt"
	"time"

	"hotline/evidence"
)

// Retention: a case that was resolved or closed long enough ago keeps only
// what the task force's statistics need (its row, reference, status,
// resolution, urgency, province, times and counts) and loses everything
// that could identify or endanger the person: message bodies, media
// references, message metadata and points, triage excerpts, notes, hand-off
// notes, guide answers, the place and point of the case, its entity links,
// the outbox texts sent about it, and the address and name of contacts that
// have no other case keeping its data.
//
// Audit events are never edited: each redaction appends one "case.redacted"
// event, so the chain still verifies and says when and by whom data went.
//
// Redacted columns are set to the empty value of their kind ('' / '[]' /
// '{}' / NULL), which the sealing layer keeps unsealed (store/sealed.go).
// A contact's address becomes "redacted:<id>" instead of '': the old
// UNIQUE (channel, address) constraint is still there, and two redacted
// contacts of one channel would otherwise collide. Its lookup hash goes
// too, so a person who writes again starts a new contact and case.
//
// Every redacting statement is in this file, so that a change in what is
// personal (or how it is stored) is made in one place.

// RetentionCase is a case that retention would redact.
type RetentionCase struct {
	ID       int64
	Ref      string
	Status   string
	ClosedAt time.Time
}

// RetentionReport is what one run did.
type RetentionReport struct {
	Cases    int // cases redacted
	Messages int // their messages emptied
	Contacts int // contacts whose address and name went
}

// retentionBatch is how many cases one unit of work redacts: enough to
// need few commits, few enough that webhooks wait for the writer no longer
// than for a usual batch.
const retentionBatch = 50

// dueSQL selects the cases to redact; ?1 is the closing-time cutoff.
const dueSQL = `
	SELECT id, ref, status, closed_at FROM cases
	WHERE closed_at IS NOT NULL AND closed_at < ?1 AND status IN ('resolved', 'closed') AND redacted_at IS NULL
	ORDER BY closed_at, id LIMIT ?2`

// RetentionDue lists up to limit cases resolved or closed before cutoff
// whose data is still there, the longest closed first.
func (db *DB) RetentionDue(ctx context.Context, cutoff time.Time, limit int) ([]RetentionCase, error) {
	rows, err := db.rdb.QueryContext(ctx, dueSQL, ms(cutoff), limit)
	if err != nil {
		return nil, fmt.Errorf("store: retention due: %w", err)
	}
	defer rows.Close()
	var out []RetentionCase
	for rows.Next() {
		var c RetentionCase
		var closed int64
		if err := rows.Scan(&c.ID, &c.Ref, &c.Status, &closed); err != nil {
			return nil, fmt.Errorf("store: retention due: %w", err)
		}
		c.ClosedAt = fromMS(closed)
		out = append(out, c)
	}
	return out, rows.Err()
}

// RedactClosedBefore redacts every case resolved or closed before cutoff,
// a batch per commit, and records a "case.redacted" audit event by actor
// for each. A case reopened meanwhile is left alone (checked again inside
// the commit).
func (db *DB) RedactClosedBefore(ctx context.Context, cutoff time.Time, actor string) (RetentionReport, error) {
	var total RetentionReport
	for {
		due, err := db.RetentionDue(ctx, cutoff, retentionBatch)
		if err != nil {
			return total, err
		}
		if len(due) == 0 {
			return total, nil
		}
		var batch RetentionReport
		err = db.write(ctx, func(tx *writeTx) error {
			batch = RetentionReport{}
			now := db.now()
			for _, c := range due {
				r, err := redactCase(tx, now, c.ID, cutoff, actor)
				if err != nil {
					return fmt.Errorf("store: redact case %d: %w", c.ID, err)
				}
				batch.Cases += r.Cases
				batch.Messages += r.Messages
				batch.Contacts += r.Contacts
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total.Cases += batch.Cases
		total.Messages += batch.Messages
		total.Contacts += batch.Contacts
		if batch.Cases == 0 {
			// Every case listed was reopened or redacted elsewhere since
			// the listing: stop rather than list them again.
			return total, nil
		}
	}
}

// The redacting statements; ?1 is the case id.
const (
	// redactEntityIDs lists the entities the case links to, before the
	// links go, so that entities no other case mentions can go too.
	redactEntityIDs   = `SELECT COALESCE(json_group_array(entity_id), '[]') FROM entity_cases WHERE case_id = ?1`
	redactEntityLinks = `DELETE FROM entity_cases WHERE case_id = ?1`
	redactEntities    = `DELETE FROM entities WHERE id IN (SELECT value FROM json_each(?1))
		AND NOT EXISTS (SELECT 1 FROM entity_cases ec WHERE ec.entity_id = entities.id)`
	redactMessages = `UPDATE messages SET body = '', media = '[]', meta = '{}', lat = NULL, lon = NULL, triage = NULL
		WHERE case_id = ?1`
	redactNotes = `UPDATE notes SET body = '' WHERE case_id = ?1`
	// Evidence: the rows stay (counts, hashes), shown as unavailable and
	// never fetched again; the files go after the commit
	// (RedactedEvidenceFiles), as a file deleted inside a transaction that
	// then rolls back cannot come back.
	redactEvidence = `UPDATE evidence SET status = 'unavailable', last_error = '', redacted_at = ?2
		WHERE message_id IN (SELECT id FROM messages WHERE case_id = ?1) AND redacted_at IS NULL`
	redactHandoffs = `UPDATE handoffs SET note = '' WHERE case_id = ?1`
	redactGuide    = `UPDATE guide_items SET answer = '' WHERE case_id = ?1`
	// Outbox rows still to be sent keep what they need; a closed case's
	// rarely has any.
	redactOutbox = `UPDATE outbox SET recipient = '', body = '', subject = ''
		WHERE case_id = ?1 AND status NOT IN ('pending', 'queued', 'sending')`
	// The case row keeps status, resolution, urgency, province, country,
	// nationality, language, reporter, channel, counts and times.
	redactCaseRow = `UPDATE cases SET place = '', lat = NULL, lon = NULL, entities = '[]', reasons = '[]',
		resolution_reason = '', redacted_at = ?2 WHERE id = ?1`
	// A contact goes once no case that keeps its data is its case or holds
	// one of its messages (a merge can move a contact's messages into
	// another contact's case).
	redactContacts = `UPDATE contacts SET address = 'redacted:' || id, name = '', address_hash = NULL
		WHERE id IN (SELECT contact_id FROM cases WHERE id = ?1 UNION SELECT contact_id FROM messages WHERE case_id = ?1)
		AND address NOT LIKE 'redacted:%'
		AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.contact_id = contacts.id AND c.redacted_at IS NULL)
		AND NOT EXISTS (SELECT 1 FROM messages m JOIN cases c ON c.id = m.case_id
			WHERE m.contact_id = contacts.id AND c.redacted_at IS NULL)`
)

// redactCase redacts one case inside the writer's transaction if it is
// still due; Cases is 0 in the report when it was not.
func redactCase(tx *writeTx, now time.Time, id int64, cutoff time.Time, actor string) (RetentionReport, error) {
	var r RetentionReport
	var due bool
	var closed int64
	err := tx.QueryRow(`SELECT status IN ('resolved', 'closed') AND closed_at IS NOT NULL AND closed_at < ?2 AND redacted_at IS NULL,
		COALESCE(closed_at, 0) FROM cases WHERE id = ?1`, id, ms(cutoff)).Scan(&due, &closed)
	if err != nil || !due {
		return r, err
	}
	var notes int
	if err := tx.QueryRow(`SELECT count(*) FROM notes WHERE case_id = ?1`, id).Scan(&notes); err != nil {
		return r, err
	}
	var entityIDs string
	if err := tx.QueryRow(redactEntityIDs, id).Scan(&entityIDs); err != nil {
		return r, err
	}
	if _, err := tx.Exec(redactEntityLinks, id); err != nil {
		return r, err
	}
	if _, err := tx.Exec(redactEntities, entityIDs); err != nil {
		return r, err
	}
	res, err := tx.Exec(redactMessages, id)
	if err != nil {
		return r, err
	}
	n, _ := res.RowsAffected()
	r.Messages = int(n)
	for _, q := range []string{redactNotes, redactHandoffs, redactGuide, redactOutbox} {
		if _, err := tx.Exec(q, id); err != nil {
			return r, err
		}
	}
	if _, err := tx.Exec(redactEvidence, id, ms(now)); err != nil {
		return r, err
	}
	if _, err := tx.Exec(redactCaseRow, id, ms(now)); err != nil {
		return r, err
	}
	res, err = tx.Exec(redactContacts, id)
	if err != nil {
		return r, err
	}
	n, _ = res.RowsAffected()
	r.Contacts = int(n)
	r.Cases = 1
	return r, audit(tx, now, actor, "case.redacted", id, map[string]any{
		"closed_at": fromMS(closed).Format(time.RFC3339),
		"messages":  r.Messages,
		"notes":     notes,
		"contacts":  r.Contacts,
	})
}

// RedactedEvidenceFiles lists up to limit evidence items of redacted cases
// whose sealed file is still on disk, for the retention run to delete.
func (db *DB) RedactedEvidenceFiles(ctx context.Context, limit int) ([]evidence.Item, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT `+evidenceColumns+`
		FROM evidence e JOIN messages m ON m.id = e.message_id
		WHERE e.redacted_at IS NOT NULL AND e.file <> '' ORDER BY e.id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: redacted evidence: %w", err)
	}
	items, err := scanEvidenceRows(rows)
	if err != nil {
		return nil, fmt.Errorf("store: redacted evidence: %w", err)
	}
	return items, nil
}

// EvidenceFileDeleted records that the file of a redacted case's evidence
// item is gone from disk.
func (db *DB) EvidenceFileDeleted(ctx context.Context, id int64) error {
	return db.write(ctx, func(tx *writeTx) error {
		_, err := tx.Exec(`UPDATE evidence SET file = '' WHERE id = ? AND redacted_at IS NOT NULL`, id)
		return err
	})
}
