// Package twilio turns Twilio's SMS and WhatsApp webhooks into hotline
// messages: it checks X-Twilio-Signature, parses the form Twilio posts into a
// hotline.Inbound or a delivery StatusUpdate, and writes the TwiML answer. It
// knows nothing of HTTP frameworks so that the server, the tests and the load
// tool can all share it.
package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"

	"github.com/twilio/twilio-go/client"
)

// Verifier checks X-Twilio-Signature headers with one account's auth token.
// It delegates the comparison to twilio-go's RequestValidator, which also
// accepts URLs signed with or without the default port, as Twilio's own
// back end is inconsistent about it.
type Verifier struct {
	token     string
	validator client.RequestValidator
}

// NewVerifier returns a Verifier for authToken. A Verifier with an empty token
// rejects everything, so a channel without credentials refuses traffic.
func NewVerifier(authToken string) *Verifier {
	return &Verifier{token: authToken, validator: client.NewRequestValidator(authToken)}
}

// Verify reports whether signature is Twilio's signature of a POST to fullURL
// (the public URL Twilio called, query string included) carrying params.
func (v *Verifier) Verify(fullURL string, params url.Values, signature string) bool {
	if v == nil || v.token == "" || signature == "" {
		return false
	}
	return v.validator.Validate(fullURL, foldParams(params), signature)
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
	keys := make([]string, 0, len(params))
	for k, vs := range params {
		if len(vs) > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(fullURL))
	for _, k := range keys {
		vs := params[k]
		if len(vs) > 1 {
			vs = append([]string(nil), vs...)
			sort.Strings(vs)
		}
		for _, v := range vs {
			mac.Write([]byte(k))
			mac.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
