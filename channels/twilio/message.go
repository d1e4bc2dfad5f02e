package twilio

import (
	"net/url"
	"strconv"
	"strings"

	"hotline"
)

// maxMedia is Twilio's limit on attachments per message; a larger NumMedia is
// not something Twilio sends.
const maxMedia = 10

const whatsappPrefix = "whatsapp:"

// metaFields are the provider fields kept for staff in Inbound.Meta: the
// WhatsApp id, a shared location's address and label, and Twilio's guess at
// where an SMS number is registered.
var metaFields = []string{"WaId", "Address", "Label", "FromCountry", "FromCity"}

// ParseMessage turns the form of an inbound SMS or WhatsApp webhook into an
// Inbound. accountSID, when not empty, must match the form's AccountSid: a
// correctly signed request for another account of ours is still not ours to
// take. Errors never quote the message body or a phone number.
func ParseMessage(params url.Values, accountSID string) (hotline.Inbound, error) {
	var in hotline.Inbound
	if err := checkAccount(params, accountSID); err != nil {
		return in, err
	}
	in.ExternalID = firstOf(params, "MessageSid", "SmsMessageSid")
	if in.ExternalID == "" {
		return in, hotline.Errorf(hotline.EINVALID, "twilio: MessageSid is missing")
	}
	from := strings.TrimSpace(params.Get("From"))
	if from == "" {
		return in, hotline.Errorf(hotline.EINVALID, "twilio: From is missing")
	}
	in.Channel = hotline.SMS
	if strings.HasPrefix(from, whatsappPrefix) {
		in.Channel = hotline.WhatsApp
		from = strings.TrimSpace(strings.TrimPrefix(from, whatsappPrefix))
		if from == "" {
			return in, hotline.Errorf(hotline.EINVALID, "twilio: From is missing")
		}
	}
	in.From = from
	in.To = strings.TrimPrefix(strings.TrimSpace(params.Get("To")), whatsappPrefix)
	in.Name = strings.TrimSpace(params.Get("ProfileName"))
	in.Body = params.Get("Body")

	media, err := parseMedia(params)
	if err != nil {
		return in, err
	}
	in.Media = media
	if in.Lat, in.Lon, err = parsePoint(params); err != nil {
		return in, err
	}
	if in.Body == "" && len(in.Media) == 0 && in.Lat == nil {
		return in, hotline.Errorf(hotline.EINVALID, "twilio: message has no Body, media or location")
	}
	for _, k := range metaFields {
		if v := strings.TrimSpace(params.Get(k)); v != "" {
			if in.Meta == nil {
				in.Meta = make(map[string]string)
			}
			in.Meta[k] = v
		}
	}
	return in, nil
}

// parseMedia reads NumMedia and its MediaUrlN/MediaContentTypeN pairs.
func parseMedia(params url.Values) ([]hotline.Media, error) {
	s := strings.TrimSpace(params.Get("NumMedia"))
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxMedia {
		return nil, hotline.Errorf(hotline.EINVALID, "twilio: NumMedia must be a number from 0 to %d", maxMedia)
	}
	var media []hotline.Media
	for i := range n {
		idx := strconv.Itoa(i)
		u := strings.TrimSpace(params.Get("MediaUrl" + idx))
		if u == "" {
			return nil, hotline.Errorf(hotline.EINVALID, "twilio: MediaUrl%d is missing", i)
		}
		media = append(media, hotline.Media{URL: u, ContentType: strings.TrimSpace(params.Get("MediaContentType" + idx))})
	}
	return media, nil
}

// parsePoint reads a shared WhatsApp location. Both coordinates or neither:
// half a point is no place a responder can go.
func parsePoint(params url.Values) (lat, lon *float64, err error) {
	latS, lonS := strings.TrimSpace(params.Get("Latitude")), strings.TrimSpace(params.Get("Longitude"))
	if latS == "" && lonS == "" {
		return nil, nil, nil
	}
	la, err1 := strconv.ParseFloat(latS, 64)
	lo, err2 := strconv.ParseFloat(lonS, 64)
	if err1 != nil || err2 != nil || !(la >= -90 && la <= 90) || !(lo >= -180 && lo <= 180) {
		return nil, nil, hotline.Errorf(hotline.EINVALID, "twilio: Latitude/Longitude is not a valid point")
	}
	return &la, &lo, nil
}

// checkAccount rejects forms for an account other than ours.
func checkAccount(params url.Values, accountSID string) error {
	if accountSID != "" && params.Get("AccountSid") != accountSID {
		return hotline.Errorf(hotline.EUNAUTHORIZED, "twilio: AccountSid does not match this account")
	}
	return nil
}

// firstOf returns the first non-empty value among the named fields, for
// fields Twilio has sent under more than one name over the years.
func firstOf(params url.Values, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(params.Get(n)); v != "" {
			return v
		}
	}
	return ""
}
