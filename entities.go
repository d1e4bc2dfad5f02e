package hotline

import "time"

// The entity index's types live here, not in the store, so that the
// console and the exports can read an index without importing a storage
// engine, and a second engine can return the same values.

// Link states of an entity on a case. Found is the triage's guess; staff
// confirm or reject it, or add an entity by hand.
const (
	EntityFound     = "found"
	EntityConfirmed = "confirmed"
	EntityRejected  = "rejected"
	EntityManual    = "manual"
)

// Entity kinds in the index. They are the triage's kinds (triage/entities.go)
// with two changes: a WhatsApp number is a phone number, so that the same
// number links whichever way it was written, and a URL also yields its
// domain, which is what recurs across cases.
const (
	KindPhone    = "phone"
	KindTelegram = "telegram"
	KindURL      = "url"
	KindDomain   = "domain"
	KindTRON     = "wallet_tron"
	KindETH      = "wallet_eth"
	KindBTC      = "wallet_btc"
	KindBank     = "bank_account"
	KindPassport = "passport"
	KindCompound = "compound"
	KindPlace    = "place"
	// KindPerson is a name folded for matching (store/entities_person.go).
	// A name alone says little (there are many Kims), so the same-person
	// proposal pairs it with the case's province; it is never merged by
	// itself and is not offered for adding by hand.
	KindPerson = "person"
)

// EntityKinds lists the kinds staff may add by hand, in the order the
// console offers them. Places are left out: they come from a location.
var EntityKinds = []string{KindPhone, KindTelegram, KindURL, KindDomain, KindTRON, KindETH, KindBTC, KindBank, KindPassport, KindCompound}

// IndexedEntity is one entity of the index. Lat and Lon are set for a
// place only, so that pages can draw it on the map.
type IndexedEntity struct {
	ID        int64    `json:"id"`
	Kind      string   `json:"kind"`
	Value     string   `json:"value"`
	Lat       *float64 `json:"lat,omitempty"`
	Lon       *float64 `json:"lon,omitempty"`
	Label     string   `json:"label"`
	Sightings int      `json:"sightings,omitempty"`
}

// EntityCase is one case an entity appears in, with enough of the case to
// list it without reading the case.
type EntityCase struct {
	EntityID  int64     `json:"entity_id"`
	CaseID    int64     `json:"case_id"`
	Ref       string    `json:"ref"`
	Status    string    `json:"status"`
	Urgency   Urgency   `json:"urgency"`
	Province  string    `json:"province"`
	MessageID int64     `json:"message_id,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	State     string    `json:"state"`
}

// CaseEntity is an entity of one case with the other cases it appears in:
// the case page's "appears in other cases" section.
type CaseEntity struct {
	IndexedEntity
	State     string       `json:"state"`
	FirstSeen time.Time    `json:"first_seen"`
	Others    []EntityCase `json:"others"`
}

// Scope limits what a reader may see of other cases: Org > 0 is a
// responder's organisation, which sees only cases handed to it with
// entities shared (and, for places, the location too); zero is staff, who
// see every case. Every storage engine must apply it in its queries, not
// after them, so that nothing out of scope is even counted.
type Scope struct{ Org int64 }
