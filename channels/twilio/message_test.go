package twilio

import (
	"reflect"
	"strings"
	"testing"

	"hotline"
)

const testAccount = "AC0000000000000000000000000000000a" // fictional

func f64(v float64) *float64 { return &v }

// messageCases are webhooks as Twilio posts them (fictional numbers and
// people), each with the Inbound or the error code it must give.
var messageCases = []struct {
	label   string
	body    string
	want    hotline.Inbound
	errCode string
}{
	{
		label: "plain SMS in English",
		body:  "ToCountry=KH&ToState=&SmsMessageSid=SM11111111111111111111111111111111&NumMedia=0&ToCity=&FromZip=&SmsSid=SM11111111111111111111111111111111&FromState=&SmsStatus=received&FromCity=PHNOM+PENH&Body=They+took+my+passport.+I+am+in+Sihanoukville.&FromCountry=KH&To=%2B85510999000&ToZip=&NumSegments=1&MessageSid=SM11111111111111111111111111111111&AccountSid=AC0000000000000000000000000000000a&From=%2B85510000123&ApiVersion=2010-04-01",
		want: hotline.Inbound{
			Channel: hotline.SMS, ExternalID: "SM11111111111111111111111111111111",
			From: "+85510000123", To: "+85510999000",
			Body: "They took my passport. I am in Sihanoukville.",
			Meta: map[string]string{"FromCountry": "KH", "FromCity": "PHNOM PENH"},
		},
	},
	{
		label: "SMS in Khmer",
		body:  "MessageSid=SM22222222222222222222222222222222&AccountSid=AC0000000000000000000000000000000a&From=%2B85510000456&To=%2B85510999000&NumMedia=0&Body=%E1%9E%87%E1%9E%BD%E1%9E%99%E1%9E%81%E1%9F%92%E1%9E%89%E1%9E%BB%E1%9F%86%E1%9E%95%E1%9E%84",
		want: hotline.Inbound{
			Channel: hotline.SMS, ExternalID: "SM22222222222222222222222222222222",
			From: "+85510000456", To: "+85510999000", Body: "ជួយខ្ញុំផង",
		},
	},
	{
		label: "SMS in Korean from a family member",
		body:  "MessageSid=SM33333333333333333333333333333333&AccountSid=AC0000000000000000000000000000000a&From=%2B821000001234&To=%2B85510999000&Body=%EC%95%84%EB%93%A4%EC%9D%B4+%EC%BA%84%EB%B3%B4%EB%94%94%EC%95%84%EC%97%90%EC%84%9C+%EC%97%B0%EB%9D%BD%EC%9D%B4+%EC%95%88+%EB%8F%BC%EC%9A%94&FromCountry=KR",
		want: hotline.Inbound{
			Channel: hotline.SMS, ExternalID: "SM33333333333333333333333333333333",
			From: "+821000001234", To: "+85510999000", Body: "아들이 캄보디아에서 연락이 안 돼요",
			Meta: map[string]string{"FromCountry": "KR"},
		},
	},
	{
		label: "old-style SmsMessageSid only",
		body:  "SmsMessageSid=SM44444444444444444444444444444444&AccountSid=AC0000000000000000000000000000000a&From=%2B85510000123&Body=hello",
		want: hotline.Inbound{
			Channel: hotline.SMS, ExternalID: "SM44444444444444444444444444444444",
			From: "+85510000123", Body: "hello",
		},
	},
	{
		label: "WhatsApp text with ProfileName and WaId",
		body:  "SmsMessageSid=SM55555555555555555555555555555555&NumMedia=0&ProfileName=Dara&MessageType=text&SmsSid=SM55555555555555555555555555555555&WaId=85510000789&SmsStatus=received&Body=%E1%9E%81%E1%9F%92%E1%9E%89%E1%9E%BB%E1%9F%86%E1%9E%93%E1%9F%85%E1%9E%94%E1%9E%B6%E1%9E%9C%E1%9E%B7%E1%9E%8F&To=whatsapp%3A%2B85510999000&NumSegments=1&ReferralNumMedia=0&MessageSid=SM55555555555555555555555555555555&AccountSid=AC0000000000000000000000000000000a&From=whatsapp%3A%2B85510000789&ApiVersion=2010-04-01",
		want: hotline.Inbound{
			Channel: hotline.WhatsApp, ExternalID: "SM55555555555555555555555555555555",
			From: "+85510000789", To: "+85510999000", Name: "Dara", Body: "ខ្ញុំនៅបាវិត",
			Meta: map[string]string{"WaId": "85510000789"},
		},
	},
	{
		label: "WhatsApp photo with caption",
		body:  "MediaContentType0=image%2Fjpeg&SmsMessageSid=MM66666666666666666666666666666666&NumMedia=1&ProfileName=Min-jun&MessageType=image&WaId=821000001234&Body=%EC%97%AC%EA%B8%B0+%EA%B1%B4%EB%AC%BC&To=whatsapp%3A%2B85510999000&MessageSid=MM66666666666666666666666666666666&AccountSid=AC0000000000000000000000000000000a&From=whatsapp%3A%2B821000001234&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2FAC0000000000000000000000000000000a%2FMessages%2FMM66666666666666666666666666666666%2FMedia%2FME00000000000000000000000000000001&ApiVersion=2010-04-01",
		want: hotline.Inbound{
			Channel: hotline.WhatsApp, ExternalID: "MM66666666666666666666666666666666",
			From: "+821000001234", To: "+85510999000", Name: "Min-jun", Body: "여기 건물",
			Media: []hotline.Media{{
				URL:         "https://api.twilio.com/2010-04-01/Accounts/AC0000000000000000000000000000000a/Messages/MM66666666666666666666666666666666/Media/ME00000000000000000000000000000001",
				ContentType: "image/jpeg",
			}},
			Meta: map[string]string{"WaId": "821000001234"},
		},
	},
	{
		label: "MMS with two attachments and no body",
		body:  "MessageSid=MM77777777777777777777777777777777&AccountSid=AC0000000000000000000000000000000a&From=%2B85510000123&To=%2B85510999000&Body=&NumMedia=2&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm%2FME1&MediaContentType0=image%2Fpng&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2Fm%2FME2&MediaContentType1=audio%2Fogg",
		want: hotline.Inbound{
			Channel: hotline.SMS, ExternalID: "MM77777777777777777777777777777777",
			From: "+85510000123", To: "+85510999000",
			Media: []hotline.Media{
				{URL: "https://api.twilio.com/m/ME1", ContentType: "image/png"},
				{URL: "https://api.twilio.com/m/ME2", ContentType: "audio/ogg"},
			},
		},
	},
	{
		label: "WhatsApp location share, empty Body",
		body:  "Latitude=10.6104&Longitude=103.5296&Address=Otres+Road&Label=Blue+building&SmsMessageSid=SM88888888888888888888888888888888&NumMedia=0&ProfileName=Sokha&MessageType=location&WaId=85510000321&Body=&To=whatsapp%3A%2B85510999000&MessageSid=SM88888888888888888888888888888888&AccountSid=AC0000000000000000000000000000000a&From=whatsapp%3A%2B85510000321&ApiVersion=2010-04-01",
		want: hotline.Inbound{
			Channel: hotline.WhatsApp, ExternalID: "SM88888888888888888888888888888888",
			From: "+85510000321", To: "+85510999000", Name: "Sokha",
			Lat: f64(10.6104), Lon: f64(103.5296),
			Meta: map[string]string{"WaId": "85510000321", "Address": "Otres Road", "Label": "Blue building"},
		},
	},
	{
		label: "no AccountSid check when none configured",
		body:  "MessageSid=SM99999999999999999999999999999999&AccountSid=AC0000000000000000000000000000000b&From=%2B85510000123&Body=hi",
		want: hotline.Inbound{
			Channel: hotline.SMS, ExternalID: "SM99999999999999999999999999999999",
			From: "+85510000123", Body: "hi",
		},
	},
	{label: "missing MessageSid", body: "AccountSid=AC0000000000000000000000000000000a&From=%2B85510000123&Body=help", errCode: hotline.EINVALID},
	{label: "missing From", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a&Body=help", errCode: hotline.EINVALID},
	{label: "bare whatsapp: prefix as From", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a&From=whatsapp%3A&Body=help", errCode: hotline.EINVALID},
	{label: "AccountSid of another account", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000b&From=%2B85510000123&Body=help", errCode: hotline.EUNAUTHORIZED},
	{label: "AccountSid missing", body: "MessageSid=SM1&From=%2B85510000123&Body=help", errCode: hotline.EUNAUTHORIZED},
	{label: "empty body, no media, no location", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a&From=%2B85510000123&Body=&NumMedia=0", errCode: hotline.EINVALID},
	{label: "NumMedia not a number", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a&From=%2B85510000123&Body=hi&NumMedia=two", errCode: hotline.EINVALID},
	{label: "NumMedia above Twilio's limit", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a&From=%2B85510000123&Body=hi&NumMedia=11", errCode: hotline.EINVALID},
	{label: "NumMedia negative", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a&From=%2B85510000123&Body=hi&NumMedia=-1", errCode: hotline.EINVALID},
	{label: "NumMedia without its MediaUrl", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a&From=%2B85510000123&Body=hi&NumMedia=1", errCode: hotline.EINVALID},
	{label: "latitude out of range", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a&From=whatsapp%3A%2B85510000123&Latitude=91&Longitude=103.5", errCode: hotline.EINVALID},
	{label: "longitude not a number", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a&From=whatsapp%3A%2B85510000123&Latitude=10.6&Longitude=east", errCode: hotline.EINVALID},
	{label: "latitude without longitude", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a&From=whatsapp%3A%2B85510000123&Latitude=10.6", errCode: hotline.EINVALID},
	{label: "NaN coordinates", body: "MessageSid=SM1&AccountSid=AC0000000000000000000000000000000a&From=whatsapp%3A%2B85510000123&Latitude=NaN&Longitude=NaN", errCode: hotline.EINVALID},
}

func TestParseMessage(t *testing.T) {
	for _, tc := range messageCases {
		t.Run(tc.label, func(t *testing.T) {
			account := testAccount
			if strings.HasPrefix(tc.label, "no AccountSid check") {
				account = ""
			}
			got, err := ParseMessage(form(t, tc.body), account)
			if tc.errCode != "" {
				if err == nil {
					t.Fatalf("want error %s, got %+v", tc.errCode, got)
				}
				if code := hotline.ErrorCode(err); code != tc.errCode {
					t.Fatalf("error code = %s (%v), want %s", code, err, tc.errCode)
				}
				assertSafeError(t, err, form(t, tc.body))
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
			if got.Lat != nil && (*got.Lat != *tc.want.Lat || *got.Lon != *tc.want.Lon) {
				t.Fatalf("point = %v,%v", *got.Lat, *got.Lon)
			}
		})
	}
}

// assertSafeError checks that an error message names no body and no number:
// parse errors end up in logs.
func assertSafeError(t *testing.T, err error, params map[string][]string) {
	t.Helper()
	msg := err.Error()
	for _, k := range []string{"Body", "From", "To"} {
		for _, v := range params[k] {
			if v := strings.TrimPrefix(v, "whatsapp:"); len(v) > 3 && strings.Contains(msg, v) {
				t.Fatalf("error %q leaks %s", msg, k)
			}
		}
	}
}

func TestParseMessageNamesMissingField(t *testing.T) {
	for field, body := range map[string]string{
		"MessageSid": "From=%2B85510000123&Body=x",
		"From":       "MessageSid=SM1&Body=x",
	} {
		_, err := ParseMessage(form(t, body), "")
		if err == nil || !strings.Contains(hotline.ErrorMessage(err), field) {
			t.Errorf("missing %s: error %v does not name it", field, err)
		}
	}
}
