package triage

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// view says which rendering of a message a pattern is matched against.
type view uint8

const (
	// viewPlain is the message in NFC, lower case, without zero-width
	// characters, with Khmer digits as ASCII and common Khmer spelling
	// variants folded. Every language but romanised Khmer matches here.
	viewPlain view = iota
	// viewFolded is the Latin words of the message reduced to a skeleton
	// (see foldWord) so that romanised Khmer matches whatever its spelling.
	viewFolded
)

// text is one message in both views; the matcher runs one automaton over
// each.
type text struct {
	plain  []byte
	folded []byte
	// foldAt maps each byte of folded (and one past its end) to the offset
	// in plain of the character it came from, so folded matches can be
	// reported and placed in plain coordinates.
	foldAt []int32
	// keys and hits are scratch for sortHits.
	keys []uint64
	hits []hit
	// nfc holds the message in NFC when it did not arrive in NFC.
	nfc []byte
	// str is plain as a string, made on the first span asked for, so that
	// all the spans of a message share one allocation.
	str string
}

func isZeroWidth(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\ufeff', '\u2060', '\u00ad', '\u180e':
		return true
	}
	return false
}

// caseless reports whether r is a Hangul syllable, a common Han character
// or Thai: scripts with no case, no spaces or controls and no spelling
// normalize folds, which it copies as they are (TestCaselessScripts).
func caseless(r rune) bool {
	return r >= 0xac00 && r <= 0xd7a3 || r >= 0x4e00 && r <= 0x9fff || r >= 0x0e00 && r <= 0x0e7f
}

// normalize fills t from s. It reuses t's buffers.
func (t *text) normalize(s string) {
	t.str = ""
	if !quickNFC(s) && !norm.NFC.IsNormalString(s) {
		// Into a buffer the text keeps, not a new string per message (the
		// same bytes norm.NFC.String gives); s only lives until this call
		// returns.
		t.nfc = norm.NFC.AppendString(t.nfc[:0], s)
		s = unsafe.String(unsafe.SliceData(t.nfc), len(t.nfc))
	}
	p := t.plain[:0]
	space := true // drop leading space
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII, the bulk of most messages: the cases below that
			// can apply to it, without decoding or Unicode tables.
			i++
			switch {
			case c == '\n' || c == '\r':
				p, space = breakLine(p), true
				continue
			case c <= ' ' || c == 0x7f: // unicode.IsSpace or IsControl
				if !space {
					p = append(p, ' ')
					space = true
				}
				continue
			case c == '`':
				c = '\''
			case c >= 'A' && c <= 'Z':
				c += 'a' - 'A'
			}
			space = false
			p = append(p, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if caseless(r) {
			// Hangul, Han and Thai: no case, no space, nothing to fold.
			space = false
			p = append(p, s[i-n:i]...)
			continue
		}
		if r == utf8.RuneError && n <= 1 {
			r = ' '
		}
		switch {
		case isZeroWidth(r):
			continue
		case r == '\n' || r == '\r':
			p, space = breakLine(p), true
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			if !space {
				p = append(p, ' ')
				space = true
			}
			continue
		case r >= '០' && r <= '៩':
			r = '0' + (r - '០')
		case r == '’' || r == '‘' || r == 'ʼ' || r == '`' || r == '´':
			r = '\''
		case r == 'ឲ':
			r = 'ឱ'
		case r == 'អ' && strings.HasPrefix(s[i:], "ោយ"):
			// "អោយ" is the everyday spelling of ឱ្យ (to let, to give).
			p = append(p, "ឱ្យ"...)
			i += len("ោយ")
			space = false
			continue
		case r == 'ដ' && len(p) >= 3 && p[len(p)-3] == 0xe1 && p[len(p)-2] == 0x9f && p[len(p)-1] == 0x92:
			// Subscript da after a coeng is written for subscript ta and the
			// other way round (ប្តី / ប្ដី); keep one of them.
			r = 'ត'
		case r >= 0xff01 && r <= 0xff5e:
			r -= 0xfee0 // full-width Latin and digits from CJK keyboards
		}
		space = false
		if !isKhmer(r) { // Khmer has no case either
			r = unicode.ToLower(r)
		}
		p = utf8.AppendRune(p, r)
	}
	for len(p) > 0 && (p[len(p)-1] == ' ' || p[len(p)-1] == '\n') {
		p = p[:len(p)-1]
	}
	t.plain = p
	t.fold()
}

// fold builds the folded view: each Latin word of plain through foldWord,
// words separated by one space, everything else dropped.
func (t *text) fold() {
	f := t.folded[:0]
	at := t.foldAt[:0]
	p := t.plain
	for i := 0; i < len(p); {
		c := p[i]
		if !isASCIIAlnum(c) {
			i++
			continue
		}
		j := i
		for j < len(p) && (isASCIIAlnum(p[j]) || (p[j] == '\'' || p[j] == '-') && j+1 < len(p) && isASCIIAlnum(p[j+1]) && j > i) {
			j++
		}
		// A word glued to a non-Latin letter (a Korean particle after a
		// Latin name) still counts as a word here.
		if len(f) > 0 {
			f = append(f, ' ')
			at = append(at, int32(i))
		}
		f, at = foldWord(f, at, p[i:j], int32(i))
		i = j
	}
	at = append(at, int32(len(p)))
	t.folded = f
	t.foldAt = at
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

func isVowel(c byte) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'
}

// foldWord appends the skeleton of one lower-case Latin word. Romanised
// Khmer has no fixed spelling, so the skeleton forgets what writers vary:
// aspiration (kh, ph, th, chh), the j/ch/c series, w/v, doubled letters,
// apostrophes and hyphens, and the exact vowel (a run of vowels becomes o
// if it is only o and u, else a, e or i by the first of those it holds).
// "jouy", "chuoy", "juoy" and "chouy" all become "coy".
func foldWord(f []byte, at []int32, w []byte, base int32) ([]byte, []int32) {
	emit := func(c byte, src int) {
		if n := len(f); n > 0 && f[n-1] == c && !(c >= '0' && c <= '9') && at[n-1] >= base {
			return // doubled letter
		}
		f = append(f, c)
		at = append(at, base+int32(src))
	}
	for i := 0; i < len(w); {
		c := w[i]
		switch {
		case c == '\'' || c == '-':
			i++
		case isVowel(c):
			j := i
			hasA, hasE, hasI := false, false, false
			for j < len(w) && isVowel(w[j]) {
				switch w[j] {
				case 'a':
					hasA = true
				case 'e':
					hasE = true
				case 'i':
					hasI = true
				}
				j++
			}
			v := byte('o')
			switch {
			case hasA:
				v = 'a'
			case hasE:
				v = 'e'
			case hasI:
				v = 'i'
			}
			emit(v, i)
			i = j
		case c == 'c' || c == 'j':
			emit('c', i)
			i++
			for i < len(w) && w[i] == 'h' {
				i++
			}
		case (c == 'k' || c == 'p' || c == 't') && i+1 < len(w) && w[i+1] == 'h':
			emit(c, i)
			i += 2
		case c == 'r' && len(f) > 0 && at[len(f)-1] >= base && isVowel(f[len(f)-1]) && (i+1 == len(w) || !isVowel(w[i+1])):
			// A written r after a vowel only marks its length ("yerng",
			// "kar", "bart"): it goes, as "yeung" has none.
			i++
		case c == 'w':
			emit('v', i)
			i++
		case c == 'q':
			emit('k', i)
			i++
		default:
			emit(c, i)
			i++
		}
	}
	return f, at
}

// foldString folds a pattern the way fold folds a message.
func foldString(s string) string {
	var t text
	t.normalize(s)
	return string(t.folded)
}

// normalizeString renders a pattern the way normalize renders a message.
func normalizeString(s string) string {
	var t text
	t.normalize(s)
	return string(t.plain)
}

// breakLine ends a clause at a line break, as a full stop does: a space
// before it goes, and breaks in a row are one.
func breakLine(p []byte) []byte {
	if len(p) > 0 && p[len(p)-1] == ' ' {
		p = p[:len(p)-1]
	}
	if len(p) > 0 && p[len(p)-1] != '\n' {
		p = append(p, '\n')
	}
	return p
}
