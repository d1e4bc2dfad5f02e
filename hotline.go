// Package hotline holds the domain of the Hotline intake system: the types that
// every other package speaks (messages, contacts, cases, triage results) and the
// service interfaces that storage implements. It imports nothing but the
// standard library, so a second storage engine or a new channel can be written
// against it without pulling in the rest of the system.
package hotline

import (
	"encoding/json"
	"fmt"
	"time"
)

// Urgency is how soon a case needs a human. Higher values are worse, so
// comparisons read naturally: u > hotline.High.
type Urgency int

// Urgency levels as defined by the triage labels.
const (
	UrgencyUnknown Urgency = iota
	Low
	Medium
	High
	Critical
)

var urgencyNames = [...]string{"", "low", "medium", "high", "critical"}

func (u Urgency) String() string {
	if u < 0 || int(u) >= len(urgencyNames) {
		return fmt.Sprintf("urgency(%d)", int(u))
	}
	return urgencyNames[u]
}

// ParseUrgency reads a level name as written in LABELS.md.
func ParseUrgency(s string) (Urgency, error) {
	for i, n := range urgencyNames {
		if n == s && i > 0 {
			return Urgency(i), nil
		}
	}
	return UrgencyUnknown, fmt.Errorf("unknown urgency %q (want low, medium, high or critical)", s)
}

// MarshalText writes the level by name, the way API clients and labels
// expect it in JSON. (encoding/json quotes a text; a MarshalJSON would be
// called and then re-validated for every urgency in every triage written.)
func (u Urgency) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalJSON reads a level by name; the empty string is UrgencyUnknown.
func (u *Urgency) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*u = UrgencyUnknown
		return nil
	}
	v, err := ParseUrgency(s)
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// Channel names the way a message reached us.
type Channel string

// Channels Hotline speaks.
const (
	SMS      Channel = "sms"
	WhatsApp Channel = "whatsapp"
	Telegram Channel = "telegram"
	Web      Channel = "web"
	Voice    Channel = "voice"
)

// Reporter says who wrote relative to the person in danger.
type Reporter string

// Reporter kinds from the triage labels.
const (
	ReporterUnknown Reporter = "unknown"
	ReporterSelf    Reporter = "self"
	ReporterFamily  Reporter = "family"
	ReporterOther   Reporter = "other"
)

// Location is where the person at the centre of a case is now, as precisely as
// we know it. Lat and Lon are nil when no point is known.
type Location struct {
	Country  string   `json:"country"`
	Province string   `json:"province"`
	Place    string   `json:"place"`
	Lat      *float64 `json:"lat"`
	Lon      *float64 `json:"lon"`
}

// Precision ranks how much a location tells a responder: a point beats a
// named place, which beats a province, which beats a country.
func (l Location) Precision() int {
	switch {
	case l.Lat != nil && l.Lon != nil:
		return 4
	case l.Place != "":
		return 3
	case l.Province != "":
		return 2
	case l.Country != "":
		return 1
	}
	return 0
}

// Reason is one signal the triage found, shown to staff so that every decision
// can be checked: "passport taken" → held, high.
type Reason struct {
	Signal  string  `json:"signal"`  // the indicator family, e.g. "violence", "confinement"
	Match   string  `json:"match"`   // the words in the message that matched
	Urgency Urgency `json:"urgency"` // the level this signal alone implies
	Note    string  `json:"note,omitempty"`
}

// Entity is a detail worth passing to police: a phone number, a handle, a
// wallet, a passport number, a named compound.
type Entity struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Triage is what the triage engine concluded about one message, or, merged,
// about a whole case.
type Triage struct {
	Lang     string   `json:"lang"`
	Urgency  Urgency  `json:"urgency"`
	Location Location `json:"location"`
	Reporter Reporter `json:"reporter"`
	Reasons  []Reason `json:"reasons"`
	Entities []Entity `json:"entities"`
}

// Media is a reference to an attachment held by the provider.
type Media struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
}

// Inbound is one message from the outside world, normalized by its channel
// package. ExternalID is the provider's id (Twilio's MessageSid, Telegram's
// update id, a web form's submission token) and makes retries idempotent.
type Inbound struct {
	Channel    Channel
	ExternalID string
	From       string // the sender's address on the channel, e.g. +85512345678
	To         string
	Name       string // profile name the provider reports, if any
	Body       string
	Lat, Lon   *float64
	Media      []Media
	// Meta keeps provider fields that matter to staff but not to the pipeline
	// (WaId, location Address/Label, form answers).
	Meta map[string]string
	// ReporterHint is what the sender told us explicitly (the web form asks);
	// it wins over the triage's guess.
	ReporterHint Reporter
	// SafeToContact is nil when the sender did not say.
	SafeToContact *bool
	ReceivedAt    time.Time
}

// Receipt is what intake tells the channel once a message is durable.
type Receipt struct {
	CaseID    int64
	CaseRef   string
	MessageID int64
	Lang      string
	// Duplicate is true when the message had been stored before; nothing changed.
	Duplicate bool
	// NewCase is true when this message opened the case.
	NewCase bool
	// DoNotContact is true when the contact must get no message at all.
	DoNotContact bool
	// Reply is the acknowledgement to send inline (e.g. in TwiML), already
	// recorded on the case; empty means send nothing.
	Reply string
}

// Direction of a message relative to Hotline.
type Direction string

// Directions.
const (
	DirIn  Direction = "in"
	DirOut Direction = "out"
)

// Message as stored and shown.
type Message struct {
	ID         int64     `json:"id"`
	CaseID     int64     `json:"case_id"`
	Direction  Direction `json:"direction"`
	Channel    Channel   `json:"channel"`
	ExternalID string    `json:"external_id"`
	Body       string    `json:"body"`
	Media      []Media   `json:"media,omitempty"`
	Lat        *float64  `json:"lat,omitempty"`
	Lon        *float64  `json:"lon,omitempty"`
	Status     string    `json:"status,omitempty"` // delivery status of outbound messages
	Triage     *Triage   `json:"triage,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Contact is a sender on one channel.
type Contact struct {
	ID            int64   `json:"id"`
	Channel       Channel `json:"channel"`
	Address       string  `json:"address"`
	Name          string  `json:"name,omitempty"`
	DoNotContact  bool    `json:"do_not_contact"`
	SafeToContact *bool   `json:"safe_to_contact,omitempty"`
}

// Case statuses.
const (
	StatusNew        = "new"
	StatusInProgress = "in_progress"
	StatusHandedOff  = "handed_off"
	StatusResolved   = "resolved"
	StatusClosed     = "closed"
)

// StatusOpen is a filter value, not a status: every case still being worked
// on (new, in progress or handed off).
const StatusOpen = "open"

// Case groups the messages of one person in one situation.
type Case struct {
	ID       int64    `json:"id"`
	Ref      string   `json:"ref"`
	Status   string   `json:"status"`
	Urgency  Urgency  `json:"urgency"`
	Lang     string   `json:"lang"`
	Reporter Reporter `json:"reporter"`
	Location Location `json:"location"`
	Channel  Channel  `json:"channel"`
	// Contact is the masked address in lists and the full one on the case page.
	Contact       string    `json:"contact"`
	Reasons       []Reason  `json:"reasons"`
	Entities      []Entity  `json:"entities,omitempty"`
	LastInboundAt time.Time `json:"last_inbound_at"`
	// WaitingSince is the queue's "longest waiting" key: the oldest message
	// from the person nobody on our side has answered yet or, once answered
	// (Waiting false), the time of that answer.
	WaitingSince time.Time `json:"waiting_since"`
	Waiting      bool      `json:"waiting"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Messages     []Message `json:"messages,omitempty"`

	// Console fields: who works the case, where it was handed, how it ended.
	AssigneeID        int64  `json:"assignee_id,omitempty"`
	Assignee          string `json:"assignee,omitempty"`
	HandoffState      string `json:"handoff_state,omitempty"`
	Resolution        string `json:"resolution,omitempty"`
	ResolutionReason  string `json:"resolution_reason,omitempty"`
	UrgencyOverridden bool   `json:"urgency_overridden,omitempty"`
	MergedInto        int64  `json:"merged_into,omitempty"`
}

// Merge folds one message's triage into a case's: the case takes the worst
// urgency, the most precise location, the first definite language and
// reporter, and the union of reasons and entities. An urgency set by staff
// (overridden) is kept.
func (t Triage) Merge(msg Triage, urgencyOverridden bool) Triage {
	out := t
	if !urgencyOverridden && msg.Urgency > out.Urgency {
		out.Urgency = msg.Urgency
	}
	if msg.Location.Precision() > out.Location.Precision() {
		out.Location = msg.Location
	}
	if (out.Lang == "" || out.Lang == "und") && msg.Lang != "" {
		out.Lang = msg.Lang
	}
	if (out.Reporter == "" || out.Reporter == ReporterUnknown) && msg.Reporter != "" {
		out.Reporter = msg.Reporter
	}
	out.Reasons = appendNew(out.Reasons, msg.Reasons)
	out.Entities = appendNew(out.Entities, msg.Entities)
	return out
}

func appendNew[T comparable](dst, src []T) []T {
	seen := make(map[T]bool, len(dst))
	for _, v := range dst {
		seen[v] = true
	}
	for _, v := range src {
		if !seen[v] {
			seen[v] = true
			dst = append(dst, v)
		}
	}
	return dst
}
