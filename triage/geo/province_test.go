package geo

import (
	"sort"
	"testing"
)

// Town centres (approximate, from general knowledge) and the province each
// lies in; every province appears at least once.
var towns = []struct {
	name     string
	lat, lon float64
	want     string
}{
	{"Phnom Penh, Wat Phnom", 11.5763, 104.9230, "Phnom Penh"},
	{"Phnom Penh, central", 11.556, 104.928, "Phnom Penh"},
	{"Ta Khmau", 11.48, 104.95, "Kandal"},
	{"Sihanoukville", 10.627, 103.522, "Preah Sihanouk"},
	{"Poipet", 13.659, 102.564, "Banteay Meanchey"},
	{"Serei Saophoan", 13.585, 102.973, "Banteay Meanchey"},
	{"Bavet", 11.07, 106.14, "Svay Rieng"},
	{"Svay Rieng town", 11.087, 105.800, "Svay Rieng"},
	{"Battambang", 13.095, 103.202, "Battambang"},
	{"Siem Reap", 13.367, 103.844, "Siem Reap"},
	{"Angkor Wat", 13.412, 103.867, "Siem Reap"},
	{"Kampot town", 10.610, 104.181, "Kampot"},
	{"Bokor hill station", 10.63, 104.03, "Kampot"},
	{"Kep", 10.483, 104.317, "Kep"},
	{"Koh Kong town", 11.616, 102.984, "Koh Kong"},
	{"Pailin", 12.849, 102.609, "Pailin"},
	{"Pursat", 12.539, 103.919, "Pursat"},
	{"Kampong Chhnang", 12.250, 104.667, "Kampong Chhnang"},
	{"Chbar Mon (Kampong Speu)", 11.454, 104.521, "Kampong Speu"},
	{"Doun Kaev (Takeo)", 10.990, 104.785, "Takeo"},
	{"Prey Veng", 11.484, 105.324, "Prey Veng"},
	{"Kampong Cham", 11.993, 105.464, "Kampong Cham"},
	{"Suong", 11.911, 105.658, "Tbong Khmum"},
	{"Memot", 11.83, 106.18, "Tbong Khmum"},
	{"Kratie", 12.488, 106.019, "Kratie"},
	{"Stung Treng", 13.526, 105.968, "Stung Treng"},
	{"Banlung", 13.739, 106.987, "Ratanakiri"},
	{"Sen Monorom", 12.455, 107.188, "Mondulkiri"},
	{"Tbeng Meanchey", 13.808, 104.980, "Preah Vihear"},
	{"Kampong Thom", 12.712, 104.889, "Kampong Thom"},
	{"Samraong", 14.181, 103.518, "Oddar Meanchey"},
	{"Anlong Veng", 14.23, 104.08, "Oddar Meanchey"},
}

func TestProvinceAtTowns(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range towns {
		got, ok := ProvinceAt(tc.lat, tc.lon)
		if !ok || got != tc.want {
			t.Errorf("%s (%v, %v): got %q, %v; want %q", tc.name, tc.lat, tc.lon, got, ok, tc.want)
		}
		covered[tc.want] = true
	}
	for _, name := range canonicalByISO {
		if !covered[name] {
			t.Errorf("no town in %s in the table", name)
		}
	}
}

func TestProvinceAtOutside(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lat, lon float64
	}{
		{"Bangkok", 13.756, 100.502},
		{"Ho Chi Minh City", 10.776, 106.700},
		{"Chau Doc, Vietnam", 10.70, 105.12},
		{"Aranyaprathet, Thailand", 13.69, 102.50},
		{"Gulf of Thailand, at sea", 10.5, 102.5},
		{"Seoul", 37.566, 126.978},
		{"Vientiane", 17.97, 102.61},
		{"null island", 0, 0},
	} {
		if got, ok := ProvinceAt(tc.lat, tc.lon); ok {
			t.Errorf("%s: got %q, want not found", tc.name, got)
		}
	}
}

func TestProvincesData(t *testing.T) {
	ps := Provinces()
	if len(ps) != 25 {
		t.Fatalf("got %d provinces, want 25", len(ps))
	}
	var names, want []string
	for _, p := range ps {
		names = append(names, p.Name)
		if canonicalByISO[p.ISO] != p.Name {
			t.Errorf("%s has ISO %s", p.Name, p.ISO)
		}
		if len(p.Polygons) == 0 {
			t.Errorf("%s has no polygons", p.Name)
		}
		for _, poly := range p.Polygons {
			for _, ring := range poly {
				if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
					t.Errorf("%s: ring of %d points not closed", p.Name, len(ring))
				}
				for _, pt := range ring {
					if pt.Lat < 9.5 || pt.Lat > 14.8 || pt.Lon < 102 || pt.Lon > 108 {
						t.Fatalf("%s: point %v outside Cambodia's box", p.Name, pt)
					}
				}
			}
		}
	}
	for _, n := range canonicalByISO {
		want = append(want, n)
	}
	sort.Strings(want)
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("names %v, want %v", names, want)
		}
	}
	// Kandal keeps Phnom Penh as a hole.
	for _, p := range ps {
		if p.Name == "Kandal" && len(p.Polygons[0]) < 2 {
			t.Errorf("Kandal has no hole")
		}
	}
	// Callers get copies.
	ps[0].Polygons[0][0][0] = Point{Lat: 99, Lon: 99}
	if Provinces()[0].Polygons[0][0][0].Lat == 99 {
		t.Error("Provinces shares its slices with the index")
	}
}

func TestCentroidInside(t *testing.T) {
	for _, name := range canonicalByISO {
		c, ok := Centroid(name)
		if !ok {
			t.Errorf("Centroid(%q) not found", name)
			continue
		}
		if got, ok := ProvinceAt(c.Lat, c.Lon); !ok || got != name {
			t.Errorf("Centroid(%q) = %v lies in %q (%v)", name, c, got, ok)
		}
	}
	if c, ok := Centroid("kh-12"); !ok || c != mustCentroid(t, "Phnom Penh") {
		t.Errorf("Centroid by ISO code: %v, %v", c, ok)
	}
	if _, ok := Centroid("Seoul"); ok {
		t.Error("Centroid(Seoul) found")
	}
}

func mustCentroid(t *testing.T, name string) Point {
	c, ok := Centroid(name)
	if !ok {
		t.Fatalf("Centroid(%q) not found", name)
	}
	return c
}

func TestProvinceAtConcurrent(t *testing.T) {
	// Run with -race: the lazy load must be safe when first hit in parallel.
	done := make(chan string, 8)
	for i := 0; i < 8; i++ {
		go func() {
			n, _ := ProvinceAt(10.627, 103.522)
			done <- n
		}()
	}
	for i := 0; i < 8; i++ {
		if n := <-done; n != "Preah Sihanouk" {
			t.Errorf("got %q", n)
		}
	}
}

func BenchmarkProvinceAt(b *testing.B) {
	load()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tc := towns[i%len(towns)]
		ProvinceAt(tc.lat, tc.lon)
		i++
	}
}

func TestNearestProvince(t *testing.T) {
	// Inside: same answer as ProvinceAt, distance 0.
	if n, km, ok := NearestProvince(10.627, 103.522, 5); !ok || n != "Preah Sihanouk" || km != 0 {
		t.Errorf("Sihanoukville: %q %v %v", n, km, ok)
	}
	// Sihanoukville's port, just outside the simplified coastline.
	lat, lon := 10.64, 103.50
	if _, ok := ProvinceAt(lat, lon); ok {
		t.Fatalf("test point %v,%v is inside a province; pick one offshore", lat, lon)
	}
	n, km, ok := NearestProvince(lat, lon, 5)
	if !ok || n != "Preah Sihanouk" || km <= 0 || km > 5 {
		t.Errorf("port: %q %v %v", n, km, ok)
	}
	// The same point with a tolerance below its distance is not placed.
	if n, _, ok := NearestProvince(lat, lon, km/2); ok {
		t.Errorf("port within %v km: %q", km/2, n)
	}
	// Far away stays far away.
	for _, p := range []Point{{13.756, 100.502}, {37.566, 126.978}, {10.776, 106.700}} {
		if n, km, ok := NearestProvince(p.Lat, p.Lon, 5); ok {
			t.Errorf("%v: %q at %v km", p, n, km)
		}
	}
	// Just across the border from Bavet, in Vietnam.
	if n, ok := ProvinceAt(11.02, 106.2); ok {
		t.Fatalf("test point in Vietnam is in %s", n)
	}
	if n, km, ok := NearestProvince(11.02, 106.2, 10); !ok || n != "Svay Rieng" || km <= 0 || km > 10 {
		t.Errorf("near Bavet: %q %v %v", n, km, ok)
	}
}
