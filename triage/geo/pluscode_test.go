package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// encodeOLC is a plain floating-point encoder written from the public
// specification, used to check the decoder on points we choose.
func encodeOLC(lat, lon float64, n int) string {
	lat, lon = lat+90, lon+180
	var b []byte
	res := 20.0
	for i := 0; i < 5 && len(b) < n; i++ {
		d, e := int(lat/res), int(lon/res)
		lat -= float64(d) * res
		lon -= float64(e) * res
		b = append(b, olcAlphabet[d], olcAlphabet[e])
		res /= 20
	}
	latR, lonR := res*20, res*20
	for len(b) < n {
		latR /= 5
		lonR /= 4
		r, c := int(lat/latR), int(lon/lonR)
		lat -= float64(r) * latR
		lon -= float64(c) * lonR
		b = append(b, olcAlphabet[r*4+c])
	}
	return string(b[:8]) + "+" + string(b[8:])
}

func TestPlusCodeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		// Cambodia and around, where codes start "7P"/"7Q".
		lat := 9.5 + 5.5*rng.Float64()
		lon := 102 + 6*rng.Float64()
		for _, n := range []int{10, 11, 12} {
			code := encodeOLC(lat, lon, n)
			p, ok := decodePlusCode(code)
			if !ok {
				t.Fatalf("decode(%s) failed", code)
			}
			latCell := 1.0 / 8000 / math.Pow(5, float64(n-10))
			lonCell := 1.0 / 8000 / math.Pow(4, float64(n-10))
			if math.Abs(p.Lat-lat) > latCell/2+1e-9 || math.Abs(p.Lon-lon) > lonCell/2+1e-9 {
				t.Fatalf("decode(%s) = %v, encoded from %v,%v", code, p, lat, lon)
			}
			if again := encodeOLC(p.Lat, p.Lon, n); again != code {
				t.Fatalf("centre of %s encodes as %s", code, again)
			}
		}
	}
}

func TestPlusCodeInMessage(t *testing.T) {
	code := encodeOLC(10.627, 103.522, 10) // Sihanoukville
	got := FindPoints("we are at " + code + " building C")
	if len(got) != 1 || got[0].Kind != KindPlusCode || got[0].Text != code {
		t.Fatalf("FindPoints with %s = %+v", code, got)
	}
	if name, ok := ProvinceAt(got[0].Lat, got[0].Lon); name != "Preah Sihanouk" || !ok {
		t.Errorf("%s lies in %q", code, name)
	}
}
