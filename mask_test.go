package hotline

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskAddress(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+85510000678", "+855 •••• 678"},
		{"+855 10 000 678", "+855 •••• 678"},
		{"whatsapp:+85510000678", "+855 •••• 678"},
		{"WhatsApp:+821000001234", "+82 •••• 234"},
		{"+8613800000123", "+86 •••• 123"},
		{"+84900000123", "+84 •••• 123"},
		{"+66800000123", "+66 •••• 123"},
		{"+6281000000123", "+62 •••• 123"},
		{"+959000000123", "+95 •••• 123"},
		{"+8562000000123", "+856 •••• 123"},
		{"+15550000123", "+1 •••• 123"},
		{"+2125550123", "•••• 123"},    // country code we do not list
		{"+85512", "•••• 12"},          // too short to be a phone: an odd address
		{"700000123", "•••• 123"},      // Telegram chat id
		{"-1001000000123", "•••• 123"}, // Telegram group id
		{"someone@example.org", "•••• org"},
		{"abcd", "•••• d"},
		{"ab", "••••"},
		{"", ""},
	} {
		if got := MaskAddress(tc.in); got != tc.want {
			t.Errorf("MaskAddress(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMaskAddressShowsAtMostThree checks the promise itself on every kind of
// input: nothing but the last three characters (and a country code) survive.
func TestMaskAddressShowsAtMostThree(t *testing.T) {
	for _, in := range []string{"+85510000678", "whatsapp:+821000001234", "700000123", "a@b.c", "@handle_name", "x"} {
		got := MaskAddress(in)
		if i := strings.Index(got, "•••• "); i >= 0 {
			got = got[i+len("•••• "):]
		} else {
			got = strings.TrimPrefix(got, "••••")
		}
		if utf8.RuneCountInString(got) > 3 || !strings.HasSuffix(in, got) {
			t.Errorf("MaskAddress(%q) shows %q", in, got)
		}
	}
}
