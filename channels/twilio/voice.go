package twilio

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/twilio/twilio-go/twiml"

	"hotline"
)

// Prompt is one line said to a caller: spoken by Twilio in Lang where Twilio
// has a voice for it, or, when AudioURL is set, a recording Hotline serves
// (Khmer has no Twilio voice).
type Prompt struct {
	Text     string
	Lang     string // km, ko or en
	AudioURL string
}

// sayLanguages are the Twilio <Say> languages for the languages Hotline
// speaks; a language without one must come with an AudioURL.
var sayLanguages = map[string]string{"ko": "ko-KR", "en": "en-US"}

// menuDigits is the language menu: 1 Khmer, 2 Korean, 3 English.
var menuDigits = map[string]string{"1": "km", "2": "ko", "3": "en"}

// VoiceLanguage reads the digit pressed in the language menu; anything else
// (no key, a wrong key) is "".
func VoiceLanguage(digits string) string { return menuDigits[strings.TrimSpace(digits)] }

func (p Prompt) verb() twiml.Element {
	if p.AudioURL != "" {
		return &twiml.VoicePlay{Url: p.AudioURL}
	}
	return &twiml.VoiceSay{Message: p.Text, Language: sayLanguages[p.Lang]}
}

func voiceXML(verbs ...twiml.Element) ([]byte, error) {
	s, err := twiml.Voice(verbs)
	return []byte(s), err
}

// gather asks for one key while prompts play and posts it to action; with
// no key pressed the call goes to action all the same, without Digits.
func gather(action string, prompts []Prompt) ([]byte, error) {
	inner := make([]twiml.Element, 0, len(prompts))
	for _, p := range prompts {
		inner = append(inner, p.verb())
	}
	return voiceXML(
		&twiml.VoiceGather{Input: "dtmf", NumDigits: "1", Timeout: "6", Action: action, Method: "POST", InnerElements: inner},
		&twiml.VoiceRedirect{Url: action, Method: "POST"},
	)
}

// VoiceMenuTwiML answers an incoming call: the language menu.
func VoiceMenuTwiML(action string, prompts []Prompt) ([]byte, error) { return gather(action, prompts) }

// VoiceDangerTwiML asks "press 1 if you are in danger now".
func VoiceDangerTwiML(action string, p Prompt) ([]byte, error) { return gather(action, []Prompt{p}) }

// MaxRecording is how long a caller may speak, in seconds: long enough to
// say where they are and what happened, short enough for a hidden phone.
const MaxRecording = 120

// VoiceRecordTwiML asks for the message and records it. Twilio posts the
// finished recording to statusCallback and then continues at action.
func VoiceRecordTwiML(p Prompt, action, statusCallback string) ([]byte, error) {
	return voiceXML(p.verb(), &twiml.VoiceRecord{
		Action: action, Method: "POST", MaxLength: strconv.Itoa(MaxRecording), Timeout: "8",
		FinishOnKey: "#", PlayBeep: "true",
		RecordingStatusCallback: statusCallback, RecordingStatusCallbackMethod: "POST",
		RecordingStatusCallbackEvent: "completed",
	})
}

// VoiceDoneTwiML thanks the caller and hangs up.
func VoiceDoneTwiML(p Prompt) ([]byte, error) { return voiceXML(p.verb(), &twiml.VoiceHangup{}) }

// Call is what Hotline reads from a voice webhook (the call itself or a
// <Gather>/<Record> action).
type Call struct {
	CallSid string
	From    string
	Digits  string
}

// ParseCall reads a voice webhook; the AccountSid rule is ParseMessage's.
func ParseCall(params url.Values, accountSID string) (Call, error) {
	var c Call
	if err := checkAccount(params, accountSID); err != nil {
		return c, err
	}
	c.CallSid = strings.TrimSpace(params.Get("CallSid"))
	if c.CallSid == "" {
		return c, hotline.Errorf(hotline.EINVALID, "twilio: CallSid is missing")
	}
	c.From = callerAddress(params.Get("From"), c.CallSid)
	c.Digits = strings.TrimSpace(params.Get("Digits"))
	return c, nil
}

// callerAddress is the caller's number, or an address of the call itself
// when the number is withheld, so that the recording still lands on a case.
func callerAddress(from, callSid string) string {
	from = strings.TrimSpace(from)
	switch strings.ToLower(from) {
	case "", "anonymous", "restricted", "unknown", "private", "+266696687", "+86282452253", "+7378742833", "+2562533":
		return "anonymous:" + callSid
	}
	return from
}

// CallState is what the call has told us so far; it travels in the query
// string of the URLs Hotline gives Twilio, which Twilio signs back.
type CallState struct {
	Lang   string // km, ko, en; "" before the menu
	Danger bool   // the caller pressed 1 at "are you in danger now"
	From   string // the caller, for the recording callback (which lacks it)
}

// Query encodes the state for a callback URL. The caller's number goes
// sealed under cs: callback URLs end up in Twilio's logs and in any proxy's
// access log, where a plain number would say who called the hotline.
func (s CallState) Query(cs *CallerSealer) string {
	v := url.Values{}
	if s.Lang != "" {
		v.Set("lang", s.Lang)
	}
	if s.Danger {
		v.Set("danger", "1")
	}
	if s.From != "" {
		v.Set("caller", cs.seal(s.From))
	}
	return v.Encode()
}

// ParseCallState reads the state back from a callback's query. A caller
// that does not open (a restart with a new key, a tampered URL) is left
// empty, and the recording lands as an anonymous call rather than not at
// all.
func ParseCallState(q url.Values, cs *CallerSealer) CallState {
	s := CallState{Danger: q.Get("danger") == "1"}
	if c := q.Get("caller"); c != "" {
		s.From, _ = cs.open(c)
	}
	if l := q.Get("lang"); l == "km" || l == "ko" || l == "en" {
		s.Lang = l
	}
	return s
}

// ParseRecording turns a recordingStatusCallback into the message it
// carries: the recording's URL and duration from the caller. ok is false for
// a callback with nothing to keep (a failed or absent recording).
func ParseRecording(params url.Values, state CallState, accountSID string) (in hotline.Inbound, ok bool, err error) {
	if err := checkAccount(params, accountSID); err != nil {
		return in, false, err
	}
	sid := strings.TrimSpace(params.Get("RecordingSid"))
	callSid := strings.TrimSpace(params.Get("CallSid"))
	if sid == "" || callSid == "" {
		return in, false, hotline.Errorf(hotline.EINVALID, "twilio: RecordingSid or CallSid is missing")
	}
	if st := params.Get("RecordingStatus"); st != "" && st != "completed" {
		return in, false, nil
	}
	recURL := strings.TrimSpace(params.Get("RecordingUrl"))
	if !strings.HasPrefix(recURL, "https://") {
		return in, false, hotline.Errorf(hotline.EINVALID, "twilio: RecordingUrl is missing")
	}
	in = hotline.Inbound{
		Channel:    hotline.Voice,
		ExternalID: sid,
		From:       callerAddress(state.From, callSid),
		// Without an extension Twilio serves the recording as WAV.
		Media: []hotline.Media{{URL: recURL, ContentType: "audio/wav"}},
		Meta:  map[string]string{"CallSid": callSid},
	}
	if d := strings.TrimSpace(params.Get("RecordingDuration")); d != "" {
		if _, err := strconv.Atoi(d); err != nil {
			return hotline.Inbound{}, false, hotline.Errorf(hotline.EINVALID, "twilio: RecordingDuration is not a number")
		}
		in.Meta["RecordingDuration"] = d
	}
	if state.Lang != "" {
		in.Meta["lang"] = state.Lang
	}
	if state.Danger {
		in.Meta[MetaDanger] = "pressed"
	}
	return in, true, nil
}

// MetaDanger is the Inbound.Meta key set when a caller said, by pressing 1,
// that they are in danger now; intake raises such a message to high.
const MetaDanger = "danger"
