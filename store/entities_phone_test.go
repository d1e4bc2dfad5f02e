package store

import (
	"testing"

	"hotline"
)

// Fictional numbers, each written the ways families and providers write it.
func TestPhoneE164(t *testing.T) {
	cases := []struct {
		name, in, home, want string
	}{
		{"E.164 from Twilio", "+85510000123", "", "85510000123"},
		{"E.164 with spaces", "+855 10 000 123", "", "85510000123"},
		{"WhatsApp prefix", "whatsapp:+821000001234", "", "821000001234"},
		{"KH local, 9 digits", "010 000 123", "", "85510000123"},
		{"KH local, 9 digits, Khmer case", "012 000 456", "KH", "85512000456"},
		{"KH local, 10 digits (Metfone 097)", "097 000 1234", "", "855970001234"},
		{"11 digits not 010 is no KH or KR mobile", "097 0000 1234", "", "09700001234"},
		{"KH local, operator 06x", "069-000-123", "", "85569000123"},
		{"KH local, operator 08x", "088 0000 123", "", "855880000123"},
		{"KR mobile, dashes", "010-0000-1234", "", "821000001234"},
		{"KR mobile, no separators", "01000001234", "KH", "821000001234"},
		{"KR mobile, Korean case", "010 0000 1234", "KR", "821000001234"},
		{"10-digit 01x is Korean for a Korean case", "011-000-1234", "KR", "82110001234"},
		{"10-digit 01x is Cambodian otherwise", "011-000-1234", "KH", "855110001234"},
		{"10-digit 01x, no country known", "0110001234", "", "855110001234"},
		{"country code without plus", "855 12 000 456", "", "85512000456"},
		{"KR country code without plus", "82 10 0000 1234", "", "821000001234"},
		{"trunk 0 kept after +855", "(+855) 012 000 456", "", "85512000456"},
		{"trunk 0 kept after +82", "+82 (0)10-0000-1234", "", "821000001234"},
		{"international prefix 0082", "0082 10 0000 1234", "", "821000001234"},
		{"international prefix 00855", "00855 12 000 456", "", "85512000456"},
		{"international prefix and trunk 0", "00855 012 000 456", "", "85512000456"},
		{"other country in E.164", "+66 80 000 1234", "", "66800001234"},
		{"landline keeps its 0 (Phnom Penh 023)", "023 000 456", "", "023000456"},
		{"dots", "+855.10.000.123", "", "85510000123"},

		{"junk: too short", "12345", "", ""},
		{"junk: local too short", "0123", "", ""},
		{"junk: date", "2024-11-27", "", ""},
		{"junk: time", "10:30", "", ""},
		{"junk: letters", "call 010 000 123", "", ""},
		{"junk: amount", "$5000", "", ""},
		{"junk: plus in the middle", "855+12000456", "", ""},
		{"junk: two plus signs", "++85510000123", "", ""},
		{"junk: too long", "+85510000123456789", "", ""},
		{"junk: slash date", "01/02/2024", "", ""},
		{"junk: empty", "", "", ""},
		{"junk: anonymous web address", "anon:f00dfeed", "", ""},
		{"junk: a second 0 after the country code", "0082 00 000 000", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := phoneE164(c.in, c.home); got != c.want {
				t.Errorf("phoneE164(%q, %q) = %q, want %q", c.in, c.home, got, c.want)
			}
		})
	}
}

// The triage finds a number as written; the index meets it with the
// E.164 form whichever way it came, and a case's country decides.
func TestNormalizeEntityPhoneUsesHome(t *testing.T) {
	for _, c := range []struct {
		kind, value, home, want string
	}{
		{"phone", "010-0000-1234", "KR", "821000001234"},
		{"whatsapp", "+82 10-0000-1234", "", "821000001234"},
		{"phone", "011 000 1234", "KR", "82110001234"},
		{"phone", "011 000 1234", "", "855110001234"},
		{"phone", "(+855) 012 000 456", "", "85512000456"},
	} {
		got := normalizeEntity(hotline.Entity{Kind: c.kind, Value: c.value}, c.home)
		if len(got) != 1 || got[0].kind != KindPhone || got[0].value != c.want {
			t.Errorf("%s %q (home %q) = %+v, want phone %s", c.kind, c.value, c.home, got, c.want)
		}
	}
	if got := normalizeEntity(hotline.Entity{Kind: "phone", Value: "2024-11-27"}, ""); len(got) != 0 {
		t.Errorf("a date became %+v", got)
	}
	// Staff typing a local number by hand get the same form.
	if v, err := NormalizeEntityValue(KindPhone, "012 000 456"); err != nil || v != "85512000456" {
		t.Errorf("NormalizeEntityValue = %q, %v", v, err)
	}
}

func TestPersonKey(t *testing.T) {
	same := [][]string{
		{"Kim Min-jun", "min-jun kim", "MINJUN KIM", "  Kim   Minjun ", "Kim, Min-jun"},
		{"Dara Sok", "SOK Dara", "sok  dara", "Dara Sok."},
		{"김민준", "김 민준", "김\u200b민준"},
		{"សុខ ដារ៉ា", "សុខ\u200bដារ៉ា", "សុខដារ៉ា", "សុខ ដារ៉ា"},
		{"Nguyễn Văn An", "NGUYỄN VĂN AN", "An Nguyễn Văn"},
	}
	for _, group := range same {
		want := personKey(group[0])
		if want == "" {
			t.Fatalf("%q folds to nothing", group[0])
		}
		for _, n := range group[1:] {
			if got := personKey(n); got != want {
				t.Errorf("personKey(%q) = %q, want %q (as %q)", n, got, want, group[0])
			}
		}
	}
	differ := [][2]string{
		{"Kim Min-jun", "Kim Min-seo"},
		{"Kim Min-jun", "Min Jun Kim"}, // a split given name is another spelling
		{"김민준", "김민서"},
		{"សុខ ដារ៉ា", "ដារ៉ា សុខ"}, // Khmer order is kept
		{"Dara Sok", "Dara Sokha"},
	}
	for _, d := range differ {
		if personKey(d[0]) == personKey(d[1]) {
			t.Errorf("%q and %q fold alike (%q)", d[0], d[1], personKey(d[0]))
		}
	}
	for _, n := range []string{"", "Dara", "  ", "\u200b", "김", "123 456", "-- --"} {
		if got := personKey(n); got != "" {
			t.Errorf("personKey(%q) = %q, want nothing (too little to be a name)", n, got)
		}
	}
}
