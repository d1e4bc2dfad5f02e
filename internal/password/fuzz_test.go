package password

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// FuzzCheck: no input panics, whatever passes is within the lengths, and
// whatever passes hashes to something it matches.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "river lamp quiet", "សួស្តីពិភពលោកណា", "우리 집 강아지는 정말 귀엽다", "e\u0301e\u0301", "\xff\xfe"} {
		f.Add(s, "dara")
	}
	f.Fuzz(func(t *testing.T, pw, name string) {
		if Check(pw, name) != nil {
			return
		}
		if n := utf8.RuneCountInString(Normalize(pw)); n < MinLength || n > MaxLength {
			t.Fatalf("accepted %d characters", n)
		}
		h, err := Hash(pw, bcrypt.MinCost)
		if err != nil || !Compare(h, pw) {
			t.Fatalf("hash of an accepted password: %v", err)
		}
	})
}
