package geo

import (
	"regexp"
	"strings"
)

const urlChars = `[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]`

var (
	urlRe = regexp.MustCompile(`(?i)\b(?:https?://|geo:|www\.|maps\.|google\.[a-z.]{2,6}/maps|openstreetmap\.org|osm\.org)` + urlChars + `*`)

	num = `([-+]?\d{1,3}(?:\.\d+)?)`

	// linkRes are tried in order; the first that matches gives the point.
	// Google's !3d…!4d… is the place itself and beats @…, which is only
	// where the map was centred.
	linkRes = []*regexp.Regexp{
		regexp.MustCompile(`!3d` + num + `!4d` + num),
		regexp.MustCompile(`(?i)^geo:` + num + `,` + num),
		regexp.MustCompile(`(?i)[?&;](?:q|ll|sll|query|center|daddr|saddr|destination|origin|coordinates|cp)=(?:loc:)?\s*` + num + `\s*[,~]\s*` + num),
		regexp.MustCompile(`(?i)/(?:place|search|dir)/\s*` + num + `\s*,\s*` + num),
		regexp.MustCompile(`@` + num + `,` + num),
		regexp.MustCompile(`(?i)#map=\d+(?:\.\d+)?/` + num + `/` + num),
		regexp.MustCompile(`(?i)/link/(?:map|to)/[^/,]*,` + num + `,` + num),
	}
	mlatRe = regexp.MustCompile(`(?i)[?&;]mlat=` + num)
	mlonRe = regexp.MustCompile(`(?i)[?&;]mlon=` + num)

	// mapHosts are the services whose links carry coordinates we understand;
	// other URLs are left to the plain decimal finder.
	mapHosts = []string{"google.", "apple.com", "openstreetmap.", "osm.org", "bing.com", "waze.com", "kakao.com"}

	urlUnescaper = strings.NewReplacer("%2C", ",", "%2c", ",", "%20", " ", "+", " ", "%2B", "+", "%2b", "+", "%40", "@", "%21", "!", "%3D", "=", "%3d", "=")
)

func findMapLinks(text string, c *collector) {
	if !mayHaveLink(text) {
		return
	}
	for _, m := range urlRe.FindAllStringIndex(text, -1) {
		start, end := m[0], trimURL(text, m[0], m[1])
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
	// OpenStreetMap's marker (mlat/mlon) is the place; #map= only the view.
	if a, b := mlatRe.FindStringSubmatch(n), mlonRe.FindStringSubmatch(n); a != nil && b != nil {
		return Point{Lat: parseFloat(a[1]), Lon: parseFloat(b[1])}, true
	}
	for _, re := range linkRes {
		if m := re.FindStringSubmatch(n); m != nil {
			return Point{Lat: parseFloat(m[1]), Lon: parseFloat(m[2])}, true
		}
	}
	return Point{}, false
}

// hasMapHost looks only at the host part, so a map service named in a
// query string does not make any URL a map link.
func hasMapHost(lower string) bool {
	host := lower
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		// google.com/maps is the one service recognised by its path.
		if strings.HasPrefix(host[i:], "/maps") && strings.Contains(host[:i], "google.") {
			return true
		}
		host = host[:i]
	}
	for _, h := range mapHosts {
		if h == "google." {
			if strings.HasPrefix(host, "maps.google.") || strings.Contains(host, ".google.") && strings.HasPrefix(host, "maps.") {
				return true
			}
			continue
		}
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
