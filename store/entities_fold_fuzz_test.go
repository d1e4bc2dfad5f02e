package store

import (
	"testing"
	"unicode/utf8"
)

// A normalized number is E.164 digits or nothing, and reading it back as
// an international number gives it again, whatever the case's country.
func FuzzPhoneE164(f *testing.F) {
	for _, s := range []string{"+85510000123", "010-0000-1234", "012 000 456", "(+855) 012 000 456", "0082 10 0000 1234",
		"855 12 000 456", "2024-11-27", "++1", "0", "whatsapp:+821000001234", "0(0)8"} {
		f.Add(s, "KR")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, s, home string) {
		d := phoneE164(s, home)
		if d == "" {
			return
		}
		if len(d) < 8 || len(d) > 15 || digitsOnly(d) != d {
			t.Fatalf("phoneE164(%q) = %q: not E.164 digits", s, d)
		}
		for _, h := range []string{"", "KR", "KH"} {
			if again := phoneE164("+"+d, h); again != d {
				t.Fatalf("phoneE164(%q) = %q, but +%s reads as %q", s, d, d, again)
			}
		}
	})
}

// A folded name folds to itself, so a key read back from the index meets
// the same name folded again.
func FuzzPersonKey(f *testing.F) {
	for _, s := range []string{"Kim Min-jun", "김 민준", "សុខ\u200bដារ៉ា", "Dara Sok", "a b", "\u00c5ngstr\u00f6m X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		k := personKey(s)
		if k == "" {
			return
		}
		if again := personKey(k); again != k {
			t.Fatalf("personKey(%q) = %q, folds again to %q", s, k, again)
		}
	})
}
