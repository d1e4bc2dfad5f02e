package geo

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Point is a WGS84 position in decimal degrees.
type Point struct{ Lat, Lon float64 }

// Province is one of Cambodia's 25 first-level units (24 provinces and
// Phnom Penh). Polygons holds each part of the province as rings of points,
// the first ring the outer boundary and any others holes (Kandal has one
// where Phnom Penh sits); rings are closed (last point equals the first).
type Province struct {
	Name     string // canonical English name, e.g. "Banteay Meanchey"
	ISO      string // ISO 3166-2 code, e.g. "KH-1"
	Polygons [][][]Point
}

// canonicalByISO gives the names the rest of Hotline uses; joining on the
// ISO code keeps us independent of the source's spelling ("Bantey
// Meanchey", "Ratanakiri Province").
var canonicalByISO = map[string]string{
	"KH-1": "Banteay Meanchey", "KH-2": "Battambang", "KH-3": "Kampong Cham",
	"KH-4": "Kampong Chhnang", "KH-5": "Kampong Speu", "KH-6": "Kampong Thom",
	"KH-7": "Kampot", "KH-8": "Kandal", "KH-9": "Koh Kong", "KH-10": "Kratie",
	"KH-11": "Mondulkiri", "KH-12": "Phnom Penh", "KH-13": "Preah Vihear",
	"KH-14": "Prey Veng", "KH-15": "Pursat", "KH-16": "Ratanakiri",
	"KH-17": "Siem Reap", "KH-18": "Preah Sihanouk", "KH-19": "Stung Treng",
	"KH-20": "Svay Rieng", "KH-21": "Takeo", "KH-22": "Oddar Meanchey",
	"KH-23": "Kep", "KH-24": "Pailin", "KH-25": "Tbong Khmum",
}

type province struct {
	name, iso string
	box       bbox
	polys     []polyIndex
	raw       [][][]Point
	centroid  Point
}

var (
	loadOnce  sync.Once
	provinces []province // sorted by name
)

// load decodes the embedded boundaries on first use, so programs that never
// ask about a point pay nothing. The data is embedded and covered by tests,
// so a failure here is a build defect, not a runtime condition.
func load() []province {
	loadOnce.Do(func() {
		ps, err := buildProvinces(khmADM1)
		if err != nil {
			panic(err)
		}
		provinces = ps
	})
	return provinces
}

func buildProvinces(data []byte) ([]province, error) {
	raws, err := decodeTopoJSON(data, khmObject)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := make([]province, 0, len(raws))
	for _, r := range raws {
		name, ok := canonicalByISO[r.iso]
		if !ok {
			return nil, fmt.Errorf("geo: unknown province ISO code %q (%s)", r.iso, r.name)
		}
		if seen[r.iso] {
			return nil, fmt.Errorf("geo: duplicate province %s", r.iso)
		}
		seen[r.iso] = true
		p := province{name: name, iso: r.iso, raw: r.polygons, box: emptyBox()}
		for _, rings := range r.polygons {
			pi := newPolyIndex(rings)
			p.box = p.box.union(pi.box)
			p.polys = append(p.polys, pi)
		}
		out = append(out, p)
	}
	if len(out) != len(canonicalByISO) {
		return nil, fmt.Errorf("geo: %d provinces in data, want %d", len(out), len(canonicalByISO))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	for i := range out {
		c, err := interiorPoint(&out[i])
		if err != nil {
			return nil, err
		}
		out[i].centroid = c
	}
	return out, nil
}

func (p *province) contains(lat, lon float64) bool {
	if !p.box.has(lat, lon) {
		return false
	}
	for i := range p.polys {
		if p.polys[i].contains(lat, lon) {
			return true
		}
	}
	return false
}

// ProvinceAt returns the canonical name of the province containing the
// point, or false when the point is outside Cambodia (including at sea
// beyond the mapped islands). Boundaries are simplified, so points within a
// few hundred metres of a border may land on either side.
func ProvinceAt(lat, lon float64) (string, bool) {
	ps := load()
	for i := range ps {
		if ps[i].contains(lat, lon) {
			return ps[i].name, true
		}
	}
	return "", false
}

// Provinces returns all 25 provinces ordered by name, with their
// boundaries, for drawing a map. The slices are copies the caller may keep
// or change.
func Provinces() []Province {
	ps := load()
	out := make([]Province, len(ps))
	for i, p := range ps {
		polys := make([][][]Point, len(p.raw))
		for j, rings := range p.raw {
			polys[j] = make([][]Point, len(rings))
			for k, ring := range rings {
				polys[j][k] = append([]Point(nil), ring...)
			}
		}
		out[i] = Province{Name: p.name, ISO: p.iso, Polygons: polys}
	}
	return out
}

// Centroid returns a point inside the named province (canonical name, case
// insensitive, or ISO code), for placing a case on the map when only its
// province is known. It is the area centroid of the province's largest part
// when that lies inside, otherwise the middle of the widest stretch of the
// province along a parallel, so it never falls in a hole or the sea.
func Centroid(name string) (Point, bool) {
	ps := load()
	for i := range ps {
		if strings.EqualFold(ps[i].name, name) || strings.EqualFold(ps[i].iso, name) {
			return ps[i].centroid, true
		}
	}
	return Point{}, false
}
