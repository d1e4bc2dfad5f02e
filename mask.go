package hotline

import "strings"

// maskDots stands for the hidden part of an address.
const maskDots = "••••"

// countryCodes are the calling codes kept visible in masked numbers: they
// tell staff where a phone is registered without identifying it. Longer
// codes first, so that 855 wins over a shorter code it starts with.
var countryCodes = []string{
	"855", "856", "880", "886", "852", "853", "971", "966",
	"95", "84", "86", "82", "81", "66", "62", "63", "60", "65", "91", "92", "94", "44", "61", "49", "33", "7",
	"1",
}

// MaskAddress hides a contact address for lists and logs: "+85510000678"
// becomes "+855 •••• 678". Phones in compounds are inspected and lists are
// seen by many, so no more than the last three characters ever show. The
// "whatsapp:" prefix is dropped first; addresses that are not phone numbers
// (Telegram chat ids, e-mail) show at most their last three characters, and
// fewer when they are short.
func MaskAddress(addr string) string {
	addr = strings.TrimSpace(addr)
	if len(addr) >= len("whatsapp:") && strings.EqualFold(addr[:len("whatsapp:")], "whatsapp:") {
		addr = strings.TrimSpace(addr[len("whatsapp:"):])
	}
	if addr == "" {
		return ""
	}
	if digits, ok := phoneDigits(addr); ok {
		rest := digits
		cc := ""
		for _, c := range countryCodes {
			if strings.HasPrefix(digits, c) {
				cc, rest = c, digits[len(c):]
				break
			}
		}
		tail := rest[len(rest)-3:]
		if cc == "" || len(rest) < 6 {
			return maskDots + " " + tail
		}
		return "+" + cc + " " + maskDots + " " + tail
	}
	r := []rune(addr)
	show := min(3, len(r)/3) // a short id must keep most of itself hidden
	if show == 0 {
		return maskDots
	}
	return maskDots + " " + string(r[len(r)-show:])
}

// phoneDigits returns the digits of an international number written with a
// leading '+' and optional spaces, dashes, dots or parentheses.
func phoneDigits(s string) (string, bool) {
	if !strings.HasPrefix(s, "+") {
		return "", false
	}
	var b strings.Builder
	for _, r := range s[1:] {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	if b.Len() < 7 {
		return "", false
	}
	return b.String(), true
}
