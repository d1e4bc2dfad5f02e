package twilio

import (
	"net/url"
	"strings"

	"hotline"
)

// StatusUpdate is one delivery-status callback for a message we sent.
type StatusUpdate struct {
	MessageSid string
	Status     string
	ErrorCode  string
	Channel    hotline.Channel
}

// statuses are the message statuses Twilio documents; anything else is not a
// callback from Twilio and is refused rather than written into the store.
var statuses = map[string]bool{
	"queued": true, "sending": true, "sent": true, "delivered": true,
	"undelivered": true, "failed": true, "read": true, "accepted": true,
	"scheduled": true, "canceled": true, "receiving": true, "received": true,
}

// ParseStatus reads a status callback (POST /webhooks/twilio/status). The
// AccountSid rule is the one of ParseMessage. Channel is WhatsApp when the
// callback's To or From carries the whatsapp: prefix, SMS otherwise.
func ParseStatus(params url.Values, accountSID string) (StatusUpdate, error) {
	var su StatusUpdate
	if err := checkAccount(params, accountSID); err != nil {
		return su, err
	}
	su.MessageSid = firstOf(params, "MessageSid", "SmsSid")
	if su.MessageSid == "" {
		return su, hotline.Errorf(hotline.EINVALID, "twilio: MessageSid is missing")
	}
	su.Status = strings.ToLower(firstOf(params, "MessageStatus", "SmsStatus"))
	if su.Status == "" {
		return su, hotline.Errorf(hotline.EINVALID, "twilio: MessageStatus is missing")
	}
	if !statuses[su.Status] {
		return su, hotline.Errorf(hotline.EINVALID, "twilio: MessageStatus is not a Twilio status")
	}
	su.ErrorCode = strings.TrimSpace(params.Get("ErrorCode"))
	su.Channel = hotline.SMS
	if strings.HasPrefix(params.Get("To"), whatsappPrefix) || strings.HasPrefix(params.Get("From"), whatsappPrefix) {
		su.Channel = hotline.WhatsApp
	}
	return su, nil
}
