package geo

import "strings"

// Open Location Code ("plus code") constants from the public specification.
const (
	olcAlphabet  = "23456789CFGHJMPQRVWX"
	olcPairLen   = 10 // digits encoded as lat/lon pairs
	olcMaxDigits = 15 // digits after this add no precision and are ignored
	olcGridRows  = 5
	olcGridCols  = 4
)

// findPlusCodes looks at each '+' and reads the code around it by hand,
// which costs next to nothing for the '+' of a phone number.
func findPlusCodes(text string, c *collector) {
	for i := 0; i < len(text); i++ {
		if text[i] != '+' || i < 8 {
			continue
		}
		start := i - 8
		if start > 0 && (isDigit(text[start-1]) || isASCIILetter(text[start-1])) {
			continue
		}
		ok := true
		for j := start; j < i; j++ {
			if text[j] != '0' && olcValue(text[j]) < 0 {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		end := i + 1
		for end < len(text) && olcValue(text[end]) >= 0 {
			end++
		}
		if end < len(text) && (isDigit(text[end]) || isASCIILetter(text[end])) {
			continue
		}
		code := text[start:end]
		if strings.IndexByte(code, '0') >= 0 {
			continue // padded: an area of 5 km or more says nothing a province does not
		}
		if p, ok := decodePlusCode(code); ok {
			c.add(start, end, Found{Point: p, Text: code, Kind: KindPlusCode})
		}
	}
}

// olcIndex holds 1 + the digit value of each code character, either case.
var olcIndex = func() (t [256]int8) {
	for i := 0; i < len(olcAlphabet); i++ {
		t[olcAlphabet[i]] = int8(i + 1)
		t[olcAlphabet[i]|0x20] = int8(i + 1)
	}
	return t
}()

// olcValue maps a code character to its digit value, -1 for others.
func olcValue(b byte) int {
	return int(olcIndex[b]) - 1
}

// decodePlusCode returns the centre of the area a full plus code names.
// Codes padded with zeros ("7FG49Q00+") are accepted; short codes are not.
func decodePlusCode(code string) (Point, bool) {
	sep := strings.IndexByte(code, '+')
	if sep != 8 {
		return Point{}, false
	}
	head, tail := code[:sep], code[sep+1:]
	if pad := strings.IndexByte(head, '0'); pad >= 0 {
		// Padding comes in whole pairs, runs to the '+', and ends the code.
		if pad < 2 || pad%2 != 0 || strings.Trim(head[pad:], "0") != "" || tail != "" {
			return Point{}, false
		}
		head = head[:pad]
	}
	if len(tail) == 1 {
		return Point{}, false
	}
	digits := head + tail
	if len(digits) > olcMaxDigits {
		digits = digits[:olcMaxDigits]
	}
	if v := olcValue(digits[0]); v < 0 || v*20 >= 180 {
		return Point{}, false
	}
	if v := olcValue(digits[1]); v < 0 || v*20 >= 360 {
		return Point{}, false
	}
	// Work in integer units of the finest cell so that sums are exact.
	const (
		latUnit = 8000 * 3125 // 1/latUnit degree: pair resolution 1/8000, grid 5^5
		lonUnit = 8000 * 1024 // 1/lonUnit degree: pair resolution 1/8000, grid 4^5
	)
	var lat, lon int64
	latRes, lonRes := int64(400*latUnit), int64(400*lonUnit)
	for i := 0; i < len(digits) && i < olcPairLen; i += 2 {
		if i+1 >= len(digits) {
			return Point{}, false
		}
		latRes /= 20
		lonRes /= 20
		lat += int64(olcValue(digits[i])) * latRes
		lon += int64(olcValue(digits[i+1])) * lonRes
	}
	for i := olcPairLen; i < len(digits); i++ {
		v := int64(olcValue(digits[i]))
		latRes /= olcGridRows
		lonRes /= olcGridCols
		lat += (v / olcGridCols) * latRes
		lon += (v % olcGridCols) * lonRes
	}
	p := Point{
		Lat: float64(2*lat+latRes)/(2*latUnit) - 90,
		Lon: float64(2*lon+lonRes)/(2*lonUnit) - 180,
	}
	if p.Lat > 90 {
		p.Lat = 90
	}
	return p, true
}
