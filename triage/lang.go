package triage

import (
	"unicode"
	"unicode/utf8"
)

// Vietnamese letters that no other Latin-script language here uses.
func isVietnameseLetter(r rune) bool {
	switch r {
	case 'đ', 'ơ', 'ư', 'ă', 'ạ', 'ả', 'ấ', 'ầ', 'ẩ', 'ẫ', 'ậ', 'ắ', 'ằ', 'ẳ', 'ẵ', 'ặ', 'ẹ', 'ẻ', 'ẽ', 'ế', 'ề', 'ể', 'ễ', 'ệ',
		'ỉ', 'ị', 'ọ', 'ỏ', 'ố', 'ồ', 'ổ', 'ỗ', 'ộ', 'ớ', 'ờ', 'ở', 'ỡ', 'ợ', 'ụ', 'ủ', 'ứ', 'ừ', 'ử', 'ữ', 'ự', 'ỳ', 'ỵ', 'ỷ', 'ỹ', 'ĩ', 'ũ':
		return true
	}
	return false
}

// detectLang names the language of a normalized message: by script first
// (Hangul, Khmer, Han, Thai, kana), and for Latin script by the common
// words of English, Indonesian, Vietnamese and romanised Khmer found by
// the matcher (langHits), with Vietnamese tone letters as strong evidence.
func (e *engine) detectLang(t *text, hits []hit) string {
	var hangul, khmer, han, thai, kana, latin, viet int
	for i, p := 0, t.plain; i < len(p); {
		r, n := rune(p[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(p[i:])
		}
		i += n
		switch {
		case r < utf8.RuneSelf:
			if r >= 'a' && r <= 'z' {
				latin++
			}
		case r >= 0xac00 && r <= 0xd7a3 || r >= 0x1100 && r <= 0x11ff || r >= 0x3130 && r <= 0x318f:
			hangul++
		case r >= 0x1780 && r <= 0x17ff || r >= 0x19e0 && r <= 0x19ff:
			khmer++
		case r >= 0x0e00 && r <= 0x0e7f:
			thai++
		case r >= 0x3040 && r <= 0x30ff:
			kana++
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.Is(unicode.Latin, r):
			latin++
			if isVietnameseLetter(r) {
				viet++
			}
		}
	}
	// A Hangul syllable or Han character carries about as much as two or
	// three Latin letters; Khmer and Thai spell with about as many
	// characters as Latin does.
	best, score := "", 0
	for _, c := range []struct {
		lang string
		n    int
	}{{"ko", hangul * 3}, {"km", khmer}, {"zh", han * 3}, {"th", thai}, {"ja", kana * 3}, {"latin", latin}} {
		if c.n > score {
			best, score = c.lang, c.n
		}
	}
	if kana > 0 && best == "zh" {
		best = "ja"
	}
	if best != "latin" {
		if best == "" {
			return "und"
		}
		return best
	}
	// Votes for en, km (romanised), id, vi.
	latinLangs := [...]string{"en", "km", "id", "vi"}
	var votes [4]float64
	for _, h := range hits {
		if h.table != tLang {
			continue
		}
		for _, r := range e.patterns[h.pat].refs {
			if r.table == tLang && r.view == h.view {
				switch e.langWords[r.idx].lang {
				case "en":
					votes[0]++
				case "kmr":
					votes[1]++
				case "id":
					votes[2]++
				case "vi":
					votes[3]++
				}
			}
		}
	}
	votes[3] += float64(viet) * 1.5
	lang, v := "en", 0.0
	for i, l := range latinLangs {
		if votes[i] > v {
			lang, v = l, votes[i]
		}
	}
	return lang
}
