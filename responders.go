package hotline

import (
	"context"
	"time"
)

// Responder is one way to reach a person or desk of an organisation.
// Position orders escalation inside the organisation: on-duty contacts are
// notified first, the others when a critical hand-off goes unanswered.
type Responder struct {
	ID             int64   `json:"id"`
	OrganisationID int64   `json:"organisation_id"`
	Organisation   string  `json:"organisation"`
	Name           string  `json:"name"`
	Channel        Channel `json:"channel"`
	Address        string  `json:"address"`
	Secret         string  `json:"-"` // webhook signing key; never shown
	Lang           string  `json:"lang"`
	OnDuty         bool    `json:"on_duty"`
	Position       int     `json:"position"`
}

// RoutingRule sends matching cases to an organisation. Empty fields match
// anything; MinUrgency matches cases at least that urgent. Rules are data,
// so an administrator changes where cases go without a release.
type RoutingRule struct {
	ID             int64   `json:"id"`
	Position       int     `json:"position"`
	Nationality    string  `json:"nationality,omitempty"` // ISO country, e.g. KR
	Lang           string  `json:"lang,omitempty"`
	Province       string  `json:"province,omitempty"`
	MinUrgency     Urgency `json:"min_urgency,omitempty"`
	Reporter       string  `json:"reporter,omitempty"`
	OrganisationID int64   `json:"organisation_id"`
	Organisation   string  `json:"organisation"`
}

// Outbox row states. A row is due while queued; the dispatcher commits
// sending before it calls a provider, so a crash in between leaves
// evidence instead of silence.
const (
	OutboxQueued        = "queued"
	OutboxSending       = "sending"
	OutboxSent          = "sent"
	OutboxFailed        = "failed"
	OutboxUncertain     = "uncertain"
	OutboxNotConfigured = "not_sent_unconfigured"
	OutboxDoNotContact  = "not_sent_dnc"
)

// OutboxRow is a claimed outbox row: what to send and what the dispatcher
// needs to decide about it.
type OutboxRow struct {
	Outbound
	MessageID   int64
	HandoffID   int64
	ResponderID int64
	Attempts    int // including the attempt just claimed
	// DNCOverride is the reason a staff member gave to reply to a contact
	// that asked not to be contacted; empty when nobody overrode that rule.
	DNCOverride string
}

// NotificationSource is what a hand-off notification is written from.
type NotificationSource struct {
	Case      *Case  // with messages and the full contact
	Name      string // the contact's profile name, if any
	Handoff   Handoff
	Responder Responder
	// Consent is the reporter's consent to pass contact details on.
	Consent bool
}

// AckLinkTarget is the hand-off an acknowledgement link is for.
type AckLinkTarget struct {
	HandoffID      int64
	OrganisationID int64
	CaseID         int64
	CaseRef        string
	Organisation   string
	Urgency        Urgency
	Acknowledged   bool
}

// Errors of an acknowledgement link that verified but cannot be used.
var (
	ErrAckLinkUsed    = Errorf(ECONFLICT, "this link was already used")
	ErrAckLinkExpired = Errorf(ECONFLICT, "this link has expired")
)

// HandoffTimer is the escalation state of a case's open critical
// hand-offs, for the queue.
type HandoffTimer struct {
	EscalateAt time.Time
	Level      int
}

// Responder updates: what police or consular staff report back on a case
// handed to them.
const (
	UpdateEnRoute   = "en_route"
	UpdateRescued   = "rescued"
	UpdateNotFound  = "not_found"
	UpdateNeedsInfo = "needs_info"
)

// UpdateKinds lists the updates in the order the console offers them.
var UpdateKinds = []string{UpdateEnRoute, UpdateRescued, UpdateNotFound, UpdateNeedsInfo}

// OutboxStore is what the dispatcher needs from storage: claim rows,
// record outcomes, queue and escalate hand-off notifications.
type OutboxStore interface {
	RecoverSending(ctx context.Context) (uncertain, requeued int, err error)
	ClaimOutbox(ctx context.Context, limit int) ([]OutboxRow, error)
	MarkSent(ctx context.Context, r OutboxRow, providerID string) error
	MarkRetry(ctx context.Context, r OutboxRow, errText string, next time.Time) error
	MarkFailed(ctx context.Context, r OutboxRow, status, errText string, unreachable bool) error
	NotifyHandoffs(ctx context.Context) (int, error)
	EscalateDue(ctx context.Context, after time.Duration) (int, error)
	NotificationSource(ctx context.Context, handoffID, responderID int64) (NotificationSource, error)
	ContactState(ctx context.Context, caseID int64) (doNotContact bool, lastInbound time.Time, err error)
	SaveAckToken(ctx context.Context, hash string, handoffID, responderID int64, expires time.Time) error
}

// AckLinkStore resolves and uses acknowledgement links by the hash of
// their token.
type AckLinkStore interface {
	AckLink(ctx context.Context, hash string) (AckLinkTarget, error)
	UseAckLink(ctx context.Context, hash string) (AckLinkTarget, error)
}
