package geo

import (
	"regexp"
	"strings"
)

var (
	// bareRe is a pair of plain decimals; at least three decimals each is what
	// separates a position from a price, a time or a version number.
	bareRe = regexp.MustCompile(`^([-+]?\d{1,2}\.\d{3,})(?:\s*[,;]\s*|\s+)([-+]?\d{1,3}\.\d{3,})`)

	// markerRe is a pair introduced by words that name latitude and
	// longitude, in English or Korean (북위/남위 north/south latitude,
	// 동경/서경 east/west longitude); the words make any precision credible.
	markerRe = regexp.MustCompile(`(?i)(lat(?:itude)?|위도|북위|남위)\s*[:=]?\s*([-+]?\d{1,2}(?:\.\d+)?)\s*°?\s*[,;/]?\s*(lon(?:g(?:itude)?)?|lng|경도|동경|서경)\s*[:=]?\s*([-+]?\d{1,3}(?:\.\d+)?)`)
)

func findDecimals(text string, c *collector) {
	if hasLatMarker(text) {
		for _, m := range markerRe.FindAllStringSubmatchIndex(text, -1) {
			if m[0] > 0 && isASCIILetter(text[m[0]-1]) {
				continue // "flat 3, long 20"
			}
			if m[1] < len(text) && (isDigit(text[m[1]]) || text[m[1]] == '.') {
				continue
			}
			p := Point{Lat: parseFloat(text[m[4]:m[5]]), Lon: parseFloat(text[m[8]:m[9]])}
			if text[m[2]:m[3]] == "남위" {
				p.Lat = -p.Lat
			}
			if text[m[6]:m[7]] == "서경" {
				p.Lon = -p.Lon
			}
			c.add(m[0], m[1], Found{Point: p, Text: text[m[0]:m[1]], Kind: KindDecimal})
		}
	}
	// Anchor the regexp at each number with three decimals instead of
	// letting it scan the whole message: most messages have none.
	for pos := 0; pos < len(text); {
		i := nextThreeDecimals(text, pos)
		if i < 0 {
			return
		}
		start := i
		for start > 0 && i-start < 2 && isDigit(text[start-1]) {
			start--
		}
		if start > 0 && (text[start-1] == '-' || text[start-1] == '+') {
			start--
		}
		m := bareRe.FindStringSubmatchIndex(text[start:])
		if m == nil || !bareBoundaryOK(text, start, start+m[1]) ||
			moneyLike(text[start+m[2]:start+m[3]], text[start+m[4]:start+m[5]]) {
			pos = i + 1
			continue
		}
		for k := range m {
			m[k] += start
		}
		p := Point{Lat: parseFloat(text[m[2]:m[3]]), Lon: parseFloat(text[m[4]:m[5]])}
		if c.add(m[0], m[1], Found{Point: p, Text: text[m[0]:m[1]], Kind: KindDecimal}) {
			pos = m[1]
		} else {
			pos = i + 1
		}
	}
}

// nextThreeDecimals returns the index of the digit before the next ".ddd"
// at or after from, or -1.
func nextThreeDecimals(s string, from int) int {
	for j := from + 1; j+3 < len(s); j++ {
		if s[j] == '.' && isDigit(s[j-1]) && isDigit(s[j+1]) && isDigit(s[j+2]) && isDigit(s[j+3]) {
			return j - 1
		}
	}
	return -1
}

// bareBoundaryOK rejects pairs cut out of a longer run of numbers
// ("1.500.000", "192.168.100.200") or glued to a word ("v10.123 4.567b").
func bareBoundaryOK(text string, start, end int) bool {
	if start > 0 {
		b := text[start-1]
		if isDigit(b) || b == '.' || isASCIILetter(b) {
			return false
		}
	}
	if end < len(text) {
		b := text[end]
		if isDigit(b) || isASCIILetter(b) {
			return false
		}
		if b == '.' && end+1 < len(text) && isDigit(text[end+1]) {
			return false
		}
	}
	return true
}

// moneyLike spots round amounts with a dot as thousands separator, as in
// "1.500 2.000", which would otherwise read as a point off West Africa.
func moneyLike(a, b string) bool {
	frac := func(s string) string { return s[strings.IndexByte(s, '.')+1:] }
	fa, fb := frac(a), frac(b)
	return len(fa) == 3 && len(fb) == 3 && strings.HasSuffix(fa, "00") && strings.HasSuffix(fb, "00")
}

func hasLatMarker(s string) bool {
	for i := 0; i+3 <= len(s); i++ {
		if s[i]|0x20 == 'l' && s[i+1]|0x20 == 'a' && s[i+2]|0x20 == 't' {
			return true
		}
	}
	return strings.Contains(s, "위도") || strings.Contains(s, "북위") || strings.Contains(s, "남위")
}
