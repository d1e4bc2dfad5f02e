package triage

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// nfcUnsure marks a rune in nfcCCC that quickNFC cannot vouch for.
const nfcUnsure = 0xff

// nfcCCC holds, for each rune of the Basic Multilingual Plane that is in
// NFC on its own and never composes with a rune before it, its canonical
// combining class; every other rune holds nfcUnsure. A flat table answers
// in one load what norm's trie walk answers in several, for the Hangul,
// Khmer, Thai and Han text most messages are written in.
var nfcCCC = buildNFCCCC()

func buildNFCCCC() *[0x10000]uint8 {
	t := new([0x10000]uint8)
	var buf [utf8.UTFMax]byte
	for r := rune(0); r < 0x10000; r++ {
		t[r] = nfcUnsure
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		b := utf8.AppendRune(buf[:0], r)
		if !norm.NFC.IsNormal(b) {
			continue
		}
		p := norm.NFC.Properties(b)
		switch {
		case r >= 0x1100 && r <= 0x11ff:
			// Conjoining jamo compose with the syllable before them.
		case p.BoundaryBefore():
			// A starter that composes with nothing before it.
			t[r] = 0
		case nfcMarkScript(r) && p.CCC() > 0 && p.CCC() < nfcUnsure:
			// Khmer and Thai signs decompose from nothing, so nothing
			// composes with them (TestNFCMarksComposeWithNothing).
			t[r] = p.CCC()
		}
	}
	return t
}

// nfcMarkScript reports whether r is in a block whose combining marks no
// canonical decomposition contains.
func nfcMarkScript(r rune) bool {
	return r >= 0x1780 && r <= 0x17ff || r >= 0x0e00 && r <= 0x0e7f
}

// quickNFC reports whether s is certainly in NFC, by the quick check of
// UAX #15 over nfcCCC: every rune may stay as it is and the combining
// classes of each run of marks ascend. False means "ask norm", not "no".
func quickNFC(s string) bool {
	var lastCC uint8
	run := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			lastCC, run = 0, 0
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= 0x10000 || r == utf8.RuneError && n == 1 {
			return false
		}
		cc := nfcCCC[r]
		switch {
		case cc == nfcUnsure:
			return false
		case cc == 0:
			run = 0
		default:
			// norm also breaks runs of 30 marks (stream-safe text):
			// long runs are left to it.
			if lastCC > cc || run >= 16 {
				return false
			}
			run++
		}
		lastCC = cc
		i += n
	}
	return true
}
