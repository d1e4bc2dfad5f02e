package store

import (
	"database/sql"
	"fmt"
	"strings"

	"hotline/internal/seal"
)

// Sealed columns, named as they are bound into each sealed value (the
// AES-GCM additional data), so a value copied into another column does not
// open there.
const (
	colContactAddress = "contacts.address"
	colContactName    = "contacts.name"
	colMessageBody    = "messages.body"
	colMessageMedia   = "messages.media"
	colMessageMeta    = "messages.meta"
	colMessageTriage  = "messages.triage"
	colOutboxTo       = "outbox.recipient"
	colOutboxBody     = "outbox.body"
	// A provider's error can quote the number it could not reach.
	colOutboxError  = "outbox.last_error"
	colNoteBody     = "notes.body"
	colCaseReasons  = "cases.reasons"
	colCaseEntities = "cases.entities"
	colCasePlace    = "cases.place"
	colHandoffNote  = "handoffs.note"
	colGuideAnswer  = "guide_items.answer"
	colEntityValue  = "entities.value"
	// A staff member's second-factor secret: with it and a stolen password
	// anyone could log in, so a copy of the database must not give it away.
	colTOTPSecret  = "users.totp_secret"
	colTOTPPending = "users.totp_pending"
)

// Lookup hash domains.
const (
	hashContact = "contact" // the address, on any channel
	hashEntity  = "entity"  // kind NUL normalized value
)

// sealer seals values on their way into the database and opens them on the
// way out, so that everything above the store keeps seeing plain values.
type sealer struct{ k *seal.Keyring }

// text is v sealed for column col, as a bind argument. Empty values stay
// as they are: the empty string (the columns are NOT NULL), and the empty
// JSON list and object, which are the columns' defaults and what retention
// writes when it redacts. They say nothing, and must stay readable without
// a key.
func (s sealer) text(col, v string) any {
	if isEmptyValue(v) {
		return v
	}
	return s.k.SealString(v, col)
}

// isEmptyValue reports whether v is one of the values left unsealed.
func isEmptyValue(v string) bool { return v == "" || v == "[]" || v == "{}" }

// into is a scan destination that opens the column's value into dst.
func (s sealer) into(col string, dst *string) sql.Scanner {
	return opener{k: s.k, col: col, dst: dst}
}

// intoNull is into for a nullable column: valid reports whether it was NULL.
func (s sealer) intoNull(col string, dst *sql.NullString) sql.Scanner {
	return nullOpener{k: s.k, col: col, dst: dst}
}

// open opens one stored value of column col.
func (s sealer) open(col string, stored []byte) (string, error) {
	v, err := s.k.OpenString(stored, col)
	if err != nil {
		return "", fmt.Errorf("store: %s: %w", col, err)
	}
	return v, nil
}

// contactHash is the lookup key of a contact's address. It leaves the
// channel out, so that one number can be found on every channel (the
// same-person lookup); contacts are unique by (channel, address_hash).
func (s sealer) contactHash(address string) []byte {
	return s.k.HashString(hashContact, address)
}

// entityHash is the lookup key of a normalized entity value.
func (s sealer) entityHash(kind, value string) []byte {
	return s.k.HashString(hashEntity, kind+"\x00"+value)
}

type opener struct {
	k   *seal.Keyring
	col string
	dst *string
}

func (o opener) Scan(v any) error {
	b, err := storedBytes(v)
	if err != nil {
		return fmt.Errorf("store: %s: %w", o.col, err)
	}
	s, err := o.k.OpenString(b, o.col)
	if err != nil {
		return fmt.Errorf("store: %s: %w", o.col, err)
	}
	*o.dst = s
	return nil
}

type nullOpener struct {
	k   *seal.Keyring
	col string
	dst *sql.NullString
}

func (o nullOpener) Scan(v any) error {
	if v == nil {
		*o.dst = sql.NullString{}
		return nil
	}
	o.dst.Valid = true
	return opener{k: o.k, col: o.col, dst: &o.dst.String}.Scan(v)
}

func storedBytes(v any) ([]byte, error) {
	switch v := v.(type) {
	case []byte:
		return v, nil
	case string:
		return []byte(v), nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("cannot open a %T", v)
}

// regionOf is the country a number's calling code names, for routing and
// the overview's groups: kept in its own plain column because the address
// itself is sealed and SQL can no longer look at its prefix.
func regionOf(address string) string {
	a := strings.TrimPrefix(strings.TrimSpace(address), "whatsapp:")
	switch {
	case strings.HasPrefix(a, "+82"):
		return "KR"
	case strings.HasPrefix(a, "+855"):
		return "KH"
	}
	return ""
}
