package triage

import (
	"math"

	"hotline"
	"hotline/triage/geo"
)

// candidate is one mention of a gazetteer place in a message.
type candidate struct {
	p          *place
	start, end int32
	score      float64
}

const defaultLocReach = 24

// placeCandidates lists the place mentions and weighs each by the
// location cues around it: "now in", "여기", "ឥឡូវនៅ" raise it; "from",
// "escaped from", "want to go to", "I'm from" lower it; where the writer
// says they are counts for self reports and against family reports.
func (e *engine) placeCandidates(hits []hit, rep hotline.Reporter, out []candidate) []candidate {
	out = out[:0]
	for _, h := range hits {
		if h.table != tPlace {
			continue
		}
		if p := &e.places[e.refOf(h)]; p.kind != "ignore" {
			out = append(out, candidate{p: p, start: h.start, end: h.end})
		}
	}
	if len(out) == 0 {
		return out
	}
	for _, h := range hits {
		if h.table != tCue {
			continue
		}
		for _, r := range e.patterns[h.pat].refs {
			if r.table != tCue || r.view != h.view {
				continue
			}
			c := &e.cues[r.idx]
			if c.kind != cueLoc && c.kind != cueWriter {
				continue
			}
			reach := int32(c.reach)
			if reach == 0 {
				reach = defaultLocReach
			}
			best, dist := -1, int32(math.MaxInt32)
			for i := range out {
				cd := &out[i]
				if c.before && cd.start >= h.end && cd.start-h.end <= reach && cd.start-h.end < dist {
					best, dist = i, cd.start-h.end
				}
				if c.after && cd.end <= h.start && h.start-cd.end <= reach && h.start-cd.end < dist {
					best, dist = i, h.start-cd.end
				}
			}
			if best < 0 {
				continue
			}
			w := c.weight
			if c.kind == cueWriter {
				// The writer's place is the person's in a self report and
				// says nothing about them when a relative writes from home.
				// A helper (NGO, friend) is often with them: no weight.
				switch rep {
				case hotline.ReporterFamily:
					w = -3
				case hotline.ReporterOther:
					w = 0
				default:
					w = 2
				}
			}
			out[best].score += w
		}
	}
	return out
}

// location picks where the person is now. Coordinates beat names; among
// names the best-weighted mention wins, later mentions breaking ties
// (people name where they were before where they are), and a mention that
// scores below zero (only where they were, or plan to go) is never taken.
func (e *engine) location(in Input, t *text, cands []candidate, res *Result) {
	var best *candidate
	bestScore := 0.0
	for i := range cands {
		c := &cands[i]
		s := c.score + 0.0001*float64(c.start)
		if c.score >= 0 && (best == nil || s >= bestScore) {
			best, bestScore = c, s
		}
	}
	// A country named with a place inside it: the place says more.
	if best != nil && best.p.rank == 0 {
		var in *candidate
		for i := range cands {
			c := &cands[i]
			if c.score >= 0 && c.p.rank > 0 && c.p.country == best.p.country && (in == nil || c.score > in.score || c.score == in.score && c.start > in.start) {
				in = c
			}
		}
		if in != nil {
			best = in
		}
	}
	// The most precise place named in the chosen province.
	precise := func(province string) *candidate {
		var pc *candidate
		for i := range cands {
			c := &cands[i]
			if c.score >= 0 && c.p.province == province && province != "" && (pc == nil || c.p.rank > pc.p.rank) {
				pc = c
			}
		}
		return pc
	}
	var lat, lon float64
	havePoint := false
	if in.Lat != nil && in.Lon != nil && validPoint(*in.Lat, *in.Lon) {
		lat, lon, havePoint = *in.Lat, *in.Lon, true
	} else if len(t.plain) > 0 {
		for _, f := range geo.FindPoints(in.Text) {
			if validPoint(f.Lat, f.Lon) {
				lat, lon, havePoint = f.Lat, f.Lon, true
				break
			}
		}
	}
	if havePoint {
		// Fresh copies: lat and lon themselves stay on the stack for the
		// messages without a point, which are most.
		pt := &[2]float64{lat, lon} // one allocation for both
		res.Lat, res.Lon = &pt[0], &pt[1]
		if prov, ok := geo.ProvinceAt(lat, lon); ok {
			res.Province, res.Country = prov, "KH"
			if pc := precise(prov); pc != nil && pc.p.rank >= 2 {
				res.Place = pc.p.name
			} else if np := e.nearestPlace(lat, lon, prov); np != nil {
				res.Place = np.name
			}
			return
		}
		if best != nil && best.p.country != "KH" {
			res.Country, res.Place = best.p.country, best.p.name
		}
		return
	}
	if best == nil {
		return
	}
	res.Country = best.p.country
	res.Province = best.p.province
	chosen := best
	if pc := precise(best.p.province); pc != nil && pc.p.rank > best.p.rank {
		chosen = pc
	}
	if chosen.p.rank > 0 {
		res.Place = chosen.p.name
		pt := &[2]float64{chosen.p.lat, chosen.p.lon}
		res.Lat, res.Lon = &pt[0], &pt[1]
	} else if chosen.p.country != "" {
		res.Place = chosen.p.name
	}
}

func validPoint(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && !math.IsNaN(lat) && !math.IsNaN(lon) && !(lat == 0 && lon == 0)
}

// nearestPlace is the closest town, district or compound in the province
// within 15 km, to name a shared point for staff.
func (e *engine) nearestPlace(lat, lon float64, province string) *place {
	var best *place
	bestD := 15.0
	for i := range e.places {
		p := &e.places[i]
		if p.rank < 2 || p.province != province {
			continue
		}
		if d := km(lat, lon, p.lat, p.lon); d < bestD {
			best, bestD = p, d
		}
	}
	return best
}

// km is the great-circle distance.
func km(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}
