package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// The same person often reaches the hotline more than once: a victim by
// SMS and WhatsApp, a mother through the web form giving her son's
// WhatsApp number, a brother quoting the passport number. The store only
// proposes such links; staff decide, and merging stays the merge action's.

// SamePersonCases lists what case caseID shares with other cases that are
// likely the same person, one item per shared phone number, passport
// number or name, each with the other cases (as far as the scope may see
// them). A name (KindPerson) counts only together with the province: the
// other cases it lists are in the same province as this one, which each
// EntityCase's Province shows, and it lists none while this case has no
// province.
// A number is this case's when the triage found it in a message (and staff
// did not reject it) or when it is the case's own contact address; another
// case matches it the same two ways, so an SMS sender's number written in
// a family's web form links both cases, whichever is read.
func (db *DB) SamePersonCases(ctx context.Context, caseID int64, sc Scope) ([]CaseEntity, error) {
	own, province, err := db.samePersonSignals(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var out []CaseEntity
	for _, e := range own {
		if e.Kind == KindPerson && province == "" {
			continue
		}
		others, err := db.samePersonOthers(ctx, e, caseID, province, sc)
		if err != nil {
			return nil, err
		}
		if len(others) == 0 {
			continue
		}
		e.Others = others
		out = append(out, e)
	}
	return out, nil
}

// samePersonSignals is the case's phone and passport numbers and names:
// its indexed ones not rejected, and its contact address when that is a
// phone number; and the case's province, which a name needs.
func (db *DB) samePersonSignals(ctx context.Context, caseID int64) ([]CaseEntity, string, error) {
	var channel, address, home, province string
	err := db.rdb.QueryRowContext(ctx, `SELECT ct.channel, ct.address, c.nationality, c.province
		FROM cases c JOIN contacts ct ON ct.id = c.contact_id
		WHERE c.id = ?`, caseID).Scan(&channel, db.sl.into(colContactAddress, &address), &home, &province)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: same person contact: %w", err)
	}
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT e.id, e.kind, e.value, ec.state, ec.first_seen
		FROM entity_cases ec JOIN entities e ON e.id = ec.entity_id
		WHERE ec.case_id = ? AND ec.state <> 'rejected' AND e.kind IN (?, ?, ?)`,
		caseID, KindPhone, KindPassport, KindPerson)
	if err != nil {
		return nil, "", fmt.Errorf("store: same person entities: %w", err)
	}
	defer rows.Close()
	var out []CaseEntity
	seen := map[string]bool{}
	for rows.Next() {
		var ce CaseEntity
		var first int64
		if err := rows.Scan(&ce.ID, &ce.Kind, db.sl.into(colEntityValue, &ce.Value), &ce.State, &first); err != nil {
			return nil, "", err
		}
		ce.FirstSeen = fromMS(first)
		ce.Label = EntityLabel(ce.Kind, ce.Value, nil, nil)
		seen[ce.Kind+":"+ce.Value] = true
		out = append(out, ce)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	sortByKindValue(out)
	if d, ok := contactNumber(channel, address, home); ok && !seen[KindPhone+":"+d] {
		out = append(out, CaseEntity{IndexedEntity: IndexedEntity{Kind: KindPhone, Value: d, Label: EntityLabel(KindPhone, d, nil, nil)}, State: EntityFound})
	}
	return out, province, nil
}

// contactNumber is a contact address's phone number in the index's form
// (a web form's contact may be written locally: home decides, as for the
// index); ok is false for addresses that are not numbers (a Telegram chat
// id, an e-mail, an anonymous web form).
func contactNumber(channel, address, home string) (string, bool) {
	if channel == "telegram" {
		return "", false
	}
	d := phoneE164(address, home)
	return d, d != ""
}

// localForms are the ways a web form's contact field may hold number d
// (E.164 digits) when the writer dialled it locally: the form keeps the
// digits as written (webform.NormalizeContact), so "010-1234-5678" is
// stored as "01012345678" and only its hash can be looked up.
func localForms(d string) []string {
	for _, cc := range []string{"855", "82"} {
		if strings.HasPrefix(d, cc) {
			return []string{"0" + d[len(cc):]}
		}
	}
	return nil
}

// samePersonOthers lists the cases other than except that mention e (not
// rejected) or, for a phone number, whose contact address is it; for a
// name, only those in province. A case already merged into another is left
// out: it is settled.
func (db *DB) samePersonOthers(ctx context.Context, e CaseEntity, except int64, province string, sc Scope) ([]EntityCase, error) {
	// A name's match says where the other case is, so a responder needs
	// the location shared as well, as for a place.
	scopeKind := e.Kind
	if e.Kind == KindPerson {
		scopeKind = KindPlace
	}
	cond, cargs := scopeSQL(sc, "c.id", scopeKind)
	q := `SELECT COALESCE(e.id, 0), c.id, c.ref, c.status, c.urgency, c.province, COALESCE(ec.message_id, 0),
			ec.first_seen, ec.last_seen, ec.state
		FROM entities e JOIN entity_cases ec ON ec.entity_id = e.id JOIN cases c ON c.id = ec.case_id
		WHERE e.kind = ? AND e.value_hash = ? AND ec.state <> 'rejected' AND c.id <> ? AND c.merged_into IS NULL`
	args := []any{e.Kind, db.sl.entityHash(e.Kind, e.Value), except}
	if e.Kind == KindPerson {
		q += ` AND c.province = ?`
		args = append(args, province)
	}
	q += cond
	args = append(args, cargs...)
	if e.Kind == KindPhone {
		// A contact is stored as its channel wrote it: "+855…" from Twilio
		// and the web form, "whatsapp:+855…" if a prefix slipped through.
		q += `
		UNION ALL
		SELECT 0, c.id, c.ref, c.status, c.urgency, c.province, 0, c.created_at, c.last_inbound_at, 'found'
		FROM contacts ct JOIN cases c ON c.contact_id = ct.id
		WHERE ct.channel <> 'telegram' AND ct.address_hash IN (?, ?, ?, ?) AND c.id <> ? AND c.merged_into IS NULL` + cond
		local := db.sl.contactHash("+" + e.Value) // no local form: repeat a hash already asked for
		if l := localForms(e.Value); len(l) > 0 {
			local = db.sl.contactHash(l[0])
		}
		args = append(args, db.sl.contactHash("+"+e.Value), db.sl.contactHash(e.Value), db.sl.contactHash("whatsapp:+"+e.Value), local, except)
		args = append(args, cargs...)
	}
	rows, err := db.rdb.QueryContext(ctx, `SELECT * FROM (`+q+`) ORDER BY 8, 2`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: same person cases: %w", err)
	}
	defer rows.Close()
	return scanEntityCases(rows)
}
