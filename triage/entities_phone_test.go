package triage

import "testing"

// Phone numbers as families write them (fictional numbers): each must be
// found once, as written; the store turns them into E.164.
func TestEntityPhoneForms(t *testing.T) {
	cases := []struct{ text, want string }{
		{"아들 번호는 010-0000-1234 입니다", "010-0000-1234"},
		{"លេខកូនខ្ញុំ 012 000 456", "012 000 456"},
		{"his number 855 12 000 456 please", "855 12 000 456"},
		{"his number 85512000456", "85512000456"},
		{"동생 번호 82 10 0000 1234", "82 10 0000 1234"},
		{"call (+855) 012 000 456", "+855) 012 000 456"},
		{"call +855 12 000 456", "+855 12 000 456"},
		{"call 0082 10 0000 1234", "0082 10 0000 1234"},
		{"call 00855 12 000 456", "00855 12 000 456"},
	}
	for _, c := range cases {
		var phones []string
		for _, e := range Classify(Input{Text: c.text}).Entities {
			if e.Kind == EntityPhone {
				phones = append(phones, e.Value)
			}
		}
		if len(phones) != 1 || phones[0] != c.want {
			t.Errorf("%q: phones %q, want [%q]", c.text, phones, c.want)
		}
	}
	for _, text := range []string{"I paid 82000000 won", "they want 855 dollars", "paid 8550000 riel", "room 8551 floor 2", "born 1982 10 12"} {
		for _, e := range Classify(Input{Text: text}).Entities {
			if e.Kind == EntityPhone {
				t.Errorf("%q: %q taken for a phone number", text, e.Value)
			}
		}
	}
}
