package geo

import (
	"sort"
	"strconv"
)

// Kinds of coordinate notation FindPoints recognises.
const (
	KindDecimal  = "decimal"  // "10.6102, 104.1815", "lat 10.61 lon 104.18"
	KindMapLink  = "maplink"  // Google, Apple, OpenStreetMap links, geo: URIs
	KindPlusCode = "pluscode" // full Open Location Codes, "7P25JGGC+QQ" (Sihanoukville)
	KindDMS      = "dms"      // degrees-minutes(-seconds), "10°36'36.7"N 104°10'53.4"E"
)

// Found is one position written in a message.
type Found struct {
	Point
	Text string // the matched substring of the message, verbatim
	Kind string // one of the Kind constants
}

// FindPoints returns the positions written in text, in order of appearance.
//
// It accepts decimal pairs only when they cannot easily be something else:
// each number needs at least three decimals ("10.610, 104.182") unless a
// marker names them ("lat 10.61 lon 104.18", "위도 10.61 경도 104.18"), so
// times, phone numbers, prices, dates and version numbers do not come out as
// places. Map links from Google, Apple, OpenStreetMap, Bing, Waze, Kakao and
// geo: URIs are read for the coordinates they carry (shortened links such as
// maps.app.goo.gl carry none and are ignored). Plus codes must be full codes
// (8 digits before '+') and are read as the centre of their area; short
// codes that need a reference locality ("JGGC+QQ Sihanoukville") and
// zero-padded codes (areas of 5 km and more) are ignored, as is "0, 0".
// Only ASCII digits are read (not Khmer or full-width ones).
//
// A message without an ASCII digit costs one scan and returns nil.
func FindPoints(text string) []Found {
	if !hasDigit(text) {
		return nil
	}
	var c collector
	findMapLinks(text, &c)
	findPlusCodes(text, &c)
	findDMS(text, &c)
	findDecimals(text, &c)
	return c.result()
}

// collector keeps accepted matches and refuses overlapping ones, so that a
// pair inside a map link is reported once, as the link, by whichever finder
// runs first.
type collector struct {
	spans []span
}

type span struct {
	start, end int
	f          Found
}

func (c *collector) overlaps(start, end int) bool {
	for _, s := range c.spans {
		if start < s.end && s.start < end {
			return true
		}
	}
	return false
}

func (c *collector) add(start, end int, f Found) bool {
	if !validPoint(f.Point) || c.overlaps(start, end) {
		return false
	}
	c.spans = append(c.spans, span{start, end, f})
	return true
}

func (c *collector) result() []Found {
	if len(c.spans) == 0 {
		return nil
	}
	sort.Slice(c.spans, func(i, j int) bool { return c.spans[i].start < c.spans[j].start })
	out := make([]Found, len(c.spans))
	for i, s := range c.spans {
		out[i] = s.f
	}
	return out
}

func validPoint(p Point) bool {
	if p.Lat != p.Lat || p.Lon != p.Lon { // NaN
		return false
	}
	if p.Lat == 0 && p.Lon == 0 {
		return false
	}
	return p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// parseFloat reads a regexp-vetted number; the regexps only admit plain
// decimal notation, so an error cannot occur for a matched group.
func parseFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nan
	}
	return f
}

var nan = func() float64 { var z float64; return z / z }()
