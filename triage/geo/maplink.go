package geo

import (
	"regexp"
	"strings"
)

const urlChars = `[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]`

var (
	urlRe = regexp.MustCompile(`(?i)^(?:https?://|geo:|www\.|maps\.|google\.[a-z.]{2,6}/maps|openstreetmap\.org|osm\.org)` + urlChars + `*`)

	num = `([-+]?\d{1,3}(?:\.\d+)?)`

	// linkRes are tried in order; the first that matches gives the point.
	// Google's !3d…!4d… is the place itself and beats @…, which is only
	// where the map was centred.
	linkRes = []linkRe{
		{[]string{"!3d"}, regexp.MustCompile(`!3d` + num + `!4d` + num)},
		{nil, regexp.MustCompile(`(?i)^geo:` + num + `,` + num)},
		{[]string{"q=", "ll=", "query=", "center=", "daddr=", "saddr=", "destination=", "origin=", "coordinates=", "cp="}, regexp.MustCompile(`(?i)[?&;](?:q|ll|sll|query|center|daddr|saddr|destination|origin|coordinates|cp)=(?:loc:)?\s*` + num + `\s*[,~]\s*` + num)},
		{[]string{"/place/", "/search/", "/dir/"}, regexp.MustCompile(`(?i)/(?:place|search|dir)/\s*` + num + `\s*,\s*` + num)},
		{[]string{"@"}, regexp.MustCompile(`@` + num + `,` + num)},
		{[]string{"#map="}, regexp.MustCompile(`(?i)#map=\d+(?:\.\d+)?/` + num + `/` + num)},
		{[]string{"/link/"}, regexp.MustCompile(`(?i)/link/(?:map|to)/[^/,]*,` + num + `,` + num)},
	}
	mlatRe = regexp.MustCompile(`(?i)[?&;]mlat=` + num)
	mlonRe = regexp.MustCompile(`(?i)[?&;]mlon=` + num)

	// mapHosts are the services (besides Google) whose links carry
	// coordinates we understand; other URLs are left to the decimal finder.
	mapHosts = []string{"maps.apple.com", "openstreetmap.", "osm.org", "bing.com", "waze.com", "map.kakao.com"}

	urlUnescaper = strings.NewReplacer("%2C", ",", "%2c", ",", "%20", " ", "+", " ", "%2B", "+", "%2b", "+", "%40", "@", "%21", "!", "%3D", "=", "%3d", "=")
)

func findMapLinks(text string, c *collector) {
	if !mayHaveLink(text) {
		return
	}
	// Anchor the URL regexp where a link can begin rather than letting it
	// scan every byte of the message.
	for i := 0; i < len(text); i++ {
		if !linkStart(text, i) {
			continue
		}
		m := urlRe.FindStringIndex(text[i:])
		if m == nil {
			continue
		}
		start, end := i, trimURL(text, i, i+m[1])
		i = i + m[1] - 1
		u := text[start:end]
		p, ok := linkPoint(u)
		if !ok {
			continue
		}
		c.add(start, end, Found{Point: p, Text: u, Kind: KindMapLink})
	}
}

func linkPoint(u string) (Point, bool) {
	lower := strings.ToLower(u)
	isGeo := strings.HasPrefix(lower, "geo:")
	if !isGeo && !hasMapHost(lower) {
		return Point{}, false
	}
	n := urlUnescaper.Replace(u)
	nl := strings.ToLower(n)
	// OpenStreetMap's marker (mlat/mlon) is the place; #map= only the view.
	if strings.Contains(nl, "mlat=") {
		if a, b := mlatRe.FindStringSubmatch(n), mlonRe.FindStringSubmatch(n); a != nil && b != nil {
			return Point{Lat: parseFloat(a[1]), Lon: parseFloat(b[1])}, true
		}
	}
	for _, lr := range linkRes {
		if !lr.applies(nl) {
			continue
		}
		if m := lr.re.FindStringSubmatch(n); m != nil {
			return Point{Lat: parseFloat(m[1]), Lon: parseFloat(m[2])}, true
		}
	}
	return Point{}, false
}

// hasMapHost looks only at the host part, so a map service named in a
// query string does not make any URL a map link. Google is recognised by
// maps.google.* or a /maps path on a google.* host, so that other Google
// links (search, docs) are not read as places.
func hasMapHost(lower string) bool {
	host, path := lower, ""
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host, path = host[:i], host[i:]
	}
	if strings.HasPrefix(host, "maps.google.") ||
		strings.HasPrefix(path, "/maps") && (strings.HasPrefix(host, "google.") || strings.Contains(host, ".google.")) {
		return true
	}
	for _, h := range mapHosts {
		if strings.Contains(host, h) {
			return true
		}
	}
	return false
}

// trimURL drops punctuation that ends the sentence rather than the link,
// and a closing parenthesis that has no opening one inside the link.
func trimURL(text string, start, end int) int {
	for end > start {
		switch b := text[end-1]; b {
		case '.', ',', ';', ':', '!', '?', '\'', '"', ']':
			end--
			continue
		case ')':
			if strings.Count(text[start:end], "(") < strings.Count(text[start:end], ")") {
				end--
				continue
			}
		}
		break
	}
	return end
}

func mayHaveLink(s string) bool {
	return strings.Contains(s, "://") || strings.Contains(s, "www.") || strings.Contains(s, "maps.") ||
		strings.Contains(s, "/maps") || strings.Contains(s, "osm.org") || strings.Contains(s, "openstreetmap") ||
		strings.Contains(s, "geo:") || strings.Contains(s, "GEO:")
}

// linkStart reports whether a link may begin at s[i]: one of the words
// urlRe starts with, not in the middle of another word.
func linkStart(s string, i int) bool {
	switch s[i] | 0x20 {
	case 'h', 'g', 'w', 'm', 'o':
	default:
		return false
	}
	if i > 0 && (isDigit(s[i-1]) || isASCIILetter(s[i-1]) || s[i-1] == '_' || s[i-1] == '.') {
		return false
	}
	for _, p := range linkPrefixes {
		if len(s)-i >= len(p) && strings.EqualFold(s[i:i+len(p)], p) {
			return true
		}
	}
	return false
}

var linkPrefixes = []string{"http://", "https://", "geo:", "www.", "maps.", "google.", "openstreetmap.", "osm.org"}

// linkRe is a pattern with literals it cannot match without, checked first
// because most patterns do not apply to a given link.
type linkRe struct {
	hints []string // lower case; nil: always try
	re    *regexp.Regexp
}

func (l linkRe) applies(lower string) bool {
	for _, h := range l.hints {
		if strings.Contains(lower, h) {
			return true
		}
	}
	return l.hints == nil
}
