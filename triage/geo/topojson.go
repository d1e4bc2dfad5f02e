package geo

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed khm-adm1.topojson
var khmADM1 []byte

const khmObject = "KHM-ADM1-37992800"

type topology struct {
	Arcs      [][][2]int64 `json:"arcs"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects map[string]struct {
		Geometries []topoGeometry `json:"geometries"`
	} `json:"objects"`
}

type topoGeometry struct {
	Type       string          `json:"type"`
	Arcs       json.RawMessage `json:"arcs"`
	Properties struct {
		ShapeName string `json:"shapeName"`
		ShapeISO  string `json:"shapeISO"`
	} `json:"properties"`
}

// rawProvince is one geometry of the topology, before names are made
// canonical: polygons of rings of lon/lat points.
type rawProvince struct {
	name, iso string
	polygons  [][][]Point
}

// decodeTopoJSON turns a quantized, delta-encoded TopoJSON topology into
// plain rings, because point-in-polygon needs whole rings while TopoJSON
// stores each shared border once.
func decodeTopoJSON(data []byte, object string) ([]rawProvince, error) {
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("geo: topojson: %w", err)
	}
	obj, ok := t.Objects[object]
	if !ok {
		return nil, fmt.Errorf("geo: topojson: no object %q", object)
	}
	arcs := make([][]Point, len(t.Arcs))
	for i, arc := range t.Arcs {
		pts := make([]Point, len(arc))
		var x, y int64
		for j, p := range arc {
			x, y = x+p[0], y+p[1]
			if t.Transform == nil {
				pts[j] = Point{Lat: float64(p[1]), Lon: float64(p[0])}
				continue
			}
			pts[j] = Point{
				Lon: float64(x)*t.Transform.Scale[0] + t.Transform.Translate[0],
				Lat: float64(y)*t.Transform.Scale[1] + t.Transform.Translate[1],
			}
		}
		arcs[i] = pts
	}
	out := make([]rawProvince, 0, len(obj.Geometries))
	for _, g := range obj.Geometries {
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var rings [][]int
			if err := json.Unmarshal(g.Arcs, &rings); err != nil {
				return nil, fmt.Errorf("geo: topojson %s: %w", g.Properties.ShapeISO, err)
			}
			polys = [][][]int{rings}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return nil, fmt.Errorf("geo: topojson %s: %w", g.Properties.ShapeISO, err)
			}
		default:
			return nil, fmt.Errorf("geo: topojson %s: unsupported geometry %q", g.Properties.ShapeISO, g.Type)
		}
		rp := rawProvince{name: g.Properties.ShapeName, iso: g.Properties.ShapeISO}
		for _, rings := range polys {
			var poly [][]Point
			for _, ring := range rings {
				r, err := stitchRing(arcs, ring)
				if err != nil {
					return nil, fmt.Errorf("geo: topojson %s: %w", g.Properties.ShapeISO, err)
				}
				poly = append(poly, r)
			}
			rp.polygons = append(rp.polygons, poly)
		}
		out = append(out, rp)
	}
	return out, nil
}

// stitchRing joins the arcs of one ring; a negative index ~i means arc i
// walked backwards, and each arc after the first repeats the previous
// arc's last point, which is dropped.
func stitchRing(arcs [][]Point, idx []int) ([]Point, error) {
	var ring []Point
	for k, a := range idx {
		rev := a < 0
		if rev {
			a = ^a
		}
		if a >= len(arcs) {
			return nil, fmt.Errorf("arc index %d out of range", a)
		}
		arc := arcs[a]
		for j := range arc {
			p := arc[j]
			if rev {
				p = arc[len(arc)-1-j]
			}
			if k > 0 && j == 0 {
				continue
			}
			ring = append(ring, p)
		}
	}
	if len(ring) < 4 {
		return nil, fmt.Errorf("ring of %d points", len(ring))
	}
	return ring, nil
}
