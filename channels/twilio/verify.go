// Package twilio turns Twilio's SMS and WhatsApp webhooks into hotline
// messages: it checks X-Twilio-Signature, parses the form Twilio posts into a
// hotline.Inbound or a delivery StatusUpdate, and writes the TwiML answer. It
// knows nothing of HTTP frameworks so that the server, the tests and the load
// tool can all share it.
package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/twilio/twilio-go/client"
)

// Verifier checks X-Twilio-Signature headers with one account's auth token.
// Whatever its exact-URL check does not accept it leaves to twilio-go's
// RequestValidator, which also accepts URLs signed with or without the
// default port, as Twilio's own back end is inconsistent about it.
type Verifier struct {
	token     string
	validator client.RequestValidator
	// signers holds *signer values keyed with the token, for the exact-URL
	// check (see Verify).
	signers sync.Pool
}

// NewVerifier returns a Verifier for authToken. A Verifier with an empty token
// rejects everything, so a channel without credentials refuses traffic.
func NewVerifier(authToken string) *Verifier {
	v := &Verifier{token: authToken, validator: client.NewRequestValidator(authToken)}
	v.signers.New = func() any { return &signer{mac: hmac.New(sha1.New, []byte(authToken))} }
	return v
}

// Verify reports whether signature is Twilio's signature of a POST to fullURL
// (the public URL Twilio called, query string included) carrying params.
//
// It first checks the signature of fullURL exactly as given, which is what
// Twilio signs when the configured URL matches. twilio-go's Validate checks
// that same string (as its with-port form when the URL has a port, its
// without-port form when it has none) and one variant besides, so whatever
// this check accepts Validate accepts too (TestExactCheckAgreesWithTwilioGo);
// everything else, forgeries included, is decided by Validate. The check
// exists because Validate re-parses the URL four times and builds its
// strings with fmt and repeated concatenation, which cost more than the two
// HMACs it computes: at 10,000 webhooks a second that was a tenth of the
// server's CPU.
func (v *Verifier) Verify(fullURL string, params url.Values, signature string) bool {
	if v == nil || v.token == "" || signature == "" {
		return false
	}
	if v.signedExactly(fullURL, params, signature) {
		return true
	}
	return v.validator.Validate(fullURL, foldParams(params), signature)
}

// signedExactly reports whether signature is the HMAC of fullURL, unchanged,
// followed by params. Like twilio-go, it compares the base64 text in
// constant time: decoding the header instead would also accept text that
// only decodes to the same bytes (the decoder skips line breaks).
func (v *Verifier) signedExactly(fullURL string, params url.Values, signature string) bool {
	var want [28]byte // base64 of an HMAC-SHA1
	if len(signature) != len(want) {
		return false
	}
	s := v.signers.Get().(*signer)
	base64.StdEncoding.Encode(want[:], s.sum(fullURL, params))
	v.signers.Put(s)
	return subtle.ConstantTimeCompare(want[:], []byte(signature)) == 1
}

// signer is a keyed HMAC with a buffer for the signed string, reused so that
// checking a webhook allocates nothing.
type signer struct {
	mac hash.Hash
	buf []byte
	out [sha1.Size]byte
}

// sum returns the HMAC of what Twilio signs for a POST of params to
// fullURL, valid until the next call.
func (s *signer) sum(fullURL string, params url.Values) []byte {
	s.buf = appendSigned(s.buf[:0], fullURL, params)
	s.mac.Reset()
	s.mac.Write(s.buf)
	return s.mac.Sum(s.out[:0])
}

// foldParams flattens params into the map twilio-go's validator takes. The
// validator appends name+value per key; for a name that appears more than
// once Twilio's reference libraries append name+value for every value in
// sorted order, so the extra values are folded into the first one with the
// name between them. Without this a repeated field would go unsigned.
func foldParams(params url.Values) map[string]string {
	m := make(map[string]string, len(params))
	for k, vs := range params {
		switch len(vs) {
		case 0:
			continue
		case 1:
			m[k] = vs[0]
		default:
			sorted := append([]string(nil), vs...)
			sort.Strings(sorted)
			m[k] = strings.Join(sorted, k)
		}
	}
	return m
}

// Sign computes the X-Twilio-Signature Twilio would send for a POST of params
// to fullURL: base64 HMAC-SHA1 under authToken of the URL followed by every
// parameter name and value, sorted by name (and by value within a name).
// twilio-go does not export its signer; tests and the load tool need one.
func Sign(authToken, fullURL string, params url.Values) string {
	s := signer{mac: hmac.New(sha1.New, []byte(authToken))}
	return base64.StdEncoding.EncodeToString(s.sum(fullURL, params))
}

// appendSigned appends to dst what Twilio signs: the URL, then every
// parameter name and value, sorted by name and by value within a name.
func appendSigned(dst []byte, fullURL string, params url.Values) []byte {
	var buf [32]string // a webhook has about 20 parameters: no allocation
	keys := buf[:0]
	for k, vs := range params {
		if len(vs) > 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	dst = append(dst, fullURL...)
	for _, k := range keys {
		vs := params[k]
		if len(vs) > 1 {
			vs = slices.Clone(vs)
			slices.Sort(vs)
		}
		for _, v := range vs {
			dst = append(append(dst, k...), v...)
		}
	}
	return dst
}
