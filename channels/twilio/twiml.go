package twilio

import (
	"slices"
	"sync"

	"github.com/twilio/twilio-go/twiml"
)

// MessageTwiML is the answer to an inbound webhook: a single reply message,
// or an empty <Response/> when body is "" so that Twilio sends nothing (we
// never send what the person did not expect).
func MessageTwiML(body string) ([]byte, error) {
	if body == "" {
		b, err := emptyResponse()
		return slices.Clone(b), err // the caller owns what it gets
	}
	var verbs []twiml.Element
	if body != "" {
		verbs = append(verbs, &twiml.MessagingMessage{Body: body})
	}
	s, err := twiml.Messages(verbs)
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// emptyResponse is the empty <Response/>, built once by twilio-go: most
// webhooks get it (only a person's first message is acknowledged).
var emptyResponse = sync.OnceValues(func() ([]byte, error) {
	s, err := twiml.Messages(nil)
	return []byte(s), err
})
