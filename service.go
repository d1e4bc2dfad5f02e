package hotline

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Error codes shared by every implementation, so that the HTTP layer can map
// them to status codes without knowing where an error came from.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EINTERNAL     = "internal"
)

// Error is an application error with a code and a message safe to show users.
// It never carries a message body or a phone number.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds an *Error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// AckFunc builds the acknowledgement for a message once its case is known; an
// empty string means no acknowledgement is sent. The store records the
// returned text as an outbound message in the same transaction.
type AckFunc func(r Receipt) string

// GuideState is what the guided intake knows of a contact when a message
// arrives, read in the message's own transaction so that no other message
// can change it between the read and the step.
type GuideState struct {
	Mode    string   // "", "discreet" or "silent"
	CaseID  int64    // the contact's open case before this message; 0 if none
	Pending string   // the question this message may answer
	Done    []string // items not to ask (asked before, or already known)
}

// GuideStep is what one message does to the guided intake: it answers
// Answered with Value, and/or asks Ask with the text Question.
type GuideStep struct {
	Answered, Value string
	Ask, Question   string
}

// ReplyFunc is AckFunc for the guided intake: it gets the guide's state as
// it was before the message and returns the acknowledgement and the step to
// record. The store calls it inside the message's transaction, also for a
// do-not-contact contact (whose acknowledgement it then drops), since an
// answer is recorded even when nothing may be sent.
type ReplyFunc func(r Receipt, g GuideState) (ack string, step GuideStep)

// GuidedIntakeStore is an IntakeStore that records the guided intake's
// read and step in the same unit of work as the message, so a guided
// message costs one commit, not two.
type GuidedIntakeStore interface {
	IntakeStore
	// RecordInboundGuided is RecordInbound with reply in place of ack.
	// The Receipt's Reply is the acknowledgement and the question asked,
	// in one text, as recorded.
	RecordInboundGuided(ctx context.Context, in Inbound, t Triage, reply ReplyFunc) (Receipt, error)
}

// IntakeStore durably records inbound messages.
type IntakeStore interface {
	// RecordInbound commits, in one transaction that is fsync'd before it
	// returns: the contact (upsert), the contact's open case (found or
	// created with a fresh reference), the message, the case's merged triage,
	// the acknowledgement from ack (if any) and audit events. A message whose
	// (channel, external id) is already stored returns a Receipt with
	// Duplicate set and changes nothing.
	RecordInbound(ctx context.Context, in Inbound, t Triage, ack AckFunc) (Receipt, error)
	// RecordDeliveryStatus updates the status of the outbound message the
	// provider knows as externalID. Unknown ids are ENOTFOUND.
	RecordDeliveryStatus(ctx context.Context, ch Channel, externalID, status, errorCode string) error
	// SetDoNotContact marks a contact as never to be messaged (STOP keywords).
	SetDoNotContact(ctx context.Context, ch Channel, address string, on bool) error
}

// CaseFilter selects cases for the queue. Empty fields do not filter.
type CaseFilter struct {
	Status   string
	Urgency  Urgency
	Province string
	Lang     string
	Channel  string
	// AssignedTo keeps cases assigned to this user id; Unassigned keeps
	// cases nobody has taken.
	AssignedTo int64
	Unassigned bool
	// HandedTo keeps cases handed off to this organisation id (a
	// responder's view).
	HandedTo int64
	Limit    int    // 1..500; 0 means the default (50)
	Cursor   string // opaque, from CasePage.NextCursor
}

// CasePage is one page of the queue.
type CasePage struct {
	Cases      []Case `json:"cases"`
	NextCursor string `json:"next_cursor"`
}

// CaseStore reads cases.
type CaseStore interface {
	// ListCases returns cases in queue order: urgency (worst first), then the
	// longest waiting (oldest last inbound message) first. Contacts are masked.
	ListCases(ctx context.Context, f CaseFilter) (CasePage, error)
	// GetCase returns one case with its messages in order and the full contact.
	GetCase(ctx context.Context, id int64) (*Case, error)
}

// Roles of staff accounts.
const (
	RoleAdmin     = "admin"
	RoleAgent     = "agent"
	RoleResponder = "responder"
)

// User is a staff account.
type User struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// UserStore manages staff accounts and API tokens.
type UserStore interface {
	// CreateUser stores a user with an already hashed password.
	CreateUser(ctx context.Context, name, role, passwordHash string) (User, error)
	CountUsers(ctx context.Context) (int, error)
	// CreateToken issues an API token for the named user and returns it; only
	// a hash of it is stored.
	CreateToken(ctx context.Context, userName string) (string, error)
	// UserByToken authenticates an API token; EUNAUTHORIZED when unknown.
	UserByToken(ctx context.Context, token string) (User, error)
}
