package server_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hotline"
	"hotline/channels/twilio"
)

// sms is an inbound SMS webhook body as Twilio sends it.
func sms(sid, from, body string) url.Values {
	return url.Values{
		"MessageSid": {sid}, "SmsMessageSid": {sid}, "SmsSid": {sid},
		"AccountSid": {hAccountSID}, "MessagingServiceSid": {"MG00000000000000000000000000000001"},
		"From": {from}, "To": {"+85510999000"}, "Body": {body},
		"NumMedia": {"0"}, "NumSegments": {"1"}, "SmsStatus": {"received"}, "ApiVersion": {"2010-04-01"},
		"FromCountry": {"KH"}, "ToCountry": {"KH"},
	}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	return out
}

// whatsappLocation is a WhatsApp location share: no Body, coordinates.
var whatsappLocation = url.Values{
	"MessageSid": {"SM00000000000000000000000000000w02"}, "AccountSid": {hAccountSID},
	"From": {"whatsapp:+821000001234"}, "To": {"whatsapp:+85510999000"},
	"Body": {""}, "NumMedia": {"0"}, "ProfileName": {"Min-jun"}, "WaId": {"821000001234"},
	"Latitude": {"10.6272"}, "Longitude": {"103.5225"}, "Address": {"Otres"}, "Label": {"building"},
	"MessageType": {"location"}, "ApiVersion": {"2010-04-01"},
}

func TestTwilioMessageWebhook(t *testing.T) {
	tests := []struct {
		label      string
		form       url.Values
		path       string // default /webhooks/twilio/messages
		signPath   string // the path the signature is made for; default path
		token      string // signing token; "" = unsigned
		wantStatus int
		wantStored int // new inbound messages
		check      func(t *testing.T, h *harness, body string)
	}{
		{
			label: "signed English SMS opens a critical case with an acknowledgement",
			form:  sms("SM00000000000000000000000000000e01", "+85510000111", "Guards beat my friend with electric batons, we are in Poipet, help now"),
			token: hAuthToken, wantStatus: 200, wantStored: 1,
			check: func(t *testing.T, h *harness, body string) {
				var r struct {
					Message string `xml:"Message"`
				}
				if err := xml.Unmarshal([]byte(body), &r); err != nil {
					t.Fatalf("TwiML %q: %v", body, err)
				}
				c := h.allCases()[0]
				if !strings.Contains(r.Message, c.Ref) || !strings.HasPrefix(r.Message, "[en]") {
					t.Errorf("ack %q should carry ref %s in English", r.Message, c.Ref)
				}
				if c.Urgency != hotline.Critical || c.Location.Province != "Banteay Meanchey" {
					t.Errorf("case %s / %q, want critical / Banteay Meanchey", c.Urgency, c.Location.Province)
				}
			},
		},
		{
			label: "Korean SMS, acknowledged in Korean",
			form:  sms("SM00000000000000000000000000000k01", "+821000005678", "여권을 뺏겼고 방에 갇혀 있어요. 바벳이에요"),
			token: hAuthToken, wantStatus: 200, wantStored: 1,
			check: func(t *testing.T, h *harness, body string) {
				if !strings.Contains(body, "[ko]") {
					t.Errorf("ack %q not in Korean", body)
				}
			},
		},
		{
			label: "WhatsApp location share without words",
			form:  whatsappLocation, token: hAuthToken, wantStatus: 200, wantStored: 1,
			check: func(t *testing.T, h *harness, body string) {
				c := h.allCases()[0]
				if c.Channel != hotline.WhatsApp || c.Location.Province != "Preah Sihanouk" || c.Location.Lat == nil {
					t.Errorf("case channel %q province %q lat %v", c.Channel, c.Location.Province, c.Location.Lat)
				}
				if c.Urgency != hotline.Medium {
					t.Errorf("a bare location share is medium, got %s", c.Urgency)
				}
				if strings.Contains(c.Contact, "1000001234") {
					t.Errorf("queue contact not masked: %q", c.Contact)
				}
			},
		},
		{
			label: "MMS with media keeps the media references",
			form: with(sms("SM00000000000000000000000000000m01", "+85510000222", "this is the building"),
				"NumMedia", "1", "MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", "MediaContentType0", "image/jpeg"),
			token: hAuthToken, wantStatus: 200, wantStored: 1,
			check: func(t *testing.T, h *harness, body string) {
				for _, m := range h.messages() {
					if m.Direction == hotline.DirIn && (len(m.Media) != 1 || m.Media[0].ContentType != "image/jpeg") {
						t.Errorf("media not stored: %+v", m.Media)
					}
				}
			},
		},
		{
			label: "forged signature", form: sms("SM00000000000000000000000000000f01", "+85510000333", "hello"),
			token: "wrong-token", wantStatus: 403, wantStored: 0,
		},
		{
			label: "missing signature", form: sms("SM00000000000000000000000000000f02", "+85510000333", "hello"),
			token: "", wantStatus: 403, wantStored: 0,
		},
		{
			label: "signed for another path", form: sms("SM00000000000000000000000000000f03", "+85510000333", "hello"),
			signPath: "/webhooks/twilio/messages?x=1", token: hAuthToken, wantStatus: 403, wantStored: 0,
		},
		{
			label: "signed with a query string", form: sms("SM00000000000000000000000000000q01", "+85510000334", "hello"),
			path: "/webhooks/twilio/messages?source=sms", token: hAuthToken, wantStatus: 200, wantStored: 1,
		},
		{
			label: "another Twilio account", form: with(sms("SM00000000000000000000000000000f04", "+85510000333", "hello"), "AccountSid", "AC99999999999999999999999999999999"),
			token: hAuthToken, wantStatus: 403, wantStored: 0,
		},
		{
			label: "missing MessageSid", form: with(sms("x", "+85510000333", "hello"), "MessageSid", "", "SmsMessageSid", "", "SmsSid", ""),
			token: hAuthToken, wantStatus: 400, wantStored: 0,
		},
		{
			label: "missing From", form: with(sms("SM00000000000000000000000000000b02", "+85510000333", "hello"), "From", ""),
			token: hAuthToken, wantStatus: 400, wantStored: 0,
		},
		{
			label: "STOP opts out and is confirmed once",
			form:  sms("SM00000000000000000000000000000s01", "+85510000444", "STOP"),
			token: hAuthToken, wantStatus: 200, wantStored: 1,
			check: func(t *testing.T, h *harness, body string) {
				if !strings.Contains(body, "stopped") {
					t.Errorf("STOP should be confirmed, got %q", body)
				}
				_, body2 := h.post("/webhooks/twilio/messages", sms("SM00000000000000000000000000000s02", "+85510000444", "are you there"), hAuthToken)
				if strings.Contains(body2, "<Message>") {
					t.Errorf("after STOP the contact got %q; want no message", body2)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			h := newHarness(t, harnessOptions{})
			path := tt.path
			if path == "" {
				path = "/webhooks/twilio/messages"
			}
			signPath := tt.signPath
			if signPath == "" {
				signPath = path
			}
			before := countInbound(h)
			resp, body := h.postSignedFor(path, signPath, tt.form, tt.token)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantStatus == 200 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
				t.Errorf("Content-Type %q, want text/xml", resp.Header.Get("Content-Type"))
			}
			if got := countInbound(h) - before; got != tt.wantStored {
				t.Fatalf("stored %d inbound messages, want %d", got, tt.wantStored)
			}
			if tt.check != nil {
				tt.check(t, h, body)
			}
		})
	}
}

func countInbound(h *harness) int {
	n := 0
	for _, m := range h.messages() {
		if m.Direction == hotline.DirIn {
			n++
		}
	}
	return n
}

func TestTwilioRetriesAndFollowUps(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	first := sms("SM00000000000000000000000000000r01", "+85510000555", "I want to go home, they keep my passport")
	for i := 0; i < 3; i++ {
		resp, _ := h.post("/webhooks/twilio/messages", first, hAuthToken)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery %d: %d", i+1, resp.StatusCode)
		}
	}
	if n := countInbound(h); n != 1 {
		t.Fatalf("three deliveries of one MessageSid stored %d messages", n)
	}
	// A follow-up from the same number joins the same case and can raise it.
	_, body := h.post("/webhooks/twilio/messages", sms("SM00000000000000000000000000000r02", "+85510000555", "they are beating him now, we are in Sihanoukville"), hAuthToken)
	cases := h.allCases()
	if len(cases) != 1 {
		t.Fatalf("follow-up opened a second case: %d cases", len(cases))
	}
	if cases[0].Urgency != hotline.Critical || cases[0].Location.Province != "Preah Sihanouk" {
		t.Errorf("case after follow-up: %s %q", cases[0].Urgency, cases[0].Location.Province)
	}
	if strings.Contains(body, "<Message>") {
		t.Errorf("second message got an acknowledgement %q; default is the first message only", body)
	}
}

func TestTwilioStatusCallback(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	form := url.Values{"MessageSid": {"SM00000000000000000000000000000x01"}, "MessageStatus": {"delivered"}, "AccountSid": {hAccountSID}}
	resp, _ := h.post("/webhooks/twilio/status", form, hAuthToken)
	if resp.StatusCode/100 != 2 {
		t.Errorf("status for unknown message: %d, want 2xx", resp.StatusCode)
	}
	resp, _ = h.post("/webhooks/twilio/status", form, "forged")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged status callback: %d, want 403", resp.StatusCode)
	}
	resp, _ = h.post("/webhooks/twilio/status", with(form, "MessageStatus", "exploded"), hAuthToken)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown status value: %d, want 400", resp.StatusCode)
	}
}

// Every value of a repeated parameter is signed: a webhook carrying them
// all is taken, and one with a value added after signing is refused.
func TestTwilioRepeatedParameters(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	form := sms("SM00000000000000000000000000000r01", "+85510000555", "hello")
	form["Tag"] = []string{"b", "a"}
	if resp, body := h.post("/webhooks/twilio/messages", form, hAuthToken); resp.StatusCode != 200 {
		t.Fatalf("repeated parameter, signed: %d %s", resp.StatusCode, body)
	}
	sig := twilio.Sign(hAuthToken, h.baseURL+"/webhooks/twilio/messages", with(form, "MessageSid", "SM00000000000000000000000000000r02"))
	sent := with(form, "MessageSid", "SM00000000000000000000000000000r02")
	sent["Tag"] = append(sent["Tag"], "c")
	req, _ := http.NewRequest(http.MethodPost, h.baseURL+"/webhooks/twilio/messages", strings.NewReader(sent.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sig)
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("value added to a signed repeated parameter: %d, want 403", resp.StatusCode)
	}
	if n := countInbound(h); n != 1 {
		t.Fatalf("%d inbound messages stored, want 1", n)
	}
}
