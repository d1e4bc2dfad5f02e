package twilio

import (
	"net/url"
	"testing"

	"hotline"
)

// FuzzParseStatus: no status callback body panics the parser; a rejection
// is EINVALID or EUNAUTHORIZED, and an accepted one names a message and a
// known status.
func FuzzParseStatus(f *testing.F) {
	for _, s := range []string{
		"MessageSid=SM1&MessageStatus=delivered&AccountSid=" + testAccount,
		"SmsSid=SM1&SmsStatus=FAILED&ErrorCode=30003&AccountSid=" + testAccount + "&To=whatsapp:%2B85510000123",
		"MessageSid=SM1&MessageStatus=exploded&AccountSid=" + testAccount,
		"MessageSid=&MessageStatus=sent",
		"AccountSid=AC000&MessageSid=SM1&MessageStatus=sent",
		"%zz", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		params, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		su, err := ParseStatus(params, testAccount)
		if err != nil {
			if c := hotline.ErrorCode(err); c != hotline.EINVALID && c != hotline.EUNAUTHORIZED {
				t.Fatalf("code %s: %v", c, err)
			}
			return
		}
		if su.MessageSid == "" || !statuses[su.Status] || (su.Channel != hotline.SMS && su.Channel != hotline.WhatsApp) {
			t.Fatalf("accepted an incomplete status: %+v", su)
		}
	})
}

// FuzzVerify: no made-up signature verifies, whatever the URL and body;
// the genuine one always does.
func FuzzVerify(f *testing.F) {
	f.Add("https://hotline.example.org/webhooks/twilio/messages", "MessageSid=SM1&Body=help", "")
	f.Add("https://hotline.example.org/webhooks/twilio/status?x=1", "a=1&a=2&b=", "AAAA")
	f.Add("", "", "=")
	const token = "fuzz-auth-token-0123456789"
	v := NewVerifier(token)
	f.Fuzz(func(t *testing.T, fullURL, body, sig string) {
		params, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		genuine := Sign(token, fullURL, params)
		if !v.Verify(fullURL, params, genuine) {
			t.Fatalf("genuine signature refused for %q", fullURL)
		}
		if sig != genuine && v.Verify(fullURL, params, sig) {
			t.Fatalf("made-up signature %q accepted", sig)
		}
	})
}
