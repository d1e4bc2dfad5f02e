package geo

import (
	"regexp"
	"strings"
)

// One coordinate in degrees, optionally minutes and seconds. Minutes and
// seconds only follow a degree sign; their own marks are optional because
// people drop them ("N 10° 36.612").
const (
	dmsDeg  = `(\d{1,3}(?:\.\d+)?)`
	dmsMin  = `(\d{1,2}(?:\.\d+)?)`
	dmsSec  = `(\d{1,2}(?:\.\d+)?)`
	degSign = `([°º˚])`
	minSign = `(?:'|′|’|´)`
	secSign = `(?:"|″|”|''|′′|’’)`
	dmsComp = dmsDeg + `\s*(?:` + degSign + `\s*(?:` + dmsMin + `\s*` + minSign + `?\s*(?:` + dmsSec + `\s*` + secSign + `?)?)?)?`
	// dmsCompSigned is the same with the degree sign required.
	dmsCompSigned = dmsDeg + `\s*` + degSign + `\s*(?:` + dmsMin + `\s*` + minSign + `?\s*(?:` + dmsSec + `\s*` + secSign + `?)?)?`
	pairSep       = `[\s,;/]*`
)

// Each regexp captures, per coordinate: hemisphere, degrees, degree sign,
// minutes, seconds (hemisphere empty in dmsBareRe, meaning N and E).
var (
	// 10°36'36.7"N 104°10'53.4"E, 10.6102 N, 104.1815 E
	dmsSuffixRe = regexp.MustCompile(dmsComp + `\s*([NS])` + pairSep + dmsComp + `\s*([EW])`)
	// N 10° 36.612 E 104° 10.890
	dmsPrefixRe = regexp.MustCompile(`([NS])\s*` + dmsComp + pairSep + `([EW])\s*` + dmsComp)
	// 10°36'36.7" 104°10'53.4"
	dmsBareRe = regexp.MustCompile(dmsCompSigned + `[\s,;/]+` + dmsCompSigned)
)

func findDMS(text string, c *collector) {
	hasSign := strings.Contains(text, "°") || strings.Contains(text, "º") || strings.Contains(text, "˚")
	if !hasSign && !hemisphereByNumber(text) {
		return
	}
	for _, m := range dmsSuffixRe.FindAllStringSubmatchIndex(text, -1) {
		// groups: 1 deg, 2 sign, 3 min, 4 sec, 5 hemi; 6..10 the same for lon
		addDMS(text, c, m, [5]int{5, 1, 2, 3, 4}, [5]int{10, 6, 7, 8, 9})
	}
	for _, m := range dmsPrefixRe.FindAllStringSubmatchIndex(text, -1) {
		if m[0] > 0 && isASCIILetter(text[m[0]-1]) {
			continue
		}
		addDMS(text, c, m, [5]int{1, 2, 3, 4, 5}, [5]int{6, 7, 8, 9, 10})
	}
	if hasSign {
		for _, m := range dmsBareRe.FindAllStringSubmatchIndex(text, -1) {
			addDMS(text, c, m, [5]int{0, 1, 2, 3, 4}, [5]int{0, 5, 6, 7, 8})
		}
	}
}

// addDMS reads one match; lat and lon list the submatch numbers of
// hemisphere (0: none), degrees, degree sign, minutes and seconds.
func addDMS(text string, c *collector, m []int, lat, lon [5]int) {
	group := func(g int) string {
		if g == 0 || m[2*g] < 0 {
			return ""
		}
		return text[m[2*g]:m[2*g+1]]
	}
	if m[0] > 0 && (isDigit(text[m[0]-1]) || text[m[0]-1] == '.') {
		return
	}
	if m[1] < len(text) && (isDigit(text[m[1]]) || isASCIILetter(text[m[1]])) {
		return // "104°E10" or "S 10.5 E 104.5km"
	}
	la, okA, signA := dmsValue(group(lat[1]), group(lat[2]), group(lat[3]), group(lat[4]))
	lo, okB, signB := dmsValue(group(lon[1]), group(lon[2]), group(lon[3]), group(lon[4]))
	if !okA || !okB {
		return
	}
	if group(lat[0]) == "S" {
		la = -la
	}
	if group(lon[0]) == "W" {
		lo = -lo
	}
	kind := KindDMS
	if !signA && !signB {
		kind = KindDecimal
	}
	c.add(m[0], m[1], Found{Point: Point{Lat: la, Lon: lo}, Text: text[m[0]:m[1]], Kind: kind})
}

// dmsValue combines the parts of one coordinate. Without a degree sign the
// degrees must carry decimals, so "10 N" in prose is not a position.
func dmsValue(deg, sign, min, sec string) (float64, bool, bool) {
	if sign == "" && !strings.Contains(deg, ".") {
		return 0, false, false
	}
	v := parseFloat(deg)
	if min != "" {
		if strings.Contains(deg, ".") {
			return 0, false, false
		}
		mv := parseFloat(min)
		if mv >= 60 {
			return 0, false, false
		}
		v += mv / 60
	}
	if sec != "" {
		if strings.Contains(min, ".") {
			return 0, false, false
		}
		sv := parseFloat(sec)
		if sv >= 60 {
			return 0, false, false
		}
		v += sv / 3600
	}
	return v, true, sign != ""
}

// hemisphereByNumber reports whether an N or S stands next to a digit,
// spaces apart at most, which every form without a degree sign needs.
func hemisphereByNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != 'N' && s[i] != 'S' {
			continue
		}
		j := i - 1
		for j >= 0 && s[j] == ' ' {
			j--
		}
		if j >= 0 && isDigit(s[j]) {
			return true
		}
		j = i + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			return true
		}
	}
	return false
}
