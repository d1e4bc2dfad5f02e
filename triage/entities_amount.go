package triage

import "unicode/utf8"

// mayHaveAmount reports whether s holds one of the currency words or signs
// that every reAmount match contains, compared the way reAmount's (?i)
// compares them. It lets entities skip the slowest regexp on the messages
// that name no money, which are most of them, without ever skipping one
// that does: it errs towards true (any Vietnamese đ, the Kelvin sign and
// the long s, which fold to k and s, or a Korean 불 or 원 anywhere).
func mayHaveAmount(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			switch r {
			case '₩', '฿', '៛', '¥', 'บ', '달', '불', '원', '테', 'ដ', 'រ', '美', '元', '块', '人', 'đ', 'Đ', '\u212a', '\u017f':
				return true
			}
			i += n - 1
			continue
		}
		rest := s[i+1:]
		switch c | 0x20 {
		case '$' | 0x20:
			if c == '$' {
				return true
			}
		case 'u':
			if hasFoldPrefix(rest, "sd") {
				return true
			}
		case 'r':
			if hasFoldPrefix(rest, "p") || hasFoldPrefix(rest, "m") || hasFoldPrefix(rest, "up") || hasFoldPrefix(rest, "iel") {
				return true
			}
		case 'd':
			if hasFoldPrefix(rest, "ollar") {
				return true
			}
		case 'b':
			if hasFoldPrefix(rest, "uck") || hasFoldPrefix(rest, "aht") {
				return true
			}
		}
	}
	return false
}

// hasFoldPrefix reports whether s starts with the lower-case ASCII word w
// in any mix of ASCII case.
func hasFoldPrefix(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if c := s[i]; c != w[i] && c|0x20 != w[i] {
			return false
		}
	}
	return true
}
