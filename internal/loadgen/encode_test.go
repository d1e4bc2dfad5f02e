package loadgen

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"hotline/channels/twilio"
)

// randomText mixes Khmer, Hangul, ASCII and the characters form encoding and
// signing care about (&, =, +, %, space, newline).
func randomText(r *rand.Rand) string {
	alphabets := []string{
		"កខគឃងចឆជឈញដឋឌឍណតថទធនបផពភមយរលវសហឡអាិីឹឺុូួើឿៀេែៃោៅំះៈ់៉៊់៌៍៎៏័៑្",
		"가나다라마바사아자차카타파하여권을빼앗겼어요도와주세요캄보디아",
		"abcXYZ 0123456789",
		"&=+%?#/ \n\t\"'<>;",
		"🙏é€",
	}
	var b strings.Builder
	for n := r.IntN(200); n > 0; n-- {
		a := []rune(alphabets[r.IntN(len(alphabets))])
		b.WriteRune(a[r.IntN(len(a))])
	}
	return b.String()
}

// TestEncoderMatchesReference holds the fast path to the readable one: for
// many random message texts, accounts, URLs and request numbers the encoder
// must produce exactly the body url.Values.Encode produces and exactly the
// signature twilio.Sign produces.
func TestEncoderMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	saved := bodies
	savedEsc := escapedBodies
	defer func() { bodies, escapedBodies = saved, savedEsc }()

	sids, err := newSIDSource()
	if err != nil {
		t.Fatal(err)
	}
	for round := range 300 {
		// A fresh set of message texts each round, escaped as the
		// encoder expects them.
		bodies = make([]string, 1+r.IntN(5))
		escapedBodies = make([]string, len(bodies))
		for k := range bodies {
			bodies[k] = randomText(r)
			escapedBodies[k] = url.QueryEscape(bodies[k])
		}
		if round == 0 {
			bodies, escapedBodies = saved, savedEsc
		}
		token := "t" + randomText(r) // a Verifier with an empty token rejects everything
		account := []string{"", testAccount, "AC" + randomText(r)}[r.IntN(3)]
		publicURL := []string{publicURL, "http://127.0.0.1:8080/webhooks/twilio/messages?x=ខ&y=1", "https://h.example.org/" + url.PathEscape(randomText(r))}[r.IntN(3)]
		senders := 1 + r.IntN(1_000_000)
		enc := newEncoder(token, publicURL, account, senders)
		for range 20 {
			i := r.IntN(1 << 30)
			sid := sids.next()
			body, sig := enc.encode([]byte(sid), i)
			params := form(sid, account, i, senders)
			if want := params.Encode(); string(body) != want {
				t.Fatalf("round %d: body\n%s\nwant\n%s", round, body, want)
			}
			if want := twilio.Sign(token, publicURL, params); string(sig) != want {
				t.Fatalf("round %d: signature %s, want %s", round, sig, want)
			}
			// And the server side agrees, from the bytes on the wire.
			got, err := url.ParseQuery(string(body))
			if err != nil {
				t.Fatal(err)
			}
			if !twilio.NewVerifier(token).Verify(publicURL, got, string(sig)) {
				t.Fatalf("round %d: the verifier rejects the encoder's signature (url %q account %q)", round, publicURL, account)
			}
		}
	}
}

// TestEncoderSignatureDependsOnToken guards against an encoder that signs
// without its key: another token must give another signature.
func TestEncoderSignatureDependsOnToken(t *testing.T) {
	sid := []byte("SM0123456789abcdef0123456789abcdef")
	_, a := newEncoder(testToken, publicURL, testAccount, 5).encode(sid, 7)
	a = append([]byte(nil), a...)
	_, b := newEncoder("other-token", publicURL, testAccount, 5).encode(sid, 7)
	if string(a) == string(b) {
		t.Fatal("the same signature under two tokens")
	}
}

func TestSIDShape(t *testing.T) {
	s, err := newSIDSource()
	if err != nil {
		t.Fatal(err)
	}
	s.n.Store(0xfedcba9876543210)
	got := s.next()
	if want := "SM" + s.prefix + "fedcba9876543210"; got != want {
		t.Fatalf("sid %q, want %q", got, want)
	}
	if !sidShape.MatchString(s.next()) {
		t.Fatal("second sid has the wrong shape")
	}
}

func BenchmarkEncode(b *testing.B) {
	sids, _ := newSIDSource()
	enc := newEncoder(testToken, publicURL, testAccount, 1000)
	var sid []byte
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sid = sids.appendNext(sid[:0])
		enc.encode(sid, i)
	}
}

func BenchmarkEncodeReference(b *testing.B) {
	sids, _ := newSIDSource()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sid := sids.next()
		params := form(sid, testAccount, i, 1000)
		_ = params.Encode()
		_ = twilio.Sign(testToken, publicURL, params)
	}
}
