package store

import (
	"crypto/rand"
	"fmt"
	"time"

	"hotline"
)

// refAlphabet has no 0/O, 1/I/L, B/8, S/5, Z: a reference is read aloud over
// a bad phone line and typed by someone in a hurry.
const refAlphabet = "23456789ACDEFGHJKMNPQRTUVWXY"

// refLen characters give 28^6 ≈ 4.8e8 references: collisions are rare and
// retried, and the code stays short enough to remember.
const refLen = 6

// newRef returns a random reference shown as "K7M-X4Q". A variable so tests
// can force collisions.
var newRef = func() (string, error) {
	var b [refLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	out := make([]byte, 0, refLen+1)
	for i, v := range b {
		if i == refLen/2 {
			out = append(out, '-')
		}
		// 256 % 28 != 0 leaves a slight bias; it costs nothing here, as the
		// reference is not a secret, only a name.
		out = append(out, refAlphabet[int(v)%len(refAlphabet)])
	}
	return string(out), nil
}

// insertCase creates a case under a fresh reference. The UNIQUE index on
// ref rejects a reference already taken (only that statement fails) and
// another is drawn; it runs on the writer, so nobody can take the reference
// between the draw and the insert. The case opens with the person's message
// unanswered: it waits since lastIn, the message's time.
func insertCase(tx *writeTx, now time.Time, lastIn int64, ch hotline.Channel, contactID int64,
	t hotline.Triage, reasons, entities, place any) (id int64, ref string, err error) {
	loc := t.Location
	for range 20 {
		if ref, err = newRef(); err != nil {
			return 0, "", err
		}
		err = tx.QueryRow(`
			INSERT INTO cases (ref, status, urgency, lang, reporter, country, province, place, lat, lon,
				reasons, entities, channel, contact_id, last_inbound_at, waiting_since, waiting, first_in_at, created_at, updated_at)
			VALUES (?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
			RETURNING id`,
			ref, int64(t.Urgency), t.Lang, string(t.Reporter), loc.Country, loc.Province, place,
			nullFloat(loc.Lat), nullFloat(loc.Lon), reasons, entities, string(ch), contactID,
			lastIn, lastIn, lastIn, ms(now), ms(now)).Scan(&id)
		if isUnique(err) {
			continue
		}
		if err != nil {
			return 0, "", fmt.Errorf("store: case insert: %w", err)
		}
		return id, ref, nil
	}
	return 0, "", fmt.Errorf("store: no free case reference after 20 tries")
}
