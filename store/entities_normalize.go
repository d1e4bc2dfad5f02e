package store

import (
	"fmt"
	"math"
	"net/url"
	"strings"

	"github.com/mmcloughlin/geohash"

	"hotline"
)

// Entity kinds in the index (see hotline.KindPhone), re-exported for the
// store's own code and tests.
const (
	KindPhone    = hotline.KindPhone
	KindTelegram = hotline.KindTelegram
	KindURL      = hotline.KindURL
	KindDomain   = hotline.KindDomain
	KindTRON     = hotline.KindTRON
	KindETH      = hotline.KindETH
	KindBTC      = hotline.KindBTC
	KindBank     = hotline.KindBank
	KindPassport = hotline.KindPassport
	KindCompound = hotline.KindCompound
	KindPlace    = hotline.KindPlace
	KindPerson   = hotline.KindPerson
)

// placePrecision is the geohash length of a place: a cell of about
// 150 m × 150 m, a building or a compound's block. Neighbouring cells are
// linked too (see placeCells), so two reports 50 m apart across a cell
// edge still meet.
const placePrecision = 7

// normEntity is one entity ready for the index.
type normEntity struct {
	kind, value string
	lat, lon    *float64 // places only: the cell's centre
}

// normalizeEntity turns a triage entity into the index's form; ok is false
// for kinds the index does not keep (amounts) or values that normalize to
// nothing. A URL yields two entities (the URL and its domain). home is the
// country the case points to (cases.nationality), which decides a local
// phone number that both countries' rules could read (see phoneE164).
func normalizeEntity(e hotline.Entity, home string) []normEntity {
	v := strings.TrimSpace(e.Value)
	if v == "" {
		return nil
	}
	switch e.Kind {
	case "phone", "whatsapp":
		if d := phoneE164(v, home); d != "" {
			return []normEntity{{kind: KindPhone, value: d}}
		}
	case "telegram":
		h := strings.ToLower(strings.TrimPrefix(v, "@"))
		if h != "" {
			return []normEntity{{kind: KindTelegram, value: h}}
		}
	case "url":
		u, d := normalizeURL(v)
		var out []normEntity
		if u != "" {
			out = append(out, normEntity{kind: KindURL, value: u})
		}
		if d != "" {
			out = append(out, normEntity{kind: KindDomain, value: d})
		}
		return out
	case "domain":
		if _, d := normalizeURL("http://" + v); d != "" {
			return []normEntity{{kind: KindDomain, value: d}}
		}
	case "wallet_eth":
		// Hex addresses are case-insensitive (the mixed case is only a
		// checksum), so they compare in lower case.
		return []normEntity{{kind: KindETH, value: strings.ToLower(v)}}
	case "wallet_btc":
		if strings.HasPrefix(strings.ToLower(v), "bc1") {
			v = strings.ToLower(v) // bech32 is case-insensitive; base58 is not
		}
		return []normEntity{{kind: KindBTC, value: v}}
	case "wallet_tron":
		return []normEntity{{kind: KindTRON, value: v}}
	case "bank_account":
		if d := digitsOnly(v); d != "" {
			return []normEntity{{kind: KindBank, value: d}}
		}
	case "passport":
		return []normEntity{{kind: KindPassport, value: strings.ToUpper(strings.ReplaceAll(v, " ", ""))}}
	case "compound":
		return []normEntity{{kind: KindCompound, value: strings.Join(strings.Fields(v), " ")}}
	}
	return nil
}

// NormalizeEntityValue is the index's form of a value staff type in, so
// that an entity added by hand meets the same entity found by the triage.
func NormalizeEntityValue(kind, value string) (string, error) {
	if kind == KindPlace {
		return "", hotline.Errorf(hotline.EINVALID, "places come from case locations")
	}
	for _, n := range normalizeEntity(hotline.Entity{Kind: kind, Value: value}, "") {
		if n.kind == kind || kind == "whatsapp" {
			return n.value, nil
		}
	}
	return "", hotline.Errorf(hotline.EINVALID, "not a valid %s", kind)
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// normalizeURL lower-cases scheme and host, drops "www." and a trailing
// slash and the fragment; the path keeps its case (paths are case-sensitive).
func normalizeURL(s string) (u, domain string) {
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	p, err := url.Parse(s)
	if err != nil || p.Hostname() == "" {
		return "", ""
	}
	host := strings.TrimPrefix(strings.ToLower(p.Hostname()), "www.")
	if !strings.Contains(host, ".") {
		return "", ""
	}
	path := strings.TrimRight(p.EscapedPath(), "/")
	u = host + path
	if p.RawQuery != "" {
		u += "?" + p.RawQuery
	}
	return u, host
}

// placeEntity clusters a point to its cell.
func placeEntity(lat, lon float64) normEntity {
	h := geohash.EncodeWithPrecision(lat, lon, placePrecision)
	clat, clon := geohash.DecodeCenter(h)
	clat, clon = round(clat, 4), round(clon, 4)
	return normEntity{kind: KindPlace, value: h, lat: &clat, lon: &clon}
}

// placeCells is a place's cell and its eight neighbours.
func placeCells(cell string) []string {
	return append([]string{cell}, geohash.Neighbors(cell)...)
}

func round(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

// entitiesOf lists what one message adds to the index: its triage's
// entities and the point the message or its triage located, with local
// phone numbers read by Cambodian rules first (the backfill's view, which
// has no case context; intake and reindex use entitiesOfIn).
func entitiesOf(t hotline.Triage, lat, lon *float64) []normEntity {
	return entitiesOfIn(t, lat, lon, "")
}

// entitiesOfIn is entitiesOf for a case that points to country home.
func entitiesOfIn(t hotline.Triage, lat, lon *float64, home string) []normEntity {
	var out []normEntity
	seen := map[string]bool{}
	add := func(n normEntity) {
		k := n.kind + "\x00" + n.value
		if !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	for _, e := range t.Entities {
		for _, n := range normalizeEntity(e, home) {
			add(n)
		}
	}
	if lat == nil || lon == nil {
		lat, lon = t.Location.Lat, t.Location.Lon
	}
	if lat != nil && lon != nil && validPoint(*lat, *lon) {
		add(placeEntity(*lat, *lon))
	}
	return out
}

func validPoint(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && !(lat == 0 && lon == 0)
}

// EntityLabel is how an entity is shown: a place by its rounded point.
func EntityLabel(kind, value string, lat, lon *float64) string {
	if kind == KindPlace && lat != nil && lon != nil {
		return fmt.Sprintf("%.4f, %.4f (%s)", *lat, *lon, value)
	}
	if kind == KindPhone {
		return "+" + value
	}
	if kind == KindTelegram {
		return "@" + value
	}
	return value
}
