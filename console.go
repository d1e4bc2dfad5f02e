package hotline

import "time"

// Resolutions say how a case ended. Staff must pick one (and give a reason)
// to resolve a case, so that the numbers reported later mean something.
const (
	ResolvedRescued     = "rescued"
	ResolvedRepatriated = "repatriated"
	ResolvedSafe        = "safe"
	ResolvedUnfounded   = "unfounded"
	ResolvedDuplicate   = "duplicate"
)

// Resolutions lists the resolution kinds in the order the console offers them.
var Resolutions = []string{ResolvedRescued, ResolvedRepatriated, ResolvedSafe, ResolvedUnfounded, ResolvedDuplicate}

// Hand-off states shown in the queue.
const (
	HandoffNone         = ""
	HandoffPending      = "pending"      // handed to an organisation, not yet acknowledged
	HandoffAcknowledged = "acknowledged" // a responder of the organisation has seen it
)

// Fields a hand-off may share with a responder's organisation. A responder
// sees a case's reference, status and urgency, and only these when shared.
const (
	ShareLocation = "location"
	ShareReasons  = "reasons"
	ShareEntities = "entities"
	ShareMessages = "messages"
	ShareContact  = "contact"
)

// ShareFields lists what a hand-off can share, in the order the console shows it.
var ShareFields = []string{ShareLocation, ShareReasons, ShareEntities, ShareMessages, ShareContact}

// Organisation is a responding body: an embassy's consular section, a police
// unit, a task force. Responder accounts belong to one.
type Organisation struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Staff is a console user with what the console needs beyond hotline.User:
// the organisation of a responder and the chosen console language.
type Staff struct {
	User
	OrganisationID int64  `json:"organisation_id,omitempty"`
	Organisation   string `json:"organisation,omitempty"`
	Lang           string `json:"lang,omitempty"`
}

// Session is a logged-in console user. The token itself is only in the
// cookie; the database keeps its hash.
type Session struct {
	Staff     Staff
	CSRF      string // the anti-forgery token every console form carries
	ExpiresAt time.Time
}

// Handoff records that a case was passed to an organisation and what of it
// the organisation may see.
type Handoff struct {
	ID             int64      `json:"id"`
	CaseID         int64      `json:"case_id"`
	OrganisationID int64      `json:"organisation_id"`
	Organisation   string     `json:"organisation"`
	By             string     `json:"by"`
	Note           string     `json:"note,omitempty"`
	Shared         []string   `json:"shared"`
	CreatedAt      time.Time  `json:"created_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
}

// Shares reports whether the hand-off shares field.
func (h Handoff) Shares(field string) bool {
	for _, f := range h.Shared {
		if f == field {
			return true
		}
	}
	return false
}

// Note is an internal remark on a case; it is never sent to anyone.
type Note struct {
	ID        int64     `json:"id"`
	CaseID    int64     `json:"case_id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// AuditEvent is one line of a case's (or the system's) audit trail.
type AuditEvent struct {
	ID     int64          `json:"id"`
	At     time.Time      `json:"at"`
	Actor  string         `json:"actor"`
	Action string         `json:"action"`
	CaseID int64          `json:"case_id,omitempty"`
	Detail map[string]any `json:"detail,omitempty"`
}

// ReplyRequest is a message staff want sent to the person of a case.
type ReplyRequest struct {
	CaseID int64
	Body   string
	// Override sends despite the safety rules (outside the reply window or
	// to a do-not-contact contact); OverrideReason is then required and audited.
	Override       bool
	OverrideReason string
	// Window is how long after the contact's last inbound message a reply
	// is allowed without override.
	Window time.Duration
}

// Errors of a reply that breaks a safety rule; the console offers an
// override (with a reason) for both.
var (
	ErrOutsideReplyWindow = Errorf(ECONFLICT, "outside the reply window")
	ErrDoNotContact       = Errorf(ECONFLICT, "the contact asked not to be contacted")
)

// DefaultReplyWindow is how long after a person's last message staff may
// answer without an override: long enough to answer, short enough that the
// phone is probably still in their hands.
const DefaultReplyWindow = 15 * time.Minute

// transitions is the status workflow: new → in progress → handed off →
// resolved → closed, with the steps back that real work needs (a hand-off
// that comes back, a resolved case that was not).
var transitions = map[string][]string{
	StatusNew:        {StatusInProgress, StatusHandedOff, StatusResolved},
	StatusInProgress: {StatusHandedOff, StatusResolved},
	StatusHandedOff:  {StatusInProgress, StatusResolved},
	StatusResolved:   {StatusClosed, StatusInProgress},
	StatusClosed:     {StatusInProgress},
}

// NextStatuses lists where a case in status may go next.
func NextStatuses(status string) []string { return append([]string(nil), transitions[status]...) }

// ChangeMark is how far the console's live queue has read the changes to
// cases: every change before At, and the changes at At to the cases in
// Seen. Changes are stamped to the millisecond, and a batch committed
// after a read can carry the millisecond that read ended on, so a mark of
// time alone would skip it.
type ChangeMark struct {
	At   time.Time
	Seen []int64
}
