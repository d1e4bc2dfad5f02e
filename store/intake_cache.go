package store

import (
	"fmt"
	"reflect"
	"sync/atomic"
)

// intakeCache keeps, on the writer, the contact row and open case of the
// people who wrote lately, as intake last wrote them, so that the next
// message from the same person skips the two reads that begin every
// intake unit (the contact, then its open case). Under load those reads
// were a tenth of the server's work.
//
// The rule that keeps it true: only intake units run while an entry
// lives, and they update it themselves (recordInbound). Everything else
// drops the whole cache, in the writer:
//   - any other unit, once it has run, whatever it touched (writer.go);
//   - a unit that fails or is rolled back, alone or with its batch, and a
//     failed BEGIN or COMMIT (writeTx.rollback, runCarefully);
//   - a commit by another connection, such as a CLI command
//     (checkDataVersion).
//
// Within intake, a message whose unit does more than the common path keeps
// up with (asks or records a guide question, notifies a critical case,
// opens a case, creates a contact) leaves its person out of the cache, and
// the next message reads them again. Options.verifyIntakeCache (set by the
// store's tests) reads them anyway and fails the unit on any difference.
type intakeCache struct {
	entries map[string]*intakeEntry
	hits    *atomic.Uint64 // the DB's count, for Stats
}

// intakeEntry is what the two reads would return now.
type intakeEntry struct {
	contactID int64
	contact   guideContact
	rawName   []byte // the stored (sealed) name
	c         caseTriage
}

// maxIntakeCache bounds the entries; at the bound the cache starts over.
const maxIntakeCache = 4096

func intakeKey(p *encodedInbound, ch string) string {
	return ch + "\x00" + string(p.fromHash)
}

// take removes and returns the entry for key: whatever the unit does, the
// entry is put back only by a unit that brought it up to date.
func (ic *intakeCache) take(key string) (*intakeEntry, bool) {
	e, ok := ic.entries[key]
	if ok {
		delete(ic.entries, key)
		if ic.hits != nil {
			ic.hits.Add(1)
		}
	}
	return e, ok
}

func (ic *intakeCache) put(key string, e *intakeEntry) {
	if ic.entries == nil || len(ic.entries) >= maxIntakeCache {
		ic.entries = make(map[string]*intakeEntry)
	}
	ic.entries[key] = e
}

// forget drops every entry.
func (ic *intakeCache) forget() { clear(ic.entries) }

// rawOf is the stored form of a value made by sealer.text: what reading
// the column back returns.
func rawOf(v any) []byte {
	switch v := v.(type) {
	case []byte:
		return v
	case string:
		return []byte(v)
	}
	return nil
}

// verifyIntakeEntry reads the contact and its open case as intake would
// without the cache and reports any difference from e.
func verifyIntakeEntry(tx *writeTx, ch string, p *encodedInbound, e *intakeEntry) error {
	var want intakeEntry
	if err := tx.QueryRow(contactSQL, ch, p.fromHash).Scan(&want.contactID, &want.contact.dnc,
		&want.contact.discreet, &want.contact.safe, &want.rawName); err != nil {
		return fmt.Errorf("store: intake cache check, contact: %w", err)
	}
	c, found, err := openCase(tx, want.contactID, e.c.guide.read)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("store: intake cache holds case %d, which is no longer open", e.c.id)
	}
	want.c = c
	got := *e
	// An empty stored value may come back as nil or as no bytes.
	for _, b := range []*[]byte{&got.rawName, &want.rawName, &got.c.rawPlace, &want.c.rawPlace,
		&got.c.rawReasons, &want.c.rawReasons, &got.c.rawEntities, &want.c.rawEntities} {
		if len(*b) == 0 {
			*b = nil
		}
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("store: intake cache disagrees with the database:\ncached %+v\nstored %+v", got, want)
	}
	return nil
}
