package loadgen

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"hash"
	"net/url"
)

// encoder writes request i's form body and X-Twilio-Signature into buffers it
// reuses, so that a worker spends its time on the server rather than on
// url.Values maps and sorting. The parameter names never change, so both the
// body and the signed string are laid out in the sorted order that
// url.Values.Encode and twilio.Sign would produce; the tests hold it to
// byte-identical output against those two.
//
// One encoder per worker: it is not safe for concurrent use.
type encoder struct {
	mac        hash.Hash
	signPrefix []byte // public URL, then the constant AccountSid and ApiVersion pairs
	bodyPrefix []byte // the same two pairs, form-encoded
	senders    int

	body, sign []byte
	sig        [28]byte // base64 of a 20-byte HMAC-SHA1
	sum        [sha1.Size]byte
}

// escapedBodies are the message texts form-encoded once, since the body is
// the only value that needs real escaping.
var escapedBodies = func() []string {
	e := make([]string, len(bodies))
	for i, b := range bodies {
		e[i] = url.QueryEscape(b)
	}
	return e
}()

func newEncoder(token, publicURL, account string, senders int) *encoder {
	e := &encoder{mac: hmac.New(sha1.New, []byte(token)), senders: senders}
	e.signPrefix = append(e.signPrefix, publicURL...)
	if account != "" {
		e.signPrefix = append(append(e.signPrefix, "AccountSid"...), account...)
		e.bodyPrefix = append(append(e.bodyPrefix, "AccountSid="...), url.QueryEscape(account)...)
		e.bodyPrefix = append(e.bodyPrefix, '&')
	}
	e.signPrefix = append(e.signPrefix, "ApiVersion2010-04-01"...)
	e.bodyPrefix = append(e.bodyPrefix, "ApiVersion=2010-04-01"...)
	return e
}

// encode returns the form body and signature of request i carrying sid. Both
// slices are valid until the next call.
func (e *encoder) encode(sid []byte, i int) (body, sig []byte) {
	text := bodies[i%len(bodies)]
	var digits [6]byte
	from := appendDigits6(digits[:0], i%e.senders)

	// Signed string: URL, then name+value for every parameter by name.
	s := append(e.sign[:0], e.signPrefix...)
	s = append(append(s, "Body"...), text...)
	s = append(append(s, "From+85510"...), from...)
	s = append(s, "FromCountryKH"...)
	s = append(append(s, "MessageSid"...), sid...)
	s = append(s, "NumMedia0NumSegments1"...)
	s = append(append(s, "SmsMessageSid"...), sid...)
	s = append(append(s, "SmsSid"...), sid...)
	s = append(s, "SmsStatusreceivedTo+85510999000ToCountryKH"...)
	e.sign = s
	e.mac.Reset()
	e.mac.Write(s)
	base64.StdEncoding.Encode(e.sig[:], e.mac.Sum(e.sum[:0]))

	// Form body, keys in the same order.
	b := append(e.body[:0], e.bodyPrefix...)
	b = append(append(b, "&Body="...), escapedBodies[i%len(bodies)]...)
	b = append(append(b, "&From=%2B85510"...), from...)
	b = append(b, "&FromCountry=KH&MessageSid="...)
	b = append(b, sid...)
	b = append(b, "&NumMedia=0&NumSegments=1&SmsMessageSid="...)
	b = append(b, sid...)
	b = append(b, "&SmsSid="...)
	b = append(b, sid...)
	b = append(b, "&SmsStatus=received&To=%2B85510999000&ToCountry=KH"...)
	e.body = b
	return b, e.sig[:]
}

// appendDigits6 appends n (0 <= n < 1e6) as six decimal digits, as "%06d".
func appendDigits6(dst []byte, n int) []byte {
	var d [6]byte
	for k := 5; k >= 0; k-- {
		d[k] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, d[:]...)
}
