package geo

import "math"

// NearestProvince is ProvinceAt with a tolerance: when the point lies in no
// province, it returns the province whose boundary is nearest, if that is
// within maxKm. The boundaries are simplified, so a pin on a beach, a pier
// or a boat just offshore can fall outside every province; a tolerance of
// a few kilometres recovers those. km is 0 for a point inside.
func NearestProvince(lat, lon, maxKm float64) (name string, km float64, ok bool) {
	if n, ok := ProvinceAt(lat, lon); ok {
		return n, 0, true
	}
	if !(maxKm > 0) {
		return "", 0, false
	}
	// An equirectangular projection around the point is accurate to well
	// under 1% over the few kilometres this is meant for.
	const kmPerDegLat = 111.2
	kmPerDegLon := kmPerDegLat * math.Cos(lat*math.Pi/180)
	dLat, dLon := maxKm/kmPerDegLat, maxKm/math.Max(kmPerDegLon, 1e-9)
	best := math.Inf(1)
	ps := load()
	for i := range ps {
		p := &ps[i]
		b := p.box
		if lat < b.minLat-dLat || lat > b.maxLat+dLat || lon < b.minLon-dLon || lon > b.maxLon+dLon {
			continue
		}
		for _, rings := range p.raw {
			for _, r := range rings {
				for j := 1; j < len(r); j++ {
					ax, ay := (r[j-1].Lon-lon)*kmPerDegLon, (r[j-1].Lat-lat)*kmPerDegLat
					bx, by := (r[j].Lon-lon)*kmPerDegLon, (r[j].Lat-lat)*kmPerDegLat
					if d := segmentDistance(ax, ay, bx, by); d < best {
						best, name = d, p.name
					}
				}
			}
		}
	}
	if best > maxKm {
		return "", 0, false
	}
	return name, best, true
}

// segmentDistance is the distance from the origin to the segment a–b.
func segmentDistance(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}
