package store

import "strings"

// Phone numbers reach the hotline in every form: Twilio and WhatsApp give
// E.164 ("+85512345678"), a mother in Seoul writes her son's number as she
// dials it ("010-1234-5678"), a Cambodian family as they dial it
// ("012 345 678"), others half-way ("855 12 345 678", "(+855) 012 345 678",
// "0082 10 …"). The index keeps one form, E.164 digits without "+", so that
// all of them meet.
//
// Local numbers are read by two countries' rules, the ones the hotline
// serves:
//
//   - Korea: mobiles 010 + 8 digits (11 digits), and the older 011, 016,
//     017, 018, 019 + 7 digits (10 digits) → +82 without the trunk 0.
//   - Cambodia: 0 + 8 or 9 digits (9 or 10 digits) whose operator prefix is
//     01x, 06x, 07x, 08x or 09x → +855 without the trunk 0.
//
// A number both rules can read (a 10-digit 01x) goes to the country the
// case points to: Korea when its nationality is KR, Cambodia otherwise.
// Any other local number (a landline, another country's) keeps its 0 and
// meets only the same number written the same way.

// phoneE164 is s as E.164 digits without "+", or "" when s is not a phone
// number: it holds something other than digits, "+", spaces and
// "-().", or has too few or too many digits. home is "KR", "KH" or "".
func phoneE164(s, home string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "whatsapp:")
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '+' || r == ' ' || r == '-' || r == '(' || r == ')' || r == '.') {
			return ""
		}
	}
	if strings.Count(s, "+") > 1 || strings.Contains(s, "+") && !strings.HasPrefix(strings.TrimLeft(s, "( "), "+") {
		return ""
	}
	d := digitsOnly(s)
	switch {
	case strings.Contains(s, "+"):
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case strings.HasPrefix(d, "0"):
		d = localE164(d, home)
	case len(d) < 10:
		// Digits without a prefix are a number with its country code (a
		// WhatsApp id, "855 12 345 678"); shorter ones are a date or an
		// amount, not a number to call.
		return ""
	}
	d = dropTrunk(d)
	if len(d) < 8 || len(d) > 15 || hasTrunk(d) {
		return "" // a second 0 after the country code is no number
	}
	return d
}

// localE164 reads a number dialled inside Korea or Cambodia (d starts with
// the trunk 0) as an international one.
func localE164(d, home string) string {
	kr := len(d) == 11 && strings.HasPrefix(d, "010") ||
		len(d) == 10 && (strings.HasPrefix(d, "011") || strings.HasPrefix(d, "016") || strings.HasPrefix(d, "017") ||
			strings.HasPrefix(d, "018") || strings.HasPrefix(d, "019"))
	kh := (len(d) == 9 || len(d) == 10) && strings.IndexByte("16789", d[1]) >= 0
	switch {
	case kr && (!kh || home == "KR"):
		return "82" + d[1:]
	case kh:
		return "855" + d[1:]
	}
	return d
}

// hasTrunk reports whether d has a 0 right after a Cambodian or Korean
// country code.
func hasTrunk(d string) bool {
	return strings.HasPrefix(d, "8550") || strings.HasPrefix(d, "820")
}

// dropTrunk removes a trunk 0 written after the country code, as in
// "(+855) 012 345 678" or "+82 010-…": it is never dialled from abroad.
func dropTrunk(d string) string {
	for _, cc := range []string{"855", "82"} {
		if strings.HasPrefix(d, cc+"0") {
			return cc + d[len(cc)+1:]
		}
	}
	return d
}
