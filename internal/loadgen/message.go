package loadgen

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync/atomic"
)

// bodies are short fictional messages in the hotline's three languages, so
// that a run exercises Khmer and Hangul text through parsing and triage.
var bodies = []string{
	"ជួយខ្ញុំផង ពួកគេយកលិខិតឆ្លងដែនរបស់ខ្ញុំ",     // help me, they took my passport
	"ខ្ញុំនៅក្នុងអគារមួយនៅព្រះសីហនុ មិនអាចចេញបាន", // I am in a building in Sihanoukville, cannot leave
	"កូនប្រុសខ្ញុំបាត់ទំនាក់ទំនងតាំងពីម្សិលមិញ",   // my son has been out of contact since yesterday
	"여권을 빼앗겼어요. 도와주세요",         // they took my passport, please help
	"아들이 캄보디아에서 연락이 안 돼요",      // my son in Cambodia cannot be reached
	"건물 밖으로 나갈 수 없어요. 바벳 근처예요", // I cannot leave the building, near Bavet
	"Please help, I am locked in a compound near Poipet",
	"My sister went to Phnom Penh for a job and now they want money",
	"Is this the hotline? I can only write for a minute",
}

// sidSource hands out MessageSids that are unique within a run (a counter)
// and, with overwhelming probability, across runs (a random prefix), so a
// second run against the same database is not silently deduplicated.
type sidSource struct {
	prefix string // 16 hex digits
	n      atomic.Uint64
}

func newSIDSource() (*sidSource, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return &sidSource{prefix: hex.EncodeToString(b[:])}, nil
}

// next returns "SM" followed by 32 hex digits, the shape of a Twilio MessageSid.
func (s *sidSource) next() string {
	return string(s.appendNext(nil))
}

// appendNext appends the next MessageSid to dst, for workers that reuse a
// buffer instead of allocating a string per request.
func (s *sidSource) appendNext(dst []byte) []byte {
	const hexDigits = "0123456789abcdef"
	n := s.n.Add(1) - 1
	dst = append(append(dst, "SM"...), s.prefix...)
	for shift := 60; shift >= 0; shift -= 4 {
		dst = append(dst, hexDigits[n>>uint(shift)&0xf])
	}
	return dst
}

// form builds the webhook Twilio would post for request i: the sender cycles
// through the fictional numbers +85510000000.. and the body through bodies.
// Workers use the encoder instead; form stays as the readable reference the
// encoder is tested against.
func form(sid, account string, i, senders int) url.Values {
	v := url.Values{}
	v.Set("ToCountry", "KH")
	v.Set("SmsMessageSid", sid)
	v.Set("NumMedia", "0")
	v.Set("SmsSid", sid)
	v.Set("SmsStatus", "received")
	v.Set("Body", bodies[i%len(bodies)])
	v.Set("FromCountry", "KH")
	v.Set("To", "+85510999000")
	v.Set("NumSegments", "1")
	v.Set("MessageSid", sid)
	if account != "" {
		v.Set("AccountSid", account)
	}
	v.Set("From", "+85510"+fmt.Sprintf("%06d", i%senders))
	v.Set("ApiVersion", "2010-04-01")
	return v
}
