package geo

import (
	"fmt"
	"math"
	"sort"
)

type bbox struct{ minLat, minLon, maxLat, maxLon float64 }

func emptyBox() bbox {
	return bbox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
}

func (b bbox) has(lat, lon float64) bool {
	return lat >= b.minLat && lat <= b.maxLat && lon >= b.minLon && lon <= b.maxLon
}

func (b bbox) union(o bbox) bbox {
	return bbox{
		math.Min(b.minLat, o.minLat), math.Min(b.minLon, o.minLon),
		math.Max(b.maxLat, o.maxLat), math.Max(b.maxLon, o.maxLon),
	}
}

type edge struct{ aLat, aLon, bLat, bLon float64 }

// polyIndex is one polygon (outer ring plus holes) with its edges bucketed
// into horizontal bands, so a point-in-polygon test only looks at the few
// edges that can cross the point's parallel instead of thousands.
type polyIndex struct {
	box   bbox
	bandH float64
	bands [][]edge
}

const edgesPerBand = 8

func newPolyIndex(rings [][]Point) polyIndex {
	pi := polyIndex{box: emptyBox()}
	n := 0
	for _, r := range rings {
		for _, p := range r {
			pi.box = pi.box.union(bbox{p.Lat, p.Lon, p.Lat, p.Lon})
		}
		n += len(r)
	}
	nb := max(1, n/edgesPerBand)
	pi.bandH = (pi.box.maxLat - pi.box.minLat) / float64(nb)
	if pi.bandH <= 0 {
		pi.bandH, nb = 1, 1
	}
	pi.bands = make([][]edge, nb)
	for _, r := range rings {
		for i := range r {
			a, b := r[i], r[(i+1)%len(r)]
			if a == b {
				continue
			}
			lo, hi := pi.band(min(a.Lat, b.Lat)), pi.band(max(a.Lat, b.Lat))
			for k := lo; k <= hi; k++ {
				pi.bands[k] = append(pi.bands[k], edge{a.Lat, a.Lon, b.Lat, b.Lon})
			}
		}
	}
	return pi
}

func (pi *polyIndex) band(lat float64) int {
	k := int((lat - pi.box.minLat) / pi.bandH)
	return min(max(k, 0), len(pi.bands)-1)
}

// contains applies the even-odd rule over all rings at once, which treats
// holes correctly without knowing which ring is which.
func (pi *polyIndex) contains(lat, lon float64) bool {
	if !pi.box.has(lat, lon) {
		return false
	}
	in := false
	for _, e := range pi.bands[pi.band(lat)] {
		if (e.aLat > lat) != (e.bLat > lat) &&
			lon < (e.bLon-e.aLon)*(lat-e.aLat)/(e.bLat-e.aLat)+e.aLon {
			in = !in
		}
	}
	return in
}

// crossings returns the longitudes where the parallel at lat crosses the
// polygon's rings, sorted; consecutive pairs bound the inside stretches.
func crossings(rings [][]Point, lat float64) []float64 {
	var xs []float64
	for _, r := range rings {
		for i := range r {
			a, b := r[i], r[(i+1)%len(r)]
			if (a.Lat > lat) != (b.Lat > lat) {
				xs = append(xs, (b.Lon-a.Lon)*(lat-a.Lat)/(b.Lat-a.Lat)+a.Lon)
			}
		}
	}
	sort.Float64s(xs)
	return xs
}

// ringCentroid is the area centroid and absolute area of a ring (shoelace
// formula in degrees, fine at Cambodia's scale).
func ringCentroid(r []Point) (Point, float64) {
	var a, cx, cy float64
	for i := range r {
		p, q := r[i], r[(i+1)%len(r)]
		c := p.Lon*q.Lat - q.Lon*p.Lat
		a += c
		cx += (p.Lon + q.Lon) * c
		cy += (p.Lat + q.Lat) * c
	}
	if a == 0 {
		return r[0], 0
	}
	return Point{Lat: cy / (3 * a), Lon: cx / (3 * a)}, math.Abs(a / 2)
}

// interiorPoint picks the representative point Centroid returns.
func interiorPoint(p *province) (Point, error) {
	best, bestArea := -1, -1.0
	var c Point
	for i, rings := range p.raw {
		cc, a := ringCentroid(rings[0])
		if a > bestArea {
			best, bestArea, c = i, a, cc
		}
	}
	if best < 0 {
		return Point{}, fmt.Errorf("geo: %s has no polygons", p.name)
	}
	if p.contains(c.Lat, c.Lon) {
		return c, nil
	}
	rings := p.raw[best]
	bb := p.polys[best].box
	// Try the centroid's own parallel first, then others across the
	// polygon, and take the middle of the widest inside stretch found.
	lats := []float64{c.Lat}
	for f := 0.5; f < 1; f += 0.05 {
		lats = append(lats, bb.minLat+f*(bb.maxLat-bb.minLat), bb.maxLat-f*(bb.maxLat-bb.minLat))
	}
	for _, lat := range lats {
		xs := crossings(rings, lat)
		w, mid := 0.0, 0.0
		for i := 0; i+1 < len(xs); i += 2 {
			if d := xs[i+1] - xs[i]; d > w {
				w, mid = d, (xs[i]+xs[i+1])/2
			}
		}
		if w > 0 && p.contains(lat, mid) {
			return Point{Lat: lat, Lon: mid}, nil
		}
	}
	return Point{}, fmt.Errorf("geo: no interior point for %s", p.name)
}
