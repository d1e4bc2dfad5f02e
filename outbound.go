package hotline

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Outbox row kinds: what caused an outbound message, which decides the
// safety rules that apply to it.
const (
	// OutboundReply goes to a victim's contact: never resent when uncertain,
	// only inside the reply window unless staff overrode it.
	OutboundReply = "reply"
	// OutboundNotification goes to a responder: resent when uncertain, since
	// a duplicate alert is cheap and a missing one is not.
	OutboundNotification = "notification"
)

// Outbound is one message to send, as the dispatcher hands it to a Sender.
type Outbound struct {
	ID      int64   // the outbox row
	CaseID  int64   // 0 for messages about no case
	Kind    string  // OutboundReply or OutboundNotification
	Channel Channel // sms, whatsapp, telegram, email, webhook
	To      string  // the address on that channel
	Subject string  // email only
	Body    string
	// StatusCallback is where the provider should report delivery, if it can.
	StatusCallback string
}

// Channels that carry only notifications to responders.
const (
	Email   Channel = "email"
	Webhook Channel = "webhook"
)

// Sender sends outbound messages through one provider. It returns the
// provider's id for the message. Errors that a later attempt may cure are
// *SendError with Retryable set; any other error is final.
type Sender interface {
	Send(ctx context.Context, m Outbound) (providerID string, err error)
}

// SendError says how a provider refused a message.
type SendError struct {
	Retryable  bool
	RetryAfter time.Duration // the provider's own hint (HTTP 429), zero if none
	// Unreachable means the recipient can never be reached this way (a
	// Telegram user who blocked the bot, an invalid number): the contact is
	// marked so, and nothing is retried.
	Unreachable bool
	Code        string // the provider's error code, for staff
	Err         error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("send failed (code %s, retryable %v): %v", e.Code, e.Retryable, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// IsRetryable reports whether err is worth another attempt.
func IsRetryable(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Retryable
}

// ErrNotConfigured is returned by a Sender whose channel has no credentials;
// the row is marked "not sent: channel not configured", visibly.
var ErrNotConfigured = errors.New("channel not configured")
