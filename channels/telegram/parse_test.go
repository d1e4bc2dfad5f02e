package telegram

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"hotline"
)

func f64(v float64) *float64 { return &v }

// updateCases are updates as the Bot API documents them (fictional people,
// numbers and file ids), each with what ParseUpdate must find.
var updateCases = []struct {
	label   string
	body    string
	kind    Kind
	want    hotline.Inbound // KindMessage
	command string
	errCode string
}{
	{
		label: "private text in Korean",
		body:  `{"update_id":900001,"message":{"message_id":11,"from":{"id":700001,"is_bot":false,"first_name":"Min-jun","language_code":"ko"},"chat":{"id":700001,"first_name":"Min-jun","type":"private"},"date":1767225600,"text":"여권을 뺏겼어요"}}`,
		kind:  KindMessage,
		want: hotline.Inbound{Channel: hotline.Telegram, ExternalID: "900001", From: "700001", Name: "Min-jun",
			Body: "여권을 뺏겼어요", Meta: map[string]string{"language_code": "ko"}, ReceivedAt: time.Unix(1767225600, 0).UTC()},
	},
	{
		label: "location share",
		body:  `{"update_id":900002,"message":{"message_id":12,"from":{"id":700002,"is_bot":false,"first_name":"Dara","username":"dara_k"},"chat":{"id":700002,"type":"private"},"date":1767225601,"location":{"latitude":10.6272,"longitude":103.5225,"horizontal_accuracy":20}}}`,
		kind:  KindMessage,
		want: hotline.Inbound{Channel: hotline.Telegram, ExternalID: "900002", From: "700002", Name: "Dara",
			Lat: f64(10.6272), Lon: f64(103.5225), Meta: map[string]string{"username": "dara_k", "accuracy_m": "20"},
			ReceivedAt: time.Unix(1767225601, 0).UTC()},
	},
	{
		label: "live location start",
		body:  `{"update_id":900003,"message":{"message_id":13,"from":{"id":700002,"is_bot":false,"first_name":"Dara"},"chat":{"id":700002,"type":"private"},"date":1767225602,"location":{"latitude":11.07,"longitude":106.17,"live_period":900}}}`,
		kind:  KindMessage,
		want: hotline.Inbound{Channel: hotline.Telegram, ExternalID: "900003", From: "700002", Name: "Dara",
			Lat: f64(11.07), Lon: f64(106.17), Meta: map[string]string{"live_location": "true"},
			ReceivedAt: time.Unix(1767225602, 0).UTC()},
	},
	{
		label: "live location update in edited_message has its own id",
		body:  `{"update_id":900004,"edited_message":{"message_id":13,"from":{"id":700002,"is_bot":false,"first_name":"Dara"},"chat":{"id":700002,"type":"private"},"date":1767225602,"edit_date":1767225660,"location":{"latitude":11.08,"longitude":106.18,"live_period":900}}}`,
		kind:  KindMessage,
		want: hotline.Inbound{Channel: hotline.Telegram, ExternalID: "900004", From: "700002", Name: "Dara",
			Lat: f64(11.08), Lon: f64(106.18), Meta: map[string]string{"live_location": "true", "edited": "true"},
			ReceivedAt: time.Unix(1767225660, 0).UTC()},
	},
	{
		label: "venue",
		body:  `{"update_id":900005,"message":{"message_id":14,"chat":{"id":700003,"type":"private"},"date":1767225603,"venue":{"location":{"latitude":10.61,"longitude":103.52},"title":"Blue building","address":"Otres Road"},"location":{"latitude":10.61,"longitude":103.52}}}`,
		kind:  KindMessage,
		want: hotline.Inbound{Channel: hotline.Telegram, ExternalID: "900005", From: "700003",
			Lat: f64(10.61), Lon: f64(103.52), Meta: map[string]string{"Label": "Blue building", "Address": "Otres Road"},
			ReceivedAt: time.Unix(1767225603, 0).UTC()},
	},
	{
		label: "shared contact lands in the body",
		body:  `{"update_id":900006,"message":{"message_id":15,"chat":{"id":700004,"type":"private"},"date":1767225604,"contact":{"phone_number":"+85510000123","first_name":"Sokha","user_id":700005}}}`,
		kind:  KindMessage,
		want: hotline.Inbound{Channel: hotline.Telegram, ExternalID: "900006", From: "700004",
			Body: "Contact: Sokha +85510000123", ReceivedAt: time.Unix(1767225604, 0).UTC()},
	},
	{
		label: "photo with caption keeps the largest file_id",
		body:  `{"update_id":900007,"message":{"message_id":16,"chat":{"id":700006,"type":"private"},"date":1767225605,"caption":"this building","photo":[{"file_id":"AgAD-small","width":90,"height":90},{"file_id":"AgAD-large","width":1280,"height":1280}]}}`,
		kind:  KindMessage,
		want: hotline.Inbound{Channel: hotline.Telegram, ExternalID: "900007", From: "700006", Body: "this building",
			Media: []hotline.Media{{URL: "telegram-file:AgAD-large", ContentType: "image/jpeg"}}, ReceivedAt: time.Unix(1767225605, 0).UTC()},
	},
	{
		label: "voice note and document",
		body:  `{"update_id":900008,"message":{"message_id":17,"chat":{"id":700006,"type":"private"},"date":1767225606,"voice":{"file_id":"AwAD-voice","duration":4,"mime_type":"audio/ogg"},"document":{"file_id":"BQAD-doc","file_name":"passport.pdf","mime_type":"application/pdf"}}}`,
		kind:  KindMessage,
		want: hotline.Inbound{Channel: hotline.Telegram, ExternalID: "900008", From: "700006",
			Media:      []hotline.Media{{URL: "telegram-file:AwAD-voice", ContentType: "audio/ogg"}, {URL: "telegram-file:BQAD-doc", ContentType: "application/pdf"}},
			ReceivedAt: time.Unix(1767225606, 0).UTC()},
	},
	{label: "/start", body: `{"update_id":900009,"message":{"message_id":1,"from":{"id":700007,"is_bot":false,"first_name":"A","language_code":"km"},"chat":{"id":700007,"type":"private"},"date":1767225607,"text":"/start"}}`, kind: KindCommand, command: "start"},
	{label: "/help@bot", body: `{"update_id":900010,"message":{"message_id":2,"chat":{"id":700007,"type":"private"},"date":1767225607,"text":"/help@HotlineBot"}}`, kind: KindCommand, command: "help"},
	{label: "edited text is not news", body: `{"update_id":900011,"edited_message":{"message_id":3,"chat":{"id":700007,"type":"private"},"date":1,"edit_date":2,"text":"typo fixed"}}`, kind: KindIgnore},
	{label: "sticker only", body: `{"update_id":900012,"message":{"message_id":4,"chat":{"id":700007,"type":"private"},"date":1,"sticker":{"file_id":"CAAD"}}}`, kind: KindIgnore},
	{label: "from a bot", body: `{"update_id":900013,"message":{"message_id":5,"from":{"id":1,"is_bot":true,"first_name":"B"},"chat":{"id":700007,"type":"private"},"date":1,"text":"spam"}}`, kind: KindIgnore},
	{label: "user blocked the bot", body: `{"update_id":900014,"my_chat_member":{"chat":{"id":700008,"type":"private"},"from":{"id":700008,"is_bot":false,"first_name":"C"},"date":1,"old_chat_member":{"status":"member"},"new_chat_member":{"status":"kicked"}}}`, kind: KindBlocked},
	{label: "callback query is ignored", body: `{"update_id":900015,"callback_query":{"id":"1"}}`, kind: KindIgnore},
	{label: "not JSON", body: `update_id=1`, errCode: hotline.EINVALID},
	{label: "no update_id", body: `{"message":{"message_id":1,"chat":{"id":1,"type":"private"},"text":"hi"}}`, errCode: hotline.EINVALID},
	{label: "message without chat", body: `{"update_id":900016,"message":{"message_id":1,"text":"secret words"}}`, errCode: hotline.EINVALID},
	{label: "latitude out of range", body: `{"update_id":900017,"message":{"message_id":1,"chat":{"id":1,"type":"private"},"location":{"latitude":91,"longitude":103}}}`, errCode: hotline.EINVALID},
}

func TestParseUpdate(t *testing.T) {
	for _, tc := range updateCases {
		t.Run(tc.label, func(t *testing.T) {
			got, err := ParseUpdate([]byte(tc.body))
			if tc.errCode != "" {
				if hotline.ErrorCode(err) != tc.errCode {
					t.Fatalf("error %v, want code %s", err, tc.errCode)
				}
				for _, secret := range []string{"secret words", "+855"} {
					if strings.Contains(err.Error(), secret) {
						t.Fatalf("error leaks %q: %v", secret, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != tc.kind {
				t.Fatalf("kind %d, want %d", got.Kind, tc.kind)
			}
			if got.Command != tc.command {
				t.Errorf("command %q, want %q", got.Command, tc.command)
			}
			if tc.kind == KindMessage && !reflect.DeepEqual(got.Inbound, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got.Inbound, tc.want)
			}
			if tc.kind == KindMessage && got.Inbound.Lat != nil && (*got.Inbound.Lat != *tc.want.Lat || *got.Inbound.Lon != *tc.want.Lon) {
				t.Fatalf("point %v,%v", *got.Inbound.Lat, *got.Inbound.Lon)
			}
		})
	}
}

func TestCheckSecret(t *testing.T) {
	for _, tc := range []struct {
		want, got string
		ok        bool
	}{
		{"s3cret-Token_1", "s3cret-Token_1", true},
		{"s3cret-Token_1", "s3cret-Token_2", false},
		{"s3cret-Token_1", "", false},
		{"s3cret-Token_1", "s3cret-Token_1x", false},
		{"", "", false},
	} {
		if got := CheckSecret(tc.want, tc.got); got != tc.ok {
			t.Errorf("CheckSecret(%q, %q) = %v", tc.want, tc.got, got)
		}
	}
}

func FuzzParseUpdate(f *testing.F) {
	for _, tc := range updateCases {
		f.Add(tc.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		p, err := ParseUpdate([]byte(body))
		if err != nil {
			if hotline.ErrorCode(err) != hotline.EINVALID {
				t.Fatalf("code %s", hotline.ErrorCode(err))
			}
			return
		}
		if p.Kind == KindMessage {
			in := p.Inbound
			if in.ExternalID == "" || in.From == "" || in.Channel != hotline.Telegram {
				t.Fatalf("message without id or sender: %+v", in)
			}
			if in.Body == "" && len(in.Media) == 0 && in.Lat == nil {
				t.Fatalf("empty message accepted: %+v", in)
			}
			if (in.Lat == nil) != (in.Lon == nil) {
				t.Fatalf("half a point")
			}
		}
	})
}
