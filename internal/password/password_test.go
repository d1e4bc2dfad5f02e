package password

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name, pw, user string
		want           error
	}{
		{"too short", "short enough", "dara", ErrTooShort},
		{"fourteen", "abcdefgh-kl-no", "dara", ErrTooShort},
		{"fifteen", "river lamp quiet", "dara", nil},
		{"sixty-four ok", strings.Repeat("moss rain ", 6) + "tide", "dara", nil},
		{"two hundred ok", strings.Repeat("a quiet blue river bends ", 8), "dara", nil},
		{"too long", strings.Repeat("x", MaxLength-1) + "yz", "dara", ErrTooLong},
		{"common", "qwertyuiopasdfghjkl", "dara", ErrCommon},
		{"common, any case", "Correct Horse Battery Staple", "dara", ErrCommon},
		{"common, padded", "Password2024!!!!", "dara", ErrCommon},
		{"common, repeated", "IloveyouIloveyou", "dara", ErrCommon},
		{"one letter", "aaaaaaaaaaaaaaaaaa", "dara", ErrPattern},
		{"short unit", "abcabcabcabcabcabc", "dara", ErrPattern},
		{"digit run", "123456789012345", "dara", ErrPattern},
		{"letter run down", "zyxwvutsrqponmlk", "dara", ErrPattern},
		{"random digits ok", "738291046573829", "dara", nil},
		{"user name", "sokha-likes-long-walks", "Sokha", ErrContext},
		{"service name", "my own hotline secret", "dara", ErrContext},
		{"two-letter name ignored", "calm lake at night", "la", nil},
		// Characters are code points (NIST): 15 Khmer code points are 45
		// bytes, 14 are 40 with the space.
		{"khmer 15", "សួស្តីពិភពលោកណា", "dara", nil},
		{"khmer 14", "សួស្តី ពិភពលោក", "dara", ErrTooShort},
		// 8 Hangul syllables are 24 bytes but only 8 characters.
		{"korean 8", "우리집강아지최고", "dara", ErrTooShort},
		{"korean 15", "우리 집 강아지는 정말 귀엽다", "dara", nil},
		{"invalid utf-8", "abc\xffdefghijklmnopq", "dara", ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Check(tt.pw, tt.user); got != tt.want {
				t.Fatalf("Check(%q) = %v, want %v", tt.pw, got, tt.want)
			}
		})
	}
}

// TestCountsCharactersNotBytes pins the test data above: the Khmer and
// Korean cases mean something only if bytes and characters differ.
func TestCountsCharactersNotBytes(t *testing.T) {
	for _, s := range []string{"សួស្តី ពិភពលោក", "우리집강아지최고"} {
		if len(s) < MinLength {
			t.Fatalf("%q is only %d bytes", s, len(s))
		}
	}
	if ID(ErrTooShort) != "password.too_short" || ID(nil) != "" {
		t.Fatal("ID does not name the rule")
	}
}

func TestNormalizedBeforeCounting(t *testing.T) {
	// "é" as e + combining acute is two code points, one character in NFC.
	decomposed := strings.Repeat("e\u0301", 14)
	if Check(decomposed, "dara") != ErrTooShort {
		t.Fatal("a decomposed 14-character password passed as 28")
	}
}

func TestHashLongPassphrase(t *testing.T) {
	long := strings.Repeat("ព្រះអាទិត្យរះ ", 6) // ~250 bytes
	h, err := Hash(long, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if !Compare(h, long) {
		t.Fatal("long passphrase does not match its hash")
	}
	// Beyond 72 bytes every character still counts.
	if Compare(h, long[:len(long)-1]+"x") {
		t.Fatal("a different ending matched")
	}
	// Hashes made with plain bcrypt keep working.
	old, _ := bcrypt.GenerateFromPassword([]byte("an older password"), bcrypt.MinCost)
	if !Compare(string(old), "an older password") || Compare(string(old), "an older passwore") {
		t.Fatal("plain bcrypt hash not compatible")
	}
	// The same text typed decomposed matches the composed one.
	h2, _ := Hash("caf\u00e9 au lait, s'il vous plait", bcrypt.MinCost)
	if !Compare(h2, "cafe\u0301 au lait, s'il vous plait") {
		t.Fatal("NFC forms do not match")
	}
}
