package triage

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestNFCMarksComposeWithNothing backs buildNFCCCC's trust in the Khmer
// and Thai marks: no rune's canonical decomposition contains one, so no
// composition can swallow one.
func TestNFCMarksComposeWithNothing(t *testing.T) {
	var buf [utf8.UTFMax]byte
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		d := norm.NFC.Properties(utf8.AppendRune(buf[:0], r)).Decomposition()
		for _, m := range string(d) {
			if nfcMarkScript(m) && nfcCCC[m] != 0 && nfcCCC[m] != nfcUnsure {
				t.Fatalf("%U decomposes to %q, which holds the mark %U", r, d, m)
			}
		}
	}
}

func checkQuickNFC(t *testing.T, s string) {
	if quickNFC(s) && !norm.NFC.IsNormalString(s) {
		t.Fatalf("quickNFC(%q) = true but norm says it is not NFC", s)
	}
}

// TestQuickNFC holds quickNFC to norm: it may say "not sure" but never
// "NFC" for a text norm would change.
func TestQuickNFC(t *testing.T) {
	for _, s := range []string{"안녕하세요", "ខ្ញុំនៅបាវិត", "ผมถูกขัง", "我被关在西港", "hello"} {
		if !quickNFC(s) {
			t.Errorf("quickNFC(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"e\u0301", "\u1100\u1161", "가\u11a8", "\u212b", "ក\u17dd\u17d2", "ก\u0e48\u0e38"} {
		if quickNFC(s) {
			t.Errorf("quickNFC(%q) = true, want false", s)
		}
	}
	for _, in := range goldenInputs(t) {
		checkQuickNFC(t, in.Text)
	}
	// Every safe rune after every safe rune and a few marks.
	var safe []rune
	for r := rune(0x80); r < 0x10000; r++ {
		if nfcCCC[r] != nfcUnsure {
			safe = append(safe, r)
		}
	}
	lead := []rune{'a', 'e', 'A', 'o', 'u', 'ក', 'ก', '가', '\u0301', '\u17d2', '\u0e38', 'ᄀ', '\u0300'}
	for _, a := range lead {
		for _, r := range safe {
			checkQuickNFC(t, string([]rune{a, r}))
			checkQuickNFC(t, string([]rune{r, a}))
		}
	}
}

func FuzzQuickNFC(f *testing.F) {
	for _, s := range benchCorpus() {
		f.Add(s)
	}
	f.Add("ក\u17d2\u17dd\u17d2")
	f.Fuzz(checkQuickNFC)
}

// TestCaselessScripts backs normalize's shortcuts: the runes it copies
// untouched would have come through its general path unchanged.
func TestCaselessScripts(t *testing.T) {
	for r := rune(0); r < 0x10000; r++ {
		if !caseless(r) && !isKhmer(r) {
			continue
		}
		if unicode.ToLower(r) != r {
			t.Fatalf("ToLower(%U) = %U", r, unicode.ToLower(r))
		}
		if !caseless(r) {
			continue
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || isZeroWidth(r) {
			t.Fatalf("%U is a space or control", r)
		}
		if r >= 0xff01 && r <= 0xff5e || isKhmer(r) || strings.ContainsRune("’‘ʼ`´", r) {
			t.Fatalf("%U has a case of its own in normalize", r)
		}
	}
}
