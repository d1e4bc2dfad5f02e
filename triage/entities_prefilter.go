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

// mayHavePhone reports whether s has a place where rePhone or reBareCC
// could begin: a "+" before a digit, or at the start of a word a 0 (a
// trunk prefix) or an 8 (855, 82) before a digit.
func mayHavePhone(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		c, d := s[i], s[i+1]
		if d < '0' || d > '9' {
			continue
		}
		if c == '+' || (c == '0' || c == '8') && (i == 0 || !isWordByte(s[i-1])) {
			return true
		}
	}
	return false
}

// isWordByte is \w of Go's regexp, which is ASCII only: a byte of a
// multi-byte rune is never part of a word there.
func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}
