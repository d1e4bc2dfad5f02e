package server

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"

	"hotline"
	"hotline/triage/geo"
)

// The overview's charts are SVG written here, inline in the page: no
// script, no library, no request to anyone. Every mark is a link to the
// cases behind it and carries its number in a <title>; the tables under
// each chart say the same in text.

var urgencyColours = map[hotline.Urgency]string{
	hotline.Critical: "#b3261e", hotline.High: "#e8710a", hotline.Medium: "#c79100", hotline.Low: "#1e8e3e",
}

var outcomeColours = map[string]string{
	hotline.ResolvedRescued: "#1e8e3e", hotline.ResolvedRepatriated: "#1a73e8", hotline.ResolvedSafe: "#7cb342", hotline.ResolvedUnfounded: "#9e9e9e",
}

// chartUrgencies are the urgencies charted, worst first.
var chartUrgencies = []hotline.Urgency{hotline.Critical, hotline.High, hotline.Medium, hotline.Low}

func esc(s string) string { return html.EscapeString(s) }

// openChart draws open cases by urgency over the period, one line each.
func openChart(st *overviewStats, T func(string) string, link func(drill) string) template.HTML {
	const w, h, left, right, top, bottom = 640.0, 220.0, 40.0, 10.0, 10.0, 30.0
	peak := 1
	for _, p := range st.Open {
		for _, u := range chartUrgencies {
			peak = max(peak, p.Counts[u])
		}
	}
	n := len(st.Open)
	x := func(i int) float64 {
		if n == 1 {
			return left + (w-left-right)/2
		}
		return left + float64(i)*(w-left-right)/float64(n-1)
	}
	y := func(v int) float64 { return top + (h-top-bottom)*(1-float64(v)/float64(peak)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-labelledby="open-chart-t"><title id="open-chart-t">%s</title>`,
		w, h, w, h, esc(T("console.overview.open_title")))
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#6b6b6b"/>`, left, h-bottom, w-right, h-bottom)
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#6b6b6b"/>`, left, top, left, h-bottom)
	fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="11" text-anchor="end">%d</text>`, left-4, top+8, peak)
	fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="11" text-anchor="end">0</text>`, left-4, h-bottom)
	if n > 0 {
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="11">%s</text>`, left, h-8, st.Open[0].At.Format("2006-01-02"))
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="11" text-anchor="end">%s</text>`, w-right, h-8, st.Open[n-1].At.Format("2006-01-02"))
	}
	for _, u := range chartUrgencies {
		var pts []string
		for i, p := range st.Open {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Counts[u])))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, urgencyColours[u], strings.Join(pts, " "))
		for i, p := range st.Open {
			fmt.Fprintf(&b, `<a href="%s"><circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s · %s: %d</title></circle></a>`,
				esc(link(drill{Dim: "open_at", Key: u.String(), At: p.At})), x(i), y(p.Counts[u]), urgencyColours[u],
				p.At.Format("2006-01-02"), esc(T("console.urgency."+u.String())), p.Counts[u])
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// provinceMap is the choropleth of cases opened by province, over the
// same embedded boundaries as the case map.
func provinceMap(st *overviewStats, TS func(string, string) string, link func(drill) string) template.HTML {
	wd, ht := int(math.Ceil(mapWidth())), int(math.Ceil(mapHeight()))
	peak := 0
	for _, n := range st.Provinces {
		peak = max(peak, n)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart map" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, wd, ht, wd, ht, esc(TS("console.overview.", "map_title")))
	b.WriteString(`<rect width="100%" height="100%" fill="#eef4f8"/>`)
	for _, p := range geo.Provinces() {
		n := st.Provinces[p.Name]
		var d strings.Builder
		for _, poly := range p.Polygons {
			for _, ring := range poly {
				writeRing(&d, ring)
			}
		}
		name := TS("province.", p.Name)
		fmt.Fprintf(&b, `<a href="%s"><path fill-rule="evenodd" fill="%s" stroke="#6b6b6b" stroke-width="0.8" d="%s"><title>%s: %d</title></path></a>`,
			esc(link(drill{Dim: "province", Key: p.Name})), shade(n, peak), d.String(), esc(name), n)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" text-anchor="end" fill="#333" font-family="sans-serif">© OpenStreetMap contributors</text>`, wd-4, ht-4)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// shade is a five-step sequential scale; no cases is the map's paper.
func shade(n, peak int) string {
	if n == 0 || peak == 0 {
		return "#fbfbf7"
	}
	steps := []string{"#fde0d0", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"}
	i := int(math.Ceil(float64(n)/float64(peak)*float64(len(steps)))) - 1
	return steps[min(max(i, 0), len(steps)-1)]
}

// barChart draws one horizontal bar per key.
func barChart(title string, rows []keyCount, label func(string) string, link func(string) string) template.HTML {
	const w, rowH, left = 480.0, 22.0, 130.0
	peak := 1
	for _, r := range rows {
		peak = max(peak, r.Count)
	}
	h := rowH*float64(len(rows)) + 4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s">`, w, h, w, h, esc(title))
	for i, r := range rows {
		y := float64(i) * rowH
		bw := (w - left - 50) * float64(r.Count) / float64(peak)
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="12" text-anchor="end">%s</text>`, left-6, y+15, esc(label(r.Key)))
		fmt.Fprintf(&b, `<a href="%s"><rect x="%g" y="%g" width="%.1f" height="%g" fill="#1a73e8"><title>%s: %d</title></rect><text x="%.1f" y="%g" font-size="12">%d</text></a>`,
			esc(link(r.Key)), left, y+3, bw, rowH-6, esc(label(r.Key)), r.Count, left+bw+4, y+15, r.Count)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// outcomeChart stacks the outcomes of each week.
func outcomeChart(st *overviewStats, T func(string) string, link func(drill) string) template.HTML {
	const h, bottom, barW, gap = 180.0, 24.0, 28.0, 14.0
	peak := 1
	for _, wk := range st.Outcomes {
		t := 0
		for _, k := range outcomeKinds {
			t += wk.Counts[k]
		}
		peak = max(peak, t)
	}
	w := math.Max(200, float64(len(st.Outcomes))*(barW+gap)+gap)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s">`, w, h, w, h, esc(T("console.overview.outcomes_title")))
	for i, wk := range st.Outcomes {
		x := gap + float64(i)*(barW+gap)
		base := h - bottom
		for _, k := range outcomeKinds {
			n := wk.Counts[k]
			if n == 0 {
				continue
			}
			bh := (h - bottom - 8) * float64(n) / float64(peak)
			base -= bh
			fmt.Fprintf(&b, `<a href="%s"><rect x="%g" y="%.1f" width="%g" height="%.1f" fill="%s"><title>%s %s: %d</title></rect></a>`,
				esc(link(drill{Dim: "outcome", Key: k, At: wk.Week})), x, base, barW, bh, outcomeColours[k], wk.Week.Format("2006-01-02"), esc(T("console.resolution."+k)), n)
		}
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="10" text-anchor="middle">%s</text>`, x+barW/2, h-8, wk.Week.Format("01-02"))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
