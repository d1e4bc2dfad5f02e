package geo

import (
	"math"
	"strings"
	"testing"
)

type wantPoint struct {
	lat, lon float64
	kind     string
	text     string // empty: the whole input
}

var findCases = []struct {
	in   string
	want []wantPoint
}{
	// decimal pairs
	{"I am at 10.6102, 104.1815 please help", []wantPoint{{10.6102, 104.1815, KindDecimal, "10.6102, 104.1815"}}},
	{"10.6102,104.1815", []wantPoint{{10.6102, 104.1815, KindDecimal, ""}}},
	{"10.6102 104.1815", []wantPoint{{10.6102, 104.1815, KindDecimal, ""}}},
	{"(10.6102, 104.1815)", []wantPoint{{10.6102, 104.1815, KindDecimal, "10.6102, 104.1815"}}},
	{"-33.8688, 151.2093", []wantPoint{{-33.8688, 151.2093, KindDecimal, ""}}},
	{"at 34.6037,-58.3816 now", []wantPoint{{34.6037, -58.3816, KindDecimal, "34.6037,-58.3816"}}},
	{"lat 10.61 lon 104.18", []wantPoint{{10.61, 104.18, KindDecimal, ""}}},
	{"Lat: 10.61, Long: 104.18", []wantPoint{{10.61, 104.18, KindDecimal, ""}}},
	{"latitude=10.61;longitude=104.18", []wantPoint{{10.61, 104.18, KindDecimal, ""}}},
	{"위도 10.61 경도 104.18", []wantPoint{{10.61, 104.18, KindDecimal, ""}}},
	{"남위 34.6 서경 58.4", []wantPoint{{-34.6, -58.4, KindDecimal, ""}}},
	{"위치는10.6102,104.1815입니다", []wantPoint{{10.6102, 104.1815, KindDecimal, "10.6102,104.1815"}}},
	{"10.6102 N, 104.1815 E", []wantPoint{{10.6102, 104.1815, KindDecimal, ""}}},
	{"from 10.6102, 104.1815 to 11.5564, 104.9282", []wantPoint{
		{10.6102, 104.1815, KindDecimal, "10.6102, 104.1815"},
		{11.5564, 104.9282, KindDecimal, "11.5564, 104.9282"},
	}},

	// map links
	{"https://maps.google.com/?q=10.61,104.18", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"https://www.google.com/maps?q=10.61,104.18", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"https://www.google.com/maps/@10.61,104.18,17z", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"https://www.google.com/maps/place/Some+Name/@10.61,104.18,17z/data=!3m1!4b1", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"https://www.google.com/maps/place/Some+Name/@10.61,104.18,17z/data=!4m6!3m5!1s0x0:0x0!8m2!3d10.6105!4d104.1822", []wantPoint{{10.6105, 104.1822, KindMapLink, ""}}},
	{"https://www.google.com/maps/place/10.61,104.18", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"https://www.google.com/maps/place/10%C2%B036'36.7%22N+104%C2%B010'53.4%22E/@10.6102,104.1815,17z", []wantPoint{{10.6102, 104.1815, KindMapLink, ""}}},
	{"https://www.google.com/maps?ll=10.61,104.18&z=15", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"https://www.google.com/maps/search/?api=1&query=10.61,104.18", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"https://www.google.com/maps/search/?api=1&query=10.61%2C104.18", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"https://maps.apple.com/?ll=10.61,104.18&q=Pin", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"https://maps.apple.com/?q=10.61,104.18", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"https://www.openstreetmap.org/#map=17/10.61/104.18", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"https://www.openstreetmap.org/?mlat=10.61&mlon=104.18#map=15/10.6/104.1", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"geo:10.61,104.18", []wantPoint{{10.61, 104.18, KindMapLink, ""}}},
	{"see (https://www.google.com/maps?q=10.61,104.18).", []wantPoint{{10.61, 104.18, KindMapLink, "https://www.google.com/maps?q=10.61,104.18"}}},
	{"google.com/maps?q=11.5564,104.9282 여기", []wantPoint{{11.5564, 104.9282, KindMapLink, "google.com/maps?q=11.5564,104.9282"}}},
	{"pin https://maps.google.com/?q=10.6102,104.1815 and 11.5564, 104.9282", []wantPoint{
		{10.6102, 104.1815, KindMapLink, "https://maps.google.com/?q=10.6102,104.1815"},
		{11.5564, 104.9282, KindDecimal, "11.5564, 104.9282"},
	}},

	// plus codes: centres of the areas in the Open Location Code test data
	{"7FG49QCJ+2V", []wantPoint{{20.3700625, 2.7821875, KindPlusCode, ""}}},
	{"at 7fg49qcj+2vx.", []wantPoint{{20.3701125, 2.782234375, KindPlusCode, "7fg49qcj+2vx"}}},
	{"4VCPPQGP+Q9", []wantPoint{{-41.2730625, 174.7859375, KindPlusCode, ""}}},
	{"8FVC2222+22", []wantPoint{{47.0000625, 8.0000625, KindPlusCode, ""}}},
	{"6FH32222+222", []wantPoint{{1.0000125, 1.000015625, KindPlusCode, ""}}},

	// degrees, minutes, seconds
	{`10°36'36.7"N 104°10'53.4"E`, []wantPoint{{10 + 36.0/60 + 36.7/3600, 104 + 10.0/60 + 53.4/3600, KindDMS, ""}}},
	{`10°36′36.7″N 104°10′53.4″E`, []wantPoint{{10 + 36.0/60 + 36.7/3600, 104 + 10.0/60 + 53.4/3600, KindDMS, ""}}},
	{`10°36.612'N 104°10.890'E`, []wantPoint{{10.6102, 104.1815, KindDMS, ""}}},
	{`N 10° 36.612 E 104° 10.890`, []wantPoint{{10.6102, 104.1815, KindDMS, ""}}},
	{`S 33° 52.128' E 151° 12.558'`, []wantPoint{{-(33 + 52.128/60), 151 + 12.558/60, KindDMS, ""}}},
	{`10°36'36.7" 104°10'53.4"`, []wantPoint{{10 + 36.0/60 + 36.7/3600, 104 + 10.0/60 + 53.4/3600, KindDMS, ""}}},
	{`10.6102°N, 104.1815°E`, []wantPoint{{10.6102, 104.1815, KindDMS, ""}}},
	{`제 위치 10°36'36.7"N 104°10'53.4"E 입니다`, []wantPoint{{10 + 36.0/60 + 36.7/3600, 104 + 10.0/60 + 53.4/3600, KindDMS, `10°36'36.7"N 104°10'53.4"E`}}},
}

var noPointCases = []string{
	"", "help me please", "ជួយខ្ញុំផង", "도와주세요",
	"call me at 10:30 tomorrow", "meet 10:30-11:45",
	"+855 12 345 678", "+85510000123", "012.345.678", "012 345 678", "+821000001234",
	"I paid 1,500.00 USD", "1.500.000 riel", "$2,500", "3,500,000원", "price 1.500 2.000 each",
	"2024-10-15", "15.10.2024", "10/15/2024", "2024.10.15", "on 10.15.2024 at 10.30",
	"v1.2.3", "version 10.123.456", "iOS 17.4.1", "192.168.100.200",
	"3.5 hours", "it took 12.5 hours and 3.25 km", "10.30 11.45", "score 12.345 67.89",
	"room 10 N, 104 E", "flat 3, long 20", "0.000, 0.000",
	"99.1234, 10.1234", "45.1234, 181.1234", "lat 95 lon 104",
	"https://example.com/?q=10.61,104.18", "https://maps.app.goo.gl/AbCdEf123",
	"https://www.google.com/maps?q=Street+271", "https://shop.example/item/10.6102,104.1815x",
	"J5R2+XX Sihanoukville", "7FG49QCJ+2", "7FG4900J+", "X2222222+22", "7FG49QCJ+2VZ", "00000000+", "7F000000+", "7FG49Q00+",
	`10°75'N 104°10'E`, `10°30'75"N 104°10'E`,
}

func TestFindPoints(t *testing.T) {
	for _, tc := range findCases {
		got := FindPoints(tc.in)
		if len(got) != len(tc.want) {
			t.Errorf("FindPoints(%q) = %+v, want %d points", tc.in, got, len(tc.want))
			continue
		}
		for i, w := range tc.want {
			g := got[i]
			text := w.text
			if text == "" {
				text = tc.in
			}
			if math.Abs(g.Lat-w.lat) > 1e-9 || math.Abs(g.Lon-w.lon) > 1e-9 || g.Kind != w.kind || g.Text != text {
				t.Errorf("FindPoints(%q)[%d] = %+v, want %v,%v %s %q", tc.in, i, g, w.lat, w.lon, w.kind, text)
			}
		}
	}
}

func TestFindPointsRejects(t *testing.T) {
	for _, in := range noPointCases {
		if got := FindPoints(in); got != nil {
			t.Errorf("FindPoints(%q) = %+v, want none", in, got)
		}
	}
}

// A message straight from the field: the point lands in the right province.
func TestFindPointsThenProvince(t *testing.T) {
	msg := "help, we are locked in building C. https://www.google.com/maps?q=10.627,103.522 passport taken"
	got := FindPoints(msg)
	if len(got) != 1 {
		t.Fatalf("got %+v", got)
	}
	if name, ok := ProvinceAt(got[0].Lat, got[0].Lon); !ok || name != "Preah Sihanouk" {
		t.Errorf("province %q, %v", name, ok)
	}
}

func FuzzFindPoints(f *testing.F) {
	for _, tc := range findCases {
		f.Add(tc.in)
	}
	for _, in := range noPointCases {
		f.Add(in)
	}
	kinds := map[string]bool{KindDecimal: true, KindMapLink: true, KindPlusCode: true, KindDMS: true}
	f.Fuzz(func(t *testing.T, in string) {
		prev := 0
		for _, g := range FindPoints(in) {
			if !(g.Lat >= -90 && g.Lat <= 90 && g.Lon >= -180 && g.Lon <= 180) {
				t.Fatalf("%q: point out of range: %+v", in, g)
			}
			if !kinds[g.Kind] {
				t.Fatalf("%q: kind %q", in, g.Kind)
			}
			i := strings.Index(in[prev:], g.Text)
			if g.Text == "" || i < 0 {
				t.Fatalf("%q: %q not found in order after offset %d", in, g.Text, prev)
			}
			prev += i + len(g.Text)
			// The matched text alone says the same thing.
			if again := FindPoints(g.Text); len(again) != 1 || again[0] != g {
				t.Fatalf("%q: %+v, but its text alone gives %+v", in, g, again)
			}
		}
	})
}

var benchMessages = map[string]string{
	"no-digit":  "제발 도와주세요. 여권을 빼앗겼고 건물 밖으로 나갈 수 없습니다. They took our phones and beat a man yesterday, please hurry.",
	"no-coords": "My brother +821000001234 was taken on 2024-10-15 at 10:30, they want 3,500 USD. Room 12, 5th floor, building C.",
	"decimal":   "제발 도와주세요. 여권을 빼앗겼습니다. We are at 10.6102, 104.1815 in building C, 5th floor, please hurry.",
	"maplink":   "help us https://www.google.com/maps/place/Some+Name/@10.6102,104.1815,17z/data=!3m1!4b1 building C",
}

func BenchmarkFindPoints(b *testing.B) {
	for _, name := range []string{"no-digit", "no-coords", "decimal", "maplink"} {
		msg := benchMessages[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				FindPoints(msg)
			}
		})
	}
}
