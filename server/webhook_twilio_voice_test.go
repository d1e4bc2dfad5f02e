package server_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hotline"
	"hotline/channels/twilio"
	"hotline/server"
)

func voiceCall(extra ...string) url.Values {
	return with(url.Values{
		"CallSid": {"CA00000000000000000000000000000v01"}, "AccountSid": {hAccountSID},
		"From": {"+85510000777"}, "To": {"+85510999000"}, "CallStatus": {"in-progress"},
		"Direction": {"inbound"}, "ApiVersion": {"2010-04-01"},
	}, extra...)
}

func recording(extra ...string) url.Values {
	return with(url.Values{
		"AccountSid": {hAccountSID}, "CallSid": {"CA00000000000000000000000000000v01"},
		"RecordingSid":    {"RE00000000000000000000000000000r01"},
		"RecordingUrl":    {"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE00000000000000000000000000000r01"},
		"RecordingStatus": {"completed"}, "RecordingDuration": {"42"}, "RecordingChannels": {"1"}, "RecordingSource": {"RecordVerb"},
	}, extra...)
}

// voiceCallerKey is the harness's key for sealing the caller in callback
// URLs; the table builds its URLs with it as the server would.
var voiceCallerKey = []byte("fictional voice caller key")

// voiceQuery is the query the server puts on a callback URL for this state
// of the fictional caller's call.
func voiceQuery(lang string, danger bool) string {
	return twilio.CallState{Lang: lang, Danger: danger, From: "+85510000777"}.Query(twilio.NewCallerSealer(voiceCallerKey))
}

func TestTwilioVoiceWebhooks(t *testing.T) {
	tests := []struct {
		label      string
		path       string
		form       url.Values
		token      string
		wantStatus int
		wantXML    []string // substrings of the TwiML answer
		wantStored int      // inbound voice messages after the request
		wantUrg    hotline.Urgency
		wantLang   string
	}{
		{label: "incoming call: language menu, Khmer played, Korean and English spoken",
			path: "/webhooks/twilio/voice", form: voiceCall(), token: hAuthToken, wantStatus: 200,
			wantXML: []string{`<Gather`, `numDigits="1"`, `/voice/km/menu.mp3</Play>`, `language="ko-KR"`, `language="en-US"`, `action="/webhooks/twilio/voice/lang?caller=`}},
		{label: "pressed 2: Korean danger question",
			path: "/webhooks/twilio/voice/lang?" + voiceQuery("", false), form: voiceCall("Digits", "2"), token: hAuthToken, wantStatus: 200,
			wantXML: []string{`<Say language="ko-KR">지금 위험하시면 1번을`, `/webhooks/twilio/voice/danger?caller=`, `&amp;lang=ko"`}},
		{label: "pressed 1: Khmer danger question is played",
			path: "/webhooks/twilio/voice/lang?" + voiceQuery("", false), form: voiceCall("Digits", "1"), token: hAuthToken, wantStatus: 200,
			wantXML: []string{`/voice/km/danger.mp3</Play>`, `lang=km`}},
		{label: "danger pressed: record with a status callback that carries it",
			path: "/webhooks/twilio/voice/danger?" + voiceQuery("en", false), form: voiceCall("Digits", "1"), token: hAuthToken, wantStatus: 200,
			wantXML: []string{`<Record`, `recordingStatusCallback="http://`, `/webhooks/twilio/voice/recording?caller=`, `&amp;danger=1&amp;lang=en"`, `maxLength="120"`}},
		{label: "done: thanks and hang up",
			path: "/webhooks/twilio/voice/done?lang=ko", form: voiceCall(), token: hAuthToken, wantStatus: 200,
			wantXML: []string{`감사합니다`, `<Hangup`}},
		{label: "forged call is refused",
			path: "/webhooks/twilio/voice", form: voiceCall(), token: "wrong", wantStatus: 403},
		{label: "recording after danger lands on a case, high, in Khmer",
			path: "/webhooks/twilio/voice/recording?" + voiceQuery("km", true), form: recording(), token: hAuthToken,
			wantStatus: 204, wantStored: 1, wantUrg: hotline.High, wantLang: "km"},
		{label: "recording without danger is stored at its own urgency",
			path: "/webhooks/twilio/voice/recording?" + voiceQuery("en", false), form: recording(), token: hAuthToken,
			wantStatus: 204, wantStored: 1, wantLang: "en"},
		{label: "forged recording stores nothing",
			path: "/webhooks/twilio/voice/recording?" + voiceQuery("km", true), form: recording(), token: "wrong", wantStatus: 403},
		{label: "recording signed without the danger flag cannot gain it",
			path: "/webhooks/twilio/voice/recording?" + voiceQuery("km", true), form: recording(), token: "unsigned-query", wantStatus: 403},
		{label: "failed recording is acknowledged and stores nothing",
			path: "/webhooks/twilio/voice/recording?" + voiceQuery("", false), form: recording("RecordingStatus", "failed"), token: hAuthToken, wantStatus: 204},
		{label: "recording without RecordingSid is 400",
			path: "/webhooks/twilio/voice/recording?" + voiceQuery("", false), form: recording("RecordingSid", ""), token: hAuthToken, wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			h := newHarness(t, harnessOptions{telegram: true, config: func(c *server.Config) { c.CallerKey = voiceCallerKey }})
			var resp *http.Response
			var body string
			if tt.token == "unsigned-query" {
				// Signed for the URL without ?danger=1: the query is part
				// of what Twilio signs.
				resp, body = h.postSignedFor(tt.path, strings.Replace(tt.path, "danger=1&", "", 1), tt.form, hAuthToken)
			} else {
				resp, body = h.post(tt.path, tt.form, tt.token)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tt.wantStatus, body)
			}
			if strings.Contains(body, "10000777") {
				t.Errorf("the caller's number is in the TwiML (callback URLs reach Twilio's and proxies' logs):\n%s", body)
			}
			for _, s := range tt.wantXML {
				if !strings.Contains(body, s) {
					t.Errorf("TwiML lacks %q:\n%s", s, body)
				}
			}
			if n := countInbound(h); n != tt.wantStored {
				t.Fatalf("stored %d, want %d", n, tt.wantStored)
			}
			if tt.wantStored == 0 {
				return
			}
			// A replayed callback changes nothing.
			h.post(tt.path, tt.form, tt.token)
			if n := countInbound(h); n != tt.wantStored {
				t.Fatalf("replay stored %d, want %d", n, tt.wantStored)
			}
			c := h.allCases()[0]
			full, err := h.db.GetCase(t.Context(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if full.Channel != hotline.Voice || full.Contact != "+85510000777" || full.Lang != tt.wantLang {
				t.Errorf("case channel %q contact %q lang %q", full.Channel, full.Contact, full.Lang)
			}
			if tt.wantUrg != 0 && full.Urgency != tt.wantUrg {
				t.Errorf("urgency %s, want %s", full.Urgency, tt.wantUrg)
			}
			var in, out int
			for _, m := range full.Messages {
				if m.Direction == hotline.DirOut {
					out++
					continue
				}
				in++
				if m.ExternalID != "RE00000000000000000000000000000r01" || len(m.Media) != 1 || !strings.Contains(m.Media[0].URL, "/Recordings/RE") {
					t.Errorf("message %+v", m)
				}
			}
			if out != 0 {
				t.Errorf("%d outbound messages to a caller; Hotline never calls or texts back", out)
			}
		})
	}
}

func TestVoiceAudioServed(t *testing.T) {
	h := newHarness(t, harnessOptions{telegram: true})
	resp, err := http.Get(h.baseURL + "/voice/km/menu.mp3")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "audio/mpeg" || len(b) < 100 || b[0] != 0xFF {
		t.Fatalf("status %d type %q len %d", resp.StatusCode, resp.Header.Get("Content-Type"), len(b))
	}
	for _, p := range []string{"/voice/km/nothing.mp3", "/voice/km/..%2Fsecret.mp3", "/voice/km/menu.wav"} {
		resp, err := http.Get(h.baseURL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
}
