package hotline

import "time"

// The export's source types live here, not in the store, so that the
// export package can redact and sign a set without importing a storage
// engine, and a second engine can hand it the same set.

// ExportSet is everything an export may draw from, unredacted: the export
// package applies a profile to it. It never leaves the process as is.
type ExportSet struct {
	From, To time.Time
	Cases    []ExportCase
	Entities []IndexedEntity
	Links    []ExportLink
}

// ExportCase is one case with what a profile may or may not keep.
type ExportCase struct {
	Case
	Nationality  string
	ContactName  string
	PeopleCount  *int
	FirstReplyAt *time.Time // first outbound message a person wrote (not the automatic one)
	AckAt        *time.Time // first responder acknowledgement
	// Shared is what the hand-offs to the export's organisation share
	// (nil when the export is not for an organisation).
	Shared []string
}

// ExportLink is one entity on one case; rejected links are left out.
type ExportLink struct {
	EntityID  int64
	CaseID    int64
	State     string
	FirstSeen time.Time
	LastSeen  time.Time
}
