package triage

import (
	"strings"
	"testing"

	"hotline/triage/geo"
)

var canonicalProvinces = map[string]bool{}

func init() {
	for _, p := range strings.Split("Banteay Meanchey, Battambang, Kampong Cham, Kampong Chhnang, Kampong Speu, Kampong Thom, Kampot, Kandal, Kep, Koh Kong, Kratie, Mondulkiri, Oddar Meanchey, Pailin, Phnom Penh, Preah Sihanouk, Preah Vihear, Prey Veng, Pursat, Ratanakiri, Siem Reap, Stung Treng, Svay Rieng, Takeo, Tbong Khmum", ",") {
		canonicalProvinces[strings.TrimSpace(p)] = true
	}
}

// TestGazetteerValid checks every place line: a known province for
// Cambodian places, none elsewhere, an ISO country, and coordinates that
// fall inside the named province.
func TestGazetteerValid(t *testing.T) {
	provinces := map[string]bool{}
	names := map[string]int{}
	for _, p := range eng.places {
		if p.kind == "ignore" {
			continue
		}
		if len(p.country) != 2 || strings.ToUpper(p.country) != p.country {
			t.Errorf("gazetteer.tsv:%d: country %q is not ISO alpha-2", p.line, p.country)
		}
		if p.country == "KH" && p.kind != "country" {
			if !canonicalProvinces[p.province] {
				t.Errorf("gazetteer.tsv:%d: province %q is not one of the 25", p.line, p.province)
				continue
			}
			got, ok := geo.ProvinceAt(p.lat, p.lon)
			if !ok || got != p.province {
				t.Errorf("gazetteer.tsv:%d: %s at %.4f,%.4f lies in %q, not %s", p.line, p.name, p.lat, p.lon, got, p.province)
			}
		}
		if p.country != "KH" && p.province != "" {
			t.Errorf("gazetteer.tsv:%d: a place outside Cambodia has province %q", p.line, p.province)
		}
		if p.kind == "province" {
			if p.name != p.province {
				t.Errorf("gazetteer.tsv:%d: province line named %q, want the canonical %q first", p.line, p.name, p.province)
			}
			provinces[p.province] = true
		}
		for _, n := range p.names {
			k := normalizeString(n)
			if prev, dup := names[k]; dup {
				t.Errorf("gazetteer.tsv:%d: name %q also on line %d", p.line, n, prev)
			}
			names[k] = p.line
		}
	}
	for p := range canonicalProvinces {
		if !provinces[p] {
			t.Errorf("gazetteer.tsv: no line for province %s", p)
		}
	}
}

// TestLexiconValid checks that no pattern means two different things in
// the same table and language, and that level-less lines are modifiers.
func TestLexiconValid(t *testing.T) {
	type key struct{ pat, lang string }
	seen := map[key]signalEntry{}
	for _, s := range eng.signals {
		k := key{s.pattern, s.lang}
		if s.lang == "kmr" {
			k.pat = foldString(s.pattern)
		} else {
			k.pat = normalizeString(s.pattern)
		}
		if prev, dup := seen[k]; dup {
			if prev.signal != s.signal || prev.level != s.level {
				t.Errorf("lexicon.tsv:%d: %q is %s/%s here and %s/%s on line %d", s.line, s.pattern, s.signal, s.level, prev.signal, prev.level, prev.line)
			} else {
				t.Errorf("lexicon.tsv:%d: %q repeats line %d", s.line, s.pattern, prev.line)
			}
		}
		seen[k] = s
		if s.note == "" {
			t.Errorf("lexicon.tsv:%d: %q has no note for staff", s.line, s.pattern)
		}
	}
	cues := map[key]string{}
	for _, c := range eng.cues {
		k := key{c.pattern + "/" + c.kind, c.lang}
		if _, dup := cues[k]; dup {
			t.Errorf("cues.tsv:%d: %q %s repeated", c.line, c.pattern, c.kind)
		}
		cues[k] = c.kind
	}
	reps := map[key]string{}
	for _, r := range eng.reporters {
		k := key{r.pattern, r.lang}
		if prev, dup := reps[k]; dup {
			t.Errorf("reporter.tsv:%d: %q is %s here and %s before", r.line, r.pattern, r.reporter, prev)
		}
		reps[k] = string(r.reporter)
	}
}

// TestEveryPlaceIsFound runs each gazetteer name through Classify in a
// sentence that puts the person there and expects its province and
// country back.
func TestEveryPlaceIsFound(t *testing.T) {
	for _, p := range eng.places {
		if p.kind == "ignore" {
			continue
		}
		for _, n := range p.names {
			r := Classify(Input{Text: "I am in " + n + " now"})
			if r.Country != p.country || r.Province != p.province {
				t.Errorf("gazetteer.tsv:%d: %q gave %q/%q, want %q/%q", p.line, n, r.Country, r.Province, p.country, p.province)
			}
		}
	}
}
