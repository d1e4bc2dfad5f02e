package store

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// personKey is a person's name folded for matching, or "" when it is too
// little to be a name. A name alone is never a same-person signal (there
// are many Kims and many Daras): the proposal pairs it with the province
// (samePersonOthers).
//
// The folding, per script:
//
//   - Every name: NFC, zero-width characters (ZWSP, ZWNJ, ZWJ, word
//     joiner, BOM) removed.
//   - Hangul or Khmer: compared as written, with spaces and punctuation
//     removed: Korean names are written family name first and often with
//     no space ("김민준" = "김 민준"); Khmer separates words with a space or
//     a zero-width space, or not at all. The order is kept: "សុខ ដារ៉ា"
//     and "ដារ៉ា សុខ" do not meet.
//   - Latin and other scripts: case-folded; hyphens, apostrophes and dots
//     removed inside a word ("Min-jun" = "Minjun"); the words sorted, so
//     the order of family and given names does not matter: "Kim Min-jun" =
//     "min-jun kim" = "MINJUN KIM". "Min Jun Kim" is three words and does
//     not meet them: splitting a romanized given name is a different
//     spelling, which staff see themselves. At least two words are needed:
//     a first name alone names too many people.
func personKey(name string) string {
	s := norm.NFC.String(name)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			return -1
		}
		return r
	}, s)
	asWritten := false
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Khmer, r) {
			asWritten = true
			break
		}
	}
	if asWritten {
		k := strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
				return -1
			}
			return r
		}, s)
		if len([]rune(k)) < 2 {
			return ""
		}
		return k
	}
	s = cases.Fold().String(s)
	var words []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '/' || r == '(' || r == ')'
	}) {
		w = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsMark(r) {
				return r
			}
			return -1
		}, w)
		if w != "" {
			words = append(words, w)
		}
	}
	if len(words) < 2 {
		return ""
	}
	sort.Strings(words)
	return strings.Join(words, " ")
}
