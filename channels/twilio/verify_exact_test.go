package twilio

import (
	"encoding/base64"
	"math/rand/v2"
	"net/url"
	"testing"

	"github.com/twilio/twilio-go/client"
)

// TestExactCheckAgreesWithTwilioGo holds Verify to twilio-go's Validate on
// every input: the exact-URL check may only accept what Validate accepts,
// and must accept what Twilio signs for the URL as configured. The inputs
// are URLs with and without ports, queries and non-ASCII text, parameters
// with repeated names, and signatures that are right, signed for another
// URL form, forged, truncated or not base64.
func TestExactCheckAgreesWithTwilioGo(t *testing.T) {
	urls := []string{
		"https://hotline.example.org/webhooks/twilio/messages",
		"https://hotline.example.org:443/webhooks/twilio/messages",
		"https://hotline.example.org:8443/webhooks/twilio/messages",
		"http://hotline.example.org/webhooks/twilio/messages",
		"http://127.0.0.1:8080/webhooks/twilio/messages?a=1&b=%E1%9E%80",
		"https://hotline.example.org:/webhooks/twilio/messages",
		"https://user@hotline.example.org/webhooks/twilio/messages#frag",
		"not a url at all",
		"",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "SM1", "+85510000123", "ជួយខ្ញុំផង", "여권", "a&b=c", "100%", " "}
	names := []string{"MessageSid", "From", "To", "Body", "Tag", "NumMedia", "Latitude"}
	params := func() url.Values {
		p := url.Values{}
		for range rng.IntN(8) {
			p.Add(names[rng.IntN(len(names))], words[rng.IntN(len(words))])
		}
		return p
	}
	tokens := []string{testToken, "00000000000000000000000000000000"}
	twilioGo := client.NewRequestValidator(testToken)
	v := NewVerifier(testToken)
	accepted := 0
	for range 3000 {
		u := urls[rng.IntN(len(urls))]
		p := params()
		signedURL, token := u, testToken
		if rng.IntN(2) == 0 {
			signedURL = urls[rng.IntN(len(urls))]
		}
		if rng.IntN(4) == 0 {
			token = tokens[rng.IntN(len(tokens))]
		}
		sig := Sign(token, signedURL, p)
		switch rng.IntN(7) {
		case 0: // forged: one byte of the MAC changed
			raw, _ := base64.StdEncoding.DecodeString(sig)
			raw[rng.IntN(len(raw))] ^= 1 << rng.IntN(8)
			sig = base64.StdEncoding.EncodeToString(raw)
		case 1:
			sig = sig[:rng.IntN(len(sig))]
		case 2:
			sig = "not-base64!" + sig
		case 3: // decodes to the same bytes, but is not the same text
			sig = sig[:10] + "\n" + sig[10:]
		case 4:
			sig = sig + "\r\n"
		}
		exact := v.signedExactly(u, p, sig)
		want := twilioGo.Validate(u, foldParams(p), sig)
		if exact && !want {
			t.Fatalf("exact check accepted what twilio-go rejects: url %q signed for %q, params %v", u, signedURL, p)
		}
		if got := v.Verify(u, p, sig); got != (want && sig != "") {
			t.Fatalf("Verify = %v, twilio-go Validate = %v: url %q signed for %q, params %v", got, want, u, signedURL, p)
		}
		if want {
			accepted++
		}
		if !v.signedExactly(u, p, Sign(testToken, u, p)) {
			t.Fatalf("exact check rejected Twilio's signature of %q with %v", u, p)
		}
	}
	if accepted < 100 {
		t.Fatalf("only %d of 3000 inputs were valid: the test exercises too little acceptance", accepted)
	}
}

func TestExactCheckAllocatesNothing(t *testing.T) {
	const u = "https://hotline.example.org/webhooks/twilio/messages"
	p := url.Values{"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "From": {"+85510000123"}, "Body": {"ជួយខ្ញុំផង"}}
	sig := Sign(testToken, u, p)
	v := NewVerifier(testToken)
	v.Verify(u, p, sig) // fill the pool
	if n := testing.AllocsPerRun(100, func() {
		if !v.Verify(u, p, sig) {
			t.Fatal("rejected")
		}
	}); n > 0 {
		t.Fatalf("Verify allocated %.0f times per call", n)
	}
}

// BenchmarkVerify compares the exact-URL check with twilio-go's Validate
// alone, on a webhook shaped like an SMS from the load tool.
func BenchmarkVerify(b *testing.B) {
	const u = "http://127.0.0.1:8080/webhooks/twilio/messages"
	p := url.Values{}
	for _, kv := range [][2]string{
		{"MessageSid", "SM0123456789abcdef0123456789abcdef"}, {"SmsSid", "SM0123456789abcdef0123456789abcdef"},
		{"AccountSid", "AC0000000000000000000000000000000a"}, {"MessagingServiceSid", ""},
		{"From", "+85510000123"}, {"To", "+85510999000"}, {"Body", "ជួយខ្ញុំផង ពួកគេយកលិខិតឆ្លងដែនរបស់ខ្ញុំ"},
		{"NumMedia", "0"}, {"NumSegments", "1"}, {"SmsStatus", "received"}, {"ApiVersion", "2010-04-01"},
		{"FromCountry", "KH"}, {"FromCity", ""}, {"FromState", ""}, {"FromZip", ""},
		{"ToCountry", "KH"}, {"ToCity", ""}, {"ToState", ""}, {"ToZip", ""},
	} {
		p.Set(kv[0], kv[1])
	}
	sig := Sign(testToken, u, p)
	b.Run("verify", func(b *testing.B) {
		v := NewVerifier(testToken)
		b.ReportAllocs()
		for b.Loop() {
			if !v.Verify(u, p, sig) {
				b.Fatal("rejected")
			}
		}
	})
	b.Run("twilio-go-validate", func(b *testing.B) {
		v := client.NewRequestValidator(testToken)
		b.ReportAllocs()
		for b.Loop() {
			if !v.Validate(u, foldParams(p), sig) {
				b.Fatal("rejected")
			}
		}
	})
}
