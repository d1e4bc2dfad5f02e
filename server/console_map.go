package server

import (
	"fmt"
	"html"
	"math"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/triage/geo"
)

// The overview map is Cambodia's provinces drawn from the embedded
// boundaries, projected equirectangularly (good enough at this latitude)
// and thinned to whole units, so that it costs a few kilobytes and needs no
// tiles from the internet.
const (
	mapWest, mapEast   = 102.3, 107.7
	mapNorth, mapSouth = 14.75, 10.35
	mapScale           = 100.0 // units per degree of latitude
)

var mapCos = math.Cos((mapNorth + mapSouth) / 2 * math.Pi / 180)

func mapWidth() float64  { return (mapEast - mapWest) * mapScale * mapCos }
func mapHeight() float64 { return (mapNorth - mapSouth) * mapScale }

func project(lat, lon float64) (x, y float64) {
	return (lon - mapWest) * mapScale * mapCos, (mapNorth - lat) * mapScale
}

// mapView places a case on the overview map.
type mapView struct {
	W, H    int
	X, Y    float64
	Point   bool // a point is known (else, when Approx, the province's middle)
	Approx  bool
	Outside bool // the point lies off the map (not in Cambodia)
}

func mapFor(loc hotline.Location) *mapView {
	v := &mapView{W: int(math.Ceil(mapWidth())), H: int(math.Ceil(mapHeight()))}
	switch {
	case loc.Lat != nil && loc.Lon != nil:
		v.X, v.Y = project(*loc.Lat, *loc.Lon)
		v.Point = true
	case loc.Province != "":
		if p, ok := geo.Centroid(loc.Province); ok {
			v.X, v.Y = project(p.Lat, p.Lon)
			v.Approx = true
		}
	}
	if (v.Point || v.Approx) && (v.X < 0 || v.Y < 0 || v.X > float64(v.W) || v.Y > float64(v.H)) {
		v.Outside, v.Point, v.Approx = true, false, false
	}
	return v
}

var (
	mapOnce sync.Once
	mapDoc  []byte
)

// mapSVG serves GET /console/map.svg, built once.
func (h *console) mapSVG(c *fiber.Ctx) error {
	mapOnce.Do(func() { mapDoc = buildMap() })
	c.Set(fiber.HeaderContentType, "image/svg+xml")
	c.Set(fiber.HeaderCacheControl, "private, max-age=86400")
	return c.Send(mapDoc)
}

func buildMap() []byte {
	w, hgt := int(math.Ceil(mapWidth())), int(math.Ceil(mapHeight()))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d">`, w, hgt, w, hgt)
	b.WriteString(`<rect width="100%" height="100%" fill="#eef4f8"/>`)
	b.WriteString(`<g fill="#fbfbf7" stroke="#6b6b6b" stroke-width="0.8" stroke-linejoin="round">`)
	for _, p := range geo.Provinces() {
		fmt.Fprintf(&b, `<path fill-rule="evenodd" d="`)
		for _, poly := range p.Polygons {
			for _, ring := range poly {
				writeRing(&b, ring)
			}
		}
		fmt.Fprintf(&b, `"><title>%s</title></path>`, html.EscapeString(p.Name))
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" text-anchor="end" fill="#333" font-family="sans-serif">© OpenStreetMap contributors</text>`, w-4, hgt-4)
	b.WriteString(`</svg>`)
	return []byte(b.String())
}

// writeRing draws a ring with points rounded to whole units, dropping
// points closer than 1.5 units to the last one kept.
func writeRing(b *strings.Builder, ring []geo.Point) {
	var lx, ly float64
	n := 0
	for i, pt := range ring {
		x, y := project(pt.Lat, pt.Lon)
		x, y = math.Round(x), math.Round(y)
		if i > 0 && i < len(ring)-1 && math.Hypot(x-lx, y-ly) < 1.5 {
			continue
		}
		if n == 0 {
			fmt.Fprintf(b, "M%g %g", x, y)
		} else {
			fmt.Fprintf(b, "L%g %g", x, y)
		}
		lx, ly = x, y
		n++
	}
	b.WriteString("Z")
}
