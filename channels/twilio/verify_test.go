package twilio

import (
	"net/url"
	"strings"
	"testing"

	"github.com/twilio/twilio-go/client"
)

const testToken = "12345678901234567890123456789012" // fictional auth token

// form returns the values of a raw application/x-www-form-urlencoded body,
// failing the test when it does not parse.
func form(t *testing.T, body string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(body)
	if err != nil {
		t.Fatalf("bad test body %q: %v", body, err)
	}
	return v
}

// TestSignAcceptedByTwilioGo proves Sign against twilio-go's own validator,
// both through Validate with the parameters and, where the body has no
// repeated names, through ValidateBody with the raw body as Twilio posts it.
func TestSignAcceptedByTwilioGo(t *testing.T) {
	urls := []string{
		"https://hotline.example.org/webhooks/twilio/messages",
		"https://hotline.example.org:443/webhooks/twilio/messages",
		"https://hotline.example.org/webhooks/twilio/messages?lang=km&src=sms",
		"http://127.0.0.1:8080/webhooks/twilio/messages",
		"http://127.0.0.1:8080/webhooks/twilio/messages?a=1&b=%E1%9E%80",
	}
	bodies := map[string]string{
		"sms":     "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC0000000000000000000000000000000a&From=%2B85510000123&To=%2B85510999000&Body=Help+please&NumMedia=0",
		"khmer":   "MessageSid=SM1&From=%2B85510000123&Body=" + url.QueryEscape("ជួយខ្ញុំផង ខ្ញុំនៅបាវិត"),
		"korean":  "MessageSid=SM2&From=%2B821000001234&Body=" + url.QueryEscape("여권을 빼앗겼어요 도와주세요"),
		"symbols": "MessageSid=SM3&From=%2B85510000123&Body=" + url.QueryEscape("a&b=c <x> 100% ✓"),
		"empty":   "",
		"repeat":  "MessageSid=SM4&From=%2B85510000123&Tag=b&Tag=a&Tag=c",
	}
	for _, u := range urls {
		for name, body := range bodies {
			params := form(t, body)
			sig := Sign(testToken, u, params)
			v := client.NewRequestValidator(testToken)
			if !v.Validate(u, foldParams(params), sig) {
				t.Errorf("%s %s: twilio-go Validate rejected Sign's signature", u, name)
			}
			if !strings.Contains(body, "Tag=") && !v.ValidateBody(u, []byte(body), sig) {
				t.Errorf("%s %s: twilio-go ValidateBody rejected Sign's signature", u, name)
			}
			if !NewVerifier(testToken).Verify(u, params, sig) {
				t.Errorf("%s %s: Verify rejected Sign's signature", u, name)
			}
		}
	}
}

// TestSignKnownVector checks Sign against the vector in twilio-go's own
// validator tests, so Sign and the validator cannot merely agree with each
// other on something that is not Twilio's scheme.
func TestSignKnownVector(t *testing.T) {
	params := url.Values{
		"Digits":                {"1234"},
		"CallSid":               {"CA1234567890ABCDE"},
		"To":                    {"+18005551212"},
		"Caller":                {"+14158675309"},
		"From":                  {"+14158675309"},
		"ReasonConferenceEnded": {"test"},
		"Reason":                {"Participant"},
	}
	got := Sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)
	if want := "vOEb5UThFn24KEfnOFLQY2AE5FY="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	const u = "https://hotline.example.org/webhooks/twilio/messages"
	body := "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC0000000000000000000000000000000a&From=%2B85510000123&To=%2B85510999000&Body=" + url.QueryEscape("ជួយខ្ញុំផង")
	params := form(t, body)
	good := Sign(testToken, u, params)

	changed := form(t, body)
	changed.Set("From", "+85510000124")
	added := form(t, body)
	added.Add("From", "+85510000999")

	tests := []struct {
		label  string
		token  string
		url    string
		params url.Values
		sig    string
		want   bool
	}{
		{"valid", testToken, u, params, good, true},
		{"valid with explicit default port", testToken, "https://hotline.example.org:443/webhooks/twilio/messages", params, good, true},
		// twilio-go strips any port before comparing (Twilio's back end is
		// inconsistent about ports), so the port is not authenticated.
		{"other port, same host", testToken, "https://hotline.example.org:8443/webhooks/twilio/messages", params, good, true},
		{"one param changed", testToken, u, changed, good, false},
		{"extra value for a signed name", testToken, u, added, good, false},
		{"param removed", testToken, u, url.Values{"MessageSid": params["MessageSid"]}, good, false},
		{"wrong token", "00000000000000000000000000000000", u, params, good, false},
		{"wrong url path", testToken, "https://hotline.example.org/webhooks/twilio/status", params, good, false},
		{"wrong host", testToken, "https://evil.example.org/webhooks/twilio/messages", params, good, false},
		{"query string added", testToken, u + "?x=1", params, good, false},
		{"missing signature", testToken, u, params, "", false},
		{"garbage signature", testToken, u, params, "not-base64!", false},
		{"empty token", "", u, params, Sign("", u, params), false},
	}
	for _, tc := range tests {
		t.Run(tc.label, func(t *testing.T) {
			if got := NewVerifier(tc.token).Verify(tc.url, tc.params, tc.sig); got != tc.want {
				t.Fatalf("Verify = %v, want %v", got, tc.want)
			}
		})
	}
}
