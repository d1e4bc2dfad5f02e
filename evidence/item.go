package evidence

import (
	"time"

	"hotline"
)

// Statuses of an evidence item.
const (
	// StatusPending is a media reference not fetched yet.
	StatusPending = "pending"
	// StatusFailed is a reference whose last fetch failed; it is tried again.
	StatusFailed = "failed"
	// StatusFetched is a file held in the evidence store.
	StatusFetched = "fetched"
	// StatusUnavailable is a reference given up on: the provider no longer
	// has the file, or it can never be fetched (too large).
	StatusUnavailable = "unavailable"
)

// Item is one media reference of a message and what became of it. The
// store keeps it; the worker fills it; the case page lists it.
type Item struct {
	ID        int64
	CaseID    int64 // the message's case now (after any merge)
	MessageID int64
	Index     int // the reference's place in the message's media

	// Channel and Source are where the file comes from. The store fills
	// them only for the items it hands the worker.
	Channel hotline.Channel
	Source  hotline.Media

	Status      string
	File        string // name in the evidence store; "" until fetched
	ContentType string
	Size        int64
	SHA256      string // hex
	FetchedAt   time.Time
	Attempts    int
	LastError   string
}

// Stored is what a successful fetch records.
type Stored struct {
	File        string
	ContentType string
	Size        int64
	SHA256      string
	// SourceHash is a keyed hash of the provider's URL: it ties the file to
	// the reference without keeping the URL a second time.
	SourceHash []byte
	FetchedAt  time.Time
}

// Failure is what a failed fetch records.
type Failure struct {
	Error string
	// Next is when to try again; ignored when GiveUp is set.
	Next   time.Time
	GiveUp bool
}
