package twilio

import (
	"testing"

	"hotline"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		label   string
		body    string
		want    StatusUpdate
		errCode string
	}{
		{
			label: "SMS delivered",
			body:  "SmsSid=SM0123456789abcdef0123456789abcdef&SmsStatus=delivered&MessageStatus=delivered&To=%2B85510000123&MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC0000000000000000000000000000000a&From=%2B85510999000&ApiVersion=2010-04-01",
			want:  StatusUpdate{MessageSid: "SM0123456789abcdef0123456789abcdef", Status: "delivered", Channel: hotline.SMS},
		},
		{
			label: "WhatsApp read",
			body:  "ChannelToAddress=%2B85510000789&MessageStatus=read&To=whatsapp%3A%2B85510000789&MessageSid=SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&AccountSid=AC0000000000000000000000000000000a&From=whatsapp%3A%2B85510999000",
			want:  StatusUpdate{MessageSid: "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Status: "read", Channel: hotline.WhatsApp},
		},
		{
			label: "undelivered with error code",
			body:  "ErrorCode=30003&MessageStatus=undelivered&To=%2B85510000123&MessageSid=SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&AccountSid=AC0000000000000000000000000000000a&From=%2B85510999000",
			want:  StatusUpdate{MessageSid: "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", Status: "undelivered", ErrorCode: "30003", Channel: hotline.SMS},
		},
		{
			label: "legacy SmsStatus only",
			body:  "SmsSid=SMcccccccccccccccccccccccccccccccc&SmsStatus=sent&AccountSid=AC0000000000000000000000000000000a",
			want:  StatusUpdate{MessageSid: "SMcccccccccccccccccccccccccccccccc", Status: "sent", Channel: hotline.SMS},
		},
		{label: "unknown status", body: "MessageSid=SM1&MessageStatus=exploded&AccountSid=AC0000000000000000000000000000000a", errCode: hotline.EINVALID},
		{label: "missing status", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a", errCode: hotline.EINVALID},
		{label: "missing MessageSid", body: "MessageStatus=sent&AccountSid=AC0000000000000000000000000000000a", errCode: hotline.EINVALID},
		{label: "other account", body: "MessageSid=SM1&MessageStatus=sent&AccountSid=AC0000000000000000000000000000000b", errCode: hotline.EUNAUTHORIZED},
	}
	for _, tc := range tests {
		t.Run(tc.label, func(t *testing.T) {
			got, err := ParseStatus(form(t, tc.body), testAccount)
			if tc.errCode != "" {
				if code := hotline.ErrorCode(err); code != tc.errCode {
					t.Fatalf("error = %v (code %q), want code %s", err, code, tc.errCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseStatusAllDocumentedStatuses(t *testing.T) {
	for _, s := range []string{"queued", "sending", "sent", "delivered", "undelivered", "failed", "read", "accepted", "scheduled", "canceled", "receiving", "received"} {
		p := form(t, "MessageSid=SM1&AccountSid="+testAccount+"&MessageStatus="+s)
		if got, err := ParseStatus(p, testAccount); err != nil || got.Status != s {
			t.Errorf("%s: got %+v, %v", s, got, err)
		}
	}
}
