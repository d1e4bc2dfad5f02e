package twilio

import "github.com/twilio/twilio-go/twiml"

// MessageTwiML is the answer to an inbound webhook: a single reply message,
// or an empty <Response/> when body is "" so that Twilio sends nothing (we
// never send what the person did not expect).
func MessageTwiML(body string) ([]byte, error) {
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
